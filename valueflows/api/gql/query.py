"""The reference queries, and ours beside them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import ID

from valueflows.api.gql import measures as m
from valueflows.api.gql import reports
from valueflows.api.gql import types as t
from valueflows.api.gql.context import Info
from valueflows.api.gql.scalars import URI
from valueflows.api.gql.versions import LEGACY, only
from valueflows.domain.actions import ACTIONS
from valueflows.domain.errors import violation
from valueflows.domain.instants import parse_instant
from valueflows.domain.model import AgentType
from valueflows.service.queries import EventFilter
from valueflows.service.reports import ReportScope, contributions


def _time(value: str | None, name: str) -> datetime | None:
    return None if value is None else parse_instant(value, name)


@strawberry.input(name="EventFilterParams", description="Which events: every given condition holds.")
class EventFilterParams:
    agent: ID | None = strawberry.field(default=None, description="As provider or receiver.")
    provider: ID | None = None
    receiver: ID | None = None
    action: ID | None = None
    resource: ID | None = strawberry.field(default=None,
                                           description="As resourceInventoriedAs or toResourceInventoriedAs.")
    process: ID | None = strawberry.field(default=None, description="As inputOf or outputOf.")
    start: datetime | None = strawberry.field(default=None, description="Happened at or after.")
    end: datetime | None = strawberry.field(default=None, description="Happened before.")
    include_corrected: bool = strawberry.field(default=False, description="Also the events that were corrected.")


@strawberry.type(name="EconomicEventPage")
class EconomicEventPage:
    items: list[t.EconomicEvent]
    next_cursor: str | None = strawberry.field(description="Pass as `after` for the next page; null on the last.")


@strawberry.type(name="Query")
class Query:
    # -- agent ---------------------------------------------------------------------------------------------
    @strawberry.field(description="Loads details of the currently authenticated REA agent")
    def my_agent(self, info: Info) -> t.Agent | None:
        found = info.context.reading.get("agent", info.context.principal.agent)
        return t.agent(found) if found else None

    @strawberry.field(description="Find an agent (person or organization) by their ID")
    def agent(self, info: Info, id: ID) -> t.Agent | None:
        found = info.context.reading.get("agent", id)
        return t.agent(found) if found else None

    @strawberry.field(description="Loads all agents publicly registered within this collaboration space",
                      metadata=only(LEGACY))
    def agents(self, info: Info, start: ID | None = None, limit: int | None = None) -> list[t.Agent] | None:
        return [t.agent(a) for a in info.context.reading.page("agent", start, limit)]

    @strawberry.field(description="Find an organization (group) agent by its ID")
    def organization(self, info: Info, id: ID) -> t.Organization | None:
        found = info.context.reading.get("agent", id)
        return t.Organization(r=found) if found and found.type is AgentType.ORGANIZATION else None

    @strawberry.field(description="Loads all organizations publicly registered within this collaboration space",
                      metadata=only(LEGACY))
    def organizations(self, info: Info, start: ID | None = None, limit: int | None = None
                      ) -> list[t.Organization] | None:
        found = info.context.reading.page("agent", start, limit)
        return [t.Organization(r=a) for a in found if a.type is AgentType.ORGANIZATION]

    @strawberry.field(description="Find a person by their ID")
    def person(self, info: Info, id: ID) -> t.Person | None:
        found = info.context.reading.get("agent", id)
        return t.Person(r=found) if found and found.type is AgentType.PERSON else None

    @strawberry.field(description="Loads all people who have publicly registered with this collaboration space.",
                      metadata=only(LEGACY))
    def people(self, info: Info, start: ID | None = None, limit: int | None = None) -> list[t.Person] | None:
        return [t.Person(r=a) for a in info.context.reading.page("agent", start, limit) if a.type is AgentType.PERSON]

    @strawberry.field(description="Retrieve details of an agent relationship by its ID")
    def agent_relationship(self, info: Info, id: ID) -> t.AgentRelationship | None:
        found = info.context.reading.relationship(id)
        return t.AgentRelationship(r=found) if found else None

    @strawberry.field(description="Retrieve details of all the relationships between all agents",
                      metadata=only(LEGACY))
    def agent_relationships(self, info: Info, start: ID | None = None, limit: int | None = None
                            ) -> list[t.AgentRelationship] | None:
        return [t.AgentRelationship(r=x) for x in info.context.reading.relationships_page(start, limit)]

    @strawberry.field(description="Retrieve details of an agent relationship role by its ID")
    def agent_relationship_role(self, info: Info, id: ID) -> t.AgentRelationshipRole | None:
        return m.ref(info, "agent_relationship_role", id, t.AgentRelationshipRole)

    @strawberry.field(description="Retrieve all possible kinds of associations that agents may have with one another",
                      metadata=only(LEGACY))
    def agent_relationship_roles(self, info: Info, start: ID | None = None, limit: int | None = None
                                 ) -> list[t.AgentRelationshipRole] | None:
        return [t.AgentRelationshipRole(r=x) for x in info.context.reading.page("agent_relationship_role", start,
                                                                                limit)]

    # -- knowledge & measurement -----------------------------------------------------------------------------
    @strawberry.field
    def action(self, id: ID) -> m.Action | None:
        return m.action(id) if id in ACTIONS else None

    @strawberry.field
    def actions(self) -> list[m.Action] | None:
        return [m.action(a) for a in ACTIONS]

    @strawberry.field
    def resource_specification(self, info: Info, id: ID) -> t.ResourceSpecification | None:
        return m.ref(info, "resource_specification", id, t.ResourceSpecification)

    @strawberry.field(metadata=only(LEGACY))
    def resource_specifications(self, info: Info, start: ID | None = None, limit: int | None = None
                                ) -> list[t.ResourceSpecification] | None:
        return [t.ResourceSpecification(r=x) for x in info.context.reading.page("resource_specification", start,
                                                                                limit)]

    @strawberry.field
    def process_specification(self, info: Info, id: ID) -> t.ProcessSpecification | None:
        return m.ref(info, "process_specification", id, t.ProcessSpecification)

    @strawberry.field(metadata=only(LEGACY))
    def process_specifications(self, info: Info, start: ID | None = None, limit: int | None = None
                               ) -> list[t.ProcessSpecification] | None:
        return [t.ProcessSpecification(r=x) for x in info.context.reading.page("process_specification", start,
                                                                               limit)]

    @strawberry.field
    def unit(self, info: Info, id: ID) -> m.Unit | None:
        return m.ref(info, "unit", id, m.Unit)

    @strawberry.field(metadata=only(LEGACY))
    def units(self, info: Info, start: ID | None = None, limit: int | None = None) -> list[m.Unit] | None:
        return [m.Unit(r=x) for x in info.context.reading.page("unit", start, limit)]

    # -- observation -------------------------------------------------------------------------------------------
    @strawberry.field
    def economic_event(self, info: Info, id: ID) -> t.EconomicEvent | None:
        return m.ref(info, "economic_event", id, t.EconomicEvent)

    @strawberry.field(description="Events in ledger order, the corrected view, starting after the event `start`.",
                      metadata=only(LEGACY))
    def economic_events(self, info: Info, start: ID | None = None, limit: int | None = None
                        ) -> list[t.EconomicEvent] | None:
        return [t.EconomicEvent(r=e) for e in info.context.reading.event_page(start, limit)]

    @strawberry.field
    def economic_events_filtered(
        self, info: Info, provider_id: ID | None = None, receiver_id: ID | None = None,
        resource_classified_as: list[URI] | None = None, action: ID | None = None,
        start_date: str | None = None, end_date: str | None = None,
    ) -> list[t.EconomicEvent] | None:
        where = EventFilter(provider=provider_id, receiver=receiver_id, action=action,
                            start=_time(start_date, "startDate"), end=_time(end_date, "endDate"))
        found = info.context.reading.events(where)
        if resource_classified_as:
            wanted = set(resource_classified_as)
            found = [e for e in found if wanted & set(e.resource_classified_as)]
        return [t.EconomicEvent(r=e) for e in found]

    @strawberry.field(description="Events filtered by agent, action, resource, process and period, in pages.")
    def events(self, info: Info, filter: EventFilterParams | None = None, first: int = 100,
               after: str | None = None) -> EconomicEventPage:
        f = filter or EventFilterParams()
        where = EventFilter(agent=f.agent, provider=f.provider, receiver=f.receiver, action=f.action,
                            resource=f.resource, process=f.process, start=f.start, end=f.end,
                            include_corrected=f.include_corrected)
        try:
            cursor = int(after) if after is not None else None
        except ValueError:
            raise violation("after", "bad_cursor", "after is the nextCursor of a previous page") from None
        page = info.context.reading.event_list(where, first, cursor)
        return EconomicEventPage(items=[t.EconomicEvent(r=e) for e in page.items], next_cursor=page.next_cursor)

    @strawberry.field(description="Who contributed what in a period: hours by kind of work, every other flow by "
                                  "action and unit, and each agent's share of the hours. Optionally only flows "
                                  "received by one agent (the co-op), inputs to one process, or flows behind one "
                                  "resource (rolled up through the processes behind it). With `equation` (a value "
                                  "equation's name or id, or `hours`), each agent's points under it.")
    def contribution_report(self, info: Info, start: datetime, end: datetime, receiver: ID | None = None,
                            process: ID | None = None, resource: ID | None = None,
                            equation: str | None = None) -> reports.ContributionReport:
        scope = ReportScope(start, end, receiver=receiver, process=process, resource=resource)
        report = contributions(info.context.uow, scope, equation)
        return reports.contribution_report(report, start, end)

    @strawberry.field
    def economic_resource(self, info: Info, id: ID) -> t.EconomicResource | None:
        return m.ref(info, "economic_resource", id, t.EconomicResource)

    @strawberry.field(metadata=only(LEGACY))
    def economic_resources(self, info: Info, start: ID | None = None, limit: int | None = None
                           ) -> list[t.EconomicResource] | None:
        return [t.EconomicResource(r=x) for x in info.context.reading.page("economic_resource", start, limit)]

    @strawberry.field
    def product_batch(self, info: Info, id: ID) -> t.ProductBatch | None:
        return m.ref(info, "product_batch", id, t.ProductBatch)

    @strawberry.field(metadata=only(LEGACY))
    def product_batches(self, info: Info, start: ID | None = None, limit: int | None = None
                        ) -> list[t.ProductBatch] | None:
        return [t.ProductBatch(r=x) for x in info.context.reading.page("product_batch", start, limit)]

    @strawberry.field
    def process(self, info: Info, id: ID) -> t.Process | None:
        return m.ref(info, "process", id, t.Process)

    @strawberry.field(metadata=only(LEGACY))
    def processes(self, info: Info, start: ID | None = None, limit: int | None = None) -> list[t.Process] | None:
        return [t.Process(r=x) for x in info.context.reading.page("process", start, limit)]
