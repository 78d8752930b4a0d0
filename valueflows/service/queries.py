"""Use cases that read: records by id and filtered, paginated event lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from valueflows.domain.errors import NotFound, violation
from valueflows.domain.model import EconomicEvent
from valueflows.store import repository as repo
from valueflows.store.mapping import FROM_ROW, event_from_row
from valueflows.store.tables import RECORD_TABLES, economic_events, ledger
from valueflows.store.uow import UnitOfWork

MAX_PAGE = 1000


@dataclass(frozen=True)
class EventFilter:
    agent: str | None = None  # provider or receiver
    action: str | None = None
    resource: str | None = None  # resourceInventoriedAs or toResourceInventoriedAs
    process: str | None = None  # inputOf or outputOf
    start: datetime | None = None  # happened at or after
    end: datetime | None = None  # happened before
    include_corrected: bool = False  # the corrected view by default
    provider: str | None = None
    receiver: str | None = None
    search: str | None = None  # in the note, case-insensitive


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def get_record(uow: UnitOfWork, kind: str, record_id: str) -> Any:
    with uow.read() as conn:
        record = repo.get(conn, kind, record_id)
    if record is None:
        raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
    return record


def list_records(uow: UnitOfWork, kind: str, limit: int = 100, after: str | None = None) -> Page:
    limit = check_limit(limit)
    table = RECORD_TABLES[kind]
    query = select(table).order_by(table.c.id).limit(limit + 1)
    if after:
        query = query.where(table.c.id > after)
    with uow.read() as conn:
        items = [FROM_ROW[kind](row) for row in conn.execute(query)]
    return render_page(items, limit, lambda r: r.id)


def list_events(uow: UnitOfWork, where: EventFilter, limit: int = 100, after: int | None = None) -> Page:
    """Events in ledger order, filtered; the cursor is the last event's sequence number."""
    limit = check_limit(limit)
    e = economic_events
    query = select(e).order_by(e.c.seq).limit(limit + 1)
    if after is not None:
        query = query.where(e.c.seq > after)
    if where.agent:
        query = query.where(or_(e.c.provider == where.agent, e.c.receiver == where.agent))
    if where.action:
        query = query.where(e.c.action == where.action)
    if where.provider:
        query = query.where(e.c.provider == where.provider)
    if where.receiver:
        query = query.where(e.c.receiver == where.receiver)
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
        corrected = select(e.c.corrects).where(e.c.corrects.is_not(None)).scalar_subquery()
        query = query.where(e.c.id.not_in(corrected))
    with uow.read() as conn:
        items: list[EconomicEvent] = [event_from_row(row) for row in conn.execute(query)]
    return render_page(items, limit, lambda ev: str(ev.seq))


def ledger_size(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as conn:
        sizes = {kind: conn.scalar(select(func.count()).select_from(t)) or 0 for kind, t in RECORD_TABLES.items()}
        sizes["chain"] = conn.scalar(select(func.count()).select_from(ledger)) or 0
    return sizes


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise violation("limit", "bad_limit", f"limit is between 1 and {MAX_PAGE}")
    return limit


def render_page(items: list[Any], limit: int, cursor: Any) -> Page:
    more = len(items) > limit
    items = items[:limit]
    return Page(items, cursor(items[-1]) if more and items else None)
