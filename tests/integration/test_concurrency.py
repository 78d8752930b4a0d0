"""Concurrent writers: the chain stays linear, nothing is lost, quantities add up."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput
from valueflows.service import ledger
from valueflows.service.bootstrap import open_ledger
from valueflows.service.verify import verify
from valueflows.store import repository as repo
from valueflows.store.engine import is_transient
from valueflows.store.tables import economic_events
from valueflows.store.tables import ledger as ledger_table
from valueflows.store.uow import UnitOfWork

pytestmark = pytest.mark.sql_store  # writers racing on one database

T = datetime(2026, 3, 1, 9, tzinfo=UTC)
WRITERS = 4
EACH = 25


def _consume(i: int) -> EventInput:
    return EventInput(action="consume", provider="coop", receiver="coop", resource_inventoried_as="stock",
                      resource_quantity=MeasureInput("0.5", "kilogram"), has_point_in_time=T, note=f"#{i}")


def _write_batch(url: str, writer: int) -> list[str]:
    uow = open_ledger(url)
    ids = []
    for n in range(EACH):
        i = writer * EACH + n
        ids.append(ledger.record_event(uow, _consume(i), key=f"c-{i}").event.id)
        # Every third write is retried: the retry must return the same event and write nothing.
        if n % 3 == 0:
            assert ledger.record_event(uow, _consume(i), key=f"c-{i}").event.id == ids[-1]
    uow.engine.dispose()
    return ids


def _check(uow: UnitOfWork, ids: list[str], start: Decimal) -> None:
    assert len(set(ids)) == WRITERS * EACH
    report = verify(uow)
    assert report.ok, report.first
    with uow.read() as conn:
        events = conn.scalar(select(func.count()).select_from(economic_events))
        chain = conn.scalar(select(func.count()).select_from(ledger_table))
        top = conn.scalar(select(func.max(ledger_table.c.seq)))
        res = repo.get(conn, "economic_resource", "stock")
    assert chain == top == report.records  # seq 1..n without gaps or duplicates
    assert events == WRITERS * EACH + 1
    assert res.onhand_quantity == start - Decimal("0.5") * WRITERS * EACH


def _stock(uow: UnitOfWork) -> Decimal:
    ledger.record_event(uow, EventInput(
        action="raise", provider="coop", receiver="coop", resource_quantity=MeasureInput("1000", "kilogram"),
        new_resource=NewResourceInput("steel stock", conforms_to="steel", id="stock"), has_point_in_time=T))
    return Decimal(1000)


def test_concurrent_threads_on_the_same_resource(seeded: UnitOfWork, db_url: str) -> None:
    start = _stock(seeded)
    with ThreadPoolExecutor(WRITERS) as pool:
        ids = [i for batch in pool.map(lambda w: _write_batch(db_url, w), range(WRITERS)) for i in batch]
    _check(seeded, ids, start)


def test_concurrent_processes_on_the_same_resource(seeded: UnitOfWork, db_url: str) -> None:
    start = _stock(seeded)
    with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:
        batches = pool.starmap(_write_batch, [(db_url, w) for w in range(WRITERS)])
    _check(seeded, [i for batch in batches for i in batch], start)


def test_ledgers_in_other_postgresql_schemas_do_not_wait_for_each_others_writers(
        pg_schemas: Callable[[], str]) -> None:
    """The writers' lock is a ledger's own: while a writer of one ledger holds it, a writer of a ledger in another
    schema of the same database writes at once, and a second writer of the same ledger waits (here: gives up after
    its `write_wait`, with the transient error a client is told to retry)."""
    first, second = open_ledger(pg_schemas(), write_wait=1.0), open_ledger(pg_schemas(), write_wait=1.0)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with first.write():
            holding.set()
            release.wait(10)

    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(hold)
        assert holding.wait(10)
        started = time.monotonic()
        with second.write() as tx:  # another ledger: no wait
            tx.append("unit", "elsewhere", {"id": "elsewhere"})
        assert time.monotonic() - started < 0.5
        with pytest.raises(DBAPIError) as waited, first.write():
            pass
        assert is_transient(waited.value)
        release.set()
        held.result()
    for uow in (first, second):
        uow.engine.dispose()
