"""Recording many events in one transaction: the batch write door (`createEconomicEvents`) and the import.

The same rules, chain, daily totals and idempotency keys as recording one event at a time (`ledger.record_in`),
with the reads and writes gathered: what the rules look up is read once for the batch, and what is written goes in
one statement per table. Each event is judged against the ledger as the events before it in the batch left it
(a resource the third event creates is there for the fourth). An event that corrects or is triggered by another is
recorded the one-at-a-time way, after what the batch has gathered so far is written.

All or nothing: every event is judged, every problem is named by the event's place in the batch, and if there is
any, nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from valueflows.accounting.contributions import day_deltas
from valueflows.domain import access
from valueflows.domain.chain import facts
from valueflows.domain.errors import IdempotencyConflict, LedgerError, Problem, RuleViolation
from valueflows.domain.inputs import EventInput
from valueflows.domain.limits import MAX_KEY
from valueflows.domain.model import AgentType, EconomicEvent, EconomicResource
from valueflows.domain.rules import EventContext, check_event
from valueflows.service import settling
from valueflows.service.ledger import EventRecorded, closed_books, fingerprint, new_id, record_in
from valueflows.store.ports import KeyUse, UnitOfWork, WriteTx

MAX_BATCH = 1000  # events in one batch
KIND = "economic_event"

# How a problem of the event at an index is named: (index, the problem's field or None) -> the name.
Naming = Callable[[int, str | None], str]


class KeyConflict(IdempotencyConflict):
    """The idempotency key of the event at `index` was used before for a different request."""

    def __init__(self, index: int, message: str) -> None:
        self.index = index
        super().__init__(message)


def by_index(index: int, field_name: str | None) -> str:
    return f"events[{index}].{field_name}" if field_name else f"events[{index}]"


def record_events(uow: UnitOfWork, requests: Sequence[EventInput], keys: Sequence[str | None] | None = None,
                  name: Naming = by_index) -> list[EventRecorded]:
    """Record `requests` in order in one transaction, or none of them. `keys[i]` is event i's idempotency key: a
    replayed event returns what it first wrote; a key used before for another request is refused."""
    if len(requests) > MAX_BATCH:
        raise RuleViolation([Problem("events", "too_many", f"at most {MAX_BATCH} events in one batch")])
    keys = list(keys) if keys is not None else [None] * len(requests)
    if len(keys) != len(requests):
        raise ValueError("one key (or None) per request")
    for r in requests:
        access.may_record_event(uow.principal, r.provider, r.receiver)
    if not requests:
        return []
    with uow.write() as tx:
        return _Batch(tx, uow, name).record(list(requests), keys)


def batch_keys(key: str | None, count: int) -> list[str | None]:
    """One idempotency key for a whole batch, as one key per event (`KEY#0`, `KEY#1`, …)."""
    if key is None:
        return [None] * count
    if not key or len(key) > MAX_KEY - 5:
        raise IdempotencyConflict(f"a batch's idempotency key is 1 to {MAX_KEY - 5} characters")
    return [f"{key}#{i}" for i in range(count)]


@dataclass
class _Pending:
    """What the batch has judged and not yet written, in chain order."""

    entries: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    events: list[tuple[int, int, EconomicEvent]] = field(default_factory=list)  # (index, chain entry, event)
    new_resources: list[EconomicResource] = field(default_factory=list)
    updated: dict[str, EconomicResource] = field(default_factory=dict)
    days: list[Any] = field(default_factory=list)
    keys: list[tuple[str, KeyUse]] = field(default_factory=list)


class _Batch:
    def __init__(self, tx: WriteTx, uow: UnitOfWork, name: Naming) -> None:
        self.tx, self.uow, self.name = tx, uow, name
        self.pending = _Pending()
        self.problems: list[Problem] = []
        self.results: dict[int, EventRecorded] = {}
        self.touched: dict[int, tuple[EconomicResource, ...]] = {}
        # The ledger as the batch so far leaves it: read once, then kept up to date by each event judged.
        self.resources: dict[str, EconomicResource] = {}
        self.taken: set[str] = set()
        self.batches: frozenset[str] = frozenset()
        self.places: frozenset[str] = frozenset()
        self.closed: dict[str, Any] = {}

    def record(self, requests: list[EventInput], keys: list[str | None]) -> list[EventRecorded]:
        fresh, replays = self.sort_out(requests, keys)
        self.load([requests[i] for i in fresh])
        for i in fresh:
            request = requests[i]
            if request.corrects or request.triggered_by:
                self.one_at_a_time(i, request, keys[i])
            else:
                self.judge(i, request, keys[i])
        if self.problems:
            raise RuleViolation(self.problems)
        self.flush()
        stored = self.tx.events.get_many(v for v in replays.values() if isinstance(v, str))
        for i, first in replays.items():
            if isinstance(first, int):  # the same key and request earlier in this batch
                self.results[i] = replace(self.results[first], replayed=True)
                continue
            event = stored[first]
            touched = self.tx.resources.get_many([event.resource_inventoried_as, event.to_resource_inventoried_as])
            self.results[i] = EventRecorded(event, tuple(touched.values()), replayed=True)
        return [self.results[i] for i in range(len(requests))]

    def sort_out(self, requests: list[EventInput], keys: list[str | None]) -> tuple[list[int], dict[int, str | int]]:
        """The events to judge, and the replays: index -> the event id its key first wrote (or the index of the
        same key and request earlier in the batch)."""
        for i, key in enumerate(keys):
            if key is not None and (not key or len(key) > MAX_KEY):
                raise IdempotencyConflict(f"{self.name(i, None)}: an idempotency key is 1 to {MAX_KEY} characters")
        first_uses = self.tx.keys.find_many(k for k in keys if k is not None)
        in_batch: dict[str, tuple[str, int]] = {}
        fresh: list[int] = []
        replays: dict[int, str | int] = {}
        for i, (request, key) in enumerate(zip(requests, keys, strict=True)):
            if key is None:
                fresh.append(i)
                continue
            print_ = fingerprint(request)
            use = first_uses.get(key)
            seen = in_batch.get(key)
            if (use is not None and (use.kind != KIND or use.fingerprint != print_)) or (
                    seen is not None and seen[0] != print_):
                raise KeyConflict(i, f"{self.name(i, None)}: idempotency key {key!r} was already used for a "
                                     "different request")
            if use is not None:
                replays[i] = use.record_id
            elif seen is not None:
                replays[i] = seen[1]
            else:
                in_batch[key] = (print_, i)
                fresh.append(i)
        return fresh, replays

    def load(self, requests: list[EventInput]) -> None:
        """Read at once what the rules will ask about these events."""
        tx, cache = self.tx, self.uow.cache
        self.resources = tx.resources.get_many(
            i for r in requests for i in (r.resource_inventoried_as, r.to_resource_inventoried_as,
                                          r.new_resource.contained_in if r.new_resource else None))
        self.taken = set(tx.events.get_many(r.id for r in requests)) | set(
            tx.resources.get_many(r.new_resource.id for r in requests if r.new_resource))
        self.batches = frozenset(tx.batches.get_many(r.new_resource.lot for r in requests if r.new_resource))
        self.places = frozenset(tx.records("spatial_thing").get_many(
            i for r in requests for i in (r.at_location, r.to_location,
                                          r.new_resource.current_location if r.new_resource else None)))
        agents = cache.get_many(tx.agents, {i for r in requests for i in (r.provider, r.receiver, *r.in_scope_of)})
        self.closed = closed_books(tx, [a.id for a in agents.values() if a.type is AgentType.ORGANIZATION])
        cache.get_many(tx.processes, {i for r in requests for i in (r.input_of, r.output_of, *r.in_scope_of)})
        cache.get_many(tx.units, {m.has_unit for r in requests for m in (r.resource_quantity, r.effort_quantity)
                                  if m is not None})
        cache.get_many(tx.specifications, {r.resource_conforms_to for r in requests} | {
            res.conforms_to for res in self.resources.values()})

    def context(self, request: EventInput) -> EventContext:
        """What `ledger.event_context` reads for one event, from what the batch holds."""
        cache, tx, new = self.uow.cache, self.tx, request.new_resource
        resources = {i: self.resources[i] for i in (request.resource_inventoried_as,
                                                    request.to_resource_inventoried_as,
                                                    new.contained_in if new else None) if i in self.resources}
        spec_ids = {request.resource_conforms_to, *(r.conforms_to for r in resources.values()),
                    new.conforms_to if new else None}
        unit_ids = {m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None}
        if new is not None and new.unit_of_effort:
            unit_ids.add(new.unit_of_effort)
        return EventContext(
            agents=cache.get_many(tx.agents, {request.provider, request.receiver, *request.in_scope_of}),
            resources=resources,
            specs=cache.get_many(tx.specifications, spec_ids),
            processes=cache.get_many(tx.processes, {request.input_of, request.output_of, *request.in_scope_of}),
            units=cache.get_many(tx.units, unit_ids),
            taken_ids=frozenset(i for i in (request.id, new.id if new else None) if i and i in self.taken),
            batches=self.batches & {new.lot} if new and new.lot else frozenset(),
            closed=self.closed,
            places=self.places & {request.at_location, request.to_location, new.current_location if new else None},
        )

    def judge(self, i: int, request: EventInput, key: str | None) -> None:
        try:
            plan = check_event(request, self.context(request), request.id or new_id())
        except RuleViolation as exc:
            self.problems.extend(Problem(self.name(i, p.field), p.code, p.message) for p in exc.problems)
            return
        pending = self.pending
        for res in plan.new_resources:
            pending.new_resources.append(res)
            pending.entries.append(("economic_resource", res.id, facts(res)))
            self.resources[res.id] = res
            self.taken.add(res.id)
        for res in plan.updated_resources:
            self.resources[res.id] = pending.updated[res.id] = res
        pending.entries.append((KIND, plan.event.id, facts(plan.event)))
        pending.events.append((i, len(pending.entries) - 1, plan.event))
        self.taken.add(plan.event.id)
        pending.days.extend(day_deltas(plan.event, None))
        if key is not None:
            pending.keys.append((key, KeyUse(KIND, fingerprint(request), plan.event.id)))
        self.touched[i] = plan.new_resources + plan.updated_resources

    def one_at_a_time(self, i: int, request: EventInput, key: str | None) -> None:
        """An event that names another event: recorded as `ledger.record_in` records one, on the batch so far."""
        self.flush()  # after a refusal too: the transaction will be rolled back, and this event's problems count
        try:
            done = record_in(self.tx, self.uow, request)
        except RuleViolation as exc:
            self.problems.extend(Problem(self.name(i, p.field), p.code, p.message) for p in exc.problems)
            return
        except LedgerError as exc:
            self.problems.append(Problem(self.name(i, None), type(exc).__name__.lower(), str(exc)))
            return
        if key is not None:
            self.tx.keys.remember(key, KeyUse(KIND, fingerprint(request), done.event.id), self.tx.now)
        for res in done.resources:
            self.resources[res.id] = res
            self.taken.add(res.id)
        self.taken.add(done.event.id)
        self.results[i] = done

    def flush(self) -> None:
        """Write what the batch has judged: one statement per table."""
        pending, tx = self.pending, self.tx
        if not pending.entries:
            return
        chained = tx.append_all(pending.entries)
        events = [replace(e, seq=chained[at].seq) for _, at, e in pending.events]
        tx.resources.add_all(pending.new_resources)
        tx.resources.set_quantities(pending.updated.values())
        tx.events.add_all(events)
        tx.days.add(pending.days)
        settling.resettle(tx, settling.payment_pairs(events))  # (a correction is recorded alone, by `record_in`)
        tx.keys.remember_all(pending.keys, tx.now)
        for (i, _, _), event in zip(pending.events, events, strict=True):
            self.results[i] = EventRecorded(event, self.touched.pop(i))
        self.pending = _Pending()
