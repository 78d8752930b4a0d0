"""Events and the daily contribution totals kept beside them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Text, and_, case, cast, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from valueflows.accounting.contributions import DayKey
from valueflows.domain.limits import MAX_CHAIN
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import canonical
from valueflows.store.engine import exact_sum
from valueflows.store.mapping import event_from_row
from valueflows.store.ports import EventFilter, FlowTotal
from valueflows.store.sql.records import STREAM_BATCH, SqlRecords
from valueflows.store.tables import contribution_days, economic_events, memberships

_E = economic_events
_CORRECTED = select(_E.c.corrects).where(_E.c.corrects.is_not(None))
# `accounting.contributions.is_exchange`, as a condition on the table
_EXCHANGE = or_(_E.c.agreed_in.is_not(None), _E.c.realization_of.is_not(None))


def _exact(value: Any) -> Decimal:
    """A sum as the database returned it (NUMERIC, or decimal text on SQLite), as an exact Decimal."""
    return Decimal(canonical(Decimal(str(value))))


class SqlEvents(SqlRecords[EconomicEvent]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "economic_event")

    def filtered(self, where: EventFilter, limit: int, after: int | None = None, before: int | None = None,
                 backward: bool = False) -> list[EconomicEvent]:
        e = _E
        query = select(e).order_by(e.c.seq.desc() if backward else e.c.seq).limit(limit)
        if after is not None:
            query = query.where(e.c.seq > after)
        if before is not None:
            query = query.where(e.c.seq < before)
        if where.agent:
            query = query.where(or_(e.c.provider == where.agent, e.c.receiver == where.agent))
        for column, value in (("action", where.action), ("provider", where.provider), ("receiver", where.receiver)):
            if value:
                query = query.where(e.c[column] == value)
        if where.conforms_to:
            query = query.where(e.c.resource_conforms_to == where.conforms_to)
        if where.realization_of:
            query = query.where(e.c.realization_of == where.realization_of)
        if where.at_location:
            query = query.where(or_(e.c.at_location == where.at_location, e.c.to_location == where.at_location))
        for column, values in (("action", where.actions), ("provider", where.providers),
                               ("receiver", where.receivers)):
            if values:
                query = query.where(e.c[column].in_(values))
        if where.in_scope:  # the JSON list holds the id as a quoted string
            query = query.where(cast(e.c.in_scope_of, Text).contains(json.dumps(where.in_scope), autoescape=True))
        if where.search:
            escaped = where.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(e.c.note.ilike(f"%{escaped}%", escape="\\"))
        if where.resource:
            query = query.where(or_(e.c.resource_inventoried_as == where.resource,
                                    e.c.to_resource_inventoried_as == where.resource))
        if where.process:
            query = query.where(or_(e.c.input_of == where.process, e.c.output_of == where.process))
        if where.start:
            query = query.where(e.c.happened_at >= where.start)
        if where.end:
            query = query.where(e.c.happened_at < where.end)
        if not where.include_corrected:
            query = query.where(e.c.id.not_in(_CORRECTED.scalar_subquery()))
        found = [event_from_row(row) for row in self.conn.execute(query)]
        return found[::-1] if backward else found

    def corrections_of(self, ids: Iterable[str]) -> dict[str, EconomicEvent]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return {row.corrects: event_from_row(row) for row in self.conn.execute(
            select(_E).where(_E.c.corrects.in_(wanted)))}

    def chains(self, events: Iterable[EconomicEvent]) -> dict[str, EconomicEvent]:
        """Every event linked to these by `corrects`, either way, however far (these included), by id."""
        found = {e.id: e for e in events}
        frontier = set(found)
        for _ in range(MAX_CHAIN):
            wanted = sorted(frontier | {c for c in (found[i].corrects for i in frontier) if c})
            rows = self.conn.execute(select(_E).where(or_(_E.c.corrects.in_(wanted), _E.c.id.in_(wanted))))
            new = {row.id: event_from_row(row) for row in rows if row.id not in found}
            if not new:
                break
            found.update(new)
            frontier = set(new)
        return found

    def by_resource(self, resource: str, limit: int) -> list[EconomicEvent]:
        e = _E
        query = (select(e).where(or_(e.c.resource_inventoried_as == resource,
                                     e.c.to_resource_inventoried_as == resource)).order_by(e.c.seq).limit(limit))
        return [event_from_row(row) for row in self.conn.execute(query)]

    def since(self, start: datetime | None) -> Iterator[EconomicEvent]:
        query = select(_E).order_by(_E.c.seq)
        if start is not None:
            query = query.where(_E.c.happened_at >= start)
        for row in self.conn.execute(query, execution_options={"yield_per": STREAM_BATCH}):
            yield event_from_row(row)

    def flow_totals(self, start: datetime, end: datetime, receiver: str | None = None, process: str | None = None,
                    resource: str | None = None, processes: Iterable[str] = (),
                    exchanges: bool = False) -> list[FlowTotal]:
        """Contributions (or, with `exchanges`, the exchanges) between different agents in [start, end), corrected
        view, summed by provider, receiver, action, kind and unit (effort if the event has one, else its resource
        quantity)."""
        e = _E
        quantity = func.coalesce(e.c.effort_quantity_value, e.c.resource_quantity_value)
        unit = func.coalesce(e.c.effort_quantity_unit, e.c.resource_quantity_unit)
        query = (
            select(e.c.provider, e.c.receiver, e.c.action, e.c.resource_conforms_to, unit,
                   exact_sum(self.conn.engine, quantity), func.count())
            .where(e.c.happened_at >= start, e.c.happened_at < end, e.c.id.not_in(_CORRECTED), quantity.is_not(None),
                   e.c.provider != e.c.receiver)
            .group_by(e.c.provider, e.c.receiver, e.c.action, e.c.resource_conforms_to, unit)
        )
        query = query.where(_EXCHANGE if exchanges else ~_EXCHANGE)
        if receiver:
            query = query.where(e.c.receiver == receiver)
        if process:
            query = query.where(e.c.input_of == process)
        if resource:
            query = query.where(or_(e.c.resource_inventoried_as == resource, e.c.to_resource_inventoried_as == resource,
                                    e.c.input_of.in_(list(processes))))
        return [FlowTotal(p, r, a, k or None, u, _exact(q), int(n)) for p, r, a, k, u, q, n in self.conn.execute(query)]

    def received(self, receiver: str, start: datetime, end: datetime) -> Iterator[EconomicEvent]:
        """What `receiver` was given by others in [start, end) with a quantity, corrected view, in ledger order."""
        e = _E
        quantity = func.coalesce(e.c.effort_quantity_value, e.c.resource_quantity_value)
        query = (select(e).where(e.c.receiver == receiver, e.c.happened_at >= start, e.c.happened_at < end,
                                 e.c.id.not_in(_CORRECTED), quantity.is_not(None), e.c.provider != e.c.receiver,
                                 ~_EXCHANGE)
                 .order_by(e.c.seq))
        for row in self.conn.execute(query, execution_options={"yield_per": STREAM_BATCH}):
            yield event_from_row(row)

    def adjustments(self, receiver: str, start: datetime, end: datetime) -> list[EconomicEvent]:
        """Prior-period adjustments `receiver` was given in [start, end), corrected view, in ledger order."""
        e = _E
        query = (select(e).where(e.c.receiver == receiver, e.c.happened_at >= start, e.c.happened_at < end,
                                 e.c.prior_period.is_not(None), e.c.id.not_in(_CORRECTED)).order_by(e.c.seq))
        return [event_from_row(row) for row in self.conn.execute(query)]

    def payments(self, users: set[str], stewards: set[str], agreements: set[str],
                 actions: tuple[str, ...]) -> list[EconomicEvent]:
        """Flows from these users to these stewards agreed in one of these agreements, corrected view."""
        e = _E
        query = (select(e).where(e.c.receiver.in_(sorted(stewards)), e.c.agreed_in.in_(sorted(agreements)),
                                 e.c.id.not_in(_CORRECTED), e.c.action.in_(actions)).order_by(e.c.seq))
        if len(users) <= 1000:  # else read all payments to the stewards and keep the users' (one query either way)
            query = query.where(e.c.provider.in_(sorted(users)))
        return [ev for ev in (event_from_row(row) for row in self.conn.execute(query)) if ev.provider in users]

    def outputs_of(self, resources: Iterable[str]) -> list[tuple[str, str]]:
        """(resource, process) for every process that put out one of these resources."""
        e = _E
        query = select(e.c.resource_inventoried_as, e.c.output_of).distinct().where(
            e.c.resource_inventoried_as.in_(sorted(set(resources))), e.c.output_of.is_not(None))
        return [(r, p) for r, p in self.conn.execute(query)]

    def inputs_of(self, processes: Iterable[str]) -> list[tuple[str, str]]:
        """(process, resource) for every resource one of these processes took in."""
        e = _E
        return [(p, r) for p, r in self.conn.execute(select(e.c.input_of, e.c.resource_inventoried_as).distinct().where(
            e.c.input_of.in_(sorted(set(processes))), e.c.resource_inventoried_as.is_not(None)))]


def _day_upsert(dialect: str) -> Any:
    """One statement per change: insert the day's row, or add to it (exactly: NUMERIC on PostgreSQL, the
    `decimal_add` function this package registers on SQLite, whose own + would go through floats)."""
    d = contribution_days
    statement = (sqlite_insert if dialect == "sqlite" else pg_insert)(d)
    add = (func.decimal_add(d.c.quantity, statement.excluded.quantity) if dialect == "sqlite"
           else d.c.quantity + statement.excluded.quantity)
    return statement.on_conflict_do_update(
        index_elements=[d.c.provider, d.c.receiver, d.c.action, d.c.kind, d.c.unit, d.c.day],
        set_={"quantity": add, "events": d.c.events + statement.excluded.events},
    )


_DAY_UPSERT = {dialect: _day_upsert(dialect) for dialect in ("sqlite", "postgresql")}


class SqlDays:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, deltas: Iterable[tuple[DayKey, Decimal, int]]) -> None:
        merged: dict[DayKey, list[Any]] = {}
        for key, quantity, events in deltas:  # one row per day key: an upsert statement touches a row once
            total = merged.setdefault(key, [Decimal(0), 0])
            total[0] += quantity
            total[1] += events
        rows = [{"provider": key.provider, "receiver": key.receiver, "action": key.action, "kind": key.kind,
                 "unit": key.unit, "day": key.day, "quantity": quantity, "events": events}
                for key, (quantity, events) in merged.items()]
        if rows:
            self.conn.execute(_DAY_UPSERT[self.conn.dialect.name], rows)

    def totals(self, first: date, end: date, receiver: str | None = None) -> list[FlowTotal]:
        """The days [first, end), summed by provider, receiver, action, kind and unit."""
        d = contribution_days
        query = (select(d.c.provider, d.c.receiver, d.c.action, d.c.kind, d.c.unit,
                        exact_sum(self.conn.engine, d.c.quantity), func.sum(d.c.events))
                 .where(d.c.day >= first, d.c.day < end)
                 .group_by(d.c.provider, d.c.receiver, d.c.action, d.c.kind, d.c.unit))
        if receiver:
            query = query.where(d.c.receiver == receiver)
        return [FlowTotal(p, r, a, k or None, u, _exact(q), int(n)) for p, r, a, k, u, q, n in self.conn.execute(query)
                if n]

    def member_totals(self, organization: str, first: date, last: date) -> list[tuple[FlowTotal, bool]]:
        """What `organization` received on the days [first, last], summed, each marked: made by a member on the day?
        Memberships of one member never overlap (the ledger refuses it), so a range join marks each day's row
        once: one pass over the days, no per-row subquery."""
        d, m = contribution_days, memberships
        on_day = and_(m.c.member == d.c.provider, m.c.organization == d.c.receiver, m.c.since <= d.c.day,
                      or_(m.c.until.is_(None), m.c.until >= d.c.day))
        member = case((m.c.id.is_(None), 0), else_=1).label("member")
        query = (select(d.c.provider, d.c.action, d.c.kind, d.c.unit, exact_sum(self.conn.engine, d.c.quantity),
                        func.sum(d.c.events), member)
                 .select_from(d.outerjoin(m, on_day))
                 .where(d.c.receiver == organization, d.c.day >= first, d.c.day <= last)
                 .group_by(d.c.provider, d.c.action, d.c.kind, d.c.unit, member))
        return [(FlowTotal(p, organization, a, k or None, u, _exact(q), int(n)), bool(is_member))
                for p, a, k, u, q, n, is_member in self.conn.execute(query) if n]

    def stream(self) -> Iterator[tuple[DayKey, Decimal, int]]:
        for r in self.conn.execute(select(contribution_days), execution_options={"yield_per": STREAM_BATCH}):
            yield DayKey(r.provider, r.receiver, r.action, r.kind, r.unit, r.day), r.quantity, r.events
