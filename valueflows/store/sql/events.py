"""Events and the daily contribution totals kept beside them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Date,
    Engine,
    Result,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    false,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from valueflows.accounting.contributions import DayKey, SizeKey, size_deltas
from valueflows.domain.limits import MAX_CHAIN
from valueflows.domain.model import EconomicEvent, Membership
from valueflows.domain.quantities import WHOLE
from valueflows.store import prepared
from valueflows.store.engine import exact_sum, exact_total
from valueflows.store.mapping import event_from_row
from valueflows.store.ports import EventFilter, FlowTotal, PaidTotal, SizedClaims
from valueflows.store.sql.records import STREAM_BATCH, SqlRecords
from valueflows.store.tables import (
    contribution_days,
    contribution_months,
    contribution_sizes,
    economic_events,
    memberships,
)

_E = economic_events
_CORRECTED = select(_E.c.corrects).where(_E.c.corrects.is_not(None))
# `accounting.contributions.is_exchange`, as a condition on the table
_EXCHANGE = or_(_E.c.agreed_in.is_not(None), _E.c.realization_of.is_not(None))


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
        return [FlowTotal(p, r, a, k or None, u, exact_total(q), int(n))
                for p, r, a, k, u, q, n in self.conn.execute(query)]

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

    def received_by_size(self, receiver: str, first: date, last: date) -> list[SizedClaims]:
        """The whole months from the counts by size (as a member's; the months in which the provider was no member
        moved to the other side), the edges of the period and the months in which a membership begins or ends from
        the events themselves, each marked on its day."""
        e, m, sz = _E, memberships, contribution_sizes
        end = last + timedelta(days=1)
        start, stop = _whole_months(first, end)
        counts: dict[tuple[Any, ...], int] = {}

        def count(rows: Iterable[Any], member: bool, sign: int = 1) -> None:
            for p, a, k, u, each, n in rows:
                key = (p, a, k or "", u, each, member)
                counts[key] = counts.get(key, 0) + sign * int(n)

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(0), UTC)

        spans = [(first, end)] if start >= stop else [(a, b) for a, b in ((first, start), (stop, end)) if a < b]
        events = [and_(e.c.happened_at >= midnight(a), e.c.happened_at < midnight(b)) for a, b in spans]
        if start < stop:
            flow = [sz.c.provider, sz.c.action, sz.c.kind, sz.c.unit, sz.c.each]
            in_months = and_(sz.c.receiver == receiver, sz.c.month >= start, sz.c.month < stop)
            whole = select(*flow, func.sum(sz.c.events)).where(in_months).group_by(*flow)
            count(self.conn.execute(whole), True)
            apart = _apart(self.conn, receiver, {key[0] for key in counts}, start, stop)
            for standing in (False, None):  # the months of no membership, then those read again event by event
                picked = _picked(self.conn.dialect.name, sz.c.month, sz.c.provider, apart, standing)
                if picked is not None:
                    rows = list(self.conn.execute(whole.where(picked)))
                    count(rows, True, -1)
                    if standing is False:
                        count(rows, False)
            events += [and_(e.c.happened_at >= midnight(month), e.c.happened_at < midnight(_next_month(month)),
                            e.c.provider.in_(sorted(p for p, standing in who.items() if standing is None)))
                       for month, who in sorted(apart.items()) if None in who.values()]
        if events:
            quantity = func.coalesce(e.c.effort_quantity_value, e.c.resource_quantity_value)
            unit = func.coalesce(e.c.effort_quantity_unit, e.c.resource_quantity_unit)
            day = (func.date(e.c.happened_at) if self.conn.dialect.name == "sqlite"  # stored in UTC, without offset
                   else cast(func.timezone("UTC", e.c.happened_at), Date))
            on_day = and_(m.c.member == e.c.provider, m.c.organization == e.c.receiver, m.c.since <= day,
                          or_(m.c.until.is_(None), m.c.until >= day))
            member = case((m.c.id.is_(None), 0), else_=1)
            by = [e.c.provider, e.c.action, e.c.resource_conforms_to, unit, quantity, member]
            query = (select(*by, func.count()).select_from(e.outerjoin(m, on_day))
                     .where(e.c.receiver == receiver, or_(*events), e.c.id.not_in(_CORRECTED), quantity.is_not(None),
                            e.c.provider != e.c.receiver, ~_EXCHANGE)
                     .group_by(*by))
            found: Iterable[Any] = self.conn.execute(query)
            for p, a, k, u, q, is_member, n in found:
                key = (p, a, k or "", u, q, bool(is_member))
                counts[key] = counts.get(key, 0) + int(n)
        return [SizedClaims(p, a, k or None, u, each, n, member) for (p, a, k, u, each, member), n in counts.items()
                if n]

    def adjustments(self, receiver: str, start: datetime, end: datetime) -> list[EconomicEvent]:
        """Prior-period adjustments `receiver` was given in [start, end), corrected view, in ledger order."""
        e = _E
        query = (select(e).where(e.c.receiver == receiver, e.c.happened_at >= start, e.c.happened_at < end,
                                 e.c.prior_period.is_not(None), e.c.id.not_in(_CORRECTED)).order_by(e.c.seq))
        return [event_from_row(row) for row in self.conn.execute(query)]

    def paid_totals(self, users: set[str], stewards: set[str], agreements: set[str], before: datetime,
                    money: tuple[str, ...], work: tuple[str, ...]) -> list[PaidTotal]:
        if not (users and stewards and agreements and (money or work)):
            return []
        few = len(users) <= 1000  # else sum every payment to the stewards and keep the users' (one query either way)
        key = (money, work, few, self.conn.dialect.name)
        query = _PAID.get(key)
        if query is None:
            query = _PAID[key] = _paid_query(money, work, few, self.conn.engine)
        params = {"stewards": sorted(stewards), "agreements": sorted(agreements), "before": before}
        if few:
            params["users"] = sorted(users)
        return [PaidTotal(p, r, a, act, act in money, u, exact_total(t), last)
                for p, r, a, act, u, t, last in self.conn.execute(query, params) if p in users]

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


_PAID: dict[tuple[tuple[str, ...], tuple[str, ...], bool, str], Any] = {}  # built once each (a few kinds a ledger)


def _paid_query(money: tuple[str, ...], work: tuple[str, ...], few: bool, engine: Engine) -> Any:
    """`paid_totals`' query: one pass over the payments, money and work together (the action says which quantity
    counts); the users, stewards, agreements and the end are parameters."""
    e = _E
    is_money = e.c.action.in_(money) if money else false()
    value = case((is_money, e.c.resource_quantity_value), else_=e.c.effort_quantity_value)
    unit = case((is_money, e.c.resource_quantity_unit), else_=e.c.effort_quantity_unit)
    query = (select(e.c.provider, e.c.receiver, e.c.agreed_in, e.c.action, unit, exact_sum(engine, value),
                    func.max(e.c.happened_at))
             .where(e.c.receiver.in_(bindparam("stewards", expanding=True)),
                    e.c.agreed_in.in_(bindparam("agreements", expanding=True)), e.c.action.in_([*money, *work]),
                    e.c.happened_at < bindparam("before", type_=e.c.happened_at.type), value.is_not(None),
                    e.c.id.not_in(_CORRECTED))
             .group_by(e.c.provider, e.c.receiver, e.c.agreed_in, e.c.action, unit))
    return query.where(e.c.provider.in_(bindparam("users", expanding=True))) if few else query


def _upsert(table: Table, period: str, dialect: str) -> Any:
    """One statement per change: insert the day's (month's) row, or add to it (exactly: NUMERIC on PostgreSQL, the
    `decimal_add` function this package registers on SQLite, whose own + would go through floats)."""
    statement = (sqlite_insert if dialect == "sqlite" else pg_insert)(table)
    add = (func.decimal_add(table.c.quantity, statement.excluded.quantity) if dialect == "sqlite"
           else table.c.quantity + statement.excluded.quantity)
    return statement.on_conflict_do_update(
        index_elements=[table.c.provider, table.c.receiver, table.c.action, table.c.kind, table.c.unit,
                        table.c[period]],
        set_={"quantity": add, "events": table.c.events + statement.excluded.events},
    )


def _count_upsert(dialect: str) -> Any:
    """Events of one size in a month: insert the row, or add to its count."""
    sizes = contribution_sizes
    statement = (sqlite_insert if dialect == "sqlite" else pg_insert)(sizes)
    return statement.on_conflict_do_update(
        index_elements=[sizes.c.receiver, sizes.c.provider, sizes.c.action, sizes.c.kind, sizes.c.unit, sizes.c.each,
                        sizes.c.month],
        set_={"events": sizes.c.events + statement.excluded.events})


_UPSERTS = {dialect: (_upsert(contribution_days, "day", dialect), _upsert(contribution_months, "month", dialect),
                      _count_upsert(dialect)) for dialect in ("sqlite", "postgresql")}


def _one_day_and_month() -> Any:
    """PostgreSQL: a day's row, its month's and its size's in one statement (the day's and the size's upserts CTEs
    of the month's): one round trip for the usual write of one event."""
    names = ("provider", "receiver", "action", "kind", "unit", "quantity", "events")
    day = _upsert(contribution_days, "day", "postgresql").values(
        **{n: bindparam(n) for n in names}, day=bindparam("day")).cte("day_upsert")
    size = _count_upsert("postgresql").values(
        **{n: bindparam(n) for n in ("provider", "receiver", "action", "kind", "unit", "events")},
        each=bindparam("each", type_=contribution_sizes.c.each.type), month=bindparam("month")).cte("size_upsert")
    return _upsert(contribution_months, "month", "postgresql").values(
        **{n: bindparam(n) for n in names}, month=bindparam("month")).add_cte(day).add_cte(size)


_ONE_DAY_AND_MONTH = _one_day_and_month()
_FLOW = ("provider", "receiver", "action", "kind", "unit")


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _whole_months(first: date, end: date) -> tuple[date, date]:
    """The whole calendar months within the days [first, end): [from, to) on first days of months (empty when
    from >= to). The days before `from` and from `to` on are the period's edges."""
    start = first if first.day == 1 else _next_month(first)
    return start, max(start, end.replace(day=1))


def _months(start: date, end: date) -> list[date]:
    found = []
    while start < end:
        found.append(start)
        start = _next_month(start)
    return found


def _merged(rows: Iterable[Any], width: int) -> dict[Any, list[Any]]:
    """Rows of (key..., quantity, events) summed by key (the first `width` columns), exactly."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    if isinstance(rows, Result):
        rows = rows.all()  # fetched at once: row by row costs a Python call per row
    for row in rows:
        key = tuple(row[:width])
        quantity, events = exact_total(row[width]), int(row[width + 1])
        if key in sums:
            sums[key][0] = WHOLE.add(sums[key][0], quantity)
            sums[key][1] += events
        else:
            sums[key] = [quantity, events]
    return sums


def _apart(conn: Connection, organization: str, providers: Iterable[str], start: date, stop: date
           ) -> dict[date, dict[str, bool | None]]:
    """Per whole month in [start, stop), the providers who were not members of `organization` throughout it: no
    member on any day (False), or a member on some days only (None)."""
    m = memberships
    spans: dict[str, list[Membership]] = {}
    for row in conn.execute(select(m).where(m.c.organization == organization)):
        spans.setdefault(row.member, []).append(Membership(row.id, row.member, organization, row.since, row.until))
    apart: dict[date, dict[str, bool | None]] = {}
    last = stop - timedelta(days=1)
    months = [(month, _next_month(month) - timedelta(days=1)) for month in _months(start, stop)]
    for provider in providers:
        held = spans.get(provider, [])
        if any(s.active_throughout(start, last) for s in held):
            continue
        for month, month_last in months:
            if not any(s.active_throughout(month, month_last) for s in held):
                apart.setdefault(month, {})[provider] = \
                    None if any(s.active_during(month, month_last) for s in held) else False
    return apart


def _picked(dialect: str, month: Any, provider: Any, apart: dict[date, dict[str, bool | None]],
            standing: bool | None) -> Any:
    """The rows of the (provider, month) pairs of this standing: the providers first (a prefix of the key, so that
    only their rows are read), then the pairs. PostgreSQL takes them as two arrays (a list of pairs would be a
    parameter each, and an OR each in its plan)."""
    pairs = sorted((p, when) for when, who in apart.items() for p, s in who.items() if s is standing)
    if not pairs:
        return None
    providers = sorted({p for p, _ in pairs})
    if dialect == "postgresql":
        wanted = func.unnest(bindparam(None, [p for p, _ in pairs], type_=ARRAY(Text)),
                             bindparam(None, [m for _, m in pairs], type_=ARRAY(Date))).table_valued(
            "provider", "month").render_derived()
        return and_(provider == any_(bindparam(None, providers, type_=ARRAY(Text))),
                    tuple_(provider, month).in_(select(wanted.c.provider, wanted.c.month)))
    return and_(provider.in_(providers), tuple_(provider, month).in_(pairs))


class SqlDays:
    """The daily totals, and the monthly ones beside them: a period reads its whole months from the months and
    only its edges (and, for members, the months in which a membership begins or ends) from the days."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, deltas: Iterable[tuple[DayKey, Decimal, int]]) -> None:
        deltas = list(deltas)
        days: dict[DayKey, list[Any]] = {}
        months: dict[DayKey, list[Any]] = {}
        sizes = {key: n for key, n in size_deltas(deltas).items() if n}
        for key, quantity, events in deltas:  # one row per key: an upsert statement touches a row once
            for merged, at in ((days, key), (months, replace(key, day=key.day.replace(day=1)))):
                total = merged.setdefault(at, [Decimal(0), 0])
                total[0] = WHOLE.add(total[0], quantity)
                total[1] += events
        if not days:
            return
        if len(deltas) == 1 and self.conn.dialect.name == "postgresql":
            (key, quantity, events), = deltas
            prepared.run(self.conn, _ONE_DAY_AND_MONTH, {
                "provider": key.provider, "receiver": key.receiver, "action": key.action, "kind": key.kind,
                "unit": key.unit, "day": key.day, "month": key.day.replace(day=1), "quantity": quantity,
                "events": events, "each": quantity * events})
            return
        upsert_days, upsert_months, upsert_sizes = _UPSERTS[self.conn.dialect.name]
        for statement, merged, period in ((upsert_days, days, "day"), (upsert_months, months, "month")):
            prepared.run(self.conn, statement, [
                {"provider": k.provider, "receiver": k.receiver, "action": k.action, "kind": k.kind, "unit": k.unit,
                 period: k.day, "quantity": quantity, "events": events} for k, (quantity, events) in merged.items()])
        if sizes:
            prepared.run(self.conn, upsert_sizes, [
                {"receiver": k.receiver, "provider": k.provider, "action": k.action, "kind": k.kind, "unit": k.unit,
                 "each": k.each, "month": k.month, "events": n} for k, n in sizes.items()])

    def totals(self, first: date, end: date, receiver: str | None = None) -> list[FlowTotal]:
        """The days [first, end), summed by provider, receiver, action, kind and unit: the whole months from the
        monthly totals (a receiver's rows in key order: grouped without sorting), the edges from the days."""
        d, mo = contribution_days, contribution_months
        start, stop = _whole_months(first, end)
        edges = [(first, end)] if start >= stop else [(a, b) for a, b in ((first, start), (stop, end)) if a < b]
        queries = []
        if start < stop:
            queries.append(select(*(mo.c[c] for c in _FLOW), exact_sum(self.conn.engine, mo.c.quantity),
                                  func.sum(mo.c.events))
                           .where(mo.c.month >= start, mo.c.month < stop).group_by(*(mo.c[c] for c in _FLOW)))
        if edges:
            queries.append(select(*(d.c[c] for c in _FLOW), exact_sum(self.conn.engine, d.c.quantity),
                                  func.sum(d.c.events))
                           .where(or_(*(and_(d.c.day >= a, d.c.day < b) for a, b in edges)))
                           .group_by(*(d.c[c] for c in _FLOW)))
        if receiver:
            queries = [query.where(query.selected_columns.receiver == receiver) for query in queries]
        rows = [row for query in queries for row in self.conn.execute(query)]
        return [FlowTotal(p, r, a, k or None, u, q, n) for (p, r, a, k, u), (q, n) in _merged(rows, 5).items() if n]

    def member_totals(self, organization: str, first: date, last: date) -> list[tuple[FlowTotal, bool]]:
        """What `organization` received on the days [first, last], summed, each marked: made by a member on the day?
        The whole months are read from the monthly totals as a member's; then the months in which a provider was
        no member at all are moved to the other side, and the months in which a membership begins or ends (and the
        period's edges) are read day by day, each day marked."""
        d, mo, m = contribution_days, contribution_months, memberships
        end = last + timedelta(days=1)
        start, stop = _whole_months(first, end)
        sums: dict[tuple[Any, ...], list[Any]] = {}
        days = [and_(d.c.day >= a, d.c.day < b) for a, b in ([(first, end)] if start >= stop else
                                                              [(first, start), (stop, end)]) if a < b]
        if start < stop:
            flow = [mo.c.provider, mo.c.action, mo.c.kind, mo.c.unit]
            in_months = and_(mo.c.receiver == organization, mo.c.month >= start, mo.c.month < stop)
            sums = {(*key, True): total for key, total in _merged(self.conn.execute(
                select(*flow, exact_sum(self.conn.engine, mo.c.quantity), func.sum(mo.c.events))
                .where(in_months).group_by(*flow)), 4).items()}
            apart = _apart(self.conn, organization, {key[0] for key in sums}, start, stop)
            for standing in (False, None):  # the months of no membership, then those read again day by day
                picked = _picked(self.conn.dialect.name, mo.c.month, mo.c.provider, apart, standing)
                if picked is None:
                    continue
                for (p, a, k, u), (q, n) in _merged(self.conn.execute(
                        select(*flow, exact_sum(self.conn.engine, mo.c.quantity), func.sum(mo.c.events))
                        .where(in_months, picked).group_by(*flow)), 4).items():
                    member_total = sums[(p, a, k, u, True)]
                    member_total[0] = WHOLE.subtract(member_total[0], q)
                    member_total[1] -= n
                    if standing is False:  # no member on any day of these months
                        other = sums.setdefault((p, a, k, u, False), [Decimal(0), 0])
                        other[0] = WHOLE.add(other[0], q)
                        other[1] += n
            days += [and_(d.c.day >= month, d.c.day < _next_month(month),
                          d.c.provider.in_(sorted(p for p, standing in who.items() if standing is None)))
                     for month, who in sorted(apart.items()) if None in who.values()]
        if days:  # none when the period is whole months and no membership begins or ends in them
            on_day = and_(m.c.member == d.c.provider, m.c.organization == d.c.receiver, m.c.since <= d.c.day,
                          or_(m.c.until.is_(None), m.c.until >= d.c.day))
            member = case((m.c.id.is_(None), 0), else_=1).label("member")
            key = [d.c.provider, d.c.action, d.c.kind, d.c.unit]
            query = (select(*key, member, exact_sum(self.conn.engine, d.c.quantity), func.sum(d.c.events))
                     .select_from(d.outerjoin(m, on_day))
                     .where(d.c.receiver == organization, or_(*days))
                     .group_by(*key, member))
            for (p, a, k, u, is_member), (q, n) in _merged(self.conn.execute(query), 5).items():
                total = sums.setdefault((p, a, k, u, bool(is_member)), [Decimal(0), 0])
                total[0] = WHOLE.add(total[0], q)
                total[1] += n
        return [(FlowTotal(p, organization, a, k or None, u, q, n), is_member)
                for (p, a, k, u, is_member), (q, n) in sorted(sums.items()) if n]

    def stream(self) -> Iterator[tuple[DayKey, Decimal, int]]:
        for r in self.conn.execute(select(contribution_days), execution_options={"yield_per": STREAM_BATCH}):
            yield DayKey(r.provider, r.receiver, r.action, r.kind, r.unit, r.day), r.quantity, r.events

    def stream_sizes(self) -> Iterator[tuple[SizeKey, int]]:
        s = contribution_sizes
        for r in self.conn.execute(select(s), execution_options={"yield_per": STREAM_BATCH}):
            yield SizeKey(r.receiver, r.provider, r.action, r.kind, r.unit, r.each, r.month), r.events

    def stream_months(self) -> Iterator[tuple[DayKey, Decimal, int]]:
        for r in self.conn.execute(select(contribution_months), execution_options={"yield_per": STREAM_BATCH}):
            yield DayKey(r.provider, r.receiver, r.action, r.kind, r.unit, r.month), r.quantity, r.events
