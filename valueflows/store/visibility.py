"""The facts the access policy turns on, read from the store: who the reader is a member of, which organizations
publish their members' contributions, which agents are persons, which events a licence obligation came from, and
the correction chains events belong to. No rules here: the policy is `domain/access.py`."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Connection, or_, select

from valueflows.domain.model import AgentType, ContributionVisibility, EconomicEvent
from valueflows.store.mapping import event_from_row
from valueflows.store.tables import agents, claims, economic_events, memberships

# Longest correction chain followed (the rules refuse a correction that would close a loop).
MAX_CHAIN = 10_000


def organizations_of(conn: Connection, agent: str | None) -> frozenset[str]:
    """Organizations `agent` is or was a member of."""
    if agent is None:
        return frozenset()
    return frozenset(conn.scalars(select(memberships.c.organization).distinct()
                                  .where(memberships.c.member == agent)))


def publishing_organizations(conn: Connection) -> frozenset[str]:
    return frozenset(conn.scalars(select(agents.c.id).where(
        agents.c.contributions == ContributionVisibility.PUBLIC.value)))


def persons_among(conn: Connection, ids: Iterable[str]) -> frozenset[str]:
    wanted = sorted(set(ids))
    if not wanted:
        return frozenset()
    return frozenset(conn.scalars(select(agents.c.id).where(
        agents.c.id.in_(wanted), agents.c.type == AgentType.PERSON.value)))


def licence_triggers(conn: Connection, event_ids: Collection[str]) -> frozenset[str]:
    """Those of these events that recorded a licensed use: a licence obligation names them as its trigger."""
    if not event_ids:
        return frozenset()
    return frozenset(conn.scalars(select(claims.c.triggered_by).distinct().where(
        claims.c.triggered_by.in_(sorted(event_ids)), claims.c.licence.is_not(None))))


def correction_chains(conn: Connection, events: Iterable[EconomicEvent]) -> dict[str, EconomicEvent]:
    """Every event linked to these by `corrects`, either way, however far (these included), by id."""
    found = {e.id: e for e in events}
    frontier = set(found)
    for _ in range(MAX_CHAIN):
        wanted = sorted(frontier | {c for c in (found[i].corrects for i in frontier) if c})
        if not wanted:
            break
        e = economic_events
        rows = conn.execute(select(e).where(or_(e.c.corrects.in_(wanted), e.c.id.in_(wanted))))
        new = {row.id: event_from_row(row) for row in rows if row.id not in found}
        if not new:
            break
        found.update(new)
        frontier = set(new)
    return found
