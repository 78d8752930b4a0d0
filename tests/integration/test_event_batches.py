"""Many events in one transaction (`batches.record_events`): the same ledger as one at a time, all or nothing,
every problem named by its index, idempotent as a whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from valueflows.domain.access import Forbidden, Principal, Scope
from valueflows.domain.errors import IdempotencyConflict, RuleViolation
from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.service import books, ledger, records
from valueflows.service.batches import MAX_BATCH, batch_keys, record_events
from valueflows.service.bootstrap import open_ledger
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

T = datetime(2026, 3, 2, 9, tzinfo=UTC)


def seed(uow: UnitOfWork) -> None:
    records.create_agent(uow, AgentInput(name="Ana", type="Person", id="ana"))
    records.create_agent(uow, AgentInput(name="Atelier", type="Organization", legal_form="worker_coop", id="coop"))
    records.create_specification(uow, SpecificationInput(name="Steel", id="steel", default_unit_of_resource="kilogram"))


def kg(qty: str) -> MeasureInput:
    return MeasureInput(qty, "kilogram")


def work(n: int, hours: str, day: int = 2) -> EventInput:
    return EventInput("work", "ana", "coop", effort_quantity=MeasureInput(hours, "hour"), id=f"w{n}",
                      has_point_in_time=datetime(2026, 3, day, 9, tzinfo=UTC))


# Each event leans on the ones before it: a resource raised, then consumed, corrected, moved.
SEQUENCE = [
    EventInput("raise", "coop", "coop", resource_quantity=kg("10"), has_point_in_time=T, id="e0",
               new_resource=NewResourceInput("steel stock", conforms_to="steel", id="stock")),
    EventInput("consume", "coop", "coop", resource_inventoried_as="stock", resource_quantity=kg("4"),
               has_point_in_time=T, id="e1"),
    work(2, "3"),
    EventInput("consume", "coop", "coop", resource_inventoried_as="stock", resource_quantity=kg("1"),
               has_point_in_time=T, id="e3", corrects="e1"),
    EventInput("transfer", "coop", "ana", resource_inventoried_as="stock", resource_quantity=kg("2"),
               has_point_in_time=T, id="e4"),
    work(5, "1.5"),
    EventInput("consume", "coop", "coop", resource_inventoried_as="stock", resource_quantity=kg("0.5"),
               has_point_in_time=T, id="e6"),
]


def state(uow: UnitOfWork) -> tuple[object, ...]:
    with uow.read() as tx:
        chain = [(r.seq, r.kind, r.record_id, r.payload, r.hash) for r in tx.chain.stream()]
        events = sorted((e.id, e.seq) for e in tx.events.stream())
        resources = sorted((r.id, r.accounting_quantity, r.onhand_quantity) for r in tx.resources.stream())
        days = sorted((str(k), q, n) for k, q, n in tx.days.stream())
    return chain, events, resources, days


def test_a_batch_writes_the_ledger_one_event_at_a_time_would(uow: UnitOfWork, tmp_path: Path) -> None:
    reference = open_ledger(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    seed(reference)
    for request in SEQUENCE:
        ledger.record_event(reference, request)
    seed(uow)
    done = record_events(uow, SEQUENCE)
    assert [d.event.id for d in done] == [r.id for r in SEQUENCE]
    assert [d.event.seq for d in done] == sorted(d.event.seq or 0 for d in done)
    assert state(uow) == state(reference)  # the chain, line for line and hash for hash; quantities; day totals
    with uow.read() as tx:
        stock = tx.resources.get("stock")
    assert stock is not None and stock.onhand_quantity == Decimal("6.5")  # 10 - 1 (corrected) - 2 - 0.5
    assert verify(uow).ok
    reference.engine.dispose()


def test_every_problem_is_named_by_its_index_and_nothing_is_written(uow: UnitOfWork) -> None:
    seed(uow)
    before = state(uow)
    batch = [work(0, "2"), replace(work(1, "1"), provider="nobody"), work(2, "1"),
             EventInput("consume", "coop", "coop", resource_inventoried_as="stock", resource_quantity=kg("1"),
                        has_point_in_time=T, id="e3"),
             replace(work(4, "1"), id="w0")]  # an id the batch already used
    with pytest.raises(RuleViolation) as caught:
        record_events(uow, batch, batch_keys("sync-1", len(batch)))
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("events[1].provider", "unknown_agent"), ("events[3].resourceInventoriedAs", "unknown_resource"),
        ("events[4].id", "duplicate_id")}
    assert state(uow) == before
    with uow.read() as tx:
        assert tx.keys.count() == 0


def test_a_correction_refused_in_a_batch_leaves_what_came_before_unwritten(uow: UnitOfWork) -> None:
    seed(uow)
    before = state(uow)
    batch = [work(0, "2"), replace(work(1, "1"), corrects="missing")]
    with pytest.raises(RuleViolation) as caught:
        record_events(uow, batch)
    assert [p.field for p in caught.value.problems] == ["events[1].corrects"]
    assert state(uow) == before


def test_a_batch_is_idempotent_as_a_whole(uow: UnitOfWork) -> None:
    seed(uow)
    batch = [work(0, "2"), work(1, "1"), work(2, "3")]
    first = record_events(uow, batch, batch_keys("sync-7", 3))
    after = state(uow)
    again = record_events(uow, batch, batch_keys("sync-7", 3))
    assert [d.event for d in again] == [d.event for d in first]
    assert all(d.replayed for d in again) and not any(d.replayed for d in first)
    assert state(uow) == after
    with pytest.raises(IdempotencyConflict):
        record_events(uow, [work(0, "2"), work(1, "9"), work(2, "3")], batch_keys("sync-7", 3))
    with pytest.raises(IdempotencyConflict):
        batch_keys("k" * 200, 1)
    assert state(uow) == after


def test_the_same_key_twice_in_a_batch_writes_once(uow: UnitOfWork) -> None:
    seed(uow)
    done = record_events(uow, [work(0, "2"), work(0, "2")], ["k", "k"])
    assert done[1].replayed and done[1].event == done[0].event
    with uow.read() as tx:
        assert tx.events.count() == 1
    with pytest.raises(IdempotencyConflict):
        record_events(uow, [work(1, "2"), work(2, "2")], ["j", "j"])


def test_a_batch_has_a_size_limit_and_the_access_policy_applies_to_each_event(uow: UnitOfWork) -> None:
    seed(uow)
    records.create_agent(uow, AgentInput(name="Bo", type="Person", id="bo"))
    before = state(uow)
    with pytest.raises(RuleViolation) as caught:
        record_events(uow, [work(i, "1") for i in range(MAX_BATCH + 1)])
    assert caught.value.problems[0].code == "too_many"
    bo = uow.acting_as(Principal("bo", Scope.WRITE))
    with pytest.raises(Forbidden):
        record_events(bo, [replace(work(0, "1"), provider="bo"), work(1, "1")])  # the second is Ana's work
    assert state(uow) == before
    assert [d.event.provider for d in record_events(bo, [replace(work(0, "1"), provider="bo")])] == ["bo"]


def test_a_closed_period_refuses_the_events_in_it(uow: UnitOfWork) -> None:
    seed(uow)
    books.close_books(uow, books.CloseRequest("coop", date(2026, 3, 1)))
    with pytest.raises(RuleViolation) as caught:
        record_events(uow, [work(0, "1", day=1), work(1, "1", day=2)])
    assert [(p.field, p.code) for p in caught.value.problems] == [("events[0].hasPointInTime", "closed_period")]
