"""The main API's lists (vf-graphql 0.9): every list a connection, read a window at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import ID

from valueflows.api.gql import measures as m
from valueflows.api.gql import types as t
from valueflows.api.gql.connections import Connection, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.scalars import URI
from valueflows.api.gql.versions import MAIN, only
from valueflows.domain.model import AgentType
from valueflows.service import filters
from valueflows.service.queries import EventFilter

MAIN_ONLY = only(MAIN)


@strawberry.input(name="AgentFilterParams")
class AgentFilterParams:
    classified_as: list[ID] | None = strawberry.field(
        default=None, description="Retrieve only agents with the specified classification(s)."
    )


@strawberry.input(name="EconomicEventFilterParams")
class EconomicEventFilterParams:
    search_string: str | None = None
    provider_id: list[ID] | None = None
    receiver_id: list[ID] | None = None
    resource_classified_as: list[URI] | None = None
    action: list[ID] | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


@strawberry.input(name="ProcessFilterParams")
class ProcessFilterParams:
    search_string: str | None = None
    finished: bool | None = None
    in_scope_of: list[ID] | None = None
    classified_as: list[URI] | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


def event_filter(f: EconomicEventFilterParams | None) -> tuple[EventFilter, filters.Keep]:
    f = f or EconomicEventFilterParams()
    where = EventFilter(
        search=f.search_string,
        providers=tuple(f.provider_id or ()),
        receivers=tuple(f.receiver_id or ()),
        actions=tuple(f.action or ()),
        start=f.start_date,
        end=f.end_date,
    )
    return where, filters.classified(f.resource_classified_as, "resource_classified_as")


def records(name: str, kind: str, wrap: type[Any], description: str | None = None) -> Any:
    """A connection field over one kind of record in id order, with no filter: one line per list."""

    def resolve(
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        return connection(info.context.reading.window(kind, sliced(first, after, last, before)), lambda x: wrap(r=x))

    resolve.__annotations__["return"] = Connection[wrap]  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, name=name, description=description, metadata=MAIN_ONLY)


@strawberry.type
class Lists:
    """Python names differ from the legacy lists' (`merge_types` merges by Python name); GraphQL names do not."""

    @strawberry.field(
        name="agents",
        description="Loads all agents publicly registered within this collaboration space",
        metadata=MAIN_ONLY,
    )
    def agents_window(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AgentFilterParams | None = None,
    ) -> Connection[t.Agent]:
        keep = filters.classified(filter.classified_as if filter else None)
        window = info.context.reading.window("agent", sliced(first, after, last, before), keep)
        return connection(window, t.agent)

    @strawberry.field(
        name="organizations",
        description="Loads all organizations publicly registered within this collaboration space",
        metadata=MAIN_ONLY,
    )
    def organizations_window(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AgentFilterParams | None = None,
    ) -> Connection[t.Organization]:
        keep = filters.classified(filter.classified_as if filter else None)
        window = info.context.reading.window(
            "agent", sliced(first, after, last, before), keep, type=AgentType.ORGANIZATION.value
        )
        return connection(window, lambda a: t.Organization(r=a))

    @strawberry.field(
        name="people",
        description="Loads all people who have publicly registered with this collaboration space.",
        metadata=MAIN_ONLY,
    )
    def people_window(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AgentFilterParams | None = None,
    ) -> Connection[t.Person]:
        keep = filters.classified(filter.classified_as if filter else None)
        window = info.context.reading.window(
            "agent", sliced(first, after, last, before), keep, type=AgentType.PERSON.value
        )
        return connection(window, lambda a: t.Person(r=a))

    @strawberry.field(
        name="agentRelationships",
        description="Retrieve details of all the relationships between all agents",
        metadata=MAIN_ONLY,
    )
    def agent_relationships_window(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[t.AgentRelationship]:
        window = info.context.reading.relationship_window(sliced(first, after, last, before))
        return connection(window, lambda x: t.AgentRelationship(r=x))

    @strawberry.field(
        name="economicEvents", description="Events in ledger order, the corrected view.", metadata=MAIN_ONLY
    )
    def economic_events_window(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: EconomicEventFilterParams | None = None,
    ) -> Connection[t.EconomicEvent]:
        where, keep = event_filter(filter)
        window = info.context.reading.event_window(where, sliced(first, after, last, before), keep)
        return connection(window, lambda e: t.EconomicEvent(r=e))

    @strawberry.field(name="processes", metadata=MAIN_ONLY)
    def processes_window(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ProcessFilterParams | None = None,
    ) -> Connection[t.Process]:
        f = filter or ProcessFilterParams()
        keep = filters.processes(f.search_string, f.finished, f.in_scope_of, f.classified_as, f.start_date, f.end_date)
        window = info.context.reading.window("process", sliced(first, after, last, before), keep)
        return connection(window, lambda x: t.Process(r=x))

    agent_relationship_roles_window: Connection[t.AgentRelationshipRole] = records(
        "agentRelationshipRoles",
        "agent_relationship_role",
        t.AgentRelationshipRole,
        "Retrieve all possible kinds of associations that agents may have with one another",
    )
    units_window: Connection[m.Unit] = records("units", "unit", m.Unit)
    economic_resources_window: Connection[t.EconomicResource] = records(
        "economicResources", "economic_resource", t.EconomicResource
    )
    process_specifications_window: Connection[t.ProcessSpecification] = records(
        "processSpecifications", "process_specification", t.ProcessSpecification
    )
    product_batches_window: Connection[t.ProductBatch] = records("productBatches", "product_batch", t.ProductBatch)
    resource_specifications_window: Connection[t.ResourceSpecification] = records(
        "resourceSpecifications", "resource_specification", t.ResourceSpecification
    )
