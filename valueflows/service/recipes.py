"""Use cases of recipes: recipe processes, flows and exchanges (knowledge, as specifications are: written by any
writer, revised by an admin), and a plan made from a recipe (one transaction: the plan, its processes and its
commitments, each chained)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueflows.domain import access
from valueflows.domain.chain import facts
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.planning import measure_input
from valueflows.domain.recipes import (
    MAX_STEPS,
    PlannedFromRecipe,
    PlanRequest,
    RecipeBook,
    RecipeContext,
    RecipeExchange,
    RecipeFlow,
    RecipeFlowInput,
    RecipeProcess,
    RecipeProcessInput,
    check_recipe_exchange,
    check_recipe_flow,
    check_recipe_process,
    plan_from_recipe,
)
from valueflows.service import revisions
from valueflows.service.ledger import Recorded, create_record, new_id, remember_key, replayed_key
from valueflows.service.records import present, revise_record
from valueflows.store.ports import Tx, UnitOfWork, WriteTx


def _process_context(tx: Tx, request: RecipeProcessInput, record_id: str | None) -> RecipeContext:
    return RecipeContext(process_specifications=present(tx, "process_specification", request.process_conforms_to),
                         taken=present(tx, "recipe_process", record_id))


def _flow_context(tx: Tx, request: RecipeFlowInput, record_id: str | None) -> RecipeContext:
    units = [m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None]
    return RecipeContext(
        units=present(tx, "unit", *units),
        specifications=present(tx, "resource_specification", request.resource_conforms_to),
        process_specifications=present(tx, "process_specification", request.stage),
        recipe_processes=present(tx, "recipe_process", request.recipe_input_of, request.recipe_output_of),
        recipe_exchanges=present(tx, "recipe_exchange", request.recipe_clause_of),
        taken=present(tx, "recipe_flow", record_id))


def create_recipe_process(uow: UnitOfWork, request: RecipeProcessInput,
                          key: str | None = None) -> Recorded[RecipeProcess]:
    access.require_writer(uow.principal, "creating a recipe")
    return create_record(uow, "recipe_process", request, key, lambda tx: check_recipe_process(
        request, _process_context(tx, request, request.id), new_id()))


def create_recipe_flow(uow: UnitOfWork, request: RecipeFlowInput, key: str | None = None) -> Recorded[RecipeFlow]:
    access.require_writer(uow.principal, "creating a recipe")
    return create_record(uow, "recipe_flow", request, key, lambda tx: check_recipe_flow(
        request, _flow_context(tx, request, request.id), new_id()))


def create_recipe_exchange(uow: UnitOfWork, name: str | None, note: str | None = None, record_id: str | None = None,
                           key: str | None = None) -> Recorded[RecipeExchange]:
    access.require_writer(uow.principal, "creating a recipe")
    return create_record(uow, "recipe_exchange", (name, note, record_id), key, lambda tx: check_recipe_exchange(
        name, note, record_id, present(tx, "recipe_exchange", record_id), new_id()))


def _merged(current: Any, names: tuple[str, ...], patch: dict[str, Any]) -> dict[str, Any]:
    values = {n: getattr(current, n) for n in names}
    values.update({k: v for k, v in patch.items() if v is not None and k in names})
    return values


PROCESS_FIELDS = ("name", "duration_value", "duration_unit", "process_classified_as", "note", "process_conforms_to")
FLOW_FIELDS = ("action", "resource_conforms_to", "resource_quantity", "effort_quantity", "recipe_input_of",
               "recipe_output_of", "recipe_clause_of", "stage", "state", "note")


def revise_recipe(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Any]:
    """A new revision of a recipe process, flow or exchange (admin; as a specification is), checked again whole."""
    access.require_admin(uow.principal, "changing a recipe")
    kind, record_id = revisions.record_of(uow, revision_id, ("recipe_process", "recipe_flow", "recipe_exchange"))

    def build(tx: WriteTx, current: Any) -> Any:
        if kind == "recipe_process":
            process = RecipeProcessInput(**_merged(current, PROCESS_FIELDS, patch))
            return check_recipe_process(process, _process_context(tx, process, None), current.id)
        if kind == "recipe_flow":
            values = _merged(current, FLOW_FIELDS, patch)
            for name in ("resource_quantity", "effort_quantity"):
                value = values[name]
                values[name] = value if isinstance(value, MeasureInput) or value is None else measure_input(value)
            flow = RecipeFlowInput(**values)
            return check_recipe_flow(flow, _flow_context(tx, flow, None), current.id)
        values = _merged(current, ("name", "note"), patch)
        return check_recipe_exchange(values["name"], values["note"], None, (), current.id)
    return revise_record(uow, kind, record_id, (revision_id, patch), None, build, revision_id)


# -- plan from recipe ---------------------------------------------------------------------------------------------

def recipe_book(tx: Tx, output: str) -> RecipeBook:
    """The recipe processes that make `output` and, through what they consume, every step behind them."""
    flows_of = tx.records("recipe_flow")
    processes: dict[str, RecipeProcess] = {}
    flows: dict[str, RecipeFlow] = {}
    todo, seen = [output], set()
    while todo and len(processes) <= MAX_STEPS:
        specification = todo.pop()
        if specification in seen:
            continue
        seen.add(specification)
        producing = [f.recipe_output_of for f in flows_of.where(MAX_PAGE, resource_conforms_to=specification)
                     if f.recipe_output_of is not None]
        for step in sorted(set(producing) - set(processes)):
            found = tx.records("recipe_process").get(step)
            if found is None:
                continue
            processes[step] = found
            for flow in [*flows_of.where(MAX_PAGE, recipe_input_of=step),
                         *flows_of.where(MAX_PAGE, recipe_output_of=step)]:
                flows[flow.id] = flow
                if flow.recipe_input_of == step and flow.action == "consume":
                    todo.append(flow.resource_conforms_to)
    return RecipeBook(processes, tuple(flows[i] for i in sorted(flows)))


@dataclass(frozen=True)
class PlanMade:
    made: PlannedFromRecipe | None  # None when replayed (the plan is read back by its id)
    plan_id: str
    replayed: bool = False


def plan(uow: UnitOfWork, request: PlanRequest, key: str | None = None) -> PlanMade:
    """A plan from a recipe: by the maker (its token), the receiver's token may not commit the maker; an admin may."""
    access.may_plan_flow(uow.principal, "planning from a recipe", (request.provider,))
    with uow.write() as tx:
        first = replayed_key(tx, key, "plan", request)
        if first is not None:
            return PlanMade(None, first, replayed=True)
        made = plan_from_recipe(request, recipe_book(tx, request.output),
                                present(tx, "agent", request.provider, request.receiver), tx.now, new_id,
                                present(tx, "plan", request.id))
        tx.records("plan").add(made.plan)
        tx.records("process").add_all(made.processes)
        tx.records("commitment").add_all(made.commitments)
        tx.append_all([("plan", made.plan.id, facts(made.plan)),
                       *(("process", p.id, facts(p)) for p in made.processes),
                       *(("commitment", c.id, facts(c)) for c in made.commitments)])
        remember_key(tx, key, "plan", request, made.plan.id)
        return PlanMade(made, made.plan.id)
