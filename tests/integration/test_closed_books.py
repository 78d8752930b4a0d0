"""Books that close, on SQLite, PostgreSQL and the in-memory store: a committed run closes its period, `close_books`
closes days no run covers, events in (and corrections of) a closed period are refused with the way to record them
instead, prior-period adjustments are counted in the open period and shown on their own lines, a reversal reopens
the period, and a run is committed only for a period that is over."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import update

from valueflows.domain.access import Forbidden, Principal, Scope
from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, MembershipInput
from valueflows.linkeddata.vocabulary import CONTEXT_URL
from valueflows.service import books, dividends, ledger, linked, queries, records
from valueflows.service.dividends import RunRequest
from valueflows.service.queries import ledger_size
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork
from valueflows.store.tables import books_closed

Y2026 = (date(2026, 1, 1), date(2026, 12, 31))
Y2027 = (date(2027, 1, 1), date(2027, 12, 31))


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


def work(uow: UnitOfWork, who: str, hours: str, day: str, prior: date | None = None,
         corrects: str | None = None) -> str:
    return ledger.record_event(uow, EventInput(
        "work", who, "coop", effort_quantity=MeasureInput(hours, "hour"), has_point_in_time=at(day),
        prior_period=prior, corrects=corrects)).event.id


def run(start: date, end: date, surplus: str = "1000.00") -> RunRequest:
    return RunRequest(start, end, D(surplus), "EUR", D("0"), D("0.5"), organization="coop")


def problems(exc: pytest.ExceptionInfo[RuleViolation]) -> dict[str, str]:
    return {p.field: p.code for p in exc.value.problems}


@pytest.fixture
def coop(seeded: UnitOfWork) -> UnitOfWork:
    """ana and ben, members of coop; 2026's work recorded: ana 30 hours, ben 10."""
    uow = seeded
    records.create_agent(uow, AgentInput(name="Ben", type="Person", id="ben"))
    for who in ("ana", "ben"):
        records.create_membership(uow, MembershipInput(who, "coop", date(2025, 1, 1)))
    work(uow, "ana", "30", "2026-03-02")
    work(uow, "ben", "10", "2026-04-02")
    return uow


def test_a_committed_run_closes_its_period(coop: UnitOfWork) -> None:
    first = dividends.commit(coop, run(*Y2026), "run-2026")
    assert [(p.start, p.end) for p in books.closed_periods_of(coop, "coop")] == [Y2026]
    before = ledger_size(coop)
    with pytest.raises(RuleViolation) as late:
        work(coop, "ana", "5", "2026-02-15")
    assert problems(late) == {"hasPointInTime": "closed_period"}
    message = str(late.value)
    assert f"dividend run {first.run.id}" in message and "priorPeriod 2026-02-15" in message
    assert ledger_size(coop) == before  # nothing written
    # work by people outside the co-op's books is not touched by its closing
    records.create_agent(coop, AgentInput(name="Other", type="Organization", id="other"))
    ledger.record_event(coop, EventInput("work", "ana", "other", effort_quantity=MeasureInput("1", "hour"),
                                         has_point_in_time=at("2026-02-15")))


def test_a_correction_of_an_event_in_a_closed_period_is_refused(coop: UnitOfWork) -> None:
    listed = ledger.record_event(coop, EventInput("work", "ana", "coop", effort_quantity=MeasureInput("2", "hour"),
                                                  has_point_in_time=at("2026-05-05"))).event.id
    dividends.commit(coop, run(*Y2026), "run-2026")
    with pytest.raises(RuleViolation) as refused:
        work(coop, "ana", "3", "2027-01-10", corrects=listed)
    assert problems(refused) == {"corrects": "closed_period"}
    assert "prior-period adjustment" in str(refused.value)


def test_prior_period_adjustments_count_in_the_open_period_on_their_own_lines(coop: UnitOfWork,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    dividends.commit(coop, run(*Y2026), "run-2026")
    # an adjustment must be about a closed day, and is itself dated in an open one
    with pytest.raises(RuleViolation) as open_day:
        work(coop, "ana", "5", "2027-01-10", prior=date(2027, 1, 5))
    assert problems(open_day) == {"priorPeriod": "open_period"}
    adjustment = work(coop, "ana", "5", "2027-01-10", prior=date(2026, 2, 15))
    assert queries.get_record(coop, "economic_event", adjustment).prior_period == date(2026, 2, 15)
    work(coop, "ben", "5", "2027-02-01")
    preview = dividends.preview(coop, run(*Y2027))
    assert {a.agent: a.dividend for a in preview.allocations} == {"ana": D("500.00"), "ben": D("500.00")}
    assert [(x["agent"], x["quantity"], x["priorPeriods"]) for x in preview.adjustments] == [
        ("ana", "5", "2026-02-15")]
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2028-03-01")
    committed = dividends.commit(coop, run(*Y2027), "run-2027")
    assert [x["agent"] for x in committed.run.adjustments] == ["ana"]
    assert dividends.read_run(coop, committed.run.id).run.adjustments == committed.run.adjustments
    statement = dividends.statement(coop, "ana", *Y2027)
    assert [x["quantity"] for x in statement.adjustments] == ["5"]
    assert dividends.statement(coop, "ben", *Y2027).adjustments == ()
    # the earlier run is as the meeting adopted it
    assert {a.agent: a.dividend for a in dividends.read_run(coop, dividends.runs(coop, "coop")[0].id).allocations} \
        == {"ana": D("750.00"), "ben": D("250.00")}
    assert verify(coop).ok


def test_reversing_a_run_reopens_its_period(coop: UnitOfWork) -> None:
    first = dividends.commit(coop, run(*Y2026), "run-2026")
    dividends.reverse(coop, first.run.id, "undo-2026", note="surplus was wrong")
    assert books.closed_periods_of(coop, "coop") == ()
    work(coop, "ana", "5", "2026-02-15")  # accepted again
    again = dividends.commit(coop, run(*Y2026, surplus="1350.00"), "run-2026-again")
    assert {a.agent: a.dividend for a in again.allocations} == {"ana": D("1050.00"), "ben": D("300.00")}


def test_a_run_is_committed_only_once_its_period_is_over(coop: UnitOfWork,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2026-11-30")
    assert dividends.preview(coop, run(*Y2026)).distributed == D("1000.00")  # a preview is fine any time
    before = ledger_size(coop)
    with pytest.raises(RuleViolation) as early:
        dividends.commit(coop, run(*Y2026), "too-early")
    assert problems(early) == {"to": "period_not_ended"}
    assert "2026-11-30" in str(early.value)
    assert ledger_size(coop) == before
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2027-01-01")
    assert dividends.commit(coop, run(*Y2026), "on-time").run.period_end == Y2026[1]


def test_closing_books_explicitly(coop: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2026-07-01")
    member = coop.acting_as(Principal("ana", Scope.WRITE))
    with pytest.raises(Forbidden):
        books.close_books(member, books.CloseRequest("coop", date(2026, 6, 30)), "close-h1")
    with pytest.raises(RuleViolation) as bad:
        books.close_books(coop, books.CloseRequest("ana", date(2026, 7, 1)), "close-bad")
    assert problems(bad) == {"to": "day_not_ended", "organization": "not_an_organization"}
    done = books.close_books(coop, books.CloseRequest("coop", date(2026, 6, 30), "first half"), "close-h1")
    again = books.close_books(coop, books.CloseRequest("coop", date(2026, 6, 30), "first half"), "close-h1")
    assert again.replayed and again.record == done.record
    [period] = books.closed_periods_of(coop, "coop")
    assert (period.start, period.end) == (None, date(2026, 6, 30)) and done.record.id in period.by
    with pytest.raises(RuleViolation):
        work(coop, "ana", "1", "2025-12-31")  # closed from the beginning of the books
    work(coop, "ana", "1", "2026-07-01")
    assert verify(coop).ok  # the closing is chained like every record


def test_an_import_into_a_closed_period_is_refused_whole(coop: UnitOfWork) -> None:
    dividends.commit(coop, run(*Y2026), "run-2026")
    late = {"id": "https://x.org/events/late", "type": "EconomicEvent", "action": "work",
            "provider": "https://x.org/agents/ana", "receiver": "https://x.org/agents/coop",
            "hasPointInTime": "2026-06-01T09:00:00Z",
            "effortQuantity": {"type": "Measure", "hasNumericalValue": "2", "hasUnit": "https://x.org/units/hour"}}
    before = ledger_size(coop)
    with pytest.raises(RuleViolation) as refused:
        linked.import_data(coop, json.dumps({"@context": CONTEXT_URL, "@graph": [late]}), "jsonld")
    assert "closed" in str(refused.value) and "<https://x.org/events/late>" in str(refused.value)
    assert ledger_size(coop) == before
    adjusted = {**late, "hasPointInTime": "2027-01-04T09:00:00Z", "priorPeriod": "2026-06-01"}
    done = linked.import_data(coop, json.dumps({"@context": CONTEXT_URL, "@graph": [adjusted]}), "jsonld")
    assert done.written == {"economic_event": 1}
    exported = "".join(linked.export(coop, "nt", "https://x.org"))
    assert ('<https://x.org/events/late> <https://w3id.org/valueflows-ledger/ns#priorPeriod> '
            '"2026-06-01"^^<http://www.w3.org/2001/XMLSchema#date>') in exported


@pytest.mark.sql_store
def test_verify_notices_a_closing_moved_behind_the_chains_back(coop: UnitOfWork,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2026-07-01")
    done = books.close_books(coop, books.CloseRequest("coop", date(2026, 6, 30)), "close-h1")
    assert verify(coop).ok
    with coop.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(books_closed).where(books_closed.c.id == done.record.id).values(through=date(2026, 3, 1)))
    report = verify(coop)
    assert not report.ok and f"books_closed {done.record.id}" in str(report.first)


@pytest.mark.sql_store
def test_a_period_closed_by_another_process_is_closed_for_this_one(coop: UnitOfWork,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer remembers the closed periods it read while no run and no closing is appended; a closing written by
    another process (another engine, another record cache) is seen at once all the same."""
    from valueflows.store.uow import UnitOfWork as SqlUnitOfWork

    assert isinstance(coop, SqlUnitOfWork)
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2026-07-01")
    work(coop, "ana", "1", "2026-05-04")  # this process has read (and remembers) coop's closed periods: none
    work(coop, "ana", "1", "2026-05-05")
    other = SqlUnitOfWork(create_engine_like(coop))
    books.close_books(other, books.CloseRequest("coop", date(2026, 6, 30)), "close-elsewhere")
    with pytest.raises(RuleViolation) as refused:
        work(coop, "ana", "1", "2026-05-06")
    assert problems(refused) == {"hasPointInTime": "closed_period"}
    work(coop, "ana", "1", "2026-07-01")
    monkeypatch.setenv("VALUEFLOWS_TODAY", "2026-07-03")
    books.close_books(coop, books.CloseRequest("coop", date(2026, 7, 1)), "close-here")  # and by this one
    with pytest.raises(RuleViolation):
        work(coop, "ana", "1", "2026-07-01")
    other.engine.dispose()


def create_engine_like(uow: UnitOfWork) -> Any:
    """A second engine on the same database: what another server process has."""
    from valueflows.store.engine import make_engine

    return make_engine(uow.engine.url.render_as_string(hide_password=False))  # type: ignore[attr-defined]
