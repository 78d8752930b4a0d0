"""The store suite: runs on a SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from valueflows.domain.errors import IdempotencyConflict, RuleViolation
from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput
from valueflows.service import ledger, records
from valueflows.service.verify import verify
from valueflows.store import repository as repo
from valueflows.store.tables import economic_events
from valueflows.store.uow import UnitOfWork

T = datetime(2026, 3, 1, 9, tzinfo=UTC)


def raise_stock(uow: UnitOfWork, qty: str = "10", key: str | None = None) -> str:
    done = ledger.record_event(uow, EventInput(
        action="raise", provider="coop", receiver="coop", resource_quantity=MeasureInput(qty, "kilogram"),
        new_resource=NewResourceInput("steel stock", conforms_to="steel", id="stock"), has_point_in_time=T), key=key)
    return str(done.event.resource_inventoried_as)


def consume(qty: str, **extra: object) -> EventInput:
    return EventInput(action="consume", provider="coop", receiver="coop", resource_inventoried_as="stock",
                      resource_quantity=MeasureInput(qty, "kilogram"), has_point_in_time=T, **extra)  # type: ignore[arg-type]


def counts(uow: UnitOfWork) -> tuple[int, int, int]:
    with uow.read() as conn:
        return conn.events.count(), conn.chain.count(), conn.keys.count()


def stock(uow: UnitOfWork) -> tuple[Decimal, Decimal]:
    with uow.read() as conn:
        res = repo.get(conn, "economic_resource", "stock")
    return res.accounting_quantity, res.onhand_quantity


def test_events_update_quantities_exactly(seeded: UnitOfWork) -> None:
    raise_stock(seeded, "10.000000000000000001")
    ledger.record_event(seeded, consume("0.000000000000000001"))
    assert stock(seeded) == (Decimal(10), Decimal(10))
    with seeded.read() as conn:
        event = repo.get(conn, "economic_event", ledger.record_event(seeded, consume("2.5")).event.id)
    assert event.resource_quantity.has_numerical_value == Decimal("2.5")
    assert event.has_point_in_time == T
    assert stock(seeded) == (Decimal("7.5"), Decimal("7.5"))
    assert verify(seeded).ok


def test_a_refused_event_writes_nothing(seeded: UnitOfWork) -> None:
    raise_stock(seeded)
    before = counts(seeded)
    with pytest.raises(RuleViolation) as caught:
        ledger.record_event(seeded, consume("11"), key="k-refused")
    assert caught.value.problems[0].code == "below_zero"
    assert counts(seeded) == before
    assert stock(seeded) == (Decimal(10), Decimal(10))


def test_a_refused_produce_creates_no_resource(seeded: UnitOfWork) -> None:
    with pytest.raises(RuleViolation):
        ledger.record_event(seeded, EventInput(
            action="produce", provider="coop", receiver="coop", resource_quantity=MeasureInput("1", "litre"),
            new_resource=NewResourceInput("x", conforms_to="steel", id="x"), has_point_in_time=T))
    with seeded.read() as conn:
        assert repo.get(conn, "economic_resource", "x") is None


def test_corrections_are_new_events_and_reads_use_the_corrected_view(seeded: UnitOfWork) -> None:
    raise_stock(seeded)
    wrong = ledger.record_event(seeded, consume("4")).event
    fix = ledger.record_event(seeded, consume("1", corrects=wrong.id)).event
    assert stock(seeded) == (Decimal(9), Decimal(9))
    fix2 = ledger.record_event(seeded, consume("2", corrects=fix.id)).event
    assert stock(seeded) == (Decimal(8), Decimal(8))
    with pytest.raises(RuleViolation) as caught:
        ledger.record_event(seeded, consume("3", corrects=wrong.id))
    assert caught.value.problems[0].code == "already_corrected"
    with seeded.read() as conn:  # history is untouched
        original = repo.get(conn, "economic_event", wrong.id)
    assert original.resource_quantity.has_numerical_value == Decimal(4)
    assert fix2.corrects == fix.id
    assert verify(seeded).ok


def test_idempotent_retry_returns_the_first_result(seeded: UnitOfWork) -> None:
    raise_stock(seeded)
    first = ledger.record_event(seeded, consume("1"), key="retry-1")
    before = counts(seeded)
    again = ledger.record_event(seeded, consume("1"), key="retry-1")
    assert again.replayed and again.event == first.event
    assert counts(seeded) == before
    assert stock(seeded) == (Decimal(9), Decimal(9))
    with pytest.raises(IdempotencyConflict):
        ledger.record_event(seeded, consume("2"), key="retry-1")
    agent = records.create_agent(seeded, AgentInput(name="Bo", type="Person"), key="agent-bo")
    assert records.create_agent(seeded, AgentInput(name="Bo", type="Person"), key="agent-bo").record == agent.record


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_verify_names_the_first_tampered_record(seeded: UnitOfWork) -> None:
    raise_stock(seeded)
    target = ledger.record_event(seeded, consume("1")).event
    ledger.record_event(seeded, consume("1"))
    assert verify(seeded).ok
    with seeded.engine.begin() as conn:
        conn.execute(economic_events.update().where(economic_events.c.id == target.id).values(
            resource_quantity_value=Decimal("0.5")))
    report = verify(seeded)
    assert not report.ok
    first = report.first
    assert first is not None and first.record_id == target.id and first.seq == target.seq


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_verify_detects_events_whose_seqs_were_swapped(seeded: UnitOfWork) -> None:
    """An event's chain record (its revision id, history, its place in an outbox) is found by the seq it keeps."""
    raise_stock(seeded)
    one, two = (ledger.record_event(seeded, consume(q)).event for q in ("1", "2"))
    with seeded.read() as tx:
        assert tx.chain.history("economic_event", two.id)[0].seq == two.seq
    assert verify(seeded).ok
    with seeded.engine.begin() as conn:
        for event, seq in ((one, -1), (two, one.seq), (one, two.seq)):
            conn.execute(economic_events.update().where(economic_events.c.id == event.id).values(seq=seq))
    faults = [(f.record_id, f.reason) for f in verify(seeded).faults]
    assert (one.id, f"its seq {two.seq} is not its chain record's") in faults
    assert (two.id, f"its seq {one.seq} is not its chain record's") in faults


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_verify_detects_a_rewritten_chain_link(seeded: UnitOfWork) -> None:
    raise_stock(seeded)
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE ledger SET payload = replace(payload, 'Ana', 'Eve') WHERE record_id = 'ana'"))
    report = verify(seeded)
    assert report.first is not None and report.first.record_id == "ana"
    assert "hash does not match" in report.first.reason


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_verify_detects_quantities_that_do_not_match_events(seeded: UnitOfWork) -> None:
    raise_stock(seeded)
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE economic_resources SET onhand_quantity = '11' WHERE id = 'stock'"))
    report = verify(seeded)
    assert report.faults == [] and [f.record_id for f in report.quantity_faults] == ["stock"]


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_database_refuses_a_second_correction_even_past_the_rules(seeded: UnitOfWork) -> None:
    """The unique constraint on `corrects` backs the rule up at the storage level."""
    raise_stock(seeded)
    wrong = ledger.record_event(seeded, consume("4")).event
    ledger.record_event(seeded, consume("1", corrects=wrong.id))
    with pytest.raises(Exception, match=r"(?i)unique"), seeded.engine.begin() as conn:
        conn.execute(text("INSERT INTO economic_events (id, seq, action, provider, receiver, resource_classified_as,"
                          " happened_at, in_scope_of, corrects) VALUES ('z', 999, 'consume', 'coop', 'coop', '[]',"
                          " '2026-01-01', '[]', :c)"), {"c": wrong.id})
