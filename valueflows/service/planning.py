"""Use cases of the planning layer: agreements, plans, intents (offers and requests), commitments, and what fulfils
or satisfies them, with their progress. Each is one transaction, asks the access policy, and lets the core
(`domain/planning.py`) judge the request; every record is chained like the rest of the ledger."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from valueflows.domain import access
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.limits import MAX_NAME, MAX_NOTE, MAX_PAGE
from valueflows.domain.planning import (
    Agreement,
    AgreementInput,
    Commitment,
    FlowInput,
    Fulfillment,
    Intent,
    LinkInput,
    Plan,
    PlanInput,
    PlanningContext,
    Progress,
    Satisfaction,
    check_commitment,
    check_fulfillment,
    check_intent,
    check_satisfaction,
    measure_input,
    progress,
    revised_request,
)
from valueflows.domain.rules import check_id, check_text, check_time
from valueflows.service import revisions
from valueflows.service.ledger import Recorded, create_record, new_id
from valueflows.service.reading import Reading
from valueflows.service.records import present, revise_record
from valueflows.store.ports import Tx, UnitOfWork, WriteTx


def _named(kind: str, record_id: str | None, name: str | None, note: str | None, tx: Tx,
           required: bool) -> list[Problem]:
    problems: list[Problem] = []
    check_id(record_id, "id", problems)
    if record_id is not None and tx.records(kind).exists(record_id):
        problems.append(Problem("id", "duplicate_id", f"id {record_id!r} is already used"))
    if required and not (name or "").strip():
        problems.append(Problem("name", "required", f"a {kind} needs a name"))
    check_text(name, "name", MAX_NAME, problems)
    check_text(note, "note", MAX_NOTE, problems)
    return problems


def create_plan(uow: UnitOfWork, request: PlanInput, key: str | None = None) -> Recorded[Plan]:
    access.require_writer(uow.principal, "creating a plan")
    access.may_keep_origin(uow.principal, request.created)

    def build(tx: WriteTx) -> Plan:
        problems = _named("plan", request.id, request.name, request.note, tx, required=True)
        check_time(request.due, "due", problems)
        check_time(request.created, "created", problems)
        _scenario(tx, request.refinement_of, problems)
        if problems:
            raise RuleViolation(problems)
        return Plan(request.id or new_id(), request.name or "", request.note, request.due,
                    request.created or tx.now, request.refinement_of)
    return create_record(uow, "plan", request, key, build)


def _scenario(tx: Tx, scenario: str | None, problems: list[Problem]) -> None:
    if scenario is not None and not tx.records("scenario").exists(scenario):
        problems.append(Problem("refinementOf", "unknown_scenario", f"no scenario with id {scenario!r}"))


def create_agreement(uow: UnitOfWork, request: AgreementInput, key: str | None = None) -> Recorded[Agreement]:
    access.require_writer(uow.principal, "creating an agreement")
    access.may_keep_origin(uow.principal, request.created)

    def build(tx: WriteTx) -> Agreement:
        problems = _named("agreement", request.id, request.name, request.note, tx, required=False)
        check_time(request.created, "created", problems)
        if problems:
            raise RuleViolation(problems)
        return Agreement(request.id or new_id(), request.name, request.note, request.created or tx.now)
    return create_record(uow, "agreement", request, key, build)


def flow_context(tx: Tx, kind: str, request: FlowInput) -> PlanningContext:
    """The records the request names (and only those), for the core to judge it without I/O."""
    units = [m.has_unit for m in (request.resource_quantity, request.effort_quantity, request.available_quantity)
             if m is not None]
    scopes = request.in_scope_of
    return PlanningContext(
        agents=present(tx, "agent", request.provider, request.receiver, *scopes),
        units=present(tx, "unit", *units),
        specifications=present(tx, "resource_specification", request.resource_conforms_to),
        process_specifications=present(tx, "process_specification", request.stage),
        processes=present(tx, "process", request.input_of, request.output_of, *scopes),
        plans=present(tx, "plan", request.independent_demand_of, request.planned_within),
        agreements=present(tx, "agreement", request.clause_of),
        resources=tx.resources.get_many([request.resource_inventoried_as]),
        taken=present(tx, kind, request.id),
        places=present(tx, "spatial_thing", request.at_location),
    )


def create_intent(uow: UnitOfWork, request: FlowInput, key: str | None = None) -> Recorded[Intent]:
    """An offer (its provider) or a request (its receiver), written by that agent or an admin."""
    access.may_plan_flow(uow.principal, "recording an intent", (request.provider, request.receiver))
    return create_record(uow, "intent", request, key,
                         lambda tx: check_intent(request, flow_context(tx, "intent", request), new_id()))


def create_commitment(uow: UnitOfWork, request: FlowInput, key: str | None = None) -> Recorded[Commitment]:
    """A promise from its provider to its receiver, written by one of them or an admin."""
    access.may_plan_flow(uow.principal, "recording a commitment", (request.provider, request.receiver))
    access.may_keep_origin(uow.principal, request.created)
    return create_record(uow, "commitment", request, key, lambda tx: check_commitment(
        request, flow_context(tx, "commitment", request), new_id(), tx.now))


def fulfil(uow: UnitOfWork, request: LinkInput, key: str | None = None) -> Recorded[Fulfillment]:
    """An event fulfils (part of) a commitment: written by a party to either, or an admin."""
    access.require_writer(uow.principal, "recording a fulfillment")

    def build(tx: WriteTx) -> Fulfillment:
        commitment: Commitment | None = tx.records("commitment").get(request.of)
        event = tx.events.get(request.by)
        access.may_plan_flow(uow.principal, "recording a fulfillment", _parties(commitment, event))
        units = tx.records("unit").get_many(_units(request))
        taken = tx.records("fulfillment").get_many([request.id])
        return check_fulfillment(request, commitment, event, frozenset(units), new_id(), frozenset(taken))
    return create_record(uow, "fulfillment", request, key, build)


def satisfy(uow: UnitOfWork, request: LinkInput, key: str | None = None) -> Recorded[Satisfaction]:
    """An event or a commitment satisfies (part of) an intent: written by a party to either, or an admin."""
    access.require_writer(uow.principal, "recording a satisfaction")

    def build(tx: WriteTx) -> Satisfaction:
        intent: Intent | None = tx.records("intent").get(request.of)
        by = tx.events.get(request.by) or tx.records("commitment").get(request.by)
        access.may_plan_flow(uow.principal, "recording a satisfaction", _parties(intent, by))
        units = tx.records("unit").get_many(_units(request))
        taken = tx.records("satisfaction").get_many([request.id])
        return check_satisfaction(request, intent, by, frozenset(units), new_id(), frozenset(taken))
    return create_record(uow, "satisfaction", request, key, build)


def _units(request: LinkInput) -> list[str]:
    return [m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None]


def _parties(*flows: object) -> list[str | None]:
    return [getattr(f, name, None) for f in flows for name in ("provider", "receiver")]


# -- reading ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommitmentProgress:
    commitment: Commitment
    fulfillments: tuple[Fulfillment, ...]  # those the reader may see
    progress: Progress  # over every fulfilment (the commitment's own figure, seen by whoever sees it)


def commitment(uow: UnitOfWork, commitment_id: str) -> CommitmentProgress:
    """A commitment, what fulfilled it and how far, as whoever asks may see it (hidden: as if it did not exist)."""
    reading = Reading(uow)
    found: Commitment = reading.must("commitment", commitment_id)
    with uow.read() as tx:
        links = tx.records("fulfillment").where(MAX_PAGE, fulfills=commitment_id)
    return CommitmentProgress(found, tuple(reading.show_many("fulfillment", links)), progress(found, links))


@dataclass(frozen=True)
class IntentProgress:
    intent: Intent
    satisfactions: tuple[Satisfaction, ...]  # those whose event or commitment the reader may see
    progress: Progress  # public, as an offer's availability is


def intent(uow: UnitOfWork, intent_id: str) -> IntentProgress:
    """An offer or a request (public), what satisfied it and how far."""
    reading = Reading(uow)
    found: Intent = reading.must("intent", intent_id)
    with uow.read() as tx:
        links = tx.records("satisfaction").where(MAX_PAGE, satisfies=intent_id)
    return IntentProgress(found, tuple(reading.show_many("satisfaction", links)), progress(found, links))


# -- revising (vf-graphql 0.9's updates: each names the revision it changes) ----------------------------------------

def _target(uow: UnitOfWork, kind: str, revision_id: str) -> str:
    return revisions.record_of(uow, revision_id, (kind,))[1]


def revise_intent(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Intent]:
    """A new revision of an offer or a request, checked again whole; by a party to it (before and after) or an
    admin, and only if `revision_id` is still its newest revision."""
    access.require_writer(uow.principal, "changing an intent")
    record_id = _target(uow, "intent", revision_id)

    def build(tx: WriteTx, current: Intent) -> Intent:
        request = revised_request(current, patch)
        access.may_plan_flow(uow.principal, "changing an intent", _parties(current, request))
        return check_intent(request, flow_context(tx, "intent", request), current.id)
    return revise_record(uow, "intent", record_id, (revision_id, patch), None, build, revision_id)


def revise_commitment(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Commitment]:
    """A new revision of a commitment, checked again whole (when it was made stays as it was)."""
    access.require_writer(uow.principal, "changing a commitment")
    record_id = _target(uow, "commitment", revision_id)

    def build(tx: WriteTx, current: Commitment) -> Commitment:
        request = revised_request(current, patch)
        access.may_plan_flow(uow.principal, "changing a commitment", _parties(current, request))
        revised = check_commitment(request, flow_context(tx, "commitment", request), current.id, tx.now)
        return replace(revised, created=current.created)
    return revise_record(uow, "commitment", record_id, (revision_id, patch), None, build, revision_id)


def _party_to_plan(tx: Tx, principal: Any, field_name: str, record_id: str, what: str) -> None:
    """Plans and agreements are changed by an admin or a party to one of their commitments."""
    parties = [a for c in tx.records("commitment").where(MAX_PAGE, **{field_name: record_id})
               for a in (c.provider, c.receiver)]
    access.may_plan_flow(principal, what, parties)


def revise_plan(uow: UnitOfWork, revision_id: str, name: str | None = None, note: str | None = None,
                due: datetime | None = None, refinement_of: str | None = None) -> Recorded[Plan]:
    access.require_writer(uow.principal, "changing a plan")
    record_id = _target(uow, "plan", revision_id)

    def build(tx: WriteTx, current: Plan) -> Plan:
        _party_to_plan(tx, uow.principal, "planned_within", current.id, "changing a plan")
        problems: list[Problem] = []
        if name is not None and not name.strip():
            problems.append(Problem("name", "required", "a plan needs a name"))
        check_text(name, "name", MAX_NAME, problems)
        check_text(note, "note", MAX_NOTE, problems)
        check_time(due, "due", problems)
        _scenario(tx, refinement_of, problems)
        if problems:
            raise RuleViolation(problems)
        return replace(current, name=name or current.name, note=note if note is not None else current.note,
                       due=due or current.due, refinement_of=refinement_of or current.refinement_of)
    return revise_record(uow, "plan", record_id, (revision_id, name, note, due, refinement_of), None, build,
                         revision_id)


def revise_agreement(uow: UnitOfWork, revision_id: str, name: str | None = None,
                     note: str | None = None) -> Recorded[Agreement]:
    access.require_writer(uow.principal, "changing an agreement")
    record_id = _target(uow, "agreement", revision_id)

    def build(tx: WriteTx, current: Agreement) -> Agreement:
        _party_to_plan(tx, uow.principal, "clause_of", current.id, "changing an agreement")
        problems: list[Problem] = []
        check_text(name, "name", MAX_NAME, problems)
        check_text(note, "note", MAX_NOTE, problems)
        if problems:
            raise RuleViolation(problems)
        return replace(current, name=name if name is not None else current.name,
                       note=note if note is not None else current.note)
    return revise_record(uow, "agreement", record_id, (revision_id, name, note), None, build, revision_id)


def _relinked(current: Fulfillment | Satisfaction, of: str, by: str, patch: dict[str, Any]) -> LinkInput:
    """The request a revision of a fulfilment or a satisfaction makes (None in `patch` leaves a fact as it is)."""
    return LinkInput(of=patch.get("of") or of, by=patch.get("by") or by,
                     resource_quantity=patch.get("resource_quantity") or measure_input(current.resource_quantity),
                     effort_quantity=patch.get("effort_quantity") or measure_input(current.effort_quantity),
                     note=patch["note"] if patch.get("note") is not None else current.note)


def revise_fulfillment(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Fulfillment]:
    """A new revision of a fulfilment (which event, which commitment, how much), checked again whole."""
    access.require_writer(uow.principal, "changing a fulfillment")
    record_id = _target(uow, "fulfillment", revision_id)

    def build(tx: WriteTx, current: Fulfillment) -> Fulfillment:
        request = _relinked(current, current.fulfills, current.fulfilled_by, patch)
        commitment: Commitment | None = tx.records("commitment").get(request.of)
        event = tx.events.get(request.by)
        before = (tx.records("commitment").get(current.fulfills), tx.events.get(current.fulfilled_by))
        access.may_plan_flow(uow.principal, "changing a fulfillment", _parties(commitment, event, *before))
        units = tx.records("unit").get_many(_units(request))
        revised = check_fulfillment(request, commitment, event, frozenset(units), current.id)
        from valueflows.service.remote_fulfilments import check_revision  # it builds on this module
        check_revision(tx, current, revised)
        return revised
    return revise_record(uow, "fulfillment", record_id, (revision_id, patch), None, build, revision_id)


def revise_satisfaction(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Satisfaction]:
    """A new revision of a satisfaction (which intent, by what, how much), checked again whole."""
    access.require_writer(uow.principal, "changing a satisfaction")
    record_id = _target(uow, "satisfaction", revision_id)

    def build(tx: WriteTx, current: Satisfaction) -> Satisfaction:
        request = _relinked(current, current.satisfies, current.satisfied_by, patch)
        intent: Intent | None = tx.records("intent").get(request.of)
        by = tx.events.get(request.by) or tx.records("commitment").get(request.by)
        before = (tx.records("intent").get(current.satisfies),
                  tx.events.get(current.satisfied_by) or tx.records("commitment").get(current.satisfied_by))
        access.may_plan_flow(uow.principal, "changing a satisfaction", _parties(intent, by, *before))
        units = tx.records("unit").get_many(_units(request))
        return check_satisfaction(request, intent, by, frozenset(units), current.id)
    return revise_record(uow, "satisfaction", record_id, (revision_id, patch), None, build, revision_id)
