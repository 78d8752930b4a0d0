"""Reading and writing records on an open connection. No rules here: those are in the domain."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, String, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from valueflows.accounting.contributions import DayKey
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import EventInput
from valueflows.domain.model import EconomicResource
from valueflows.domain.rules import EventContext
from valueflows.store.mapping import FROM_ROW, row_of
from valueflows.store.tables import RECORD_TABLES, contribution_days, economic_events, economic_resources

# Longest chain of corrections followed when checking a new correction for loops.
MAX_CORRECTION_DEPTH = 10_000


# Built once: statements with bound parameters skip SQLAlchemy's per-call construction work.
_BY_IDS = {kind: select(t).where(t.c.id.in_(bindparam("ids", expanding=True))) for kind, t in RECORD_TABLES.items()}


def get(conn: Connection, kind: str, record_id: str) -> Any | None:
    return get_many(conn, kind, [record_id]).get(record_id)


def get_many(conn: Connection, kind: str, ids: Iterable[str | None]) -> dict[str, Any]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = conn.execute(_BY_IDS[kind], {"ids": wanted}).all()
    return {row.id: FROM_ROW[kind](row) for row in rows}


class RecordCache:
    """Records the event rules look up on every write and that never change or disappear once written.

    Units and resource specifications are immutable; agents and processes are never deleted, and the event
    rules only ask whether they exist (a newer version of an agent's facts elsewhere changes no event rule).
    """

    KINDS = frozenset({"unit", "resource_specification", "agent", "process"})

    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {kind: {} for kind in self.KINDS}

    def get_many(self, conn: Connection, kind: str, ids: Iterable[str | None]) -> dict[str, Any]:
        known = self._records[kind]
        wanted = {i for i in ids if i}
        found = {i: known[i] for i in wanted if i in known}
        missing = wanted - found.keys()
        if missing:
            fetched = get_many(conn, kind, missing)
            known.update(fetched)
            found.update(fetched)
        return found

    def forget(self, kind: str, record_id: str) -> None:
        self._records[kind].pop(record_id, None)


def insert_record(conn: Connection, kind: str, record: Any) -> None:
    conn.execute(_INSERT[kind], fitting(kind, row_of(record)))


def replace_record(conn: Connection, kind: str, record: Any) -> None:
    table = RECORD_TABLES[kind]
    values = fitting(kind, row_of(record))
    conn.execute(update(table).where(table.c.id == values.pop("id")).values(**values))


_INSERT = {kind: insert(table) for kind, table in RECORD_TABLES.items()}
# The longest text each column takes, from the table definitions: the rules check the limits they know of
# (names, notes, ids); this catches every other one (an image IRI, an agreement reference) with the same kind of
# answer, before the database would refuse the value (PostgreSQL) or keep it whole (SQLite).
_LIMITS = {kind: [(c.name, c.type.length) for c in table.columns if isinstance(c.type, String) and c.type.length]
           for kind, table in RECORD_TABLES.items()}


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
_SET_QUANTITIES = (
    update(economic_resources)
    .where(economic_resources.c.id == bindparam("rid"))
    .values(accounting_quantity=bindparam("acc"), onhand_quantity=bindparam("onhand"))
)


def set_quantities(conn: Connection, resources: Iterable[EconomicResource]) -> None:
    for res in resources:
        conn.execute(_SET_QUANTITIES, {"rid": res.id, "acc": res.accounting_quantity, "onhand": res.onhand_quantity})


def event_context(conn: Connection, request: EventInput, cache: RecordCache) -> EventContext:
    """Load every record `request` names, so the domain rules can judge it without I/O."""
    resource_ids = {request.resource_inventoried_as, request.to_resource_inventoried_as,
                    request.new_resource.contained_in if request.new_resource else None}
    events = get_many(conn, "economic_event", [request.corrects, request.triggered_by])
    # Follow what the corrected event itself corrects, to catch loops.
    step = events.get(request.corrects or "")
    for _ in range(MAX_CORRECTION_DEPTH):
        if step is None or step.corrects is None or step.corrects in events:
            break
        step = get(conn, "economic_event", step.corrects)
        if step is not None:
            events[step.id] = step
    for e in events.values():
        resource_ids |= {e.resource_inventoried_as, e.to_resource_inventoried_as}
    corrected_by = {
        row.corrects: row.id
        for row in conn.execute(
            select(economic_events.c.id, economic_events.c.corrects).where(economic_events.c.corrects.in_(list(events)))
        )
    } if events else {}
    resources = get_many(conn, "economic_resource", resource_ids)
    spec_ids = {request.resource_conforms_to, *(r.conforms_to for r in resources.values())}
    if request.new_resource is not None:
        spec_ids.add(request.new_resource.conforms_to)
    unit_ids = {m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None}
    if request.new_resource is not None and request.new_resource.unit_of_effort:
        unit_ids.add(request.new_resource.unit_of_effort)
    agent_ids = {request.provider, request.receiver, *request.in_scope_of}
    process_ids = {request.input_of, request.output_of, *request.in_scope_of}
    return EventContext(
        agents=cache.get_many(conn, "agent", agent_ids),
        resources=resources,
        specs=cache.get_many(conn, "resource_specification", spec_ids),
        processes=cache.get_many(conn, "process", process_ids),
        units=cache.get_many(conn, "unit", unit_ids),
        events=events,
        corrected_by=corrected_by,
        taken_ids=frozenset(_taken(conn, request)),
        batches=frozenset(get_many(conn, "product_batch", [request.new_resource.lot]) if request.new_resource else ()),
    )


def _taken(conn: Connection, request: EventInput) -> set[str]:
    taken: set[str] = set()
    if request.id and conn.execute(select(economic_events.c.id).where(economic_events.c.id == request.id)).first():
        taken.add(request.id)
    new_id = request.new_resource.id if request.new_resource else None
    if new_id and conn.execute(select(economic_resources.c.id).where(economic_resources.c.id == new_id)).first():
        taken.add(new_id)
    return taken


def exists(conn: Connection, kind: str, record_id: str) -> bool:
    table = RECORD_TABLES[kind]
    return conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None



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


def add_to_day_totals(conn: Connection, deltas: Iterable[tuple[DayKey, Decimal, int]]) -> None:
    """Apply changes to the daily contribution totals."""
    statement = _DAY_UPSERT[conn.dialect.name]
    for key, quantity, events in deltas:
        conn.execute(statement, {"provider": key.provider, "receiver": key.receiver, "action": key.action,
                                 "kind": key.kind, "unit": key.unit, "day": key.day, "quantity": quantity,
                                 "events": events})
