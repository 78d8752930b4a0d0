"""Use cases of scenarios and appreciations. Scenarios and their definitions are public (as plans are): written by
any writer, changed by an admin or the token of an agent in their scope. An appreciation is written by a party to
either of its events (or an admin) and seen as its events are. Each is one transaction, checked by the core
(`domain/scenarios.py`) and chained."""

from __future__ import annotations

from typing import Any

from valueflows.domain import access
from valueflows.domain.limits import MAX_CHAIN
from valueflows.domain.scenarios import (
    Appreciation,
    DefinitionInput,
    Scenario,
    ScenarioContext,
    ScenarioDefinition,
    ScenarioInput,
    check_appreciation,
    check_definition,
    check_scenario,
    revised_values,
)
from valueflows.service import revisions
from valueflows.service.ledger import Recorded, create_record, new_id
from valueflows.service.records import present, revise_record
from valueflows.store.ports import Tx, UnitOfWork, WriteTx


def _refined(tx: Tx, first: str | None) -> dict[str, Scenario]:
    """The scenario a request refines and those it refines in turn (to catch a loop)."""
    found: dict[str, Scenario] = {}
    step = first
    for _ in range(MAX_CHAIN):
        if step is None or step in found:
            break
        scenario: Scenario | None = tx.records("scenario").get(step)
        if scenario is None:
            break
        found[step] = scenario
        step = scenario.refinement_of
    return found


def _scenario_context(tx: Tx, request: ScenarioInput, taken_id: str | None) -> ScenarioContext:
    return ScenarioContext(agents=present(tx, "agent", *request.in_scope_of),
                           definitions=present(tx, "scenario_definition", request.defined_as),
                           scenarios=_refined(tx, request.refinement_of), taken=present(tx, "scenario", taken_id))


def create_scenario(uow: UnitOfWork, request: ScenarioInput, key: str | None = None) -> Recorded[Scenario]:
    access.require_writer(uow.principal, "creating a scenario")
    return create_record(uow, "scenario", request, key,
                         lambda tx: check_scenario(request, _scenario_context(tx, request, request.id), new_id()))


def create_definition(uow: UnitOfWork, request: DefinitionInput,
                      key: str | None = None) -> Recorded[ScenarioDefinition]:
    access.require_writer(uow.principal, "creating a scenario definition")
    return create_record(uow, "scenario_definition", request, key, lambda tx: check_definition(
        request, ScenarioContext(agents=present(tx, "agent", *request.in_scope_of),
                                 taken=present(tx, "scenario_definition", request.id)), new_id()))


SCENARIO_FIELDS = ("name", "has_beginning", "has_end", "defined_as", "refinement_of", "note", "in_scope_of")
DEFINITION_FIELDS = ("name", "duration_value", "duration_unit", "note", "in_scope_of")


def revise_scenario(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Any]:
    """A new revision of a scenario or a scenario definition: by an admin or an agent in its scope."""
    access.require_writer(uow.principal, "changing a scenario")
    kind, record_id = revisions.record_of(uow, revision_id, ("scenario", "scenario_definition"))

    def build(tx: WriteTx, current: Any) -> Any:
        access.may_plan_flow(uow.principal, "changing a scenario", current.in_scope_of)
        if kind == "scenario":
            request = ScenarioInput(**revised_values(current, SCENARIO_FIELDS, patch))
            return check_scenario(request, _scenario_context(tx, request, None), current.id)
        definition = DefinitionInput(**revised_values(current, DEFINITION_FIELDS, patch))
        return check_definition(definition, ScenarioContext(agents=present(tx, "agent", *definition.in_scope_of)),
                                current.id)
    return revise_record(uow, kind, record_id, (revision_id, patch), None, build, revision_id)


def _parties(tx: Tx, *event_ids: str) -> list[str | None]:
    return [a for e in tx.events.get_many(event_ids).values() for a in (e.provider, e.receiver)]


def appreciate(uow: UnitOfWork, of: str, with_: str, note: str | None = None, record_id: str | None = None,
               key: str | None = None) -> Recorded[Appreciation]:
    """`with_` given in loose return for `of`: by a party to either event, or an admin."""
    access.require_writer(uow.principal, "recording an appreciation")

    def build(tx: WriteTx) -> Appreciation:
        access.may_plan_flow(uow.principal, "recording an appreciation", _parties(tx, of, with_))
        return check_appreciation(of, with_, note, frozenset(tx.events.get_many([of, with_])), new_id(), record_id,
                                  present(tx, "appreciation", record_id))
    return create_record(uow, "appreciation", (of, with_, note, record_id), key, build)


def revise_appreciation(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Appreciation]:
    access.require_writer(uow.principal, "changing an appreciation")
    record_id = revisions.record_of(uow, revision_id, ("appreciation",))[1]

    def build(tx: WriteTx, current: Appreciation) -> Appreciation:
        values = revised_values(current, ("appreciation_of", "appreciation_with", "note"), patch)
        of, with_ = values["appreciation_of"], values["appreciation_with"]
        access.may_plan_flow(uow.principal, "changing an appreciation",
                             _parties(tx, current.appreciation_of, current.appreciation_with, of, with_))
        return check_appreciation(of, with_, values["note"], frozenset(tx.events.get_many([of, with_])), current.id)
    return revise_record(uow, "appreciation", record_id, (revision_id, patch), None, build, revision_id)
