"""Reads that follow references between records (for GraphQL resolvers and linked data), memoised per request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select

from valueflows.domain.errors import NotFound, violation
from valueflows.domain.model import MEMBER_ROLE, AgentRelationship, EconomicEvent
from valueflows.service import queries
from valueflows.store import repository as repo
from valueflows.store.mapping import FROM_ROW, event_from_row
from valueflows.store.tables import RECORD_TABLES, economic_events
from valueflows.store.uow import UnitOfWork

# Most records a relation answers with at once (a page for lists that can grow without bound).
MAX_RELATED = queries.MAX_PAGE


class Lookups:
    """One per request: every record fetched once, every reference followed through the same door."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._records: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, record_id: str | None) -> Any | None:
        if record_id is None:
            return None
        key = (kind, record_id)
        if key not in self._records:
            with self.uow.read() as conn:
                self._records[key] = repo.get(conn, kind, record_id)
        return self._records[key]

    def must(self, kind: str, record_id: str) -> Any:
        """A record another record refers to (a foreign key, so it exists)."""
        found = self.get(kind, record_id)
        if found is None:
            raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
        return found

    def get_many(self, kind: str, ids: Iterable[str]) -> list[Any]:
        wanted = [i for i in dict.fromkeys(ids) if (kind, i) not in self._records]
        if wanted:
            with self.uow.read() as conn:
                found = repo.get_many(conn, kind, wanted)
            for i in wanted:
                self._records[(kind, i)] = found.get(i)
        return [r for i in ids if (r := self._records[(kind, i)]) is not None]

    def page(self, kind: str, start: str | None, limit: int | None) -> list[Any]:
        return list(queries.list_records(self.uow, kind, limit or 100, start).items)

    def where(self, kind: str, **equals: str) -> list[Any]:
        """Records whose columns equal the given values (at most MAX_RELATED, in id order)."""
        table = RECORD_TABLES[kind]
        query = select(table).order_by(table.c.id).limit(MAX_RELATED)
        for column, value in equals.items():
            query = query.where(table.c[column] == value)
        with self.uow.read() as conn:
            return [FROM_ROW[kind](row) for row in conn.execute(query)]

    def events(self, where: queries.EventFilter, limit: int = MAX_RELATED, after: int | None = None) -> list[Any]:
        return list(self.event_list(where, limit, after).items)

    def event_list(self, where: queries.EventFilter, limit: int, after: int | None) -> queries.Page:
        return queries.list_events(self.uow, where, limit, after)

    def event_page(self, start: str | None, limit: int | None) -> list[EconomicEvent]:
        after = None
        if start is not None:
            first = self.get("economic_event", start)
            if first is None:
                raise violation("start", "unknown_event", f"no event with id {start!r}")
            after = first.seq
        return self.events(queries.EventFilter(), limit or 100, after)

    def relationships(self, agent_id: str, role: str | None = None, side: str = "either") -> list[Any]:
        """Memberships (role 'member') and other relationships in which the agent is subject or object."""
        found: list[Any] = []
        if role in (None, MEMBER_ROLE.id):
            for column in ("member", "organization"):
                if side == "either" or (side == "subject") == (column == "member"):
                    found += [membership_relationship(m) for m in self.where("membership", **{column: agent_id})]
        if role != MEMBER_ROLE.id:
            for column in ("subject", "object"):
                if side in ("either", column):
                    extra = {"relationship": role} if role else {}
                    found += self.where("agent_relationship", **{column: agent_id}, **extra)
        return found

    def correction_of(self, event_id: str) -> EconomicEvent | None:
        """The event that corrects this one, if any."""
        with self.uow.read() as conn:
            row = conn.execute(select(economic_events).where(economic_events.c.corrects == event_id)).first()
        return event_from_row(row) if row is not None else None

    def resource_events(self, resource_id: str) -> list[EconomicEvent]:
        e = economic_events
        query = (select(e).where(or_(e.c.resource_inventoried_as == resource_id,
                                     e.c.to_resource_inventoried_as == resource_id))
                 .order_by(e.c.seq).limit(MAX_RELATED))
        with self.uow.read() as conn:
            return [event_from_row(row) for row in conn.execute(query)]


def membership_relationship(membership: Any) -> AgentRelationship:
    """A membership, seen as the VF AgentRelationship 'subject is member of object'."""
    return AgentRelationship(membership.id, membership.member, membership.organization, MEMBER_ROLE.id)
