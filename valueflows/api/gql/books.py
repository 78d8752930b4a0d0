"""Closed books over GraphQL (our addition): which periods of an organization are closed, and closing them."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import types as t
from valueflows.api.gql.context import Info
from valueflows.api.gql.licences import Key
from valueflows.domain.periods import ClosedPeriod as Period
from valueflows.domain.periods import closed_by_books
from valueflows.service import books


@strawberry.type(name="ClosedPeriod", description="Days of an organization's books that are closed: an event on "
                                                  "them, or a correction of one, is refused; record it as a "
                                                  "prior-period adjustment dated today instead.")
class ClosedPeriod:
    p: Private[Period]

    @strawberry.field
    def organization(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.p.organization))

    @strawberry.field(description="First closed day; null: from the beginning of the books.")
    def start(self) -> date | None:
        return self.p.start

    @strawberry.field(description="Last closed day (included).")
    def end(self) -> date:
        return self.p.end

    @strawberry.field(description="What closed it: a dividend run in force, or books closed explicitly.")
    def closed_by(self) -> str:
        return self.p.by


@strawberry.type(name="CloseBooksResponse")
class CloseBooksResponse:
    closed_period: ClosedPeriod
    replayed: bool = strawberry.field(description="True when an idempotent retry returned the first closing.")


@strawberry.type
class BookQueries:
    @strawberry.field(description="An organization's closed periods (public).")
    def closed_periods(self, info: Info, organization: ID) -> list[ClosedPeriod]:
        return [ClosedPeriod(p=p) for p in books.closed_periods_of(info.context.uow, str(organization))]


@strawberry.type
class BookMutations:
    @strawberry.mutation(description="Close an organization's books through a day that is over (admin). A dividend "
                                     "run in force closes its own period; this closes days no run covers.")
    def close_books(self, info: Info, organization: ID, through: date, note: str | None = None,
                    idempotency_key: Key = None) -> CloseBooksResponse:
        done = books.close_books(info.context.uow, books.CloseRequest(str(organization), through, note),
                                 idempotency_key)
        return CloseBooksResponse(closed_period=ClosedPeriod(p=closed_by_books(done.record)), replayed=done.replayed)
