"""An in-memory store: the same ports as the SQL store (`store/ports.py`), on dictionaries.

The use cases are tested on it as well as on SQLite and PostgreSQL: it shows that they depend on the ports only,
and it runs them in microseconds. A write transaction works on copies and replaces the ledger's state when it
commits (nothing of it remains when it fails); writers take turns behind one lock, as on the databases.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from valueflows.accounting.contributions import DayKey, SizeKey, fold_months, fold_sizes, is_contribution, is_exchange
from valueflows.accounting.dividends import DividendAllocation, DividendRun
from valueflows.accounting.equations import ValueEquation
from valueflows.domain.access import OPERATOR, Principal
from valueflows.domain.chain import GENESIS, ChainRecord, ChainRevision, canonical_json, link_hash
from valueflows.domain.limits import MAX_CHAIN
from valueflows.domain.model import (
    Agent,
    AgentType,
    ContributionVisibility,
    EconomicClaim,
    EconomicEvent,
    EconomicResource,
    Membership,
)
from valueflows.domain.quantities import WHOLE
from valueflows.store.cache import RecordCache
from valueflows.store.mapping import row_of
from valueflows.store.ports import (
    PUBLISHED,
    RECORD_KINDS,
    ActorKey,
    Declaration,
    Delivery,
    EventFilter,
    FlowTotal,
    Follow,
    KeyUse,
    OwedRow,
    PaidTotal,
    Published,
    Received,
    ReceivedRecord,
    Records,
    RemoteActor,
    RemoteAgent,
    SizedClaims,
    TokenRow,
    Trade,
    TradedCommitment,
    owed_row,
)
from valueflows.store.sql.records import fitting

T = TypeVar("T")


@dataclass
class State:
    """Everything a ledger holds."""

    records: dict[str, dict[str, Any]] = field(default_factory=lambda: {kind: {} for kind in RECORD_KINDS})
    chain: list[ChainRecord] = field(default_factory=list)
    recorded_at: dict[int, datetime] = field(default_factory=dict)  # when each chain record was written, by seq
    keys: dict[str, KeyUse] = field(default_factory=dict)
    tokens: dict[str, TokenRow] = field(default_factory=dict)
    days: dict[DayKey, tuple[Decimal, int]] = field(default_factory=dict)
    actor_keys: dict[str, ActorKey] = field(default_factory=dict)
    federation: dict[str, dict[Any, Any]] = field(default_factory=lambda: {
        "remote": {}, "followers": {}, "following": {}, "inbox": {}, "deliveries": {}, "settings": {},
        "records": {}, "agents": {}, "declarations": {}, "trades": {}, "traded": {}})
    settled: dict[str, tuple[Decimal, date]] = field(default_factory=dict)  # kept settlements, by claim

    def copy(self) -> State:
        """A copy to work on: records are frozen values, so copying the maps is enough."""
        return State({kind: dict(found) for kind, found in self.records.items()}, list(self.chain),
                     dict(self.recorded_at), dict(self.keys), dict(self.tokens), dict(self.days),
                     dict(self.actor_keys), {name: dict(found) for name, found in self.federation.items()},
                     dict(self.settled))


class Box:
    """Where a transaction finds the state: a reader sees whatever is committed when it reads (read committed, as
    PostgreSQL does by default); a writer, its own working copy."""

    def __init__(self, state: State) -> None:
        self.state = state


class _OnBox:
    def __init__(self, box: Box) -> None:
        self.box = box

    @property
    def state(self) -> State:
        return self.box.state


class MemoryRecords(_OnBox, Generic[T]):
    def __init__(self, box: Box, kind: str) -> None:
        super().__init__(box)
        self.kind = kind

    @property
    def found(self) -> dict[str, T]:
        return self.state.records[self.kind]

    def get(self, record_id: str) -> T | None:
        return self.found.get(record_id)

    def get_many(self, ids: Iterable[str | None]) -> dict[str, T]:
        return {i: self.found[i] for i in ids if i and i in self.found}

    def exists(self, record_id: str) -> bool:
        return record_id in self.found

    def add(self, record: T) -> None:
        fitting(self.kind, row_of(record))
        record_id = record.id  # type: ignore[attr-defined]
        assert record_id not in self.found, f"{self.kind} {record_id} exists"
        self.found[record_id] = record

    def replace(self, record: T) -> None:
        fitting(self.kind, row_of(record))
        self.found[record.id] = record  # type: ignore[attr-defined]

    def remove(self, record_id: str) -> None:
        self.found.pop(record_id, None)

    def add_all(self, records: Iterable[T]) -> None:
        for record in records:
            self.add(record)

    def _ordered(self) -> list[T]:
        return [self.found[i] for i in sorted(self.found)]

    def page(self, limit: int, after: str | None = None, before: str | None = None, backward: bool = False,
             **equals: object) -> list[T]:
        found = [r for r in self._ordered() if (not after or r.id > after) and (not before or r.id < before)  # type: ignore[attr-defined]
                 and all(getattr(r, k) == v for k, v in equals.items())]
        return found[-limit:] if backward else found[:limit]

    def where(self, limit: int, **equals: object) -> list[T]:
        return [r for r in self._ordered() if all(getattr(r, k) == v for k, v in equals.items())][:limit]

    def count(self) -> int:
        return len(self.found)

    def stream(self) -> Iterator[T]:
        return iter(self._ordered())


class MemoryAgents(MemoryRecords[Agent]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "agent")

    def persons_among(self, ids: Iterable[str]) -> frozenset[str]:
        return frozenset(i for i in ids if i in self.found and self.found[i].type is AgentType.PERSON)

    def publishing(self) -> frozenset[str]:
        return frozenset(a.id for a in self.found.values() if a.contributions is ContributionVisibility.PUBLIC)

    def of_group(self, group: str) -> list[Agent]:
        return [a for a in self._ordered() if a.group == group or a.id == group]


class MemoryMemberships(MemoryRecords[Membership]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "membership")

    def of(self, member: str, organization: str) -> list[Membership]:
        return sorted((m for m in self.found.values() if m.member == member and m.organization == organization),
                      key=lambda m: m.since)

    def of_organization(self, organization: str) -> list[Membership]:
        return sorted((m for m in self.found.values() if m.organization == organization),
                      key=lambda m: (m.member, m.since))

    def organizations_of(self, member: str) -> frozenset[str]:
        return frozenset(m.organization for m in self.found.values() if m.member == member)

    def organizations(self) -> list[str]:
        return sorted({m.organization for m in self.found.values()})


class MemoryResources(MemoryRecords[EconomicResource]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "economic_resource")

    def set_quantities(self, resources: Iterable[EconomicResource]) -> None:
        for res in resources:
            self.found[res.id] = replace(self.found[res.id], accounting_quantity=res.accounting_quantity,
                                         onhand_quantity=res.onhand_quantity)

    def licensed(self, limit: int, conforming_to: Collection[str]) -> list[tuple[EconomicResource, str]]:
        agents = self.state.records["agent"]
        found = sorted((r for r in self.found.values() if r.licence is not None and r.conforms_to in conforming_to),
                       key=lambda r: (r.name, r.id))
        return [(r, agents[r.primary_accountable].name) for r in found[:limit]]


def _measured(e: EconomicEvent) -> tuple[Decimal, str] | None:
    """An event's quantity as reports count it: its effort if it has one, else its resource quantity."""
    m = e.effort_quantity or e.resource_quantity
    return (m.has_numerical_value, m.has_unit) if m is not None else None


def _sum(found: Iterable[tuple[tuple[Any, ...], Decimal, int]]) -> list[tuple[tuple[Any, ...], Decimal, int]]:
    sums: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for key, quantity, events in found:
        sums[key][0] = WHOLE.add(sums[key][0], quantity)
        sums[key][1] += events
    return [(key, q, n) for key, (q, n) in sums.items()]


class MemoryEvents(MemoryRecords[EconomicEvent]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "economic_event")

    def _ordered(self) -> list[EconomicEvent]:
        return sorted(self.found.values(), key=lambda e: e.seq or 0)

    def _counted(self) -> list[EconomicEvent]:
        """The corrected view, in ledger order."""
        corrected = {e.corrects for e in self.found.values() if e.corrects}
        return [e for e in self._ordered() if e.id not in corrected]

    def filtered(self, where: EventFilter, limit: int, after: int | None = None, before: int | None = None,
                 backward: bool = False) -> list[EconomicEvent]:
        def keep(e: EconomicEvent) -> bool:
            return all((
                after is None or (e.seq or 0) > after,
                before is None or (e.seq or 0) < before,
                not where.agent or where.agent in (e.provider, e.receiver),
                not where.action or e.action == where.action,
                not where.provider or e.provider == where.provider,
                not where.receiver or e.receiver == where.receiver,
                not where.actions or e.action in where.actions,
                not where.in_scope or where.in_scope in e.in_scope_of,
                not where.conforms_to or e.resource_conforms_to == where.conforms_to,
                not where.realization_of or e.realization_of == where.realization_of,
                not where.at_location or where.at_location in (e.at_location, e.to_location),
                not where.providers or e.provider in where.providers,
                not where.receivers or e.receiver in where.receivers,
                not where.search or where.search.lower() in (e.note or "").lower(),
                not where.resource or where.resource in (e.resource_inventoried_as, e.to_resource_inventoried_as),
                not where.process or where.process in (e.input_of, e.output_of),
                not where.start or e.when >= where.start,
                not where.end or e.when < where.end,
            ))
        found = self._ordered() if where.include_corrected else self._counted()
        kept = [e for e in found if keep(e)]
        return kept[-limit:] if backward else kept[:limit]

    def corrections_of(self, ids: Iterable[str]) -> dict[str, EconomicEvent]:
        wanted = set(ids)
        return {e.corrects: e for e in self.found.values() if e.corrects in wanted}  # type: ignore[misc]

    def chains(self, events: Iterable[EconomicEvent]) -> dict[str, EconomicEvent]:
        found = {e.id: e for e in events}
        frontier = set(found)
        for _ in range(MAX_CHAIN):
            wanted = frontier | {c for c in (found[i].corrects for i in frontier) if c}
            new = {e.id: e for e in self.found.values()
                   if (e.corrects in wanted or e.id in wanted) and e.id not in found}
            if not new:
                break
            found.update(new)
            frontier = set(new)
        return found

    def by_resource(self, resource: str, limit: int) -> list[EconomicEvent]:
        return [e for e in self._ordered()
                if resource in (e.resource_inventoried_as, e.to_resource_inventoried_as)][:limit]

    def since(self, start: datetime | None) -> Iterator[EconomicEvent]:
        return iter([e for e in self._ordered() if start is None or e.when >= start])

    def flow_totals(self, start: datetime, end: datetime, receiver: str | None = None, process: str | None = None,
                    resource: str | None = None, processes: Iterable[str] = (),
                    exchanges: bool = False) -> list[FlowTotal]:
        behind = set(processes)
        rows = []
        for e in self._counted():
            measured = _measured(e)
            if measured is None or e.provider == e.receiver or not start <= e.when < end:
                continue
            if is_exchange(e) != exchanges:
                continue
            if (receiver and e.receiver != receiver) or (process and e.input_of != process):
                continue
            if resource and resource not in (e.resource_inventoried_as, e.to_resource_inventoried_as) and (
                    e.input_of not in behind):
                continue
            rows.append(((e.provider, e.receiver, e.action, e.resource_conforms_to, measured[1]), measured[0], 1))
        return [FlowTotal(p, r, a, k, u, quantity, n) for (p, r, a, k, u), quantity, n in _sum(rows)]

    def received(self, receiver: str, start: datetime, end: datetime) -> Iterator[EconomicEvent]:
        return iter([e for e in self._counted() if e.receiver == receiver and start <= e.when < end
                     and _measured(e) is not None and is_contribution(e)])

    def received_by_size(self, receiver: str, first: date, last: date) -> list[SizedClaims]:
        spans = MemoryMemberships(self.box).of_organization(receiver)
        start = datetime.combine(first, time(0), UTC)
        end = datetime.combine(last + timedelta(days=1), time(0), UTC)
        counts: dict[SizedClaims, int] = {}
        for e in self.received(receiver, start, end):
            measured = _measured(e)
            assert measured is not None, "received() gives events with a quantity"
            day = e.when.astimezone(UTC).date()
            member = any(m.member == e.provider and m.active_on(day) for m in spans)
            key = SizedClaims(e.provider, e.action, e.resource_conforms_to, measured[1], measured[0], 0, member)
            counts[key] = counts.get(key, 0) + 1
        return [key._replace(events=n) for key, n in counts.items()]

    def adjustments(self, receiver: str, start: datetime, end: datetime) -> list[EconomicEvent]:
        return [e for e in self._counted() if e.receiver == receiver and start <= e.when < end
                and e.prior_period is not None]

    def paid_totals(self, users: set[str], stewards: set[str], agreements: set[str], before: datetime,
                    money: tuple[str, ...], work: tuple[str, ...]) -> list[PaidTotal]:
        totals: dict[tuple[str, str, str, str, bool, str], tuple[Decimal, datetime]] = {}
        for e in self._counted():
            if not (e.provider in users and e.receiver in stewards and e.agreed_in in agreements and e.when < before):
                continue
            quantity = e.resource_quantity if e.action in money else e.effort_quantity if e.action in work else None
            if quantity is not None:
                key = (e.provider, e.receiver, e.agreed_in, e.action, e.action in money, quantity.has_unit)
                total, last = totals.get(key, (Decimal(0), e.when))
                totals[key] = WHOLE.add(total, quantity.has_numerical_value), max(last, e.when)
        return [PaidTotal(*key, total, last) for key, (total, last) in totals.items()]

    def outputs_of(self, resources: Iterable[str]) -> list[tuple[str, str]]:
        wanted = set(resources)
        return sorted({(e.resource_inventoried_as, e.output_of) for e in self.found.values()  # type: ignore[misc]
                       if e.resource_inventoried_as in wanted and e.output_of})

    def inputs_of(self, processes: Iterable[str]) -> list[tuple[str, str]]:
        wanted = set(processes)
        return sorted({(e.input_of, e.resource_inventoried_as) for e in self.found.values()  # type: ignore[misc]
                       if e.input_of in wanted and e.resource_inventoried_as})


class MemoryClaims(MemoryRecords[EconomicClaim]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "claim")

    def triggered_by(self, event: str) -> EconomicClaim | None:
        return next((c for c in self._ordered() if c.triggered_by == event), None)

    def licence_triggers(self, events: Iterable[str]) -> frozenset[str]:
        wanted = set(events)
        return frozenset(c.triggered_by for c in self.found.values()  # type: ignore[misc]
                         if c.triggered_by in wanted and c.licence is not None)

    def obligations(self, user: str | None = None, steward: str | None = None, licence: str | None = None,
                    about_resource: str | None = None, period_start: date | None = None) -> list[EconomicClaim]:
        asked = {"provider": user, "receiver": steward, "licence": licence, "about_resource": about_resource,
                 "period_start": period_start}
        return [c for c in self._ordered() if c.licence is not None
                and all(v is None or getattr(c, k) == v for k, v in asked.items())]

    def owed(self, user: str | None = None, steward: str | None = None) -> list[OwedRow]:
        kept = self.state.settled
        return [owed_row(c)._replace(settled=kept[c.id][0], holds_from=kept[c.id][1]) if c.id in kept else owed_row(c)
                for c in self.obligations(user, steward)]

    def keep_settled(self, settled: list[tuple[OwedRow, Decimal]], holds_from: date) -> None:
        for row, amount in settled:
            assert row.id in self.found, f"claim {row.id} exists"
            self.state.settled[row.id] = (amount, holds_from)

    def of_run(self, run: str) -> list[EconomicClaim]:
        return sorted((c for c in self.found.values() if c.dividend_run == run), key=lambda c: (c.receiver, c.id))


class MemoryEquations(MemoryRecords[ValueEquation]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "value_equation")

    def versions(self, name: str | None = None) -> list[ValueEquation]:
        return sorted((e for e in self.found.values() if name is None or e.name == name),
                      key=lambda e: (e.name, e.version))

    def newest(self, name: str) -> ValueEquation | None:
        found = self.versions(name)
        return found[-1] if found else None


class MemoryRuns(MemoryRecords[DividendRun]):
    def __init__(self, box: Box) -> None:
        super().__init__(box, "dividend_run")

    def of(self, organization: str | None = None) -> list[DividendRun]:
        return sorted((r for r in self.found.values() if not organization or r.organization == organization),
                      key=lambda r: (r.created_at, r.id))

    def _first(self, keep: Callable[[DividendRun], bool]) -> DividendRun | None:
        return next((r for r in self.of() if keep(r)), None)

    def using(self, equation: str) -> DividendRun | None:
        return self._first(lambda r: r.equation == equation)

    def reversal_of(self, run: str) -> DividendRun | None:
        return self._first(lambda r: r.reverses == run)

    def in_force(self, organizations: Iterable[str]) -> list[DividendRun]:
        wanted = set(organizations)
        reversed_ids = {r.reverses for r in self.found.values() if r.reverses}
        return [r for r in self.of() if r.organization in wanted and r.reverses is None and r.id not in reversed_ids]

    def in_force_over(self, organization: str, start: date, end: date) -> DividendRun | None:
        reversed_ids = {r.reverses for r in self.found.values() if r.reverses}
        return self._first(lambda r: r.organization == organization and r.reverses is None
                           and r.id not in reversed_ids and r.period_start <= end and r.period_end >= start)

    def allocations(self, run: str) -> list[DividendAllocation]:
        found = self.state.records["dividend_allocation"].values()
        return sorted((a for a in found if a.run == run), key=lambda a: (-abs(a.dividend), a.agent))

    def add_allocation(self, allocation: DividendAllocation) -> None:
        MemoryRecords[DividendAllocation](self.box, "dividend_allocation").add(allocation)

    def lines_of(self, member: str, organization: str, until: date) -> list[tuple[DividendRun, DividendAllocation]]:
        allocations = self.state.records["dividend_allocation"].values()
        return [(run, a) for run in self.of(organization) if run.period_start <= until
                for a in sorted(allocations, key=lambda x: x.id) if a.run == run.id and a.agent == member]


class MemoryDays(_OnBox):

    def add(self, deltas: Iterable[tuple[DayKey, Decimal, int]]) -> None:
        for key, quantity, events in deltas:
            q, n = self.state.days.get(key, (Decimal(0), 0))
            self.state.days[key] = (WHOLE.add(q, quantity), n + events)

    def totals(self, first: date, end: date, receiver: str | None = None) -> list[FlowTotal]:
        rows = [((k.provider, k.receiver, k.action, k.kind or None, k.unit), q, n)
                for k, (q, n) in self.state.days.items()
                if first <= k.day < end and (not receiver or k.receiver == receiver)]
        return [FlowTotal(p, r, a, k, u, q, n) for (p, r, a, k, u), q, n in _sum(rows) if n]

    def member_totals(self, organization: str, first: date, last: date) -> list[tuple[FlowTotal, bool]]:
        spans = MemoryMemberships(self.box).of_organization(organization)
        rows = []
        for k, (q, n) in self.state.days.items():
            if k.receiver != organization or not first <= k.day <= last:
                continue
            member = any(m.member == k.provider and m.active_on(k.day) for m in spans)
            rows.append(((k.provider, k.action, k.kind or None, k.unit, member), q, n))
        return [(FlowTotal(p, organization, a, kind, u, q, n), member)
                for (p, a, kind, u, member), q, n in _sum(rows) if n]

    def stream(self) -> Iterator[tuple[DayKey, Decimal, int]]:
        return iter([(k, q, n) for k, (q, n) in self.state.days.items()])

    def stream_sizes(self) -> Iterator[tuple[SizeKey, int]]:
        """Memory counts its events when asked: always what they say."""
        return iter(list(fold_sizes(MemoryEvents(self.box).stream()).items()))

    def stream_months(self) -> Iterator[tuple[DayKey, Decimal, int]]:
        """Memory sums its days when asked: its months are its days, so they always agree."""
        return iter([(k, q, n) for k, (q, n) in fold_months(self.stream()).items()])


class MemoryChain(_OnBox):
    def by_hash(self, digest: str) -> ChainRecord | None:
        return next((r for r in self.state.chain if r.hash == digest and r.kind != "economic_event"), None)

    def latest(self, kind: str, ids: Iterable[str]) -> dict[str, str]:
        wanted = set(ids)
        return {r.record_id: r.hash for r in self.state.chain if r.kind == kind and r.record_id in wanted}


    def history(self, kind: str, record_id: str) -> list[ChainRevision]:
        return [ChainRevision(r.seq, r.hash, r.payload, self.state.recorded_at[r.seq]) for r in self.state.chain
                if r.kind == kind and r.record_id == record_id]

    def stream(self) -> Iterator[ChainRecord]:
        return iter(list(self.state.chain))

    def count(self) -> int:
        return len(self.state.chain)

    def head(self) -> tuple[int, str] | None:
        last = self.state.chain[-1] if self.state.chain else None
        return (last.seq, last.hash) if last else None

    def received_hashes(self, receiver: str, start: datetime, end: datetime) -> Iterator[str]:
        events = self.state.records["economic_event"]
        return iter([r.hash for r in self.state.chain if r.kind == "economic_event" and r.record_id in events
                     and events[r.record_id].receiver == receiver and start <= events[r.record_id].when < end])

    def published(self, agent: str | None, before: int | None, limit: int, after: int | None = None,
                  kinds: tuple[str, ...] = PUBLISHED) -> list[Published]:
        events, resources = self.state.records["economic_event"], self.state.records["economic_resource"]
        parts, intents = self.state.records["proposed_intent"], self.state.records["intent"]
        commitments, flows = self.state.records["commitment"], self.state.records["recipe_flow"]
        agreed = {c.clause_of for c in commitments.values() if c.clause_of and agent in (c.provider, c.receiver)}
        owned = {r.conforms_to for r in resources.values() if r.conforms_to and r.primary_accountable == agent}
        frontier = {f.recipe_output_of for f in flows.values()
                    if f.recipe_output_of and f.resource_conforms_to in owned}
        frontier |= {f.recipe_input_of for f in flows.values()
                     if f.action == "cite" and f.recipe_input_of and f.resource_conforms_to in owned}
        making: set[str | None] = set()
        while frontier:  # as the SQL store's recursive `recipe_making`: what makes what these processes take in
            making |= frontier
            taken = {f.resource_conforms_to for f in flows.values() if f.recipe_input_of in frontier}
            frontier = {f.recipe_output_of for f in flows.values()
                        if f.recipe_output_of and f.resource_conforms_to in taken} - making

        def proposes(proposal: str | None) -> bool:
            return any(not p.reciprocal and p.published_in == proposal and p.publishes in intents
                       and agent in (intents[p.publishes].provider, intents[p.publishes].receiver)
                       for p in parts.values())

        def concerns(r: ChainRecord) -> bool:
            if r.kind not in kinds:
                return False
            if r.kind == "commitment" and (r.record_id not in commitments or not commitments[r.record_id].clause_of):
                return False  # a commitment is published as a term of its agreement: only a clause of one
            if agent is None:
                return True
            if r.kind == "proposal":
                return proposes(r.record_id)
            if r.kind == "proposed_intent":
                return r.record_id in parts and proposes(parts[r.record_id].published_in)
            if r.kind == "economic_event":
                return agent is None or agent in (events[r.record_id].provider, events[r.record_id].receiver)
            if r.kind == "economic_resource":
                return agent is None or resources[r.record_id].primary_accountable == agent
            if r.kind == "agreement":
                return r.record_id in agreed
            if r.kind == "commitment":
                return r.record_id in commitments and commitments[r.record_id].clause_of in agreed
            if r.kind == "recipe_process":
                return r.record_id in making
            if r.kind == "recipe_flow":
                return r.record_id in flows and bool({flows[r.record_id].recipe_output_of,
                                                      flows[r.record_id].recipe_input_of} & making)
            return False
        seen: set[tuple[str, str]] = set()
        firsts = set()
        for r in self.state.chain:
            if (r.kind, r.record_id) not in seen:
                seen.add((r.kind, r.record_id))
                firsts.add(r.seq)
        found = [Published(r.seq, r.kind, r.record_id, self.state.recorded_at[r.seq], r.seq in firsts)
                 for r in reversed(self.state.chain) if (before is None or r.seq < before)
                 and (after is None or r.seq > after) and concerns(r)]
        return (found if after is None else found[::-1])[:limit]


class MemoryKeys(_OnBox):

    def count(self) -> int:
        return len(self.state.keys)

    def find(self, key: str) -> KeyUse | None:
        return self.state.keys.get(key)

    def find_many(self, keys: Iterable[str]) -> dict[str, KeyUse]:
        return {k: self.state.keys[k] for k in keys if k in self.state.keys}

    def remember(self, key: str, use: KeyUse, at: datetime) -> None:
        self.state.keys[key] = use

    def remember_all(self, uses: Iterable[tuple[str, KeyUse]], at: datetime) -> None:
        for key, use in uses:
            self.remember(key, use, at)


class MemoryTokens(_OnBox):

    def add(self, token: TokenRow) -> None:
        self.state.tokens[token.id] = token

    def get(self, token_id: str) -> TokenRow | None:
        return self.state.tokens.get(token_id)

    def revoke(self, token_id: str, at: datetime) -> bool:
        found = self.state.tokens.get(token_id)
        if found is None or found.revoked_at is not None:
            return False
        self.state.tokens[token_id] = replace(found, revoked_at=at)
        return True

    def all(self) -> list[TokenRow]:
        return sorted(self.state.tokens.values(), key=lambda t: t.created_at)


class MemoryActorKeys(_OnBox):
    def add(self, key: ActorKey) -> None:
        self.state.actor_keys[key.actor] = key

    def get(self, actor: str) -> ActorKey | None:
        return self.state.actor_keys.get(actor)

    def actors(self) -> set[str]:
        return set(self.state.actor_keys)


class MemoryFederation(_OnBox):
    def _map(self, name: str) -> dict[Any, Any]:
        return self.state.federation[name]

    def remote_actor(self, actor_id: str) -> RemoteActor | None:
        return self._map("remote").get(actor_id)

    def remote_actor_by_key(self, key_id: str) -> RemoteActor | None:
        return next((a for a in self._map("remote").values() if a.key_id == key_id), None)

    def keep_remote_actor(self, actor: RemoteActor) -> None:
        self._map("remote")[actor.id] = actor

    def followers(self, actor: str) -> list[Follow]:
        return sorted((f for f in self._map("followers").values() if f.actor == actor),
                      key=lambda f: (f.since, f.other))

    def add_follower(self, follow: Follow) -> bool:
        if (follow.actor, follow.other) in self._map("followers"):
            return False
        self._map("followers")[(follow.actor, follow.other)] = follow._replace(state="accepted")
        return True

    def remove_follower(self, actor: str, follower: str) -> bool:
        return self._map("followers").pop((actor, follower), None) is not None

    def following(self, actor: str | None = None) -> list[Follow]:
        return sorted((f for f in self._map("following").values() if actor is None or f.actor == actor),
                      key=lambda f: (f.since, f.other))

    def follow(self, follow: Follow) -> None:
        self._map("following")[(follow.actor, follow.other)] = follow

    def following_by_activity(self, follow_id: str) -> Follow | None:
        return next((f for f in self._map("following").values() if f.follow_id == follow_id), None)

    def received(self, activity_id: str) -> Received | None:
        return self._map("inbox").get(activity_id)

    def receive(self, activity: Received) -> None:
        self._map("inbox")[activity.id] = activity

    def enqueue(self, delivery: Delivery) -> bool:
        if any((d.activity_id, d.inbox) == (delivery.activity_id, delivery.inbox)
               for d in self._map("deliveries").values()):
            return False
        self._map("deliveries")[delivery.id] = delivery
        return True

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        found = [d for d in self._map("deliveries").values()
                 if d.delivered_at is None and d.failed_at is None and d.next_at <= now]
        return sorted(found, key=lambda d: (d.next_at, d.id))[:limit]

    def _change(self, delivery_id: str, **values: Any) -> None:
        self._map("deliveries")[delivery_id] = self._map("deliveries")[delivery_id]._replace(**values)

    def delivered(self, delivery_id: str, at: datetime) -> None:
        done = self._map("deliveries")[delivery_id]
        self._change(delivery_id, delivered_at=at, attempts=done.attempts + 1, last_error=None)

    def retry(self, delivery_id: str, attempts: int, next_at: datetime, error: str) -> None:
        self._change(delivery_id, attempts=attempts, next_at=next_at, last_error=error)

    def failed(self, delivery_id: str, attempts: int, at: datetime, error: str) -> None:
        self._change(delivery_id, attempts=attempts, failed_at=at, last_error=error)

    def deliveries(self, limit: int = 100) -> list[Delivery]:
        return sorted(self._map("deliveries").values(), key=lambda d: (d.created_at, d.id), reverse=True)[:limit]

    def count_deliveries(self) -> dict[str, int]:
        found = list(self._map("deliveries").values())
        return {"queued": sum(1 for d in found if d.delivered_at is None and d.failed_at is None),
                "delivered": sum(1 for d in found if d.delivered_at is not None),
                "failed": sum(1 for d in found if d.failed_at is not None)}

    def setting(self, name: str) -> str | None:
        return self._map("settings").get(name)

    def set_setting(self, name: str, value: str) -> None:
        self._map("settings")[name] = value

    def received_record(self, record_id: str) -> ReceivedRecord | None:
        return self._map("records").get(record_id)

    def keep_record(self, record: ReceivedRecord) -> None:
        self._map("records")[record.id] = record

    def received_records(self, origin: str | None = None, limit: int = 100,
                         kind: str | None = None) -> list[ReceivedRecord]:
        found = [r for r in self._map("records").values()
                 if (origin is None or r.origin == origin) and (kind is None or r.type == kind)]
        return sorted(found, key=lambda r: (r.received_at, r.id), reverse=True)[:limit]

    def remote_agent(self, iri: str) -> RemoteAgent | None:
        return next((a for a in self._map("agents").values() if a.iri == iri), None)

    def remote_agent_of(self, agent: str) -> RemoteAgent | None:
        return self._map("agents").get(agent)

    def keep_remote_agent(self, agent: RemoteAgent) -> None:
        self._map("agents")[agent.agent] = agent

    def declare(self, declaration: Declaration) -> None:
        self._map("declarations")[declaration.id] = declaration

    def declaration(self, declaration_id: str) -> Declaration | None:
        return self._map("declarations").get(declaration_id)

    def declarations(self, user: str | None = None, limit: int = 100) -> list[Declaration]:
        found = [d for d in self._map("declarations").values() if user is None or d.user == user]
        return sorted(found, key=lambda d: (d.declared_at, d.id), reverse=True)[:limit]

    def keep_trade(self, trade: Trade) -> None:
        self._map("trades")[trade.id] = trade

    def trade(self, trade_id: str) -> Trade | None:
        return self._map("trades").get(trade_id)

    def trades(self, agent: str | None = None, limit: int = 100) -> list[Trade]:
        found = [t for t in self._map("trades").values() if agent is None or t.agent == agent]
        return sorted(found, key=lambda t: (t.made_at, t.id), reverse=True)[:limit]

    def link_commitment(self, link: TradedCommitment) -> None:
        self._map("traded")[link.commitment] = link

    def traded_commitment(self, commitment: str) -> TradedCommitment | None:
        return self._map("traded").get(commitment)

    def traded_commitment_at(self, iri: str) -> TradedCommitment | None:
        return next((t for t in self._map("traded").values() if t.iri == iri), None)


class MemoryTx(_OnBox):
    def __init__(self, box: Box) -> None:
        super().__init__(box)
        self.units: MemoryRecords[Any] = MemoryRecords(box, "unit")
        self.agents = MemoryAgents(box)
        self.roles: MemoryRecords[Any] = MemoryRecords(box, "agent_relationship_role")
        self.relationships: MemoryRecords[Any] = MemoryRecords(box, "agent_relationship")
        self.memberships = MemoryMemberships(box)
        self.specifications: MemoryRecords[Any] = MemoryRecords(box, "resource_specification")
        self.process_specifications: MemoryRecords[Any] = MemoryRecords(box, "process_specification")
        self.batches: MemoryRecords[Any] = MemoryRecords(box, "product_batch")
        self.processes: MemoryRecords[Any] = MemoryRecords(box, "process")
        self.resources = MemoryResources(box)
        self.events = MemoryEvents(box)
        self.claims = MemoryClaims(box)
        self.books: MemoryRecords[Any] = MemoryRecords(box, "books_closed")
        self.equations = MemoryEquations(box)
        self.runs = MemoryRuns(box)
        self.days = MemoryDays(box)
        self.chain = MemoryChain(box)
        self.keys = MemoryKeys(box)
        self.tokens = MemoryTokens(box)
        self.actor_keys = MemoryActorKeys(box)
        self.federation = MemoryFederation(box)

    def records(self, kind: str) -> Records[Any]:
        named: dict[str, Records[Any]] = {
            "agent": self.agents, "membership": self.memberships, "economic_resource": self.resources,
            "economic_event": self.events, "claim": self.claims, "value_equation": self.equations,
            "dividend_run": self.runs, "books_closed": self.books}
        return named.get(kind) or MemoryRecords(self.box, kind)


class MemoryWriteTx(MemoryTx):
    def __init__(self, box: Box) -> None:
        super().__init__(box)
        last = self.state.chain[-1] if self.state.chain else None
        self.seq = last.seq if last else 0
        self.hash = last.hash if last else GENESIS
        self.now = datetime.now(UTC)

    def append(self, kind: str, record_id: str, payload: dict[str, object]) -> ChainRecord:
        text = canonical_json(payload)
        digest = link_hash(self.hash, kind, record_id, text)
        record = ChainRecord(self.seq + 1, kind, record_id, text, self.hash, digest)
        self.state.chain.append(record)
        self.state.recorded_at[record.seq] = self.now
        self.seq, self.hash = record.seq, digest
        return record

    def append_all(self, entries: Iterable[tuple[str, str, dict[str, object]]]) -> list[ChainRecord]:
        return [self.append(kind, record_id, payload) for kind, record_id, payload in entries]


class MemoryUnitOfWork:
    """A ledger in memory; `acting_as` shares it (state, lock, record cache) with another principal."""

    def __init__(self, state: State | None = None, principal: Principal = OPERATOR,
                 cache: RecordCache | None = None, lock: Any = None) -> None:
        self.box = Box(state or State())  # shared by every view of this ledger, so a commit is seen by all
        self.principal = principal
        self.cache = cache or RecordCache()
        self.lock = lock or threading.Lock()

    def acting_as(self, principal: Principal) -> MemoryUnitOfWork:
        other = MemoryUnitOfWork(None, principal, self.cache, self.lock)
        other.box = self.box
        return other

    @contextmanager
    def read(self) -> Iterator[MemoryTx]:
        yield MemoryTx(self.box)

    @contextmanager
    def write(self) -> Iterator[MemoryWriteTx]:
        with self.lock:
            working = Box(self.box.state.copy())
            yield MemoryWriteTx(working)
            self.box.state = working.state
