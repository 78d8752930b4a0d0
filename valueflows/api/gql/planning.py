"""The planning half of ValueFlows in the main API (vf-graphql 0.9): intents (offers and requests), commitments,
plans, agreements, and what happened against them (fulfilments, satisfactions). Each wraps a record of the core's
planning layer (`domain/planning.py`); reads go through the access policy, writes through `service/planning.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import types as t
from valueflows.api.gql.connections import Connection, by_id, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.filtering import CommitmentFilterParams, IntentFilterParams, PlanProcessFilterParams, kept
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.inputs import IMeasure
from valueflows.api.gql.measures import Action, Measure, Unit, action, measure, ref
from valueflows.api.gql.scalars import URI, Decimal
from valueflows.api.gql.versions import MAIN, REVISION_ID, only
from valueflows.domain import planning as core
from valueflows.domain.errors import ImmutableRecord, violation
from valueflows.service import planning, relations
from valueflows.store.ports import EventFilter

if TYPE_CHECKING:
    from valueflows.api.gql.proposals import ProposedIntent
    from valueflows.api.gql.scenarios import Scenario

MAIN_ONLY = only(MAIN)
LazyProposedIntent = Annotated["ProposedIntent", strawberry.lazy("valueflows.api.gql.proposals")]
LazyScenario = Annotated["Scenario", strawberry.lazy("valueflows.api.gql.scenarios")]
Key = Annotated[str | None, strawberry.argument(
    description="Retrying with the same key returns the first result and writes nothing.")]


def _uris(values: tuple[str, ...]) -> list[URI]:
    return [URI(v) for v in values]


@strawberry.type(name="PlannedFlow")
class _Flow(Historied):
    """What an intent and a commitment show alike (a base of both; not in the schema by itself)."""

    r: Private[core.Flow]
    KIND: ClassVar[str] = ""

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision(self.KIND, self.r.id))

    @strawberry.field
    def action(self) -> Action:
        return action(self.r.action)

    @strawberry.field
    def resource_classified_as(self) -> list[URI] | None:
        return _uris(self.r.resource_classified_as)

    @strawberry.field
    def resource_quantity(self) -> Measure | None:
        return measure(self.r.resource_quantity)

    @strawberry.field
    def effort_quantity(self) -> Measure | None:
        return measure(self.r.effort_quantity)

    @strawberry.field
    def has_beginning(self) -> datetime | None:
        return self.r.has_beginning

    @strawberry.field
    def has_end(self) -> datetime | None:
        return self.r.has_end

    @strawberry.field
    def has_point_in_time(self) -> datetime | None:
        return self.r.has_point_in_time

    @strawberry.field
    def due(self) -> datetime | None:
        return self.r.due

    @strawberry.field
    def finished(self) -> bool | None:
        return self.r.finished

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def agreed_in(self) -> URI | None:
        return URI(self.r.agreed_in) if self.r.agreed_in else None

    @strawberry.field(description="Always false: the ledger is append-only.")
    def deletable(self) -> bool | None:
        return False

    @strawberry.field
    def in_scope_of(self, info: Info) -> list[t.AccountingScope] | None:
        return t.scopes(info, self.r.in_scope_of)

    @strawberry.field
    def resource_inventoried_as(self, info: Info) -> t.EconomicResource | None:
        return ref(info, "economic_resource", self.r.resource_inventoried_as, t.EconomicResource)

    @strawberry.field(description="Where it is to happen.")
    def at_location(self, info: Info) -> t.LazySpatialThing | None:
        return t.place(info, self.r.at_location)

    @strawberry.field
    def resource_conforms_to(self, info: Info) -> t.ResourceSpecification | None:
        return ref(info, "resource_specification", self.r.resource_conforms_to, t.ResourceSpecification)

    @strawberry.field
    def input_of(self, info: Info) -> t.Process | None:
        return ref(info, "process", self.r.input_of, t.Process)

    @strawberry.field
    def output_of(self, info: Info) -> t.Process | None:
        return ref(info, "process", self.r.output_of, t.Process)

    # ours: how far it is done
    @strawberry.field(description="How much of it is done, in its quantity's unit (ours).")
    def progress(self, info: Info) -> Progress:
        reader = planning.intent if self.KIND == "intent" else planning.commitment
        return Progress(p=reader(info.context.uow, self.r.id).progress)


@strawberry.type(name="PlanningProgress", description="How far an intent or a commitment is: what was planned, "
                                                      "what is done, what remains, what was done beyond it.")
class Progress:
    p: Private[core.Progress]

    @strawberry.field
    def unit(self, info: Info) -> Unit | None:
        return ref(info, "unit", self.p.unit, Unit)

    @strawberry.field
    def planned(self) -> Decimal | None:
        return Decimal(self.p.planned) if self.p.planned is not None else None

    @strawberry.field
    def done(self) -> Decimal:
        return Decimal(self.p.done)

    @strawberry.field
    def remaining(self) -> Decimal | None:
        return Decimal(self.p.remaining) if self.p.remaining is not None else None

    @strawberry.field(description="What was done beyond what was planned.")
    def over(self) -> Decimal:
        return Decimal(self.p.over)

    @strawberry.field
    def complete(self) -> bool:
        return self.p.complete


@strawberry.type(name="Intent", description="A planned economic flow which has not been committed to, which can "
                                            "lead to economic events (sometimes through commitments): an offer "
                                            "(it has a provider) or a request (it has a receiver).")
class Intent(_Flow):
    r: Private[core.Intent]

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Intent | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]
    KIND: ClassVar[str] = "intent"

    @strawberry.field
    def name(self) -> str | None:
        return self.r.name

    @strawberry.field
    def available_quantity(self) -> Measure | None:
        return measure(self.r.available_quantity)

    @strawberry.field
    def image(self) -> URI | None:
        return URI(self.r.image) if self.r.image else None

    @strawberry.field(description="Its image, as a list (the ledger keeps one image).")
    def image_list(self) -> list[URI] | None:
        return [URI(self.r.image)] if self.r.image else []

    @strawberry.field
    def provider(self, info: Info) -> t.Agent | None:
        found = info.context.reading.get("agent", self.r.provider)
        return t.agent(found) if found else None

    @strawberry.field
    def receiver(self, info: Info) -> t.Agent | None:
        found = info.context.reading.get("agent", self.r.receiver)
        return t.agent(found) if found else None

    @strawberry.field
    def satisfied_by(self, info: Info) -> list[Satisfaction] | None:
        return [Satisfaction(r=s) for s in planning.intent(info.context.uow, self.r.id).satisfactions]

    @strawberry.field(metadata=MAIN_ONLY, description="The proposals that publish it.")
    def published_in(self, info: Info) -> list[LazyProposedIntent] | None:
        from valueflows.api.gql.proposals import ProposedIntent  # deferred: proposals imports this module

        return [ProposedIntent(r=p) for p in info.context.reading.where("proposed_intent", publishes=self.r.id)]


@strawberry.type(name="Commitment", description="A planned economic flow that has been promised by an agent to "
                                                "another agent.")
class Commitment(_Flow):
    r: Private[core.Commitment]

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Commitment | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]
    KIND: ClassVar[str] = "commitment"

    @strawberry.field
    def created(self) -> datetime | None:
        return self.r.created

    @strawberry.field
    def provider(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.r.provider or ""))

    @strawberry.field
    def receiver(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.r.receiver or ""))

    @strawberry.field(description="The provider, the receiver and the agents it is in the scope of.")
    def involved_agents(self, info: Info) -> list[t.Agent] | None:
        ids = dict.fromkeys(a for a in (self.r.provider, self.r.receiver, *self.r.in_scope_of) if a)
        return [t.agent(a) for a in info.context.reading.get_many("agent", ids)]

    @strawberry.field
    def clause_of(self, info: Info) -> Agreement | None:
        return ref(info, "agreement", self.r.clause_of, Agreement)

    @strawberry.field
    def fulfilled_by(self, info: Info) -> list[Fulfillment] | None:
        return [Fulfillment(r=f) for f in planning.commitment(info.context.uow, self.r.id).fulfillments]

    @strawberry.field
    def independent_demand_of(self, info: Info) -> Plan | None:
        return ref(info, "plan", self.r.independent_demand_of, Plan)

    @strawberry.field
    def planned_within(self, info: Info) -> Plan | None:
        return ref(info, "plan", self.r.planned_within, Plan)

    @strawberry.field
    def stage(self, info: Info) -> t.ProcessSpecification | None:
        return ref(info, "process_specification", self.r.stage, t.ProcessSpecification)

    @strawberry.field
    def satisfies(self, info: Info) -> list[Satisfaction] | None:
        return [Satisfaction(r=s) for s in info.context.reading.where("satisfaction", satisfied_by=self.r.id)]


EventOrCommitment = Annotated[t.EconomicEvent | Commitment, strawberry.union("EventOrCommitment")]


@strawberry.type(name="Fulfillment", description="Represents many-to-many relationships between commitments and "
                                                 "economic events that fully or partially satisfy them.")
class Fulfillment(Historied):
    r: Private[core.Fulfillment]
    KIND: ClassVar[str] = "fulfillment"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Fulfillment | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("fulfillment", self.r.id))

    @strawberry.field
    def fulfilled_by(self, info: Info) -> t.EconomicEvent:
        return t.EconomicEvent(r=info.context.reading.must("economic_event", self.r.fulfilled_by))

    @strawberry.field
    def fulfills(self, info: Info) -> Commitment:
        return Commitment(r=info.context.reading.must("commitment", self.r.fulfills))

    @strawberry.field
    def resource_quantity(self) -> Measure | None:
        return measure(self.r.resource_quantity)

    @strawberry.field
    def effort_quantity(self) -> Measure | None:
        return measure(self.r.effort_quantity)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note


@strawberry.type(name="Satisfaction", description="Represents many-to-many relationships between intents and "
                                                  "commitments or events that partially or full satisfy one or more "
                                                  "intents.")
class Satisfaction(Historied):
    r: Private[core.Satisfaction]
    KIND: ClassVar[str] = "satisfaction"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Satisfaction | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("satisfaction", self.r.id))

    @strawberry.field
    def satisfies(self, info: Info) -> Intent:
        return Intent(r=info.context.reading.must("intent", self.r.satisfies))

    @strawberry.field
    def satisfied_by(self, info: Info) -> EventOrCommitment:
        reading = info.context.reading
        event = reading.get("economic_event", self.r.satisfied_by)
        if event is not None:
            return t.EconomicEvent(r=event)
        return Commitment(r=reading.must("commitment", self.r.satisfied_by))

    @strawberry.field
    def resource_quantity(self) -> Measure | None:
        return measure(self.r.resource_quantity)

    @strawberry.field
    def effort_quantity(self) -> Measure | None:
        return measure(self.r.effort_quantity)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note


@strawberry.type(name="Agreement", description="Any type of agreement among economic agents.")
class Agreement(Historied):
    r: Private[core.Agreement]
    KIND: ClassVar[str] = "agreement"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Agreement | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("agreement", self.r.id))

    @strawberry.field
    def name(self) -> str | None:
        return self.r.name

    @strawberry.field
    def created(self) -> datetime | None:
        return self.r.created

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    def _commitments(self, info: Info) -> list[core.Commitment]:
        return info.context.reading.where("commitment", clause_of=self.r.id)

    def _events(self, info: Info) -> list[Any]:
        return info.context.reading.events(EventFilter(realization_of=self.r.id))

    @strawberry.field(description="Its clauses.")
    def commitments(self, info: Info) -> list[Commitment] | None:
        return [Commitment(r=c) for c in self._commitments(info)]

    @strawberry.field(description="The events that realize it.")
    def economic_events(self, info: Info) -> list[t.EconomicEvent] | None:
        return [t.EconomicEvent(r=e) for e in self._events(info)]

    @strawberry.field(description="Events that realize it and fulfil none of its clauses.")
    def unplanned_economic_events(self, info: Info) -> list[t.EconomicEvent] | None:
        return [t.EconomicEvent(r=e) for e in relations.unplanned(info.context.reading, self._events(info))]

    @strawberry.field(description="The parties to its clauses and events.")
    def involved_agents(self, info: Info, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> Connection[t.Agent] | None:
        flows = [*self._commitments(info), *self._events(info)]
        ids = dict.fromkeys(a for f in flows for a in (f.provider, f.receiver) if a)
        found = info.context.reading.get_many("agent", ids)
        return connection(by_id(found, first, after, last, before), t.agent)


@strawberry.type(name="Plan", description="A logical collection of processes that constitute a body of planned "
                                          "work with defined deliverable(s).")
class Plan(Historied):
    r: Private[core.Plan]
    KIND: ClassVar[str] = "plan"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Plan | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("plan", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def created(self) -> datetime | None:
        return self.r.created

    @strawberry.field
    def due(self) -> datetime | None:
        return self.r.due

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(description="The scenario it refines.")
    def refinement_of(self, info: Info) -> LazyScenario | None:
        from valueflows.api.gql.scenarios import Scenario  # deferred: scenarios imports this module

        return ref(info, "scenario", self.r.refinement_of, Scenario)

    @strawberry.field(description="Always false: the ledger is append-only.")
    def deletable(self) -> bool | None:
        return False

    @strawberry.field
    def in_scope_of(self) -> list[t.AccountingScope] | None:
        return []

    def _within(self, info: Info) -> list[core.Commitment]:
        return info.context.reading.where("commitment", planned_within=self.r.id)

    @strawberry.field(description="What the plan is for.")
    def independent_demands(self, info: Info) -> list[Commitment] | None:
        return [Commitment(r=c) for c in info.context.reading.where("commitment", independent_demand_of=self.r.id)]

    @strawberry.field(description="Its commitments that are inputs or outputs of no process.")
    def non_process_commitments(self, info: Info) -> list[Commitment] | None:
        return [Commitment(r=c) for c in self._within(info) if not (c.input_of or c.output_of)]

    @strawberry.field(description="The processes its commitments are inputs or outputs of.")
    def processes(self, info: Info, filter: PlanProcessFilterParams | None = None) -> list[t.Process] | None:
        ids = dict.fromkeys(p for c in self._within(info) for p in (c.input_of, c.output_of) if p)
        found = info.context.reading.get_many("process", ids)
        return [t.Process(r=p) for p in kept(found, filter.keep() if filter is not None else None)]

    @strawberry.field(description="The parties to its commitments.")
    def involved_agents(self, info: Info, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> Connection[t.Agent] | None:
        ids = dict.fromkeys(a for c in self._within(info) for a in (c.provider, c.receiver) if a)
        found = info.context.reading.get_many("agent", ids)
        return connection(by_id(found, first, after, last, before), t.agent)


# -- inputs -------------------------------------------------------------------------------------------------------

def _measure(value: IMeasure | None, field: str) -> Any:
    return value.to_domain(field) if value is not None else None


def _id(value: ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.input(name="PlannedFlowFields")
class _FlowFields:
    """The fields an intent's and a commitment's create and update parameters share (a base, not in the schema)."""

    resource_classified_as: list[URI] | None = None
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    has_point_in_time: datetime | None = None
    due: datetime | None = None
    finished: bool | None = None
    note: str | None = None
    agreed_in: URI | None = None
    provider: ID | None = None
    receiver: ID | None = None
    in_scope_of: list[ID] | None = None
    resource_inventoried_as: ID | None = None
    resource_conforms_to: ID | None = None
    input_of: ID | None = None
    output_of: ID | None = None
    at_location: ID | None = strawberry.field(default=None, description="(`SpatialThing`) Where it is to happen.")

    def flow_values(self) -> dict[str, Any]:
        """These fields as `FlowInput` has them; None where not given (an update leaves those as they are)."""
        return {
            "resource_classified_as": tuple(str(u) for u in self.resource_classified_as)
            if self.resource_classified_as is not None else None,
            "resource_quantity": _measure(self.resource_quantity, "resourceQuantity"),
            "effort_quantity": _measure(self.effort_quantity, "effortQuantity"),
            "has_beginning": self.has_beginning, "has_end": self.has_end, "has_point_in_time": self.has_point_in_time,
            "due": self.due, "finished": self.finished, "note": self.note, "agreed_in": self.agreed_in,
            "provider": _id(self.provider), "receiver": _id(self.receiver),
            "in_scope_of": tuple(str(i) for i in self.in_scope_of) if self.in_scope_of is not None else None,
            "resource_inventoried_as": _id(self.resource_inventoried_as),
            "resource_conforms_to": _id(self.resource_conforms_to), "input_of": _id(self.input_of),
            "output_of": _id(self.output_of), "at_location": _id(self.at_location),
        }

    def created(self, **more: Any) -> core.FlowInput:
        """A create request: what is not given takes the record's default."""
        given = {k: v for k, v in {**self.flow_values(), **more}.items() if v is not None}
        return core.FlowInput(**given)


@strawberry.input(name="IntentFields")
class _IntentFields(_FlowFields):
    name: str | None = None
    available_quantity: IMeasure | None = None
    image: URI | None = None
    image_list: list[URI] | None = strawberry.field(default=None, description="At most one image: the ledger "
                                                                              "keeps one.")

    def intent_values(self) -> dict[str, Any]:
        images = [str(u) for u in self.image_list or ()]
        return {"name": self.name, "image": self.image or (images[0] if images else None),
                "available_quantity": _measure(self.available_quantity, "availableQuantity")}


@strawberry.input(name="IntentCreateParams")
class IntentCreateParams(_IntentFields):
    action: ID
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.FlowInput:
        return self.created(action=str(self.action), id=_id(self.id), **self.intent_values())


@strawberry.input(name="CommitmentFields")
class _CommitmentFields(_FlowFields):
    clause_of: ID | None = None
    independent_demand_of: ID | None = None
    planned_within: ID | None = None

    def commitment_values(self) -> dict[str, Any]:
        return {"clause_of": _id(self.clause_of), "independent_demand_of": _id(self.independent_demand_of),
                "planned_within": _id(self.planned_within)}


@strawberry.input(name="CommitmentCreateParams")
class CommitmentCreateParams(_CommitmentFields):
    action: ID
    provider: ID
    receiver: ID
    stage: ID | None = strawberry.field(default=None, description="A process specification (ours).")
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.FlowInput:
        return self.created(action=str(self.action), stage=_id(self.stage), id=_id(self.id),
                            **self.commitment_values())


@strawberry.input(name="FulfillmentCreateParams")
class FulfillmentCreateParams:
    fulfilled_by: ID
    fulfills: ID
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")


@strawberry.input(name="SatisfactionCreateParams")
class SatisfactionCreateParams:
    satisfies: ID
    satisfied_by: ID
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")


@strawberry.input(name="PlanCreateParams")
class PlanCreateParams:
    name: str
    created: datetime | None = strawberry.field(default=None, description="Ignored: the ledger records when.")
    due: datetime | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")
    refinement_of: ID | None = strawberry.field(default=None, description="(`Scenario`) The scenario it refines.")


@strawberry.input(name="AgreementCreateParams")
class AgreementCreateParams:
    name: str | None = None
    created: datetime | None = strawberry.field(default=None, description="Ignored: the ledger records when.")
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")


@strawberry.input(name="IntentUpdateParams")
class IntentUpdateParams(_IntentFields):
    revision_id: ID = strawberry.field(description="The revision this update changes: its `revisionId` when read.")
    action: ID | None = None

    def patch(self) -> dict[str, Any]:
        return {**self.flow_values(), "action": _id(self.action), **self.intent_values()}


@strawberry.input(name="CommitmentUpdateParams")
class CommitmentUpdateParams(_CommitmentFields):
    revision_id: ID = strawberry.field(description="The revision this update changes: its `revisionId` when read.")

    def patch(self) -> dict[str, Any]:
        return {**self.flow_values(), **self.commitment_values()}


@strawberry.input(name="FulfillmentUpdateParams")
class FulfillmentUpdateParams:
    revision_id: ID = strawberry.field(description="The revision this update changes: its `revisionId` when read.")
    fulfilled_by: ID | None = None
    fulfills: ID | None = None
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    note: str | None = None


@strawberry.input(name="SatisfactionUpdateParams")
class SatisfactionUpdateParams:
    revision_id: ID = strawberry.field(description="The revision this update changes: its `revisionId` when read.")
    satisfies: ID | None = None
    satisfied_by: ID | None = None
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    note: str | None = None


def _link_patch(p: FulfillmentUpdateParams | SatisfactionUpdateParams, of: ID | None, by: ID | None
                ) -> dict[str, Any]:
    return {"of": _id(of), "by": _id(by), "note": p.note,
            "resource_quantity": _measure(p.resource_quantity, "resourceQuantity"),
            "effort_quantity": _measure(p.effort_quantity, "effortQuantity")}


@strawberry.input(name="PlanUpdateParams")
class PlanUpdateParams:
    revision_id: ID = strawberry.field(description="The revision this update changes: its `revisionId` when read.")
    name: str | None = None
    created: datetime | None = strawberry.field(default=None, description="Ignored: the ledger records when.")
    due: datetime | None = None
    note: str | None = None
    refinement_of: ID | None = strawberry.field(default=None, description="(`Scenario`) The scenario it refines.")


@strawberry.input(name="AgreementUpdateParams")
class AgreementUpdateParams:
    revision_id: ID = strawberry.field(description="The revision this update changes: its `revisionId` when read.")
    name: str | None = None
    created: datetime | None = strawberry.field(default=None, description="Ignored: the ledger records when.")
    note: str | None = None


@strawberry.type(name="IntentResponse")
class IntentResponse:
    intent: Intent


@strawberry.type(name="CommitmentResponse")
class CommitmentResponse:
    commitment: Commitment


@strawberry.type(name="FulfillmentResponse")
class FulfillmentResponse:
    fulfillment: Fulfillment


@strawberry.type(name="SatisfactionResponse")
class SatisfactionResponse:
    satisfaction: Satisfaction


@strawberry.type(name="PlanResponse")
class PlanResponse:
    plan: Plan


@strawberry.type(name="AgreementResponse")
class AgreementResponse:
    agreement: Agreement


# -- queries and mutations ----------------------------------------------------------------------------------------

def listing(name: str, kind: str, wrap: type[Any]) -> Any:
    """A connection field over one kind of planning record, in id order."""

    def resolve(info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None) -> Any:
        return connection(info.context.reading.window(kind, sliced(first, after, last, before)), lambda x: wrap(r=x))

    resolve.__annotations__["return"] = Connection[wrap]  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, name=name, metadata=MAIN_ONLY)


def one(kind: str, wrap: type[Any]) -> Any:
    def resolve(info: Info, id: ID) -> Any:
        return ref(info, kind, str(id), wrap)

    resolve.__annotations__["return"] = wrap | None
    return strawberry.field(resolver=resolve, metadata=MAIN_ONLY)


@strawberry.type
class PlanningQueries:
    intent: Intent | None = one("intent", Intent)
    @strawberry.field(metadata=MAIN_ONLY)
    def intents(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None, filter: IntentFilterParams | None = None) -> Connection[Intent]:
        keep = filter.keep(info) if filter is not None else None
        window = info.context.reading.window("intent", sliced(first, after, last, before), keep)
        return connection(window, lambda x: Intent(r=x))

    commitment: Commitment | None = one("commitment", Commitment)
    @strawberry.field(metadata=MAIN_ONLY)
    def commitments(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                    before: str | None = None, filter: CommitmentFilterParams | None = None
                    ) -> Connection[Commitment]:
        keep = filter.keep(info) if filter is not None else None
        window = info.context.reading.window("commitment", sliced(first, after, last, before), keep)
        return connection(window, lambda x: Commitment(r=x))

    fulfillment: Fulfillment | None = one("fulfillment", Fulfillment)
    fulfillments: Connection[Fulfillment] = listing("fulfillments", "fulfillment", Fulfillment)
    satisfaction: Satisfaction | None = one("satisfaction", Satisfaction)
    satisfactions: Connection[Satisfaction] = listing("satisfactions", "satisfaction", Satisfaction)
    plan: Plan | None = one("plan", Plan)
    plans: Connection[Plan] = listing("plans", "plan", Plan)
    agreement: Agreement | None = one("agreement", Agreement)
    agreements: Connection[Agreement] = listing("agreements", "agreement", Agreement)


def _link(params: FulfillmentCreateParams | SatisfactionCreateParams, of: str, by: str) -> core.LinkInput:
    return core.LinkInput(of=of, by=by, resource_quantity=_measure(params.resource_quantity, "resourceQuantity"),
                          effort_quantity=_measure(params.effort_quantity, "effortQuantity"), note=params.note,
                          id=_id(params.id))


def never_deleted(name: str, instead: str) -> Any:
    """`deleteX(revisionId)`: refused, IMMUTABLE, with what to do instead (before looking anything up)."""

    def resolve(revision_id: ID) -> bool:
        raise ImmutableRecord(f"the ledger is append-only: {instead}")

    return strawberry.mutation(resolver=resolve, name=name, metadata=MAIN_ONLY,
                               description="Not done: the ledger is append-only.")


@strawberry.type
class PlanningMutations:
    @strawberry.mutation(metadata=MAIN_ONLY, description="An offer (with a provider) or a request (with a receiver).")
    def create_intent(self, info: Info, intent: IntentCreateParams, idempotency_key: Key = None) -> IntentResponse:
        done = planning.create_intent(info.context.uow, intent.to_domain(), idempotency_key)
        return IntentResponse(intent=Intent(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="A promise from a provider to a receiver.")
    def create_commitment(self, info: Info, commitment: CommitmentCreateParams,
                          idempotency_key: Key = None) -> CommitmentResponse:
        done = planning.create_commitment(info.context.uow, commitment.to_domain(), idempotency_key)
        return CommitmentResponse(commitment=Commitment(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="An event fulfils (part of) a commitment.")
    def create_fulfillment(self, info: Info, fulfillment: FulfillmentCreateParams,
                           idempotency_key: Key = None) -> FulfillmentResponse:
        link = _link(fulfillment, str(fulfillment.fulfills), str(fulfillment.fulfilled_by))
        return FulfillmentResponse(fulfillment=Fulfillment(r=planning.fulfil(info.context.uow, link,
                                                                             idempotency_key).record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="An event or a commitment satisfies (part of) an intent.")
    def create_satisfaction(self, info: Info, satisfaction: SatisfactionCreateParams,
                            idempotency_key: Key = None) -> SatisfactionResponse:
        link = _link(satisfaction, str(satisfaction.satisfies), str(satisfaction.satisfied_by))
        return SatisfactionResponse(satisfaction=Satisfaction(r=planning.satisfy(info.context.uow, link,
                                                                                 idempotency_key).record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="A new revision of an offer or a request; refused with "
                                                         "CONFLICT if it changed since `revisionId`.")
    def update_intent(self, info: Info, intent: IntentUpdateParams) -> IntentResponse:
        done = planning.revise_intent(info.context.uow, str(intent.revision_id), intent.patch())
        return IntentResponse(intent=Intent(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="A new revision of a commitment (e.g. `finished: true`); "
                                                         "refused with CONFLICT if it changed since `revisionId`.")
    def update_commitment(self, info: Info, commitment: CommitmentUpdateParams) -> CommitmentResponse:
        done = planning.revise_commitment(info.context.uow, str(commitment.revision_id), commitment.patch())
        return CommitmentResponse(commitment=Commitment(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_fulfillment(self, info: Info, fulfillment: FulfillmentUpdateParams) -> FulfillmentResponse:
        f = fulfillment
        done = planning.revise_fulfillment(info.context.uow, str(f.revision_id),
                                           _link_patch(f, f.fulfills, f.fulfilled_by))
        return FulfillmentResponse(fulfillment=Fulfillment(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_satisfaction(self, info: Info, satisfaction: SatisfactionUpdateParams) -> SatisfactionResponse:
        s = satisfaction
        done = planning.revise_satisfaction(info.context.uow, str(s.revision_id),
                                            _link_patch(s, s.satisfies, s.satisfied_by))
        return SatisfactionResponse(satisfaction=Satisfaction(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_plan(self, info: Info, plan: PlanUpdateParams) -> PlanResponse:
        done = planning.revise_plan(info.context.uow, str(plan.revision_id), plan.name, plan.note, plan.due,
                                    _id(plan.refinement_of))
        return PlanResponse(plan=Plan(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_agreement(self, info: Info, agreement: AgreementUpdateParams | None = None) -> AgreementResponse:
        if agreement is None:
            raise violation("agreement", "required", "agreement names the revision to change (revisionId)")
        done = planning.revise_agreement(info.context.uow, str(agreement.revision_id), agreement.name,
                                         agreement.note)
        return AgreementResponse(agreement=Agreement(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def create_plan(self, info: Info, plan: PlanCreateParams, idempotency_key: Key = None) -> PlanResponse:
        request = core.PlanInput(plan.name, plan.note, plan.due, _id(plan.id), _id(plan.refinement_of))
        return PlanResponse(plan=Plan(r=planning.create_plan(info.context.uow, request, idempotency_key).record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def create_agreement(self, info: Info, agreement: AgreementCreateParams | None = None,
                         idempotency_key: Key = None) -> AgreementResponse:
        a = agreement or AgreementCreateParams()
        done = planning.create_agreement(info.context.uow, core.AgreementInput(a.name, a.note, _id(a.id)),
                                         idempotency_key)
        return AgreementResponse(agreement=Agreement(r=done.record))

    # Nothing is deleted from the ledger: an offer, a request or a promise ends as finished (its history stays).
    delete_intent: bool = never_deleted("deleteIntent", "to withdraw an offer or a request, update it with "
                                                         "finished: true")
    delete_commitment: bool = never_deleted("deleteCommitment", "to cancel a commitment, update it with "
                                                                 "finished: true")
    delete_plan: bool = never_deleted("deletePlan", "a plan is never deleted; finish its commitments")
    delete_agreement: bool = never_deleted("deleteAgreement", "an agreement is never deleted; finish its clauses")
    delete_fulfillment: bool = never_deleted("deleteFulfillment", "a fulfilment is never deleted")
    delete_satisfaction: bool = never_deleted("deleteSatisfaction", "a satisfaction is never deleted")
