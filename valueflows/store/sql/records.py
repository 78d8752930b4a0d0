"""Records by id, and the queries about agents, memberships, resources, claims, equations and runs."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Connection,
    Date,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from valueflows.accounting.dividends import DividendAllocation, DividendRun
from valueflows.accounting.equations import ValueEquation
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.model import (
    Agent,
    AgentType,
    ContributionVisibility,
    EconomicClaim,
    EconomicResource,
    Membership,
)
from valueflows.store import prepared
from valueflows.store.mapping import FROM_ROW, allocation_from_row, resource_from_row, row_of, run_from_row
from valueflows.store.ports import OwedRow
from valueflows.store.tables import (
    RECORD_TABLES,
    agents,
    claims,
    dividend_allocations,
    dividend_runs,
    economic_resources,
    memberships,
    obligation_settlements,
    value_equations,
)

T = TypeVar("T")

# Built once: statements with bound parameters skip SQLAlchemy's per-call construction work.
_BY_IDS = {kind: select(t).where(t.c.id.in_(bindparam("ids", expanding=True))) for kind, t in RECORD_TABLES.items()}
# one id (most reads): no list to expand, so SQLAlchemy reuses the statement as compiled (~13 µs less a read)
_BY_ID = {kind: select(t).where(t.c.id == bindparam("id")) for kind, t in RECORD_TABLES.items()}
_INSERT = {kind: insert(table) for kind, table in RECORD_TABLES.items()}
# `where(limit, **equals)` statements, built once per kind and set of columns (the rules ask the same ones per write)
_WHERE: dict[tuple[str, tuple[str, ...]], Any] = {}


def _where(kind: str, columns: tuple[str, ...]) -> Any:
    statement = _WHERE.get((kind, columns))
    if statement is None:
        t = RECORD_TABLES[kind]
        statement = select(t).where(*(t.c[c] == bindparam(f"eq_{c}") for c in columns)).order_by(t.c.id).limit(
            bindparam("limit"))
        _WHERE[(kind, columns)] = statement
    return statement
# The longest text each column takes, from the table definitions: the rules check the limits they know of (names,
# notes, ids); this catches every other one (an image IRI, an agreement reference) with the same kind of answer,
# before the database would refuse the value (PostgreSQL) or keep it whole (SQLite).
_LIMITS = {kind: [(c.name, c.type.length) for c in table.columns if isinstance(c.type, String) and c.type.length]
           for kind, table in RECORD_TABLES.items()}
STREAM_BATCH = 5000


def fitting(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row, if every text fits its column; else a RuleViolation naming each field that does not."""
    problems = [Problem(_camel(name), "too_long", f"longer than {limit} characters")
                for name, limit in _LIMITS[kind] if isinstance(row.get(name), str) and len(row[name]) > limit]
    if problems:
        raise RuleViolation(problems)
    return row


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class SqlRecords(Generic[T]):
    def __init__(self, conn: Connection, kind: str) -> None:
        self.conn, self.kind = conn, kind
        self.table = RECORD_TABLES[kind]
        self.from_row = FROM_ROW[kind]

    def get(self, record_id: str) -> T | None:
        return self.get_many([record_id]).get(record_id)

    def get_many(self, ids: Iterable[str | None]) -> dict[str, T]:
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        rows = (self.conn.execute(_BY_ID[self.kind], {"id": wanted[0]}) if len(wanted) == 1 else
                self.conn.execute(_BY_IDS[self.kind], {"ids": wanted}))
        return {row.id: self.from_row(row) for row in rows}

    def exists(self, record_id: str) -> bool:
        t = self.table
        return self.conn.execute(select(t.c.id).where(t.c.id == record_id)).first() is not None

    def add(self, record: T) -> None:
        prepared.run(self.conn, _INSERT[self.kind], fitting(self.kind, row_of(record)))

    def replace(self, record: T) -> None:
        values = fitting(self.kind, row_of(record))
        self.conn.execute(update(self.table).where(self.table.c.id == values.pop("id")).values(**values))

    def add_all(self, records: Iterable[T]) -> None:
        rows = [fitting(self.kind, row_of(r)) for r in records]
        if rows:
            prepared.run(self.conn, _INSERT[self.kind], rows)

    def remove(self, record_id: str) -> None:
        self.conn.execute(delete(self.table).where(self.table.c.id == record_id))

    def page(self, limit: int, after: str | None = None, before: str | None = None, backward: bool = False,
             **equals: object) -> list[T]:
        t = self.table
        query = select(t).order_by(t.c.id.desc() if backward else t.c.id).limit(limit)
        if after:
            query = query.where(t.c.id > after)
        if before:
            query = query.where(t.c.id < before)
        for column, value in equals.items():
            query = query.where(t.c[column] == value)
        found = [self.from_row(row) for row in self.conn.execute(query)]
        return found[::-1] if backward else found

    def where(self, limit: int, **equals: object) -> list[T]:
        columns = tuple(sorted(equals))
        values = {f"eq_{c}": equals[c] for c in columns}
        return [self.from_row(row) for row in self.conn.execute(_where(self.kind, columns), {**values, "limit": limit})]

    def count(self) -> int:
        return self.conn.scalar(select(func.count()).select_from(self.table)) or 0

    def stream(self) -> Iterator[T]:
        t = self.table
        order = t.c.seq if self.kind == "economic_event" else t.c.id
        for row in self.conn.execute(select(t).order_by(order), execution_options={"yield_per": STREAM_BATCH}):
            yield self.from_row(row)


class SqlAgents(SqlRecords[Agent]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "agent")

    def persons_among(self, ids: Iterable[str]) -> frozenset[str]:
        wanted = sorted(set(ids))
        if not wanted:
            return frozenset()
        return frozenset(self.conn.scalars(select(agents.c.id).where(
            agents.c.id.in_(wanted), agents.c.type == AgentType.PERSON.value)))

    def publishing(self) -> frozenset[str]:
        return frozenset(self.conn.scalars(select(agents.c.id).where(
            agents.c.contributions == ContributionVisibility.PUBLIC.value)))

    def of_group(self, group: str) -> list[Agent]:
        rows = self.conn.execute(select(agents).where(or_(agents.c.group == group, agents.c.id == group))
                                 .order_by(agents.c.id))
        return [self.from_row(row) for row in rows]


class SqlMemberships(SqlRecords[Membership]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "membership")

    def of(self, member: str, organization: str) -> list[Membership]:
        m = memberships
        rows = self.conn.execute(select(m).where(m.c.member == member, m.c.organization == organization)
                                 .order_by(m.c.since))
        return [self.from_row(row) for row in rows]

    def of_organization(self, organization: str) -> list[Membership]:
        m = memberships
        rows = self.conn.execute(select(m).where(m.c.organization == organization).order_by(m.c.member, m.c.since))
        return [self.from_row(row) for row in rows]

    def organizations_of(self, member: str) -> frozenset[str]:
        return frozenset(self.conn.scalars(select(memberships.c.organization).distinct()
                                           .where(memberships.c.member == member)))

    def organizations(self) -> list[str]:
        return sorted(self.conn.scalars(select(memberships.c.organization).distinct()))


_SET_QUANTITIES = (
    update(economic_resources)
    .where(economic_resources.c.id == bindparam("rid"))
    .values(accounting_quantity=bindparam("acc"), onhand_quantity=bindparam("onhand"))
)


class SqlResources(SqlRecords[EconomicResource]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "economic_resource")

    def set_quantities(self, resources: Iterable[EconomicResource]) -> None:
        for res in resources:
            prepared.run(self.conn, _SET_QUANTITIES, {"rid": res.id, "acc": res.accounting_quantity,
                                                      "onhand": res.onhand_quantity})

    def licensed(self, limit: int, conforming_to: Collection[str]) -> list[tuple[EconomicResource, str]]:
        r = economic_resources
        rows = self.conn.execute(select(r, agents.c.name.label("steward_name"))
                                 .join(agents, agents.c.id == r.c.primary_accountable)
                                 .where(r.c.licence.is_not(None), r.c.conforms_to.in_(list(conforming_to)))
                                 .order_by(r.c.name, r.c.id).limit(limit))
        return [(resource_from_row(row), row.steward_name) for row in rows]


class SqlClaims(SqlRecords[EconomicClaim]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "claim")

    def triggered_by(self, event: str) -> EconomicClaim | None:
        row = self.conn.execute(select(claims).where(claims.c.triggered_by == event).order_by(claims.c.id)).first()
        return self.from_row(row) if row is not None else None

    def licence_triggers(self, events: Iterable[str]) -> frozenset[str]:
        wanted = sorted(set(events))
        if not wanted:
            return frozenset()
        return frozenset(self.conn.scalars(select(claims.c.triggered_by).distinct().where(
            claims.c.triggered_by.in_(wanted), claims.c.licence.is_not(None))))

    def obligations(self, user: str | None = None, steward: str | None = None, licence: str | None = None,
                    about_resource: str | None = None, period_start: date | None = None) -> list[EconomicClaim]:
        c = claims
        query = select(c).where(c.c.licence.is_not(None)).order_by(c.c.id)
        for column, value in (("provider", user), ("receiver", steward), ("licence", licence),
                              ("about_resource", about_resource), ("period_start", period_start)):
            if value is not None:
                query = query.where(c.c[column] == value)
        return [self.from_row(row) for row in self.conn.execute(query)]

    def owed(self, user: str | None = None, steward: str | None = None) -> list[OwedRow]:
        key = (user is not None, steward is not None, self.conn.dialect.name == "sqlite")
        query = _OWED.get(key)
        if query is None:
            query = _OWED[key] = _owed_query(*key)
        values = {"user": user, "steward": steward}
        if not key[2]:
            return [OwedRow(i, p, r, a, lic, res, ps, pe, amount, unit, due, since,
                            None if rate is None else Decimal(rate), settled and Decimal(settled), holds_from)
                    for i, p, r, a, lic, res, ps, pe, amount, unit, due, since, rate, settled, holds_from
                    in self.conn.execute(query, values)]
        # SQLite: a steward's obligations are thousands of rows; the text SQLite keeps (ISO days, canonical decimal
        # text) is converted here, at a third of what SQLAlchemy's result processing costs a row
        day, number = date.fromisoformat, Decimal
        return [OwedRow(i, p, r, a, lic, res, ps and day(ps), pe and day(pe), amount and number(amount), unit,
                        due and day(due), day(since), rate and number(rate), settled and number(settled),
                        holds_from and day(holds_from))
                for i, p, r, a, lic, res, ps, pe, amount, unit, due, since, rate, settled, holds_from
                in prepared.fetch(self.conn, query, values)]

    def keep_settled(self, settled: list[tuple[OwedRow, Decimal]], holds_from: date) -> None:
        if settled:
            upsert = _KEEP_SETTLED[self.conn.dialect.name]
            self.conn.execute(upsert, [{"claim": r.id, "settled": s, "holds_from": holds_from, "since": r.since,
                                        "work_rate": r.work_rate} for r, s in settled])

    def of_run(self, run: str) -> list[EconomicClaim]:
        rows = self.conn.execute(select(claims).where(claims.c.dividend_run == run)
                                 .order_by(claims.c.receiver, claims.c.id))
        return [self.from_row(row) for row in rows]


_OWED: dict[tuple[bool, bool, bool], Any] = {}  # built once each


def _keep_settled(insert_: Any) -> Any:
    statement = insert_(obligation_settlements)
    return statement.on_conflict_do_update(index_elements=[obligation_settlements.c.claim], set_={
        "settled": statement.excluded.settled, "holds_from": statement.excluded.holds_from,
        "since": statement.excluded.since, "work_rate": statement.excluded.work_rate})


_KEEP_SETTLED = {"sqlite": _keep_settled(sqlite_insert), "postgresql": _keep_settled(pg_insert)}


def _owed_query(by_user: bool, by_steward: bool, sqlite: bool) -> Any:
    """`SqlClaims.owed`'s query: the days and the basis' two facts worked out by the database, where the settlement
    kept does not already hold them (reading a claim's basis is most of what the query costs)."""
    c, s = claims.c, obligation_settlements.c

    def day(column: Any) -> Any:  # the UTC day of a date-time (SQLite keeps them in UTC, as text)
        return func.substr(column, 1, 10) if sqlite else cast(func.timezone("UTC", column), Date)

    use_day = func.nullif(c.basis["useDay"].as_string(), "")
    since = func.coalesce(s.since, use_day if sqlite else cast(use_day, Date), day(c.created))
    rate = c.basis["workRate"].as_string()
    work_rate = case((s.claim.is_(None), rate), else_=s.work_rate)  # text either way (`DecimalText` keeps it so)
    query = (select(c.id, c.provider, c.receiver, c.agreed_in, c.licence, c.about_resource, c.period_start,
                    c.period_end, c.resource_quantity_value, c.resource_quantity_unit, type_coerce(day(c.due), Date),
                    type_coerce(since, Date), work_rate, s.settled, s.holds_from)
             .select_from(claims.outerjoin(obligation_settlements, s.claim == c.id))
             .where(c.licence.is_not(None)).order_by(c.id))
    if by_user:
        query = query.where(c.provider == bindparam("user"))
    if by_steward:
        query = query.where(c.receiver == bindparam("steward"))
    return query


class SqlEquations(SqlRecords[ValueEquation]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "value_equation")

    def versions(self, name: str | None = None) -> list[ValueEquation]:
        v = value_equations
        query = select(v).order_by(v.c.name, v.c.version)
        if name is not None:
            query = query.where(v.c.name == name)
        return [self.from_row(row) for row in self.conn.execute(query)]

    def newest(self, name: str) -> ValueEquation | None:
        v = value_equations
        row = self.conn.execute(select(v).where(v.c.name == name).order_by(v.c.version.desc()).limit(1)).first()
        return self.from_row(row) if row is not None else None


class SqlRuns(SqlRecords[DividendRun]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, "dividend_run")

    def of(self, organization: str | None = None) -> list[DividendRun]:
        r = dividend_runs
        query = select(r).order_by(r.c.created_at, r.c.id)
        if organization:
            query = query.where(r.c.organization == organization)
        return [self.from_row(row) for row in self.conn.execute(query)]

    def using(self, equation: str) -> DividendRun | None:
        return self._first(dividend_runs.c.equation == equation)

    def reversal_of(self, run: str) -> DividendRun | None:
        return self._first(dividend_runs.c.reverses == run)

    def in_force(self, organizations: Iterable[str]) -> list[DividendRun]:
        """The runs of these organizations that are neither reversals nor reversed."""
        wanted = sorted(set(organizations))
        if not wanted:
            return []
        return [run_from_row(row) for row in self.conn.execute(_IN_FORCE, {"orgs": wanted})]

    def in_force_over(self, organization: str, start: date, end: date) -> DividendRun | None:
        r = dividend_runs
        reversed_ids = select(r.c.reverses).where(r.c.reverses.is_not(None))
        return self._first(and_(r.c.organization == organization, r.c.reverses.is_(None), r.c.id.not_in(reversed_ids),
                                r.c.period_start <= end, r.c.period_end >= start))

    def _first(self, condition: Any) -> DividendRun | None:
        r = dividend_runs
        row = self.conn.execute(select(r).where(condition).order_by(r.c.created_at, r.c.id).limit(1)).first()
        return run_from_row(row) if row is not None else None

    def allocations(self, run: str) -> list[DividendAllocation]:
        a = dividend_allocations
        rows = self.conn.execute(select(a).where(a.c.run == run).order_by(a.c.dividend.desc(), a.c.agent))
        return sorted((allocation_from_row(row) for row in rows), key=lambda x: (-abs(x.dividend), x.agent))

    def add_allocation(self, allocation: DividendAllocation) -> None:
        self.conn.execute(_INSERT["dividend_allocation"], fitting("dividend_allocation", row_of(allocation)))

    def lines_of(self, member: str, organization: str, until: date) -> list[tuple[DividendRun, DividendAllocation]]:
        r, a = dividend_runs, dividend_allocations
        rows = self.conn.execute(select(r, a.c.id.label("allocation_id")).join(a, a.c.run == r.c.id)
                                 .where(a.c.agent == member, r.c.organization == organization,
                                        r.c.period_start <= until)
                                 .order_by(r.c.created_at, r.c.id)).all()
        found = SqlRecords[DividendAllocation](self.conn, "dividend_allocation").get_many(
            [row.allocation_id for row in rows])
        return [(run_from_row(row), found[row.allocation_id]) for row in rows]


_r = dividend_runs
# Runs neither reversals nor reversed, of some organizations (asked on every event write: built once).
_IN_FORCE = (select(_r).where(_r.c.organization.in_(bindparam("orgs", expanding=True)), _r.c.reverses.is_(None),
                              _r.c.id.not_in(select(_r.c.reverses).where(_r.c.reverses.is_not(None))))
             .order_by(_r.c.created_at, _r.c.id))
