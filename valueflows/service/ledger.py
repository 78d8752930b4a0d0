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

from valueflows.accounting.contributions import day_deltas
from valueflows.domain import access
from valueflows.domain.chain import canonical_json, facts, plain
from valueflows.domain.errors import IdempotencyConflict
from valueflows.domain.inputs import EventInput
from valueflows.domain.limits import MAX_CHAIN, MAX_KEY, MAX_PAGE
from valueflows.domain.model import AgentType, EconomicEvent, EconomicResource
from valueflows.domain.periods import ClosedPeriod, closed_periods
from valueflows.domain.rules import EventContext, check_event
from valueflows.service import settling
from valueflows.store.cache import RecordCache
from valueflows.store.ports import KeyUse, Tx, UnitOfWork, WriteTx

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


def replayed_key(tx: WriteTx, key: str | None, kind: str, request: Any) -> str | None:
    """The id the first request with this key wrote, or None if the key is new."""
    if key is None:
        return None
    if not key or len(key) > MAX_KEY:
        raise IdempotencyConflict(f"an idempotency key is 1 to {MAX_KEY} characters")
    first = tx.keys.find(key)
    if first is None:
        return None
    if first.kind != kind or first.fingerprint != fingerprint(request):
        raise IdempotencyConflict(f"idempotency key {key!r} was already used for a different request")
    return first.record_id


def remember_key(tx: WriteTx, key: str | None, kind: str, request: Any, record_id: str) -> None:
    if key is not None:
        tx.keys.remember(key, KeyUse(kind, fingerprint(request), record_id), tx.now)


def create_record(uow: UnitOfWork, kind: str, request: Any, key: str | None, build: Callable[[WriteTx], Any],
                  then: Callable[[WriteTx, Any], None] | None = None) -> Recorded[Any]:
    """Build a record and add it, chained; `then` writes what goes with a new one, in the same transaction."""
    with uow.write() as tx:
        first = replayed_key(tx, key, kind, request)
        if first is not None:
            return Recorded(tx.records(kind).get(first), replayed=True)
        record = build(tx)
        tx.records(kind).add(record)
        tx.append(kind, record.id, facts(record))
        if then is not None:
            then(tx, record)
        remember_key(tx, key, kind, request, record.id)
        return Recorded(record)


def record_event(uow: UnitOfWork, request: EventInput, key: str | None = None,
                 then: Callable[[WriteTx, EventRecorded], None] | None = None) -> EventRecorded:
    """Record one economic event (or a correction of one) and apply its effects to resources. A write token records
    only events in which its agent is provider or receiver. `then` writes what goes with a new event (not with a
    replayed one), in the same transaction."""
    access.may_record_event(uow.principal, request.provider, request.receiver)
    with uow.write() as tx:
        first = replayed_key(tx, key, "economic_event", request)
        if first is not None:
            event = tx.events.get(first)
            assert event is not None, "an idempotency key points at an event that exists"
            touched = tx.resources.get_many([event.resource_inventoried_as, event.to_resource_inventoried_as])
            return EventRecorded(event, tuple(touched.values()), replayed=True)
        done = record_in(tx, uow, request)
        if then is not None:
            then(tx, done)
        remember_key(tx, key, "economic_event", request, done.event.id)
        return done


def record_in(tx: WriteTx, uow: UnitOfWork, request: EventInput) -> EventRecorded:
    """Record an event inside an open write transaction (for use cases that write more beside it)."""
    context = event_context(tx, uow, request)
    plan = check_event(request, context, new_id())
    for res in plan.new_resources:
        tx.resources.add(res)
        tx.append("economic_resource", res.id, facts(res))
    tx.resources.set_quantities(plan.updated_resources)
    record = tx.append("economic_event", plan.event.id, facts(plan.event))
    event = replace(plan.event, seq=record.seq)
    tx.events.add(event)
    corrected = context.events.get(event.corrects or "")
    tx.days.add(day_deltas(event, corrected))
    paying = settling.payment_pairs((event, corrected))
    if paying:  # a payment towards obligations, or the correction of one: they settle anew
        settling.resettle(tx, paying)
    return EventRecorded(event, plan.new_resources + plan.updated_resources)


def event_context(tx: Tx, uow: UnitOfWork, request: EventInput) -> EventContext:
    """Load every record `request` names, so the domain rules can judge it without I/O."""
    resource_ids = {request.resource_inventoried_as, request.to_resource_inventoried_as,
                    request.new_resource.contained_in if request.new_resource else None}
    events = tx.events.get_many([request.corrects, request.triggered_by])
    # Follow what the corrected event itself corrects, to catch loops.
    step = events.get(request.corrects or "")
    for _ in range(MAX_CHAIN):
        if step is None or step.corrects is None or step.corrects in events:
            break
        step = tx.events.get(step.corrects)
        if step is not None:
            events[step.id] = step
    for e in events.values():
        resource_ids |= {e.resource_inventoried_as, e.to_resource_inventoried_as}
    corrected_by = {corrected: e.id for corrected, e in tx.events.corrections_of(events).items()}
    resources = tx.resources.get_many(resource_ids)
    spec_ids = {request.resource_conforms_to, *(r.conforms_to for r in resources.values())}
    if request.new_resource is not None:
        spec_ids.add(request.new_resource.conforms_to)
    unit_ids = {m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None}
    if request.new_resource is not None and request.new_resource.unit_of_effort:
        unit_ids.add(request.new_resource.unit_of_effort)
    agent_ids = {request.provider, request.receiver, *request.in_scope_of}
    process_ids = {request.input_of, request.output_of, *request.in_scope_of}
    new_resource = request.new_resource.id if request.new_resource else None
    taken = {i for i, repository in ((request.id, tx.events), (new_resource, tx.resources))
             if i and repository.exists(i)}
    cache = uow.cache
    agents = cache.get_many(tx.agents, agent_ids)
    return EventContext(
        agents=agents,
        resources=resources,
        specs=cache.get_many(tx.specifications, spec_ids),
        processes=cache.get_many(tx.processes, process_ids),
        units=cache.get_many(tx.units, unit_ids),
        events=events,
        corrected_by=corrected_by,
        taken_ids=frozenset(taken),
        batches=frozenset(tx.batches.get_many([request.new_resource.lot] if request.new_resource else [])),
        closed=closed_books(tx, [a.id for a in agents.values() if a.type is AgentType.ORGANIZATION], cache),
        places=frozenset(tx.records("spatial_thing").get_many(
            [request.at_location, request.to_location,
             request.new_resource.current_location if request.new_resource else None])),
    )


def closed_books(tx: Tx, organizations: list[str], cache: RecordCache | None = None
                 ) -> dict[str, tuple[ClosedPeriod, ...]]:
    """The closed periods of these organizations: their dividend runs in force, and the books they closed. A writer
    (holding the writers' lock) passes its `cache`: the periods read at the head it began from are read once, until
    a run or closed books is appended or another process writes."""
    if not organizations:
        return {}
    began_at = getattr(tx, "began_at", None)
    if cache is None or began_at is None or RecordCache.CLOSING & getattr(tx, "kinds", set()):
        return _closed_books(tx, organizations)  # not a writer, or one that has itself closed a period
    known, missing = cache.closed_periods(began_at, organizations)
    if missing:
        found = _closed_books(tx, missing)
        fresh = {o: found.get(o, ()) for o in missing}
        cache.remember_closed(began_at, fresh)
        known.update(fresh)
    return {o: periods for o, periods in known.items() if periods}


def _closed_books(tx: Tx, organizations: list[str]) -> dict[str, tuple[ClosedPeriod, ...]]:
    runs = [(r.id, r.organization, r.period_start, r.period_end) for r in tx.runs.in_force(organizations)]
    closes = [c for org in organizations for c in tx.books.where(MAX_PAGE, organization=org)]
    return closed_periods(runs, closes)
