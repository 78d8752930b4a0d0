"""The planning layer through its use cases, on SQLite, PostgreSQL and the in-memory store: a farm requests seed
drills, the co-op offers them, promises them in a plan under an agreement, and the events fulfil and satisfy them;
who may write and see each record; chained and verified; refusals write nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import update

from valueflows.domain.access import Forbidden, Principal, Scope, Unauthenticated
from valueflows.domain.errors import IdempotencyConflict, NotFound, RuleViolation
from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.domain.planning import AgreementInput, FlowInput, LinkInput, PlanInput
from valueflows.domain.quantities import Measure
from valueflows.service import ledger, planning, records
from valueflows.service.queries import ledger_size
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork
from valueflows.store.tables import commitments

T = datetime(2026, 12, 1, 9, tzinfo=UTC)
FARM = Principal("farm", Scope.WRITE)
ATELIER = Principal("atelier", Scope.WRITE)
ANA = Principal("ana", Scope.WRITE)
STRANGER = Principal("stranger", Scope.WRITE)


def drills(n: str) -> MeasureInput:
    return MeasureInput(n, "one")


@pytest.fixture
def world(uow: UnitOfWork) -> UnitOfWork:
    for name, kind, agent_id in (("Atelier", "Organization", "atelier"), ("Farm", "Organization", "farm"),
                                 ("Ana", "Person", "ana"), ("Stranger", "Person", "stranger")):
        records.create_agent(uow, AgentInput(name, kind, id=agent_id))
    records.create_specification(uow, SpecificationInput("Seed drill", id="seed-drill", default_unit_of_resource="one"))
    ledger.record_event(uow, EventInput("raise", "atelier", "atelier", resource_quantity=drills("5"),
                                        has_point_in_time=T, new_resource=NewResourceInput(
                                            "Seed drills", conforms_to="seed-drill", id="drills")))
    return uow


def test_a_request_an_offer_a_promise_and_the_events_that_keep_it(world: UnitOfWork) -> None:
    uow = world
    want = planning.create_intent(uow.acting_as(FARM), FlowInput(
        "transfer", receiver="farm", resource_conforms_to="seed-drill", resource_quantity=drills("3"),
        due=T, id="want-drills"), key="want").record
    offer = planning.create_intent(uow.acting_as(ATELIER), FlowInput(
        "transfer", provider="atelier", resource_conforms_to="seed-drill", resource_quantity=drills("1"),
        available_quantity=drills("5"), name="Seed drills, built to order")).record
    assert (want.receiver, offer.provider, offer.available_quantity) == ("farm", "atelier", Measure(D(5), "one"))

    deal = planning.create_agreement(uow.acting_as(ATELIER), AgreementInput("Three seed drills for the farm")).record
    build = planning.create_plan(uow.acting_as(ATELIER), PlanInput("Build and deliver", due=T, id="plan-1")).record
    promise = planning.create_commitment(uow.acting_as(ATELIER), FlowInput(
        "transfer", provider="atelier", receiver="farm", resource_inventoried_as="drills",
        resource_quantity=drills("3"), clause_of=deal.id, independent_demand_of=build.id, due=T), key="promise").record
    assert promise.created is not None and promise.clause_of == deal.id
    planning.satisfy(uow.acting_as(ATELIER), LinkInput("want-drills", promise.id))

    delivered = []
    for n in ("2", "2"):  # two deliveries: the second goes one beyond the promise
        delivered.append(ledger.record_event(uow.acting_as(ATELIER), EventInput(
            "transfer", "atelier", "farm", resource_inventoried_as="drills", resource_quantity=drills(n),
            has_point_in_time=T)).event.id)
        planning.fulfil(uow.acting_as(ATELIER), LinkInput(promise.id, delivered[-1]))
    kept = planning.commitment(uow.acting_as(FARM), promise.id)
    assert sorted(f.fulfilled_by for f in kept.fulfillments) == sorted(delivered)
    assert (kept.progress.done, kept.progress.remaining, kept.progress.over) == (D(4), D(0), D(1))
    asked = planning.intent(uow, "want-drills")
    assert asked.progress.complete and [s.satisfied_by for s in asked.satisfactions] == [promise.id]
    assert verify(uow).ok


def test_who_may_write_what(world: UnitOfWork) -> None:
    uow = world
    offer = FlowInput("transfer", provider="atelier", resource_quantity=drills("1"))
    with pytest.raises(Unauthenticated):
        planning.create_intent(uow.acting_as(Principal()), offer)
    with pytest.raises(Forbidden):
        planning.create_intent(uow.acting_as(Principal("atelier", Scope.READ)), offer)
    with pytest.raises(Forbidden):  # an offer is the provider's to make
        planning.create_intent(uow.acting_as(FARM), offer)
    promise = FlowInput("transfer", provider="atelier", receiver="farm", resource_quantity=drills("1"))
    with pytest.raises(Forbidden):
        planning.create_commitment(uow.acting_as(STRANGER), promise)
    made = planning.create_commitment(uow.acting_as(FARM), promise).record  # the receiver may record it
    event = ledger.record_event(uow, EventInput("transfer", "atelier", "farm", resource_inventoried_as="drills",
                                                resource_quantity=drills("1"), has_point_in_time=T)).event.id
    with pytest.raises(Forbidden):
        planning.fulfil(uow.acting_as(STRANGER), LinkInput(made.id, event))
    assert planning.fulfil(uow.acting_as(FARM), LinkInput(made.id, event)).record.fulfills == made.id


def test_a_persons_promise_is_theirs_and_their_organizations(world: UnitOfWork) -> None:
    uow = world
    promise = planning.create_commitment(uow.acting_as(ANA), FlowInput(
        "work", provider="ana", receiver="atelier", effort_quantity=MeasureInput("6", "hour"))).record
    for who in (ANA, Principal("atelier", Scope.READ), Principal("admin", Scope.ADMIN)):
        assert planning.commitment(uow.acting_as(who), promise.id).commitment == promise
    for who in (STRANGER, Principal()):
        with pytest.raises(NotFound):
            planning.commitment(uow.acting_as(who), promise.id)
    work = ledger.record_event(uow, EventInput("work", "ana", "atelier", effort_quantity=MeasureInput("4", "hour"),
                                               has_point_in_time=T)).event.id
    planning.fulfil(uow, LinkInput(promise.id, work))
    shown = planning.commitment(uow.acting_as(ANA), promise.id)
    assert len(shown.fulfillments) == 1 and shown.progress.remaining == D(2)


def test_refusals_write_nothing_and_keys_replay(world: UnitOfWork) -> None:
    uow = world
    before = ledger_size(uow)
    with pytest.raises(RuleViolation) as refused:
        planning.create_commitment(uow, FlowInput("transfer", provider="atelier", receiver="nobody",
                                                  resource_quantity=drills("1"), clause_of="no-deal",
                                                  planned_within="no-plan"))
    assert {p.code for p in refused.value.problems} == {"unknown_agent", "unknown_agreement", "unknown_plan"}
    with pytest.raises(RuleViolation):
        planning.create_plan(uow, PlanInput("   "))
    with pytest.raises(RuleViolation) as linked:
        planning.fulfil(uow, LinkInput("no-commitment", "no-event"))
    assert {p.field for p in linked.value.problems} == {"fulfills", "fulfilledBy"}
    assert ledger_size(uow) == before
    first = planning.create_plan(uow, PlanInput("Spring build"), key="plan-key")
    again = planning.create_plan(uow, PlanInput("Spring build"), key="plan-key")
    assert again.replayed and again.record == first.record
    with pytest.raises(IdempotencyConflict):
        planning.create_plan(uow, PlanInput("Autumn build"), key="plan-key")


@pytest.mark.sql_store
def test_verify_notices_a_promise_changed_behind_the_chains_back(world: UnitOfWork) -> None:
    made = planning.create_commitment(world, FlowInput("transfer", provider="atelier", receiver="farm",
                                                       resource_quantity=drills("3"))).record
    assert verify(world).ok
    with world.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(commitments).where(commitments.c.id == made.id).values(resource_quantity_value=D(30)))
    report = verify(world)
    assert not report.ok and f"commitment {made.id}" in str(report.first)


def test_when_and_by_whom_a_record_was_made_is_kept_by_an_import_only(world: UnitOfWork) -> None:
    """An import restores another ledger's records as they were made (an admin's door); a member's token cannot
    back-date a promise or publish a proposal in another agent's name."""
    from valueflows.domain.proposals import ProposalInput
    from valueflows.service import proposals

    uow = world
    made = datetime(2025, 6, 1, 9, tzinfo=UTC)
    promise = FlowInput("work", "ana", "atelier", effort_quantity=MeasureInput("4", "hour"), created=made)
    with pytest.raises(Forbidden, match="importing a ledger"):
        planning.create_commitment(uow.acting_as(Principal("ana", Scope.WRITE)), promise)
    with pytest.raises(Forbidden, match="importing a ledger"):
        proposals.create_proposal(uow.acting_as(ATELIER), ProposalInput("Drills", proposed_by="ana"))
    with pytest.raises(Forbidden):
        planning.create_plan(uow.acting_as(ATELIER), PlanInput("Spring", created=made))
    assert planning.create_commitment(uow, promise).record.created == made
    kept = proposals.create_proposal(uow, ProposalInput("Drills", created=made, proposed_by="atelier")).record
    assert (kept.created, kept.proposed_by) == (made, "atelier")
    with pytest.raises(RuleViolation, match="no agent with id 'nobody'"):
        proposals.create_proposal(uow, ProposalInput("Drills", proposed_by="nobody"))
    with pytest.raises(RuleViolation, match="created"):
        planning.create_agreement(uow, AgreementInput("Deal", created=datetime(2025, 6, 1)))  # no time zone
