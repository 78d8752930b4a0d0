"""Output types of the reference schema for the ValueFlows records (and our fields beside theirs), each wrapping a
domain record. They refer to one another (an agent's events, an event's agents), so they live together."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql.bridges import (
    AgentPlanning,
    AgentProposals,
    EventPlanning,
    ProcessPlanning,
    ResourcePlanning,
    SpecificationPlanning,
    StagePlanning,
)
from valueflows.api.gql.connections import Connection, by_id, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.filtering import ProcessEventFilterParams
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.measures import Action, Measure, Unit, action, measure, ref
from valueflows.api.gql.scalars import URI, Decimal
from valueflows.api.gql.versions import LEGACY, MAIN, REVISION_ID, only
from valueflows.domain import model, traces
from valueflows.domain import records as rules
from valueflows.service import paging, relations, tracing
from valueflows.store.ports import EventFilter

if TYPE_CHECKING:
    from valueflows.api.gql.proposals import SpatialThing

LazySpatialThing = Annotated["SpatialThing", strawberry.lazy("valueflows.api.gql.proposals")]

MAIN_ONLY, LEGACY_ONLY = only(MAIN), only(LEGACY)


def seq_window(items: list[Any], first: int | None, after: str | None, last: int | None, before: str | None
               ) -> paging.Window:
    """The same for events, in ledger order, their cursors their sequence numbers."""
    return paging.window_of(items, sliced(first, after, last, before), lambda e: str(e.seq))


@strawberry.type(name="ResourceSpecification")
class ResourceSpecification(SpecificationPlanning, Historied):
    r: Private[model.ResourceSpecification]
    KIND: ClassVar[str] = "resource_specification"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> ResourceSpecification | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("resource_specification", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def image(self) -> URI | None:
        return URI(self.r.image) if self.r.image else None

    @strawberry.field
    def resource_classified_as(self) -> list[URI] | None:
        return [URI(u) for u in self.r.resource_classified_as]

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def default_unit_of_resource(self, info: Info) -> Unit | None:
        return ref(info, "unit", self.r.default_unit_of_resource, Unit)

    @strawberry.field
    def default_unit_of_effort(self, info: Info) -> Unit | None:
        return ref(info, "unit", self.r.default_unit_of_effort, Unit)

    @strawberry.field(description="Addresses of images of it (beside `image`).")
    def image_list(self) -> list[URI] | None:
        return [URI(u) for u in self.r.image_list]

    @strawberry.field(description="Whether any resource of this kind may stand for any other when used, consumed, "
                                  "traded.")
    def substitutable(self) -> bool | None:
        return self.r.substitutable

    @strawberry.field(metadata=LEGACY_ONLY)
    def conforming_resources(self, info: Info) -> list[EconomicResource] | None:
        return [EconomicResource(r=x) for x in info.context.reading.where("economic_resource", conforms_to=self.r.id)]

    @strawberry.field(name="conformingResources", metadata=MAIN_ONLY)
    def conforming_resources_window(self, info: Info, first: int | None = None, after: str | None = None,
                                    last: int | None = None, before: str | None = None
                                    ) -> Connection[EconomicResource] | None:
        window = info.context.reading.window("economic_resource", sliced(first, after, last, before),
                                             conforms_to=self.r.id)
        return connection(window, lambda x: EconomicResource(r=x))

    @strawberry.field(metadata=MAIN_ONLY, description="Events whose resourceConformsTo is this specification.")
    def economic_events(self, info: Info, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> Connection[EconomicEvent] | None:
        window = info.context.reading.event_window(EventFilter(conforms_to=self.r.id),
                                                   sliced(first, after, last, before))
        return connection(window, lambda e: EconomicEvent(r=e))


@strawberry.type(name="ProcessSpecification")
class ProcessSpecification(StagePlanning, Historied):
    r: Private[model.ProcessSpecification]
    KIND: ClassVar[str] = "process_specification"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> ProcessSpecification | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("process_specification", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note


    @strawberry.field(metadata=MAIN_ONLY, description="Processes based on this specification.")
    def conforming_processes(self, info: Info, first: int | None = None, after: str | None = None,
                             last: int | None = None, before: str | None = None) -> Connection[Process] | None:
        window = info.context.reading.window("process", sliced(first, after, last, before), based_on=self.r.id)
        return connection(window, lambda x: Process(r=x))

    @strawberry.field(metadata=MAIN_ONLY, description="Resources whose stage is this specification: they last came "
                                                      "out of a process based on it.")
    def resources_currently_at_stage(self, info: Info, first: int | None = None, after: str | None = None,
                                     last: int | None = None, before: str | None = None
                                     ) -> Connection[EconomicResource] | None:
        at_stage = relations.resources_at_stage(info.context.reading, self.r.id)
        return connection(by_id(at_stage, first, after, last, before), lambda x: EconomicResource(r=x))


# -- agents ---------------------------------------------------------------------------------------------------

def agent(record: Any) -> Agent:
    """The GraphQL face of an agent record (references to agents always resolve: they are foreign keys)."""
    return Person(r=record) if record.type is model.AgentType.PERSON else Organization(r=record)


@strawberry.input(name="agentEventSearchParams")
class AgentEventSearchParams:
    search_string: str | None = None
    action: ID | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


@strawberry.input(name="agentResourceSearchParams")
class AgentResourceSearchParams:
    search_string: str | None = None
    resource_classification: URI | None = None
    page: int | None = None


@strawberry.input(name="agentProcessSearchParams")
class AgentProcessSearchParams:
    search_string: str | None = None
    finished: bool | None = None


@strawberry.input(name="AgentRelationshipFilterParams")
class AgentRelationshipFilterParams:
    role_id: list[ID] | None = strawberry.field(default=None, description="Retrieve only relationships matching "
                                                                          "these AgentRelationshipRole(s).")
    in_scope_of: list[ID] | None = strawberry.field(default=None, description="Retrieve only relationships "
                                                                              "relevant in the given accounting "
                                                                              "scope(s).")


@strawberry.input(name="AgentEventFilterParams")
class AgentEventFilterParams:
    search_string: str | None = None
    action: ID | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


@strawberry.input(name="AgentResourceFilterParams")
class AgentResourceFilterParams:
    search_string: str | None = None
    resource_classification: URI | None = None
    page: int | None = None


@strawberry.input(name="AgentProcessFilterParams")
class AgentProcessFilterParams:
    search_string: str | None = None
    finished: bool | None = None


@strawberry.interface(name="Agent", description="A person or group or organization with economic agency.")
class Agent(AgentPlanning, AgentProposals, Historied):
    r: Private[model.Agent]
    KIND: ClassVar[str] = "agent"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Agent | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("agent", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def image(self) -> URI | None:
        return URI(self.r.image) if self.r.image else None

    @strawberry.field(metadata=only(MAIN), description="Where the agent mainly is.")
    def primary_location(self, info: Info) -> LazySpatialThing | None:
        return place(info, self.r.primary_location)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(metadata=LEGACY_ONLY)
    def relationships(self, info: Info, role_id: ID | None = None) -> list[AgentRelationship] | None:
        return [AgentRelationship(r=x) for x in info.context.reading.relationships(self.r.id, role_id)]

    @strawberry.field(metadata=LEGACY_ONLY)
    def relationships_as_subject(self, info: Info, role_id: ID | None = None) -> list[AgentRelationship] | None:
        return [AgentRelationship(r=x) for x in info.context.reading.relationships(self.r.id, role_id, "subject")]

    @strawberry.field(metadata=LEGACY_ONLY)
    def relationships_as_object(self, info: Info, role_id: ID | None = None) -> list[AgentRelationship] | None:
        return [AgentRelationship(r=x) for x in info.context.reading.relationships(self.r.id, role_id, "object")]

    def _relationships(self, info: Info, side: str, f: AgentRelationshipFilterParams | None, window: Any) -> Any:
        roles, scopes_ = set((f and f.role_id) or ()), set((f and f.in_scope_of) or ())
        found = [x for x in info.context.reading.relationships(self.r.id, None, side)
                 if (not roles or x.relationship in roles) and (not scopes_ or scopes_ & set(x.in_scope_of))]
        return connection(window(found), lambda x: AgentRelationship(r=x))

    @strawberry.field(name="relationships", metadata=MAIN_ONLY)
    def relationships_window(self, info: Info, first: int | None = None, after: str | None = None,
                             last: int | None = None, before: str | None = None,
                             filter: AgentRelationshipFilterParams | None = None
                             ) -> Connection[AgentRelationship] | None:
        return self._relationships(info, "either", filter, lambda xs: by_id(xs, first, after, last, before))

    @strawberry.field(name="relationshipsAsSubject", metadata=MAIN_ONLY)
    def relationships_as_subject_window(self, info: Info, first: int | None = None, after: str | None = None,
                                        last: int | None = None, before: str | None = None,
                                        filter: AgentRelationshipFilterParams | None = None
                                        ) -> Connection[AgentRelationship] | None:
        return self._relationships(info, "subject", filter, lambda xs: by_id(xs, first, after, last, before))

    @strawberry.field(name="relationshipsAsObject", metadata=MAIN_ONLY)
    def relationships_as_object_window(self, info: Info, first: int | None = None, after: str | None = None,
                                       last: int | None = None, before: str | None = None,
                                       filter: AgentRelationshipFilterParams | None = None
                                       ) -> Connection[AgentRelationship] | None:
        return self._relationships(info, "object", filter, lambda xs: by_id(xs, first, after, last, before))

    @strawberry.field
    def roles(self, info: Info) -> list[AgentRelationshipRole] | None:
        role_ids = {x.relationship for x in info.context.reading.relationships(self.r.id)}
        return [AgentRelationshipRole(r=x) for x in info.context.reading.get_many("agent_relationship_role",
                                                                                  sorted(role_ids))]

    @strawberry.field(metadata=LEGACY_ONLY)
    def economic_events(self, info: Info, filter: AgentEventSearchParams | None = None) -> list[EconomicEvent] | None:
        f = filter or AgentEventSearchParams()
        where = EventFilter(agent=self.r.id, action=f.action, start=f.start_date, end=f.end_date,
                            search=f.search_string)
        return [EconomicEvent(r=e) for e in info.context.reading.events(where)]

    @strawberry.field(metadata=LEGACY_ONLY)
    def inventoried_economic_resources(self, info: Info, filter: AgentResourceSearchParams | None = None
                                       ) -> list[EconomicResource] | None:
        f = filter or AgentResourceSearchParams()
        found = info.context.reading.inventoried(self.r.id, f.search_string, f.resource_classification, f.page)
        return [EconomicResource(r=x) for x in found]

    def _events(self, info: Info, where: EventFilter, s: paging.Slice) -> Connection[EconomicEvent]:
        return connection(info.context.reading.event_window(where, s), lambda e: EconomicEvent(r=e))

    @strawberry.field(name="economicEvents", metadata=MAIN_ONLY, description="Events it provided or received.")
    def economic_events_window(self, info: Info, first: int | None = None, after: str | None = None,
                               last: int | None = None, before: str | None = None,
                               filter: AgentEventFilterParams | None = None) -> Connection[EconomicEvent] | None:
        f = filter or AgentEventFilterParams()
        where = EventFilter(agent=self.r.id, action=f.action, start=f.start_date, end=f.end_date,
                            search=f.search_string)
        return self._events(info, where, sliced(first, after, last, before))

    @strawberry.field(metadata=MAIN_ONLY)
    def economic_events_as_provider(self, info: Info, first: int | None = None, after: str | None = None,
                                    last: int | None = None, before: str | None = None
                                    ) -> Connection[EconomicEvent] | None:
        return self._events(info, EventFilter(provider=self.r.id), sliced(first, after, last, before))

    @strawberry.field(metadata=MAIN_ONLY)
    def economic_events_as_receiver(self, info: Info, first: int | None = None, after: str | None = None,
                                    last: int | None = None, before: str | None = None
                                    ) -> Connection[EconomicEvent] | None:
        return self._events(info, EventFilter(receiver=self.r.id), sliced(first, after, last, before))

    @strawberry.field(metadata=MAIN_ONLY, description="Events recorded in the scope of this agent.")
    def economic_events_in_scope(self, info: Info, first: int | None = None, after: str | None = None,
                                 last: int | None = None, before: str | None = None
                                 ) -> Connection[EconomicEvent] | None:
        return self._events(info, EventFilter(in_scope=self.r.id), sliced(first, after, last, before))

    @strawberry.field(name="inventoriedEconomicResources", metadata=MAIN_ONLY)
    def inventoried_economic_resources_window(self, info: Info, first: int | None = None, after: str | None = None,
                                              last: int | None = None, before: str | None = None,
                                              filter: AgentResourceFilterParams | None = None
                                              ) -> Connection[EconomicResource] | None:
        f = filter or AgentResourceFilterParams()
        found = info.context.reading.inventoried(self.r.id, f.search_string, f.resource_classification, f.page)
        return connection(by_id(found, first, after, last, before), lambda x: EconomicResource(r=x))

    @strawberry.field(metadata=MAIN_ONLY, description="Processes in which it provided or received a flow.")
    def processes(self, info: Info, first: int | None = None, after: str | None = None,
                  last: int | None = None, before: str | None = None,
                  filter: AgentProcessFilterParams | None = None) -> Connection[Process] | None:
        f = filter or AgentProcessFilterParams()
        found = relations.processes_of(info.context.reading, self.r.id, f.search_string, f.finished)
        return connection(by_id(found, first, after, last, before), lambda x: Process(r=x))

    # ours: the facts licences and dividends turn on
    @strawberry.field(description="Legal form: worker_coop, multi_stakeholder_coop, consumer_coop, nonprofit, "
                                  "company or individual.")
    def legal_form(self) -> str | None:
        return self.r.legal_form.value if self.r.legal_form else None

    @strawberry.field
    def worker_owned(self) -> bool | None:
        return self.r.worker_owned

    @strawberry.field
    def surplus_to_worker_owners(self) -> bool | None:
        return self.r.surplus_to_worker_owners

    @strawberry.field
    def headcount(self) -> int | None:
        return self.r.headcount

    @strawberry.field
    def annual_revenue(self) -> Decimal | None:
        return Decimal(self.r.annual_revenue) if self.r.annual_revenue is not None else None

    @strawberry.field
    def revenue_currency(self, info: Info) -> Unit | None:
        return ref(info, "unit", self.r.revenue_currency, Unit)

    @strawberry.field(description="The group whose totals count for size thresholds (e.g. a parent company).")
    def group(self, info: Info) -> Organization | None:
        return ref(info, "agent", self.r.group, Organization)

    @strawberry.field(description="Memberships of co-operatives, with their dates.")
    def memberships(self, info: Info) -> list[Membership]:
        return [Membership(r=m) for m in info.context.reading.where("membership", member=self.r.id)]


@strawberry.type(name="Person")
class Person(Agent):
    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Person | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]


@strawberry.enum(name="ContributionVisibility", description="Who sees what an organization's members did for it "
                                                             "(hours of work, services, uses).")
class ContributionVisibility(Enum):
    members = "members"
    public = "public"


@strawberry.type(name="Organization")
class Organization(Agent):
    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Organization | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def classified_as(self) -> list[URI] | None:
        return [URI(u) for u in self.r.classified_as]

    @strawberry.field(description="`members` (the default): the person, the organization's members and admins see "
                                  "its members' contributions; `public`: everyone does.")
    def contributions(self) -> ContributionVisibility:
        return ContributionVisibility(self.r.contributions.value if self.r.contributions else "members")

    @strawberry.field(description="Its members, with the dates of their membership.")
    def members(self, info: Info) -> list[Membership]:
        return [Membership(r=m) for m in info.context.reading.where("membership", organization=self.r.id)]


AccountingScope = Annotated[Person | Organization, strawberry.union("AccountingScope")]


def place(info: Info, place_id: str | None) -> Any:
    """The place (SpatialThing) a record names, or None."""
    from valueflows.api.gql.proposals import SpatialThing  # deferred: proposals imports this module

    found = info.context.reading.get("spatial_thing", place_id)
    return SpatialThing(r=found) if found is not None else None


def scopes(info: Info, ids: tuple[str, ...]) -> list[AccountingScope] | None:
    return [agent(a) for a in info.context.reading.get_many("agent", ids)]  # type: ignore[misc]


@strawberry.type(name="AgentRelationshipRole")
class AgentRelationshipRole(Historied):
    r: Private[model.AgentRelationshipRole]
    KIND: ClassVar[str] = "agent_relationship_role"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> AgentRelationshipRole | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("agent_relationship_role", self.r.id))

    @strawberry.field
    def role_label(self) -> str:
        return self.r.role_label

    @strawberry.field
    def inverse_role_label(self) -> str | None:
        return self.r.inverse_role_label

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(metadata=MAIN_ONLY, description="The relationships in this role (memberships in `member`).")
    def agent_relationships(self, info: Info, first: int | None = None, after: str | None = None,
                            last: int | None = None, before: str | None = None) -> Connection[AgentRelationship] | None:
        reading = info.context.reading
        found = reading.where("agent_relationship", relationship=self.r.id)
        if self.r.id == model.MEMBER_ROLE.id:
            found += [rules.membership_relationship(m) for m in reading.where("membership")]
        return connection(by_id(sorted(found, key=lambda x: x.id), first, after, last, before),
                          lambda x: AgentRelationship(r=x))


@strawberry.type(name="AgentRelationship")
class AgentRelationship(Historied):
    r: Private[model.AgentRelationship]
    KIND: ClassVar[str] = "agent_relationship"

    def history_kind(self) -> str:
        return "membership" if self.r.relationship == model.MEMBER_ROLE.id else "agent_relationship"

    def restore(self, info: Info, revision_id: str) -> Any | None:
        """A membership is served as a relationship: its revision is a membership's, shown as one."""
        if self.history_kind() == "agent_relationship":
            return super().restore(info, revision_id)
        membership = info.context.reading.get("membership", self.r.id)
        found = info.context.reading.at_revision("membership", membership, revision_id) if membership else None
        return rules.membership_relationship(found) if found is not None else None

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> AgentRelationship | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision(self.history_kind(), self.r.id))

    @strawberry.field
    def subject(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.r.subject))

    @strawberry.field
    def object(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.r.object))

    @strawberry.field
    def relationship(self, info: Info) -> AgentRelationshipRole:
        return AgentRelationshipRole(r=info.context.reading.must("agent_relationship_role", self.r.relationship))

    @strawberry.field
    def in_scope_of(self, info: Info) -> list[AccountingScope] | None:
        return scopes(info, self.r.in_scope_of)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note


@strawberry.type(name="Membership", description="Membership of a co-operative: who, which, since when, until when.")
class Membership:
    r: Private[model.Membership]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field
    def member(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.r.member))

    @strawberry.field
    def organization(self, info: Info) -> Organization:
        return Organization(r=info.context.reading.must("agent", self.r.organization))

    @strawberry.field
    def since(self) -> str:
        return self.r.since.isoformat()

    @strawberry.field
    def until(self) -> str | None:
        return self.r.until.isoformat() if self.r.until else None


# -- observation ----------------------------------------------------------------------------------------------

@strawberry.type(name="ProductBatch")
class ProductBatch(Historied):
    r: Private[model.ProductBatch]
    KIND: ClassVar[str] = "product_batch"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> ProductBatch | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("product_batch", self.r.id))

    @strawberry.field
    def batch_number(self) -> str:
        return self.r.batch_number

    @strawberry.field
    def expiry_date(self) -> datetime | None:
        return self.r.expiry_date

    @strawberry.field
    def production_date(self) -> datetime | None:
        return self.r.production_date


@strawberry.type(name="EconomicResource")
class EconomicResource(ResourcePlanning, Historied):
    r: Private[model.EconomicResource]
    KIND: ClassVar[str] = "economic_resource"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> EconomicResource | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("economic_resource", self.r.id))

    @strawberry.field
    def name(self) -> str | None:
        return self.r.name

    @strawberry.field
    def classified_as(self) -> list[URI] | None:
        return [URI(u) for u in self.r.classified_as]

    @strawberry.field
    def conforms_to(self, info: Info) -> ResourceSpecification:
        return ResourceSpecification(r=info.context.reading.must("resource_specification", self.r.conforms_to))

    @strawberry.field
    def tracking_identifier(self) -> str | None:
        return self.r.tracking_identifier

    @strawberry.field
    def lot(self, info: Info) -> ProductBatch | None:
        return ref(info, "product_batch", self.r.lot, ProductBatch)

    @strawberry.field
    def image(self) -> URI | None:
        return URI(self.r.image) if self.r.image else None

    @strawberry.field
    def accounting_quantity(self) -> Measure | None:
        return Measure(r=self.r.accounting)

    @strawberry.field
    def onhand_quantity(self) -> Measure | None:
        return Measure(r=self.r.onhand)

    @strawberry.field(metadata=only(MAIN), description="Where it is.")
    def current_location(self, info: Info) -> LazySpatialThing | None:
        return place(info, self.r.current_location)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def unit_of_effort(self, info: Info) -> Unit | None:
        return ref(info, "unit", self.r.unit_of_effort, Unit)

    @strawberry.field(description="The specification of the last process the resource came out of.")
    def stage(self, info: Info) -> ProcessSpecification | None:
        process = info.context.reading.get("process", traces.stage(info.context.reading.resource_events(self.r.id)))
        return ref(info, "process_specification", process.based_on if process else None, ProcessSpecification)

    @strawberry.field(description="pass or fail, from the last such event.")
    def state(self, info: Info) -> Action | None:
        verdict = traces.state(info.context.reading.resource_events(self.r.id))
        return action(verdict) if verdict else None

    @strawberry.field
    def contained_in(self, info: Info) -> EconomicResource | None:
        return ref(info, "economic_resource", self.r.contained_in, EconomicResource)

    @strawberry.field
    def contains(self, info: Info) -> list[EconomicResource] | None:
        return [EconomicResource(r=x) for x in info.context.reading.where("economic_resource",
                                                                          contained_in=self.r.id)]

    @strawberry.field(description="The events that brought this resource about or added to it.",
                      metadata=LEGACY_ONLY)
    def trace(self, info: Info) -> list[EconomicEvent] | None:
        return self.previous(info)

    @strawberry.field(description="The events that took this resource further: used, consumed, passed on.",
                      metadata=LEGACY_ONLY)
    def track(self, info: Info) -> list[EconomicEvent] | None:
        return self.next(info)

    @strawberry.field(metadata=MAIN_ONLY, description="The events that brought this resource about or added to it.")
    def previous(self, info: Info) -> list[EconomicEvent] | None:
        return [EconomicEvent(r=e) for e in traces.trace(info.context.reading.resource_events(self.r.id), self.r.id)]

    @strawberry.field(metadata=MAIN_ONLY, description="The events that took this resource further: used, consumed, "
                                                      "passed on.")
    def next(self, info: Info) -> list[EconomicEvent] | None:
        return [EconomicEvent(r=e) for e in traces.track(info.context.reading.resource_events(self.r.id), self.r.id)]

    @strawberry.field(name="trace", metadata=MAIN_ONLY, description="Where it came from, step by step back through "
                                                                    "events, resources and processes.")
    def trace_all(self, info: Info) -> list[TrackTraceItem] | None:
        return [item(x) for x in tracing.follow(info.context.reading, "economic_resource", self.r, forward=False)]

    @strawberry.field(name="track", metadata=MAIN_ONLY, description="Where it went, step by step forward through "
                                                                    "events, resources and processes.")
    def track_all(self, info: Info) -> list[TrackTraceItem] | None:
        return [item(x) for x in tracing.follow(info.context.reading, "economic_resource", self.r, forward=True)]

    @strawberry.field(description="Addresses of images of it (beside `image`).")
    def image_list(self) -> list[URI] | None:
        return [URI(u) for u in self.r.image_list]

    def _flows(self, info: Info, side: str, s: paging.Slice) -> Connection[EconomicEvent]:
        window = info.context.reading.event_window(EventFilter(resource=self.r.id), s,
                                                   lambda e: getattr(e, side) == self.r.id)
        return connection(window, lambda e: EconomicEvent(r=e))

    @strawberry.field(metadata=MAIN_ONLY, description="Events with this resource as resourceInventoriedAs.")
    def economic_events_in_out_from(self, info: Info, first: int | None = None, after: str | None = None,
                                    last: int | None = None, before: str | None = None
                                    ) -> Connection[EconomicEvent] | None:
        return self._flows(info, "resource_inventoried_as", sliced(first, after, last, before))

    @strawberry.field(metadata=MAIN_ONLY, description="Events with this resource as toResourceInventoriedAs.")
    def economic_events_to(self, info: Info, first: int | None = None, after: str | None = None,
                           last: int | None = None, before: str | None = None) -> Connection[EconomicEvent] | None:
        return self._flows(info, "to_resource_inventoried_as", sliced(first, after, last, before))

    @strawberry.field
    def primary_accountable(self, info: Info) -> Agent | None:
        return agent(info.context.reading.must("agent", self.r.primary_accountable))

    # ours
    @strawberry.field
    def custodian(self, info: Info) -> Agent | None:
        return agent(info.context.reading.must("agent", self.r.custodian))

    @strawberry.field(description="The licence the resource is under: an SPDX id or LicenseRef-….")
    def licence(self) -> str | None:
        return self.r.licence


@strawberry.type(name="Process")
class Process(ProcessPlanning, Historied):
    r: Private[model.Process]
    KIND: ClassVar[str] = "process"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Process | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    def _events(self, info: Info, action_id: str | None) -> list[model.EconomicEvent]:
        return info.context.reading.events(EventFilter(process=self.r.id, action=action_id))

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("process", self.r.id))

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
    def finished(self) -> bool | None:
        return self.r.finished

    @strawberry.field
    def based_on(self, info: Info) -> ProcessSpecification | None:
        return ref(info, "process_specification", self.r.based_on, ProcessSpecification)

    @strawberry.field
    def classified_as(self) -> list[URI] | None:
        return [URI(u) for u in self.r.classified_as]

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def in_scope_of(self, info: Info) -> list[AccountingScope] | None:
        return scopes(info, self.r.in_scope_of)

    def _inputs(self, info: Info, action: str | None) -> list[EconomicEvent]:
        return [EconomicEvent(r=e) for e in self._events(info, action) if e.input_of == self.r.id]

    def _outputs(self, info: Info, action: str | None) -> list[EconomicEvent]:
        return [EconomicEvent(r=e) for e in self._events(info, action) if e.output_of == self.r.id]

    @strawberry.field
    def inputs(self, info: Info, action: ID | None = None) -> list[EconomicEvent] | None:
        return self._inputs(info, action)

    @strawberry.field
    def outputs(self, info: Info, action: ID | None = None) -> list[EconomicEvent] | None:
        return self._outputs(info, action)

    @strawberry.field
    def unplanned_economic_events(self, info: Info, action: ID | None = None) -> list[EconomicEvent] | None:
        return [EconomicEvent(r=e) for e in self._events(info, action)]

    @strawberry.field(description="Processes that took in a resource this process put out.")
    def next_processes(self, info: Info) -> list[Process] | None:
        return self._linked(info, forward=True)

    @strawberry.field(description="Processes that put out a resource this process took in.")
    def previous_processes(self, info: Info) -> list[Process] | None:
        return self._linked(info, forward=False)

    def _linked(self, info: Info, forward: bool) -> list[Process]:
        reading = info.context.reading
        resources = traces.resources_of(self.r.id, self._events(info, None), forward)
        flows = [e for rid in resources for e in reading.resource_events(rid)]
        return [Process(r=p) for p in reading.get_many("process", traces.linked_processes(self.r.id, flows, forward))]

    @strawberry.field(description="The process's inputs.")
    def trace(self, info: Info) -> list[EconomicEvent] | None:
        return self._inputs(info, None)

    @strawberry.field(description="The process's outputs.")
    def track(self, info: Info) -> list[EconomicEvent] | None:
        return self._outputs(info, None)

    @strawberry.field(description="Always false: the ledger is append-only.")
    def deletable(self) -> bool | None:
        return False

    @strawberry.field(metadata=LEGACY_ONLY)
    def working_agents(self, info: Info) -> list[Agent] | None:
        return [agent(a) for a in info.context.reading.get_many("agent", traces.working_agents(
            self._events(info, "work")))]

    @strawberry.field(name="workingAgents", metadata=MAIN_ONLY, description="Who worked in it.")
    def working_agents_window(self, info: Info, first: int | None = None, after: str | None = None,
                              last: int | None = None, before: str | None = None) -> Connection[Agent] | None:
        found = info.context.reading.get_many("agent", traces.working_agents(self._events(info, "work")))
        return connection(by_id(found, first, after, last, before), agent)

    @strawberry.field(metadata=MAIN_ONLY, description="Who provided or received its flows.")
    def involved_agents(self, info: Info, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> Connection[Agent] | None:
        ids = dict.fromkeys(a for e in self._events(info, None) for a in (e.provider, e.receiver))
        found = info.context.reading.get_many("agent", ids)
        return connection(by_id(found, first, after, last, before), agent)

    @staticmethod
    def _filtered(info: Info, flows: list[EconomicEvent], filter: ProcessEventFilterParams | None
                  ) -> list[EconomicEvent]:
        keep = filter.keep(info) if filter is not None else None
        return flows if keep is None else [f for f in flows if keep(f.r)]

    @strawberry.field(metadata=MAIN_ONLY)
    def observed_inputs(self, info: Info, filter: ProcessEventFilterParams | None = None
                        ) -> list[EconomicEvent] | None:
        return self._filtered(info, self._inputs(info, None), filter)

    @strawberry.field(metadata=MAIN_ONLY)
    def observed_outputs(self, info: Info, filter: ProcessEventFilterParams | None = None
                         ) -> list[EconomicEvent] | None:
        return self._filtered(info, self._outputs(info, None), filter)

    def _unplanned(self, info: Info, flows: list[EconomicEvent]) -> list[EconomicEvent]:
        return [EconomicEvent(r=e) for e in relations.unplanned(info.context.reading, [f.r for f in flows])]

    @strawberry.field(metadata=MAIN_ONLY, description="Inputs that fulfil no commitment.")
    def unplanned_inputs(self, info: Info, filter: ProcessEventFilterParams | None = None
                         ) -> list[EconomicEvent] | None:
        return self._filtered(info, self._unplanned(info, self._inputs(info, None)), filter)

    @strawberry.field(metadata=MAIN_ONLY, description="Outputs that fulfil no commitment.")
    def unplanned_outputs(self, info: Info, filter: ProcessEventFilterParams | None = None
                          ) -> list[EconomicEvent] | None:
        return self._filtered(info, self._unplanned(info, self._outputs(info, None)), filter)

    @strawberry.field(metadata=MAIN_ONLY, description="Its inputs: the flows one step before it.")
    def previous(self, info: Info) -> list[EconomicEvent] | None:
        return self._inputs(info, None)

    @strawberry.field(metadata=MAIN_ONLY, description="Its outputs: the flows one step after it.")
    def next(self, info: Info) -> list[EconomicEvent] | None:
        return self._outputs(info, None)


ProductionFlowItem = Annotated[Process | EconomicResource, strawberry.union("ProductionFlowItem")]


@strawberry.type(name="EconomicEvent")
class EconomicEvent(EventPlanning, Historied):
    r: Private[model.EconomicEvent]
    KIND: ClassVar[str] = "economic_event"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> EconomicEvent | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("economic_event", self.r.id))

    @strawberry.field
    def action(self) -> Action:
        return action(self.r.action)

    @strawberry.field
    def input_of(self, info: Info) -> Process | None:
        return ref(info, "process", self.r.input_of, Process)

    @strawberry.field
    def output_of(self, info: Info) -> Process | None:
        return ref(info, "process", self.r.output_of, Process)

    @strawberry.field
    def resource_inventoried_as(self, info: Info) -> EconomicResource | None:
        return ref(info, "economic_resource", self.r.resource_inventoried_as, EconomicResource)

    @strawberry.field
    def to_resource_inventoried_as(self, info: Info) -> EconomicResource | None:
        return ref(info, "economic_resource", self.r.to_resource_inventoried_as, EconomicResource)

    @strawberry.field
    def resource_classified_as(self) -> list[URI] | None:
        return [URI(u) for u in self.r.resource_classified_as]

    @strawberry.field
    def resource_conforms_to(self, info: Info) -> ResourceSpecification | None:
        return ref(info, "resource_specification", self.r.resource_conforms_to, ResourceSpecification)

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

    @strawberry.field(metadata=only(MAIN), description="Where it happened.")
    def at_location(self, info: Info) -> LazySpatialThing | None:
        return place(info, self.r.at_location)

    @strawberry.field(metadata=only(MAIN), description="Where a resource it moved went.")
    def to_location(self, info: Info) -> LazySpatialThing | None:
        return place(info, self.r.to_location)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def in_scope_of(self, info: Info) -> list[AccountingScope] | None:
        return scopes(info, self.r.in_scope_of)

    @strawberry.field
    def agreed_in(self) -> URI | None:
        return URI(self.r.agreed_in) if self.r.agreed_in else None

    @strawberry.field
    def triggered_by(self, info: Info) -> EconomicEvent | None:
        return ref(info, "economic_event", self.r.triggered_by, EconomicEvent)

    @strawberry.field(description="Where the flow goes next: the process it is input to, or the resource it made.",
                      metadata=LEGACY_ONLY)
    def track(self, info: Info) -> list[ProductionFlowItem] | None:
        return self._flow(info, forward=True)

    @strawberry.field(description="Where the flow came from: the process that put it out, or the resource it used.",
                      metadata=LEGACY_ONLY)
    def trace(self, info: Info) -> list[ProductionFlowItem] | None:
        return self._flow(info, forward=False)

    @strawberry.field(metadata=MAIN_ONLY, description="Where the flow goes next: the process it is input to, or "
                                                      "the resource it made.")
    def next(self, info: Info) -> list[ProductionFlowItem] | None:
        return self._flow(info, forward=True)

    @strawberry.field(metadata=MAIN_ONLY, description="Where the flow came from: the process that put it out, or "
                                                      "the resource it used.")
    def previous(self, info: Info) -> list[ProductionFlowItem] | None:
        return self._flow(info, forward=False)

    @strawberry.field(name="track", metadata=MAIN_ONLY, description="Where the flow went, step by step forward.")
    def track_all(self, info: Info) -> list[TrackTraceItem] | None:
        return [item(x) for x in tracing.follow(info.context.reading, "economic_event", self.r, forward=True)]

    @strawberry.field(name="trace", metadata=MAIN_ONLY, description="Where the flow came from, step by step back.")
    def trace_all(self, info: Info) -> list[TrackTraceItem] | None:
        return [item(x) for x in tracing.follow(info.context.reading, "economic_event", self.r, forward=False)]

    @strawberry.field(metadata=MAIN_ONLY, description="The events this one triggered.")
    def triggers(self, info: Info) -> list[EconomicEvent] | None:
        return [EconomicEvent(r=e) for e in info.context.reading.where("economic_event", triggered_by=self.r.id)]

    def _flow(self, info: Info, forward: bool) -> list[Any]:
        process_id, resource_id = traces.event_flow(self.r, forward)
        process = ref(info, "process", process_id, Process)
        resource = ref(info, "economic_resource", resource_id, EconomicResource)
        return [x for x in (process, resource) if x is not None]

    @strawberry.field(description="Always false: events are never deleted; record a correction instead.")
    def deletable(self) -> bool | None:
        return False

    @strawberry.field
    def provider(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.r.provider))

    @strawberry.field
    def receiver(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.r.receiver))

    # ours
    @strawberry.field(description="The event this one corrects.")
    def corrects(self, info: Info) -> EconomicEvent | None:
        return ref(info, "economic_event", self.r.corrects, EconomicEvent)

    @strawberry.field(description="The event that corrects this one, if any: then this one no longer counts.")
    def corrected_by(self, info: Info) -> EconomicEvent | None:
        found = info.context.reading.correction_of(self.r.id)
        return EconomicEvent(r=found) if found else None

    @strawberry.field(description="Position in the ledger's hash chain.")
    def sequence(self) -> int | None:
        return self.r.seq

    @strawberry.field(description="Fields left out because this reader may not see them (e.g. `note`).")
    def withheld(self, info: Info) -> list[str]:
        return sorted(info.context.reading.event_views([self.r])[self.r.id].withheld)

    @strawberry.field(metadata=LEGACY_ONLY)
    def realization_of(self) -> ID | None:
        return ID(self.r.realization_of) if self.r.realization_of else None

    @strawberry.field(description="For a prior-period adjustment: the day of a closed period this event is about "
                                  "(the event itself is dated in an open period).")
    def prior_period(self) -> date | None:
        return self.r.prior_period


TrackTraceItem = Annotated[EconomicResource | EconomicEvent | Process, strawberry.union("TrackTraceItem")]
KINDS_OF_ITEMS: dict[str, Any] = {"economic_event": EconomicEvent, "economic_resource": EconomicResource,
                                  "process": Process}


def item(found: tuple[str, Any]) -> Any:
    """The GraphQL face of an item met in track and trace."""
    return KINDS_OF_ITEMS[found[0]](r=found[1])
