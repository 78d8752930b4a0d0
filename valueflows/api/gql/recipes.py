"""Recipes in the main API (vf-graphql 0.9's recipe module), and a plan made from one (ours: `createPlanFromRecipe`).
Reads go through the access policy (recipes are public, as specifications are), writes through
`service/recipes.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import types as t
from valueflows.api.gql.connections import Connection
from valueflows.api.gql.context import Info
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.inputs import IDuration, IMeasure, duration_values
from valueflows.api.gql.measures import Action, Duration, Measure, action, duration, measure, ref
from valueflows.api.gql.planning import Key, Plan, PlanResponse, listing, never_deleted, one
from valueflows.api.gql.scalars import URI, Decimal
from valueflows.api.gql.versions import MAIN, REVISION_ID, only
from valueflows.domain import recipes as core
from valueflows.domain.errors import NotFound
from valueflows.service import recipes

MAIN_ONLY = only(MAIN)
RECIPES_STAY = "a recipe is never deleted: plans were made from it; change it with an update"
UPDATES = "The revision this update changes: its `revisionId` when read."


def _id(value: ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.type(name="RecipeProcess", description="Specifies a process in a recipe for use in planning from "
                                                   "recipe.")
class RecipeProcess(Historied):
    r: Private[core.RecipeProcess]
    KIND: ClassVar[str] = "recipe_process"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> RecipeProcess | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("recipe_process", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field(description="How long a run of the step takes; a plan schedules its steps backwards by it.")
    def has_duration(self) -> Duration | None:
        return duration(self.r.duration_value, self.r.duration_unit)

    @strawberry.field
    def process_classified_as(self) -> list[URI] | None:
        return [URI(u) for u in self.r.process_classified_as]

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def process_conforms_to(self, info: Info) -> t.ProcessSpecification | None:
        return ref(info, "process_specification", self.r.process_conforms_to, t.ProcessSpecification)

    @strawberry.field(description="What the step takes (ours).")
    def recipe_inputs(self, info: Info) -> list[RecipeFlow]:
        return [RecipeFlow(r=f) for f in info.context.reading.where("recipe_flow", recipe_input_of=self.r.id)]

    @strawberry.field(description="What the step makes (ours).")
    def recipe_outputs(self, info: Info) -> list[RecipeFlow]:
        return [RecipeFlow(r=f) for f in info.context.reading.where("recipe_flow", recipe_output_of=self.r.id)]


@strawberry.type(name="RecipeExchange", description="Specifies an exchange agreement as part of a recipe.")
class RecipeExchange(Historied):
    r: Private[core.RecipeExchange]
    KIND: ClassVar[str] = "recipe_exchange"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> RecipeExchange | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("recipe_exchange", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(description="Its clauses (ours).")
    def recipe_clauses(self, info: Info) -> list[RecipeFlow]:
        return [RecipeFlow(r=f) for f in info.context.reading.where("recipe_flow", recipe_clause_of=self.r.id)]


@strawberry.type(name="RecipeFlow", description="The specification of a resource inflow to, or outflow from, a "
                                                "recipe process.")
class RecipeFlow(Historied):
    r: Private[core.RecipeFlow]
    KIND: ClassVar[str] = "recipe_flow"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> RecipeFlow | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("recipe_flow", self.r.id))

    @strawberry.field
    def resource_quantity(self) -> Measure | None:
        return measure(self.r.resource_quantity)

    @strawberry.field
    def effort_quantity(self) -> Measure | None:
        return measure(self.r.effort_quantity)

    @strawberry.field
    def action(self) -> Action:
        return action(self.r.action)

    @strawberry.field
    def recipe_input_of(self, info: Info) -> RecipeProcess | None:
        return ref(info, "recipe_process", self.r.recipe_input_of, RecipeProcess)

    @strawberry.field
    def recipe_output_of(self, info: Info) -> RecipeProcess | None:
        return ref(info, "recipe_process", self.r.recipe_output_of, RecipeProcess)

    @strawberry.field
    def recipe_clause_of(self, info: Info) -> RecipeExchange | None:
        return ref(info, "recipe_exchange", self.r.recipe_clause_of, RecipeExchange)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def resource_conforms_to(self, info: Info) -> t.ResourceSpecification:
        found = ref(info, "resource_specification", self.r.resource_conforms_to, t.ResourceSpecification)
        if found is None:
            raise NotFound(f"no resource specification with id {self.r.resource_conforms_to!r}")
        return found  # type: ignore[no-any-return]

    @strawberry.field(description="The stage the resource must be at (ours, as in the create parameters).")
    def stage(self, info: Info) -> t.ProcessSpecification | None:
        return ref(info, "process_specification", self.r.stage, t.ProcessSpecification)

    @strawberry.field(description="The state the resource must be in (ours, as in the create parameters).")
    def state(self) -> str | None:
        return self.r.state


# -- inputs -------------------------------------------------------------------------------------------------------

@strawberry.input(name="RecipeProcessFields")
class _ProcessFields:
    name: str | None = None
    has_duration: IDuration | None = None
    process_classified_as: list[URI] | None = None
    note: str | None = None
    process_conforms_to: ID | None = None

    def values(self) -> dict[str, Any]:
        return {"name": self.name, **duration_values(self.has_duration), "note": self.note,
                "process_classified_as": tuple(str(u) for u in self.process_classified_as)
                if self.process_classified_as is not None else None,
                "process_conforms_to": _id(self.process_conforms_to)}


@strawberry.input(name="RecipeProcessCreateParams")
class RecipeProcessCreateParams(_ProcessFields):
    name: str  # type: ignore[assignment]
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.RecipeProcessInput:
        return core.RecipeProcessInput(**{k: v for k, v in self.values().items() if v is not None}, id=_id(self.id))


@strawberry.input(name="RecipeProcessUpdateParams")
class RecipeProcessUpdateParams(_ProcessFields):
    revision_id: ID = strawberry.field(description=UPDATES)


@strawberry.input(name="RecipeFlowFields")
class _FlowFields:
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    recipe_input_of: ID | None = None
    recipe_output_of: ID | None = None
    recipe_clause_of: ID | None = None
    state: str | None = None
    note: str | None = None
    stage: ID | None = None

    def values(self) -> dict[str, Any]:
        return {
            "resource_quantity": self.resource_quantity.to_domain("resourceQuantity")
            if self.resource_quantity is not None else None,
            "effort_quantity": self.effort_quantity.to_domain("effortQuantity")
            if self.effort_quantity is not None else None,
            "recipe_input_of": _id(self.recipe_input_of), "recipe_output_of": _id(self.recipe_output_of),
            "recipe_clause_of": _id(self.recipe_clause_of), "state": self.state, "note": self.note,
            "stage": _id(self.stage)}


@strawberry.input(name="RecipeFlowCreateParams")
class RecipeFlowCreateParams(_FlowFields):
    action: ID
    resource_conforms_to: ID
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.RecipeFlowInput:
        given = {k: v for k, v in self.values().items() if v is not None}
        return core.RecipeFlowInput(action=str(self.action), resource_conforms_to=str(self.resource_conforms_to),
                                    id=_id(self.id), **given)


@strawberry.input(name="RecipeFlowUpdateParams")
class RecipeFlowUpdateParams(_FlowFields):
    revision_id: ID = strawberry.field(description=UPDATES)
    action: ID | None = None
    resource_conforms_to: ID | None = None

    def patch(self) -> dict[str, Any]:
        return {**self.values(), "action": _id(self.action), "resource_conforms_to": _id(self.resource_conforms_to)}


@strawberry.input(name="RecipeExchangeCreateParams")
class RecipeExchangeCreateParams:
    name: str
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")


@strawberry.input(name="RecipeExchangeUpdateParams")
class RecipeExchangeUpdateParams:
    revision_id: ID = strawberry.field(description=UPDATES)
    name: str | None = None
    note: str | None = None


@strawberry.input(name="PlanFromRecipeParams", description="Make `quantity` of `output` (ours): by `provider`, for "
                                                          "`receiver`, due at `due`.")
class PlanFromRecipeParams:
    output: ID = strawberry.field(description="The resource specification to make.")
    quantity: Decimal = strawberry.field(description="How many, in the unit the recipe makes it in.")
    due: datetime
    provider: ID = strawberry.field(description="Who makes it, and commits to every step.")
    receiver: ID = strawberry.field(description="Who receives it: the plan's independent demand.")
    name: str | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id for the plan.")

    def to_domain(self) -> core.PlanRequest:
        return core.PlanRequest(str(self.output), self.quantity, self.due, str(self.provider), str(self.receiver),
                                self.name, self.note, _id(self.id))


@strawberry.type(name="RecipeProcessResponse")
class RecipeProcessResponse:
    recipe_process: RecipeProcess


@strawberry.type(name="RecipeFlowResponse")
class RecipeFlowResponse:
    recipe_flow: RecipeFlow


@strawberry.type(name="RecipeExchangeResponse")
class RecipeExchangeResponse:
    recipe_exchange: RecipeExchange


# -- queries and mutations ----------------------------------------------------------------------------------------

@strawberry.type
class RecipeQueries:
    recipe_process: RecipeProcess | None = one("recipe_process", RecipeProcess)
    recipe_processes: Connection[RecipeProcess] = listing("recipeProcesses", "recipe_process", RecipeProcess)
    recipe_flow: RecipeFlow | None = one("recipe_flow", RecipeFlow)
    recipe_flows: Connection[RecipeFlow] = listing("recipeFlows", "recipe_flow", RecipeFlow)
    recipe_exchange: RecipeExchange | None = one("recipe_exchange", RecipeExchange)
    recipe_exchanges: Connection[RecipeExchange] = listing("recipeExchanges", "recipe_exchange", RecipeExchange)


@strawberry.type
class RecipeMutations:
    @strawberry.mutation(metadata=MAIN_ONLY)
    def create_recipe_process(self, info: Info, recipe_process: RecipeProcessCreateParams,
                              idempotency_key: Key = None) -> RecipeProcessResponse:
        done = recipes.create_recipe_process(info.context.uow, recipe_process.to_domain(), idempotency_key)
        return RecipeProcessResponse(recipe_process=RecipeProcess(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_recipe_process(self, info: Info, recipe_process: RecipeProcessUpdateParams) -> RecipeProcessResponse:
        done = recipes.revise_recipe(info.context.uow, str(recipe_process.revision_id), recipe_process.values())
        return RecipeProcessResponse(recipe_process=RecipeProcess(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def create_recipe_flow(self, info: Info, recipe_flow: RecipeFlowCreateParams,
                           idempotency_key: Key = None) -> RecipeFlowResponse:
        done = recipes.create_recipe_flow(info.context.uow, recipe_flow.to_domain(), idempotency_key)
        return RecipeFlowResponse(recipe_flow=RecipeFlow(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_recipe_flow(self, info: Info, recipe_flow: RecipeFlowUpdateParams) -> RecipeFlowResponse:
        done = recipes.revise_recipe(info.context.uow, str(recipe_flow.revision_id), recipe_flow.patch())
        return RecipeFlowResponse(recipe_flow=RecipeFlow(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def create_recipe_exchange(self, info: Info, recipe_exchange: RecipeExchangeCreateParams,
                               idempotency_key: Key = None) -> RecipeExchangeResponse:
        e = recipe_exchange
        done = recipes.create_recipe_exchange(info.context.uow, e.name, e.note, _id(e.id), idempotency_key)
        return RecipeExchangeResponse(recipe_exchange=RecipeExchange(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_recipe_exchange(self, info: Info, recipe_exchange: RecipeExchangeUpdateParams) -> RecipeExchangeResponse:
        e = recipe_exchange
        done = recipes.revise_recipe(info.context.uow, str(e.revision_id), {"name": e.name, "note": e.note})
        return RecipeExchangeResponse(recipe_exchange=RecipeExchange(r=done.record))

    delete_recipe_process: bool = never_deleted("deleteRecipeProcess", RECIPES_STAY)
    delete_recipe_flow: bool = never_deleted("deleteRecipeFlow", RECIPES_STAY)
    delete_recipe_exchange: bool = never_deleted("deleteRecipeExchange", RECIPES_STAY)

    @strawberry.mutation(metadata=MAIN_ONLY, description="A plan from a recipe (ours): a process per step and a "
                                                         "commitment per flow, scaled to the quantity and scheduled "
                                                         "backwards from the due time; by the maker or an admin.")
    def create_plan_from_recipe(self, info: Info, plan: PlanFromRecipeParams,
                                idempotency_key: Key = None) -> PlanResponse:
        made = recipes.plan(info.context.uow, plan.to_domain(), idempotency_key)
        found = made.made.plan if made.made is not None else info.context.reading.must("plan", made.plan_id)
        return PlanResponse(plan=Plan(r=found))
