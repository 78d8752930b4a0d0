"""Use cases that read: records by id and filtered, paginated event lists, the ledger's size.

These read everything; a door shows what they return through `service.reading`, which asks the access policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from valueflows.domain.errors import NotFound, violation
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.model import EconomicEvent
from valueflows.store.ports import RECORD_KINDS, EventFilter, UnitOfWork

__all__ = ["MAX_PAGE", "EventFilter", "Page", "check_limit", "get_record", "ledger_size", "list_events",
           "list_records", "render_page"]


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def get_record(uow: UnitOfWork, kind: str, record_id: str) -> Any:
    with uow.read() as tx:
        record = tx.records(kind).get(record_id)
    if record is None:
        raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
    return record


def list_records(uow: UnitOfWork, kind: str, limit: int = 100, after: str | None = None) -> Page:
    limit = check_limit(limit)
    with uow.read() as tx:
        items = tx.records(kind).page(limit + 1, after)
    return render_page(items, limit, lambda r: r.id)


def list_events(uow: UnitOfWork, where: EventFilter, limit: int = 100, after: int | None = None) -> Page:
    """Events in ledger order, filtered; the cursor is the last event's sequence number."""
    limit = check_limit(limit)
    with uow.read() as tx:
        items: list[EconomicEvent] = tx.events.filtered(where, limit + 1, after)
    return render_page(items, limit, lambda ev: str(ev.seq))


def ledger_size(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as tx:
        sizes = {kind: tx.records(kind).count() for kind in RECORD_KINDS}
        sizes["chain"] = tx.chain.count()
    return sizes


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise violation("limit", "bad_limit", f"limit is between 1 and {MAX_PAGE}")
    return limit


def render_page(items: list[Any], limit: int, cursor: Callable[[Any], str]) -> Page:
    more = len(items) > limit
    items = items[:limit]
    return Page(items, cursor(items[-1]) if more and items else None)
