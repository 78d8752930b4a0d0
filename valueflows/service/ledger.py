"""Use cases that write: each opens one transaction, loads what the rules need, applies them, writes, commits.

Every write takes an optional idempotency key: a retry with the same key and the same request returns the
first result and writes nothing; the same key with a different request is refused.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select

from valueflows.domain import records as rules
from valueflows.domain.chain import canonical_json, facts, plain
from valueflows.domain.errors import IdempotencyConflict, NotFound
from valueflows.domain.inputs import (
    AgentInput,
    EventInput,
    MembershipInput,
    ProcessInput,
    SpecificationInput,
)
from valueflows.domain.model import EconomicEvent, EconomicResource, Unit
from valueflows.domain.rules import check_event
from valueflows.domain.units import STANDARD_UNITS
from valueflows.store import repository as repo
from valueflows.store.mapping import membership_from_row
from valueflows.store.tables import idempotency_keys, memberships, units
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


def _replayed(w: Writer, key: str | None, kind: str, request: Any) -> str | None:
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


def _remember(w: Writer, key: str | None, kind: str, request: Any, record_id: str) -> None:
    if key is not None:
        w.conn.execute(insert(idempotency_keys).values(
            key=key, fingerprint=fingerprint(request), kind=kind, record_id=record_id, created_at=w.now))


def _create(uow: UnitOfWork, kind: str, request: Any, key: str | None,
            build: Callable[[Writer], Any]) -> Recorded[Any]:
    with uow.write() as w:
        first = _replayed(w, key, kind, request)
        if first is not None:
            return Recorded(repo.get(w.conn, kind, first), replayed=True)
        record = build(w)
        repo.insert_record(w.conn, kind, record)
        w.append(kind, record.id, facts(record))
        _remember(w, key, kind, request, record.id)
        return Recorded(record)


def record_event(uow: UnitOfWork, request: EventInput, key: str | None = None) -> EventRecorded:
    """Record one economic event (or a correction of one) and apply its effects to resources."""
    with uow.write() as w:
        first = _replayed(w, key, "economic_event", request)
        if first is not None:
            event = repo.get(w.conn, "economic_event", first)
            assert event is not None, "an idempotency key points at an event that exists"
            touched = repo.get_many(w.conn, "economic_resource",
                                    [event.resource_inventoried_as, event.to_resource_inventoried_as])
            return EventRecorded(event, tuple(touched.values()), replayed=True)
        plan = check_event(request, repo.event_context(w.conn, request, uow.cache), new_id())
        for res in plan.new_resources:
            repo.insert_record(w.conn, "economic_resource", res)
            w.append("economic_resource", res.id, facts(res))
        repo.set_quantities(w.conn, plan.updated_resources)
        record = w.append("economic_event", plan.event.id, facts(plan.event))
        event = replace(plan.event, seq=record.seq)
        repo.insert_record(w.conn, "economic_event", event)
        _remember(w, key, "economic_event", request, event.id)
        return EventRecorded(event, plan.new_resources + plan.updated_resources)


def create_agent(uow: UnitOfWork, request: AgentInput, key: str | None = None) -> Recorded[Any]:
    def build(w: Writer) -> Any:
        taken = {request.id} if request.id and repo.exists(w.conn, "agent", request.id) else set()
        return rules.check_agent(
            request, new_id(), repo.get_many(w.conn, "agent", [request.group]),
            repo.get_many(w.conn, "unit", [request.revenue_currency]), taken,
        )
    return _create(uow, "agent", request, key, build)


def update_agent(uow: UnitOfWork, agent_id: str, request: AgentInput, key: str | None = None) -> Recorded[Any]:
    """New facts about an agent (headcount, revenue, …). The ledger keeps every version in the chain."""
    with uow.write() as w:
        first = _replayed(w, key, "agent", (agent_id, request))
        if first is not None:
            return Recorded(repo.get(w.conn, "agent", first), replayed=True)
        if not repo.exists(w.conn, "agent", agent_id):
            raise NotFound(f"no agent with id {agent_id!r}")
        agent = rules.check_agent(
            replace(request, id=agent_id),
            agent_id, repo.get_many(w.conn, "agent", [request.group]),
            repo.get_many(w.conn, "unit", [request.revenue_currency]),
        )
        repo.replace_record(w.conn, "agent", agent)
        uow.cache.forget("agent", agent.id)
        w.append("agent", agent.id, facts(agent))
        _remember(w, key, "agent", (agent_id, request), agent.id)
        return Recorded(agent)


def create_membership(uow: UnitOfWork, request: MembershipInput, key: str | None = None) -> Recorded[Any]:
    def build(w: Writer) -> Any:
        taken = {request.id} if request.id and repo.exists(w.conn, "membership", request.id) else set()
        existing = _memberships(w, request.member, request.organization)
        agents = repo.get_many(w.conn, "agent", [request.member, request.organization])
        return rules.check_membership(request, new_id(), agents, existing, taken)
    return _create(uow, "membership", request, key, build)


def end_membership(uow: UnitOfWork, membership_id: str, until: date, key: str | None = None) -> Recorded[Any]:
    with uow.write() as w:
        first = _replayed(w, key, "membership", (membership_id, until))
        if first is not None:
            return Recorded(repo.get(w.conn, "membership", first), replayed=True)
        membership = repo.get(w.conn, "membership", membership_id)
        if membership is None:
            raise NotFound(f"no membership with id {membership_id!r}")
        ended = rules.end_membership(membership, until, _memberships(w, membership.member, membership.organization))
        repo.replace_record(w.conn, "membership", ended)
        w.append("membership", ended.id, facts(ended))
        _remember(w, key, "membership", (membership_id, until), ended.id)
        return Recorded(ended)


def _memberships(w: Writer, member: str, organization: str) -> list[Any]:
    rows = w.conn.execute(select(memberships).where(
        memberships.c.member == member, memberships.c.organization == organization))
    return [membership_from_row(row) for row in rows]


def create_specification(uow: UnitOfWork, request: SpecificationInput, key: str | None = None) -> Recorded[Any]:
    def build(w: Writer) -> Any:
        taken = {request.id} if request.id and repo.exists(w.conn, "resource_specification", request.id) else set()
        unit_ids = [request.default_unit_of_resource, request.default_unit_of_effort]
        return rules.check_specification(request, new_id(), repo.get_many(w.conn, "unit", unit_ids), taken)
    return _create(uow, "resource_specification", request, key, build)


def create_process(uow: UnitOfWork, request: ProcessInput, key: str | None = None) -> Recorded[Any]:
    def build(w: Writer) -> Any:
        taken = {request.id} if request.id and repo.exists(w.conn, "process", request.id) else set()
        return rules.check_process(request, new_id(), taken)
    return _create(uow, "process", request, key, build)


def create_unit(uow: UnitOfWork, unit: Unit, key: str | None = None) -> Recorded[Any]:
    def build(w: Writer) -> Any:
        return rules.check_unit(unit, {unit.id} if repo.exists(w.conn, "unit", unit.id) else set())
    return _create(uow, "unit", unit, key, build)


def ensure_standard_units(uow: UnitOfWork) -> int:
    """Record the standard om2 units a new ledger starts with; returns how many were missing."""
    with uow.read() as conn:
        present = {row.id for row in conn.execute(select(units.c.id))}
    missing = [u for u in STANDARD_UNITS if u.id not in present]
    if missing:
        with uow.write() as w:
            for unit in missing:
                if not repo.exists(w.conn, "unit", unit.id):
                    repo.insert_record(w.conn, "unit", unit)
                    w.append("unit", unit.id, facts(unit))
    return len(missing)
