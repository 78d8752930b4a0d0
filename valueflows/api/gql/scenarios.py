"""Scenarios and appreciations in the main API (vf-graphql 0.9's scenario and appreciation modules). Reads go through
the access policy (scenarios are public; an appreciation is seen as its events are), writes through
`service/scenarios.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import types as t
from valueflows.api.gql.connections import Connection, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.inputs import IDuration, duration_values
from valueflows.api.gql.measures import Duration, duration, ref
from valueflows.api.gql.planning import Key, Plan, never_deleted
from valueflows.api.gql.versions import MAIN, REVISION_ID, only
from valueflows.domain import scenarios as core
from valueflows.domain.errors import NotFound
from valueflows.service import scenarios

MAIN_ONLY = only(MAIN)
UPDATES = "The revision this update changes: its `revisionId` when read."


def _id(value: ID | None) -> str | None:
    return str(value) if value is not None else None


def _ids(values: list[ID] | None) -> tuple[str, ...] | None:
    return tuple(str(v) for v in values) if values is not None else None


@strawberry.type(name="ScenarioDefinition", description="The type definition of one or more scenarios, such as "
                                                        "Yearly Budget.")
class ScenarioDefinition(Historied):
    r: Private[core.ScenarioDefinition]
    KIND: ClassVar[str] = "scenario_definition"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> ScenarioDefinition | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("scenario_definition", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def has_duration(self) -> Duration | None:
        return duration(self.r.duration_value, self.r.duration_unit)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(description="(ours) The agents whose scenarios these are.")
    def in_scope_of(self, info: Info) -> list[t.AccountingScope] | None:
        return t.scopes(info, self.r.in_scope_of)

    @strawberry.field
    def scenarios(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                  before: str | None = None) -> Connection[Scenario] | None:
        window = info.context.reading.window("scenario", sliced(first, after, last, before), defined_as=self.r.id)
        return connection(window, lambda x: Scenario(r=x))


@strawberry.type(name="Scenario", description="An estimated or analytical logical collection of higher level "
                                              "processes used for budgeting, analysis, plan refinement, etc.")
class Scenario(Historied):
    r: Private[core.Scenario]
    KIND: ClassVar[str] = "scenario"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Scenario | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("scenario", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def has_beginning(self) -> datetime | None:
        return self.r.has_beginning

    @strawberry.field
    def has_end(self) -> datetime | None:
        return self.r.has_end

    @strawberry.field
    def defined_as(self, info: Info) -> ScenarioDefinition | None:
        return ref(info, "scenario_definition", self.r.defined_as, ScenarioDefinition)

    @strawberry.field
    def refinement_of(self, info: Info) -> Scenario | None:
        return ref(info, "scenario", self.r.refinement_of, Scenario)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def in_scope_of(self, info: Info) -> list[t.AccountingScope] | None:
        return t.scopes(info, self.r.in_scope_of)

    @strawberry.field
    def refinements(self, info: Info) -> list[Scenario] | None:
        return [Scenario(r=s) for s in info.context.reading.where("scenario", refinement_of=self.r.id)]

    @strawberry.field(description="Plans that refine it.")
    def plans(self, info: Info) -> list[Plan] | None:
        return [Plan(r=p) for p in info.context.reading.where("plan", refinement_of=self.r.id)]

    @strawberry.field(description="Processes nested in it.")
    def processes(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                  before: str | None = None) -> Connection[t.Process] | None:
        window = info.context.reading.window("process", sliced(first, after, last, before), nested_in=self.r.id)
        return connection(window, lambda x: t.Process(r=x))


@strawberry.type(name="Appreciation", description="An economic event given in loose fulfilment of another, without "
                                                  "commitments or expectations: the gift economy.")
class Appreciation(Historied):
    r: Private[core.Appreciation]
    KIND: ClassVar[str] = "appreciation"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Appreciation | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("appreciation", self.r.id))

    @strawberry.field(description="The event appreciated.")
    def appreciation_of(self, info: Info) -> t.EconomicEvent:
        return t.EconomicEvent(r=info.context.reading.must("economic_event", self.r.appreciation_of))

    @strawberry.field(description="The event given in appreciation.")
    def appreciation_with(self, info: Info) -> t.EconomicEvent:
        return t.EconomicEvent(r=info.context.reading.must("economic_event", self.r.appreciation_with))

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note


# -- inputs -------------------------------------------------------------------------------------------------------

@strawberry.input(name="ScenarioFields")
class _ScenarioFields:
    name: str | None = None
    defined_as: ID | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    refinement_of: ID | None = None
    note: str | None = None
    in_scope_of: list[ID] | None = None

    def values(self) -> dict[str, Any]:
        return {"name": self.name, "defined_as": _id(self.defined_as), "has_beginning": self.has_beginning,
                "has_end": self.has_end, "refinement_of": _id(self.refinement_of), "note": self.note,
                "in_scope_of": _ids(self.in_scope_of)}


@strawberry.input(name="ScenarioCreateParams")
class ScenarioCreateParams(_ScenarioFields):
    name: str  # type: ignore[assignment]
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.ScenarioInput:
        return core.ScenarioInput(**{k: v for k, v in self.values().items() if v is not None}, id=_id(self.id))


@strawberry.input(name="ScenarioUpdateParams")
class ScenarioUpdateParams(_ScenarioFields):
    revision_id: ID = strawberry.field(description=UPDATES)


@strawberry.input(name="ScenarioDefinitionFields")
class _DefinitionFields:
    name: str | None = None
    has_duration: IDuration | None = None
    note: str | None = None
    in_scope_of: list[ID] | None = strawberry.field(default=None, description="(ours) The agents whose these are.")

    def values(self) -> dict[str, Any]:
        return {"name": self.name, **duration_values(self.has_duration), "note": self.note,
                "in_scope_of": _ids(self.in_scope_of)}


@strawberry.input(name="ScenarioDefinitionCreateParams")
class ScenarioDefinitionCreateParams(_DefinitionFields):
    name: str  # type: ignore[assignment]
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.DefinitionInput:
        return core.DefinitionInput(**{k: v for k, v in self.values().items() if v is not None}, id=_id(self.id))


@strawberry.input(name="ScenarioDefinitionUpdateParams")
class ScenarioDefinitionUpdateParams(_DefinitionFields):
    revision_id: ID = strawberry.field(description=UPDATES)


@strawberry.input(name="AppreciationCreateParams")
class AppreciationCreateParams:
    appreciation_of: ID
    appreciation_with: ID
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")


@strawberry.input(name="AppreciationUpdateParams")
class AppreciationUpdateParams:
    revision_id: ID = strawberry.field(description=UPDATES)
    appreciation_of: ID | None = None
    appreciation_with: ID | None = None
    note: str | None = None


@strawberry.type(name="ScenarioResponse")
class ScenarioResponse:
    scenario: Scenario


@strawberry.type(name="ScenarioDefinitionResponse")
class ScenarioDefinitionResponse:
    scenario_definition: ScenarioDefinition


@strawberry.type(name="AppreciationResponse")
class AppreciationResponse:
    appreciation: Appreciation


# -- queries and mutations ----------------------------------------------------------------------------------------

@strawberry.type
class ScenarioQueries:
    @strawberry.field(metadata=MAIN_ONLY)
    def scenario(self, info: Info, id: ID) -> Scenario | None:
        return ref(info, "scenario", str(id), Scenario)  # type: ignore[no-any-return]

    @strawberry.field(metadata=MAIN_ONLY)
    def scenarios(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                  before: str | None = None) -> Connection[Scenario]:
        return connection(info.context.reading.window("scenario", sliced(first, after, last, before)),
                          lambda x: Scenario(r=x))

    @strawberry.field(metadata=MAIN_ONLY)
    def scenario_definition(self, info: Info, id: ID) -> ScenarioDefinition | None:
        return ref(info, "scenario_definition", str(id), ScenarioDefinition)  # type: ignore[no-any-return]

    @strawberry.field(metadata=MAIN_ONLY)
    def scenario_definitions(self, info: Info, first: int | None = None, after: str | None = None,
                             last: int | None = None, before: str | None = None
                             ) -> Connection[ScenarioDefinition]:
        return connection(info.context.reading.window("scenario_definition", sliced(first, after, last, before)),
                          lambda x: ScenarioDefinition(r=x))

    @strawberry.field(metadata=MAIN_ONLY, description="NOT_FOUND when there is none the reader may see.")
    def appreciation(self, info: Info, id: ID) -> Appreciation:
        found = info.context.reading.get("appreciation", str(id))
        if found is None:
            raise NotFound(f"no appreciation with id {str(id)!r}")
        return Appreciation(r=found)

    @strawberry.field(metadata=MAIN_ONLY)
    def appreciations(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                      before: str | None = None) -> Connection[Appreciation]:
        return connection(info.context.reading.window("appreciation", sliced(first, after, last, before)),
                          lambda x: Appreciation(r=x))


@strawberry.type
class ScenarioMutations:
    @strawberry.mutation(metadata=MAIN_ONLY, description="(The argument is named `plan`, as vf-graphql 0.9 names it.)")
    def create_scenario(self, info: Info, plan: ScenarioCreateParams, idempotency_key: Key = None
                        ) -> ScenarioResponse:
        done = scenarios.create_scenario(info.context.uow, plan.to_domain(), idempotency_key)
        return ScenarioResponse(scenario=Scenario(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_scenario(self, info: Info, plan: ScenarioUpdateParams) -> ScenarioResponse:
        done = scenarios.revise_scenario(info.context.uow, str(plan.revision_id), plan.values())
        return ScenarioResponse(scenario=Scenario(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def create_scenario_definition(self, info: Info, plan: ScenarioDefinitionCreateParams,
                                   idempotency_key: Key = None) -> ScenarioDefinitionResponse:
        done = scenarios.create_definition(info.context.uow, plan.to_domain(), idempotency_key)
        return ScenarioDefinitionResponse(scenario_definition=ScenarioDefinition(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_scenario_definition(self, info: Info, plan: ScenarioDefinitionUpdateParams
                                   ) -> ScenarioDefinitionResponse:
        done = scenarios.revise_scenario(info.context.uow, str(plan.revision_id), plan.values())
        return ScenarioDefinitionResponse(scenario_definition=ScenarioDefinition(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="An event given in loose return for another.")
    def create_appreciation(self, info: Info, appreciation: AppreciationCreateParams,
                            idempotency_key: Key = None) -> AppreciationResponse:
        a = appreciation
        done = scenarios.appreciate(info.context.uow, str(a.appreciation_of), str(a.appreciation_with), a.note,
                                    _id(a.id), idempotency_key)
        return AppreciationResponse(appreciation=Appreciation(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_appreciation(self, info: Info, appreciation: AppreciationUpdateParams) -> AppreciationResponse:
        a = appreciation
        done = scenarios.revise_appreciation(info.context.uow, str(a.revision_id), {
            "appreciation_of": _id(a.appreciation_of), "appreciation_with": _id(a.appreciation_with), "note": a.note})
        return AppreciationResponse(appreciation=Appreciation(r=done.record))

    delete_scenario: bool = never_deleted("deleteScenario", "a scenario is never deleted; plans refine it")
    delete_scenario_definition: bool = never_deleted("deleteScenarioDefinition",
                                                      "a scenario definition is never deleted")
    delete_appreciation: bool = never_deleted("deleteAppreciation", "an appreciation is never deleted")


def scenarios_in_scope(info: Info, agent: str, first: int | None, after: str | None, last: int | None,
                       before: str | None) -> Connection[Scenario]:
    window = info.context.reading.window("scenario", sliced(first, after, last, before),
                                         lambda s: agent in s.in_scope_of)
    return connection(window, lambda x: Scenario(r=x))
