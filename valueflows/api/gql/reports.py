"""GraphQL types of the contribution report (ours)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import ID, Private

from valueflows.api.gql.context import Info
from valueflows.api.gql.measures import Action, Measure, action, ref
from valueflows.api.gql.scalars import Decimal
from valueflows.api.gql.types import Agent, ResourceSpecification, agent
from valueflows.domain.quantities import Measure as MeasureRecord


@strawberry.type(name="HoursOfKind")
class HoursOfKind:
    kind: Private[str | None]
    hours: Decimal

    @strawberry.field(description="The kind of work (the work event's resourceConformsTo), if given.")
    def resource_specification(self, info: Info) -> ResourceSpecification | None:
        return ref(info, "resource_specification", self.kind, ResourceSpecification)


@strawberry.type(name="ContributionAmount")
class ContributionAmount:
    action: Action
    quantity: Measure
    kind: Private[str | None]

    @strawberry.field
    def resource_specification(self, info: Info) -> ResourceSpecification | None:
        return ref(info, "resource_specification", self.kind, ResourceSpecification)


@strawberry.type(name="Contribution", description="One agent's contributions in the period and scope.")
class Contribution:
    agent_id: Private[str]
    hours: Decimal = strawberry.field(description="Work, in hours (minutes and days converted; 6 decimals).")
    hours_by_kind: list[HoursOfKind]
    other: list[ContributionAmount] = strawberry.field(description="Every other flow, by action, unit and kind.")
    share_of_hours: Decimal = strawberry.field(description="This agent's hours / all hours in the report, 6 decimals "
                                                           "(half to even): it informs, it is not money.")
    events: int
    points: Decimal | None = strawberry.field(description="Points under the value equation the report was asked "
                                                          "with (6 decimals); null without one.")

    @strawberry.field
    def agent(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.agent_id))

    @strawberry.field(deprecation_reason="Use shareOfHours (a dividend's share is shareOfDividend on a run).")
    def share(self) -> Decimal:
        return self.share_of_hours


@strawberry.type(name="Exchange", description="Flows in the report's scope that are exchanges (agreed in or "
                                              "realizing an agreement: a sale, a licence), shown apart: they are "
                                              "not contributions.")
class Exchange:
    agent_id: Private[str]
    action: Action
    quantity: Measure
    kind: Private[str | None]
    events: int

    @strawberry.field
    def agent(self, info: Info) -> Agent:
        return agent(info.context.reading.must("agent", self.agent_id))

    @strawberry.field
    def resource_specification(self, info: Info) -> ResourceSpecification | None:
        return ref(info, "resource_specification", self.kind, ResourceSpecification)


@strawberry.type(name="ContributionReport")
class ContributionReport:
    start: datetime
    end: datetime
    total_hours: Decimal
    contributors: list[Contribution]
    processes: list[ID] = strawberry.field(description="Resource scope: every process behind the resource.")
    cycles: list[list[ID]] = strawberry.field(description="Resource scope: cycles met walking back through inputs "
                                                          "(resource, process, resource, ..., the first resource).")
    exchanges: list[Exchange]
    receiver_id: Private[str | None]

    @strawberry.field(description="Whose received flows the report covers (by default the one organization that "
                                  "has members, if there is one).")
    def receiver(self, info: Info) -> Agent | None:
        return agent(info.context.reading.must("agent", self.receiver_id)) if self.receiver_id else None


def contribution_report(report: Any, start: datetime, end: datetime) -> ContributionReport:
    return ContributionReport(
        start=start, end=end, total_hours=Decimal(report.total_hours),
        contributors=[
            Contribution(
                agent_id=c.agent, hours=Decimal(c.hours), share_of_hours=Decimal(c.share), events=c.events,
                points=Decimal(c.points) if c.points is not None else None,
                hours_by_kind=[HoursOfKind(kind=k, hours=Decimal(v)) for k, v in c.hours_by_kind.items()],
                other=[ContributionAmount(action=action(o.action), kind=o.kind,
                                          quantity=Measure(r=MeasureRecord(o.quantity, o.unit))) for o in c.other],
            )
            for c in report.contributors
        ],
        processes=[ID(p) for p in report.processes], cycles=[[ID(x) for x in cycle] for cycle in report.cycles],
        exchanges=[Exchange(agent_id=x.agent, action=action(x.action), kind=x.kind, events=x.events,
                            quantity=Measure(r=MeasureRecord(x.quantity, x.unit))) for x in report.exchanges],
        receiver_id=report.receiver,
    )
