"""Every event rule, judged by the pure core with an in-memory context."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput
from valueflows.domain.model import (
    Agent,
    AgentType,
    EconomicEvent,
    EconomicResource,
    Process,
    ResourceSpecification,
)
from valueflows.domain.quantities import Measure
from valueflows.domain.rules import EventContext, check_event
from valueflows.domain.units import STANDARD_UNITS

T = datetime(2026, 3, 1, 9, tzinfo=UTC)
ANA = Agent("ana", "Ana", AgentType.PERSON)
COOP = Agent("coop", "Coop", AgentType.ORGANIZATION)
STEEL = ResourceSpecification("steel", "Steel", default_unit_of_resource="kilogram")
DESIGN = ResourceSpecification("design", "Design", default_unit_of_effort="hour")
STOCK = EconomicResource("stock", "steel stock", "steel", "kilogram", Decimal(10), Decimal(10), "coop", "coop")
PLAN = EconomicResource("plan", "seeder plans", "design", "one", Decimal(1), Decimal(1), "coop", "coop",
                        unit_of_effort="hour", licence="CC-BY-SA-4.0")
BUILD = Process("build", "Build a seeder")


def ctx(**overrides: object) -> EventContext:
    base = EventContext(
        agents={"ana": ANA, "coop": COOP},
        resources={"stock": STOCK, "plan": PLAN},
        specs={"steel": STEEL, "design": DESIGN},
        processes={"build": BUILD},
        units={u.id: u for u in STANDARD_UNITS},
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def ev(action: str, **fields: object) -> EventInput:
    fields.setdefault("has_point_in_time", T)
    return EventInput(action=action, provider=str(fields.pop("provider", "coop")),
                      receiver=str(fields.pop("receiver", "coop")), **fields)  # type: ignore[arg-type]


def kg(value: object) -> MeasureInput:
    return MeasureInput(value, "kilogram")


def hours(value: object) -> MeasureInput:
    return MeasureInput(value, "hour")


def codes(request: EventInput, context: EventContext | None = None) -> set[tuple[str, str]]:
    with pytest.raises(RuleViolation) as caught:
        check_event(request, context or ctx(), "new")
    return {(p.field, p.code) for p in caught.value.problems}


# -- accepted events ---------------------------------------------------------------------------------------

def test_consume_decrements_both_quantities() -> None:
    plan = check_event(ev("consume", resource_inventoried_as="stock", resource_quantity=kg("2.5"),
                          input_of="build"), ctx(), "e1")
    assert plan.event.id == "e1" and plan.event.resource_conforms_to == "steel"
    (res,) = plan.updated_resources
    assert (res.accounting_quantity, res.onhand_quantity) == (Decimal("7.5"), Decimal("7.5"))


def test_produce_creates_the_resource_it_names() -> None:
    plan = check_event(ev("produce", resource_quantity=kg("4"), output_of="build",
                          new_resource=NewResourceInput("frame", conforms_to="steel", licence="CERN-OHL-S-2.0")),
                       ctx(), "e2")
    (res,) = plan.new_resources
    assert res.id == "e2.resource" and res.licence == "CERN-OHL-S-2.0"
    assert (res.accounting_quantity, res.onhand_quantity, res.primary_accountable) == (Decimal(4), Decimal(4), "coop")
    assert plan.event.resource_inventoried_as == res.id and plan.updated_resources == ()


def test_transfer_creates_the_receivers_resource_and_moves_rights_and_custody() -> None:
    plan = check_event(ev("transfer", receiver="ana", resource_inventoried_as="stock", resource_quantity=kg(3)),
                       ctx(), "t1")
    (to,) = plan.new_resources
    assert (to.primary_accountable, to.custodian, to.accounting_quantity, to.onhand_quantity) == (
        "ana", "ana", Decimal(3), Decimal(3))
    assert plan.updated_resources[0].accounting_quantity == Decimal(7)
    assert plan.event.to_resource_inventoried_as == to.id


def test_transfer_custody_keeps_rights_with_the_provider() -> None:
    plan = check_event(ev("transferCustody", receiver="ana", resource_inventoried_as="stock", resource_quantity=kg(3)),
                       ctx(), "t2")
    (to,) = plan.new_resources
    assert (to.primary_accountable, to.custodian, to.accounting_quantity, to.onhand_quantity) == (
        "coop", "ana", Decimal(0), Decimal(3))
    assert plan.updated_resources[0].accounting_quantity == Decimal(10)
    assert plan.updated_resources[0].onhand_quantity == Decimal(7)


def test_work_counts_effort_and_touches_no_resource() -> None:
    plan = check_event(ev("work", provider="ana", effort_quantity=hours("7.25"), resource_conforms_to="design",
                          input_of="build"), ctx(), "w1")
    assert plan.event.effort_quantity == Measure(Decimal("7.25"), "hour")
    assert plan.new_resources == () and plan.updated_resources == ()


def test_use_and_cite_change_no_quantity() -> None:
    use = check_event(ev("use", resource_inventoried_as="plan", effort_quantity=hours(3), input_of="build"), ctx(), "u")
    cite = check_event(ev("cite", resource_inventoried_as="plan", resource_quantity=MeasureInput(1, "one")), ctx(), "c")
    assert use.updated_resources == () and cite.updated_resources == ()


def test_beginning_and_end_instead_of_point_in_time() -> None:
    plan = check_event(ev("work", provider="ana", effort_quantity=hours(2), has_point_in_time=None,
                          has_beginning=T, has_end=T.replace(hour=11)), ctx(), "w")
    assert plan.event.when == T.replace(hour=11)


# -- refused events ----------------------------------------------------------------------------------------

def test_unknown_references_are_each_named() -> None:
    found = codes(ev("consume", provider="nobody", receiver="ghost", resource_inventoried_as="nothing",
                     resource_quantity=MeasureInput(1, "furlong"), input_of="nowhere", resource_conforms_to="x"))
    assert {("provider", "unknown_agent"), ("receiver", "unknown_agent"),
            ("resourceInventoriedAs", "unknown_resource"), ("resourceQuantity.hasUnit", "unknown_unit"),
            ("inputOf", "unknown_process"), ("resourceConformsTo", "unknown_resource_specification")} <= found


def test_unknown_action() -> None:
    assert ("action", "unknown_action") in codes(ev("steal", resource_quantity=kg(1)))


@pytest.mark.parametrize(("value", "code"), [("-1", "negative"), ("NaN", "not_finite"), ("Infinity", "not_finite"),
                                             (1.5, "not_decimal"), ("ten", "not_decimal"), ("1" * 30, "too_large")])
def test_bad_quantities(value: object, code: str) -> None:
    found = codes(ev("consume", resource_inventoried_as="stock", resource_quantity=kg(value)))
    assert ("resourceQuantity.hasNumericalValue", code) in found


def test_unit_must_match_the_resource() -> None:
    found = codes(ev("consume", resource_inventoried_as="stock", resource_quantity=MeasureInput(1, "litre")))
    assert found == {("resourceQuantity.hasUnit", "unit_mismatch")}


def test_effort_unit_must_match_the_resources_unit_of_effort() -> None:
    found = codes(ev("use", resource_inventoried_as="plan", effort_quantity=MeasureInput(1, "day"), input_of="build"))
    assert found == {("effortQuantity.hasUnit", "unit_mismatch")}


def test_work_is_measured_in_time() -> None:
    assert codes(ev("work", provider="ana", effort_quantity=kg(3))) == {("effortQuantity.hasUnit", "unit_mismatch")}


def test_required_and_forbidden_fields() -> None:
    assert codes(ev("work", provider="ana")) == {("effortQuantity", "required")}
    assert ("resourceQuantity", "forbidden") in codes(ev("work", provider="ana", effort_quantity=hours(1),
                                                         resource_quantity=kg(1)))
    assert ("resourceInventoriedAs", "forbidden") in codes(ev("work", effort_quantity=hours(1),
                                                              resource_inventoried_as="stock"))
    assert codes(ev("consume", resource_quantity=kg(1))) == {("resourceInventoriedAs", "required")}
    assert codes(ev("consume", resource_inventoried_as="stock")) == {("resourceQuantity", "required")}
    assert ("resourceInventoriedAs", "required") in codes(ev("produce", resource_quantity=kg(1)))
    assert ("toResourceInventoriedAs", "forbidden") in codes(
        ev("consume", resource_inventoried_as="stock", resource_quantity=kg(1), to_resource_inventoried_as="plan"))
    assert ("effortQuantity", "required") in codes(ev("use", resource_inventoried_as="plan"))


def test_process_links_follow_input_output() -> None:
    assert codes(ev("consume", resource_inventoried_as="stock", resource_quantity=kg(1), output_of="build")) == {
        ("outputOf", "forbidden")}
    assert codes(ev("raise", resource_inventoried_as="stock", resource_quantity=kg(1), input_of="build")) == {
        ("inputOf", "forbidden")}
    assert codes(ev("accept", resource_inventoried_as="stock", resource_quantity=kg(1))) == {("inputOf", "required")}


def test_time_is_required_zoned_and_ordered() -> None:
    assert ("hasPointInTime", "required") in codes(ev("work", effort_quantity=hours(1), has_point_in_time=None))
    assert ("hasPointInTime", "no_timezone") in codes(
        ev("work", effort_quantity=hours(1), has_point_in_time=datetime(2026, 1, 1)))
    assert ("hasEnd", "before_beginning") in codes(ev("work", effort_quantity=hours(1), has_point_in_time=None,
                                                      has_beginning=T, has_end=T.replace(hour=8)))
    assert ("hasPointInTime", "conflict") in codes(ev("work", effort_quantity=hours(1), has_beginning=T))


def test_onhand_cannot_go_below_zero() -> None:
    found = codes(ev("consume", resource_inventoried_as="stock", resource_quantity=kg("10.001")))
    assert found == {("resourceQuantity", "below_zero")}
    # exactly all of it is fine
    check_event(ev("consume", resource_inventoried_as="stock", resource_quantity=kg("10")), ctx(), "ok")


def test_only_the_accountable_agent_transfers_rights() -> None:
    assert codes(ev("transfer", provider="ana", receiver="coop", resource_inventoried_as="stock",
                    resource_quantity=kg(1))) == {("provider", "not_accountable")}


def test_duplicate_client_id_and_bad_id() -> None:
    assert codes(ev("work", effort_quantity=hours(1), id="w1"), ctx(taken_ids=frozenset({"w1"}))) == {
        ("id", "duplicate_id")}
    assert ("id", "bad_id") in codes(ev("work", effort_quantity=hours(1), id="has space"))


# -- corrections -------------------------------------------------------------------------------------------

OLD = EconomicEvent("old", "consume", "coop", "coop", resource_inventoried_as="stock",
                    resource_quantity=Measure(Decimal(4), "kilogram"), has_point_in_time=T)


def test_a_correction_replaces_the_effect_of_the_event_it_corrects() -> None:
    # stock now holds 10 after OLD took 4; correcting OLD to 1 gives 3 back.
    plan = check_event(ev("consume", corrects="old", resource_quantity=kg(1)), ctx(events={"old": OLD}), "fix")
    assert plan.event.resource_inventoried_as == "stock"
    assert plan.updated_resources[0].onhand_quantity == Decimal(13)


def test_an_event_is_corrected_only_once() -> None:
    context = ctx(events={"old": OLD}, corrected_by={"old": "fix1"})
    assert ("corrects", "already_corrected") in codes(ev("consume", corrects="old", resource_quantity=kg(1)), context)


def test_a_correction_keeps_action_and_resource() -> None:
    context = ctx(events={"old": OLD})
    assert ("action", "correction_changes_action") in codes(ev("lower", corrects="old", resource_quantity=kg(1)),
                                                            context)
    assert ("resourceInventoriedAs", "correction_changes_resource") in codes(
        ev("consume", corrects="old", resource_inventoried_as="plan", resource_quantity=kg(1)), context)


def test_correction_loops_are_refused() -> None:
    a = replace(OLD, id="a", corrects="b")
    b = replace(OLD, id="b", corrects="new")
    context = ctx(events={"a": a, "b": b})
    assert ("corrects", "correction_loop") in codes(ev("consume", id="new", corrects="a", resource_quantity=kg(1)),
                                                    context)


def test_unknown_correction_target() -> None:
    assert ("corrects", "unknown_event") in codes(ev("consume", corrects="nope", resource_quantity=kg(1)))
