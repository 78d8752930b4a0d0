"""The planning layer's rules, pure: intents (offers and requests), commitments, what fulfils and satisfies them,
and their progress."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.model import EconomicEvent, EconomicResource
from valueflows.domain.planning import (
    FlowInput,
    LinkInput,
    PlanningContext,
    check_commitment,
    check_fulfillment,
    check_intent,
    check_satisfaction,
    progress,
)
from valueflows.domain.quantities import Measure

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
DRILLS = EconomicResource("drills", "Seed drills", "seed-drill", "one", D(8), D(8), "atelier", "atelier")
CTX = PlanningContext(agents={"atelier", "farm", "ana"}, units={"one", "hour", "kilogram", "EUR"},
                      specifications={"seed-drill", "design-work"}, process_specifications={"assembly"},
                      processes={"build"}, plans={"plan-1"}, agreements={"deal"}, resources={"drills": DRILLS})


def problems(exc: pytest.ExceptionInfo[RuleViolation]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in exc.value.problems}


def three(unit: str = "one", value: object = "3") -> MeasureInput:
    return MeasureInput(value, unit)


def test_an_offer_and_a_request() -> None:
    offer = check_intent(FlowInput("transfer", provider="atelier", resource_conforms_to="seed-drill",
                                   resource_quantity=three(), available_quantity=three(value="8"),
                                   name="Seed drills", due=NOW), CTX, "i1")
    assert (offer.id, offer.provider, offer.receiver, offer.resource_quantity) == ("i1", "atelier", None,
                                                                                  Measure(D(3), "one"))
    assert offer.available_quantity == Measure(D(8), "one")
    request = check_intent(FlowInput("transfer", receiver="farm", resource_quantity=three(), id="want-drills"), CTX,
                           "unused")
    assert request.id == "want-drills" and request.provider is None


def test_an_intent_refuses_every_problem_at_once() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_intent(FlowInput("fly", resource_quantity=MeasureInput("-1", "parsec"), resource_conforms_to="rocket",
                               available_quantity=three("kilogram"), clause_of="deal", has_point_in_time=NOW,
                               has_beginning=NOW, note="x" * 10_001), CTX, "i1")
    assert problems(refused) == {
        ("action", "unknown_action"), ("provider", "required"), ("resourceQuantity.hasNumericalValue", "negative"),
        ("resourceQuantity.hasUnit", "unknown_unit"), ("resourceConformsTo", "unknown_resource_specification"),
        ("clauseOf", "forbidden"), ("hasPointInTime", "conflict"), ("note", "too_long")}


def test_a_commitment_is_a_promise_from_a_provider_to_a_receiver() -> None:
    promise = check_commitment(FlowInput("produce", provider="atelier", receiver="atelier", output_of="build",
                                         resource_conforms_to="seed-drill", resource_quantity=three(),
                                         independent_demand_of="plan-1", clause_of="deal", stage="assembly", due=NOW),
                               CTX, "c1", NOW)
    assert (promise.output_of, promise.clause_of, promise.created) == ("build", "deal", NOW)
    with pytest.raises(RuleViolation) as refused:
        check_commitment(FlowInput("produce", provider="atelier", input_of="build", planned_within="plan-9",
                                   available_quantity=three(), effort_quantity=MeasureInput("2", "hour")),
                         CTX, "c2", NOW)
    assert problems(refused) == {("receiver", "required"), ("inputOf", "forbidden"), ("plannedWithin", "unknown_plan"),
                                 ("availableQuantity", "forbidden"), ("effortQuantity", "forbidden")}
    with pytest.raises(RuleViolation) as nothing:
        check_commitment(FlowInput("work", provider="ana", receiver="atelier"), CTX, "c3", NOW)
    assert problems(nothing) == {("resourceQuantity", "required")}


def test_a_flow_about_a_resource_speaks_its_unit_and_specification() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_intent(FlowInput("transfer", provider="atelier", resource_inventoried_as="drills",
                               resource_conforms_to="design-work", resource_quantity=three("kilogram")), CTX, "i1")
    assert problems(refused) == {("resourceConformsTo", "mismatch"), ("resourceQuantity.hasUnit", "unit_mismatch")}
    with pytest.raises(RuleViolation) as both:
        check_commitment(FlowInput("use", provider="ana", receiver="atelier", input_of="build", output_of="build",
                                   effort_quantity=MeasureInput("2", "hour")), CTX, "c1", NOW)
    assert problems(both) == {("outputOf", "forbidden"), ("outputOf", "conflict")}


def work_event(event_id: str, hours: str, action: str = "work") -> EconomicEvent:
    return EconomicEvent(event_id, action, "ana", "atelier", effort_quantity=Measure(D(hours), "hour"),
                         has_point_in_time=NOW)


def test_events_fulfil_a_commitment_and_its_progress_counts_them() -> None:
    promise = check_commitment(FlowInput("work", provider="ana", receiver="atelier", input_of="build",
                                         effort_quantity=MeasureInput("10", "hour")), CTX, "c1", NOW)
    first = check_fulfillment(LinkInput("c1", "e1"), promise, work_event("e1", "6"), CTX.units, "f1")
    assert first.effort_quantity == Measure(D(6), "hour")  # by default, the whole event
    part = check_fulfillment(LinkInput("c1", "e2", effort_quantity=MeasureInput("3", "hour")), promise,
                             work_event("e2", "8"), CTX.units, "f2")
    half = progress(promise, [first])
    assert (half.unit, half.planned, half.done, half.remaining, half.over, half.complete) == (
        "hour", D(10), D(6), D(4), D(0), False)
    assert progress(promise, [first, part]).remaining == D(1)
    extra = check_fulfillment(LinkInput("c1", "e3"), promise, work_event("e3", "2"), CTX.units, "f3")
    done = progress(promise, [first, part, extra])
    assert (done.done, done.remaining, done.over, done.complete) == (D(11), D(0), D(1), True)  # over-fulfilled


def test_a_fulfilment_of_another_action_or_unit_is_refused() -> None:
    promise = check_commitment(FlowInput("work", provider="ana", receiver="atelier",
                                         effort_quantity=MeasureInput("10", "hour")), CTX, "c1", NOW)
    with pytest.raises(RuleViolation) as refused:
        check_fulfillment(LinkInput("c1", "e1", resource_quantity=three("kilogram")), promise,
                          work_event("e1", "1", action="deliverService"), CTX.units, "f1")
    assert problems(refused) == {("fulfilledBy", "action_mismatch"), ("fulfilledBy", "unit_mismatch")}
    with pytest.raises(RuleViolation) as missing:
        check_fulfillment(LinkInput("c9", "e9"), None, None, CTX.units, "f1", taken={"f1"})
    assert problems(missing) == {("fulfills", "unknown_commitment"), ("fulfilledBy", "unknown_event")}


def test_a_request_is_satisfied_by_a_commitment_then_by_the_event() -> None:
    request = check_intent(FlowInput("transfer", receiver="farm", resource_conforms_to="seed-drill",
                                     resource_quantity=three()), CTX, "want")
    promise = check_commitment(FlowInput("transfer", provider="atelier", receiver="farm",
                                         resource_quantity=three()), CTX, "c1", NOW)
    by_promise = check_satisfaction(LinkInput("want", "c1"), request, promise, CTX.units, "s1")
    assert by_promise.resource_quantity == Measure(D(3), "one") and progress(request, [by_promise]).complete
    delivered = EconomicEvent("e1", "transfer", "atelier", "farm", resource_quantity=Measure(D(2), "one"),
                              resource_inventoried_as="drills", has_point_in_time=NOW)
    assert progress(request, [check_satisfaction(LinkInput("want", "e1"), request, delivered, CTX.units, "s2")]
                    ).remaining == D(1)
    with pytest.raises(RuleViolation) as refused:
        check_satisfaction(LinkInput("want", "e2"), request, work_event("e2", "1"), CTX.units, "s3")
    assert problems(refused) == {("satisfiedBy", "action_mismatch"), ("satisfiedBy", "unit_mismatch")}
