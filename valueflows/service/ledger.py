"""Writing to the ledger: idempotency, the create-and-chain step, and recording events.

Use cases that write: each opens one transaction, loads what the rules need, applies them, writes, commits.

Every write takes an optional idempotency key: a retry with the same key and the same request returns the
first result and writes nothing; the same key with a different request is refused.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select

from valueflows.accounting.contributions import day_deltas
from valueflows.domain.chain import canonical_json, facts, plain
from valueflows.domain.errors import IdempotencyConflict
from valueflows.domain.inputs import EventInput
from valueflows.domain.model import EconomicEvent, EconomicResource
from valueflows.domain.rules import check_event
from valueflows.store import repository as repo
from valueflows.store.tables import idempotency_keys
from valueflows.store.uow import UnitOfWork, Writer

T = TypeVar("T")


@dataclass(frozen=True)
class Recorded(Generic[T]):
    record: T
    replayed: bool = False  # True when an idempotent retry returned the first result


@dataclass(frozen=True)
class EventRecorded:
    event: EconomicEvent
    resources: tuple[EconomicResource, ...]  # resources the event created or changed, as they are now
    replayed: bool = False


def new_id() -> str:
    return str(uuid.uuid4())


def fingerprint(request: Any) -> str:
    return hashlib.sha256(canonical_json({"request": plain(request)}).encode()).hexdigest()


def replayed_key(w: Writer, key: str | None, kind: str, request: Any) -> str | None:
    """The id the first request with this key wrote, or None if the key is new."""
    if key is None:
        return None
    if not key or len(key) > 200:
        raise IdempotencyConflict("an idempotency key is 1 to 200 characters")
    row = w.conn.execute(select(idempotency_keys).where(idempotency_keys.c.key == key)).first()
    if row is None:
        return None
    if row.kind != kind or row.fingerprint != fingerprint(request):
        raise IdempotencyConflict(f"idempotency key {key!r} was already used for a different request")
    return str(row.record_id)


def remember_key(w: Writer, key: str | None, kind: str, request: Any, record_id: str) -> None:
    if key is not None:
        w.conn.execute(insert(idempotency_keys).values(
            key=key, fingerprint=fingerprint(request), kind=kind, record_id=record_id, created_at=w.now))


def create_record(uow: UnitOfWork, kind: str, request: Any, key: str | None,
            build: Callable[[Writer], Any]) -> Recorded[Any]:
    with uow.write() as w:
        first = replayed_key(w, key, kind, request)
        if first is not None:
            return Recorded(repo.get(w.conn, kind, first), replayed=True)
        record = build(w)
        repo.insert_record(w.conn, kind, record)
        w.append(kind, record.id, facts(record))
        remember_key(w, key, kind, request, record.id)
        return Recorded(record)


def record_event(uow: UnitOfWork, request: EventInput, key: str | None = None) -> EventRecorded:
    """Record one economic event (or a correction of one) and apply its effects to resources."""
    with uow.write() as w:
        first = replayed_key(w, key, "economic_event", request)
        if first is not None:
            event = repo.get(w.conn, "economic_event", first)
            assert event is not None, "an idempotency key points at an event that exists"
            touched = repo.get_many(w.conn, "economic_resource",
                                    [event.resource_inventoried_as, event.to_resource_inventoried_as])
            return EventRecorded(event, tuple(touched.values()), replayed=True)
        done = record_in(w, uow, request)
        remember_key(w, key, "economic_event", request, done.event.id)
        return done


def record_in(w: Writer, uow: UnitOfWork, request: EventInput) -> EventRecorded:
    """Record an event inside an open write transaction (for use cases that write more beside it)."""
    context = repo.event_context(w.conn, request, uow.cache)
    plan = check_event(request, context, new_id())
    for res in plan.new_resources:
        repo.insert_record(w.conn, "economic_resource", res)
        w.append("economic_resource", res.id, facts(res))
    repo.set_quantities(w.conn, plan.updated_resources)
    record = w.append("economic_event", plan.event.id, facts(plan.event))
    event = replace(plan.event, seq=record.seq)
    repo.insert_record(w.conn, "economic_event", event)
    repo.add_to_day_totals(w.conn, day_deltas(event, context.events.get(event.corrects or "")))
    return EventRecorded(event, plan.new_resources + plan.updated_resources)
