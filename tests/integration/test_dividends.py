"""Dividend runs through the store, on SQLite and PostgreSQL: joiners and leavers, commit, replay, reversal,
value equations and their immutability once used, member statements, and nothing written on refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import update

from valueflows.accounting.dividends import DividendTerms, MemberClaim, compute_dividends
from valueflows.accounting.equations import Bucket, Claim, Rule, ValueEquation
from valueflows.domain.errors import IdempotencyConflict, ImmutableRecord, RuleViolation
from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, MembershipInput
from valueflows.service import dividends, equations, ledger, records
from valueflows.service.dividends import RunRequest
from valueflows.service.queries import ledger_size
from valueflows.service.verify import verify
from valueflows.store.tables import dividend_allocations
from valueflows.store.uow import UnitOfWork

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def work(uow: UnitOfWork, who: str, hours: str, when: datetime, kind: str | None = None) -> str:
    return ledger.record_event(uow, EventInput(
        "work", who, "coop", effort_quantity=MeasureInput(hours, "hour"), has_point_in_time=when,
        resource_conforms_to=kind)).event.id


@pytest.fixture
def coop(seeded: UnitOfWork) -> UnitOfWork:
    """ana (member all year), ben (leaves 30 June), cleo (joins 1 July), guest (never a member)."""
    uow = seeded
    for who in ("ben", "cleo", "guest"):
        records.create_agent(uow, AgentInput(name=who.title(), type="Person", id=who))
    records.create_membership(uow, MembershipInput("ana", "coop", date(2025, 1, 1)))
    records.create_membership(uow, MembershipInput("ben", "coop", date(2025, 1, 1), date(2026, 6, 30)))
    records.create_membership(uow, MembershipInput("cleo", "coop", date(2026, 7, 1)))
    work(uow, "ana", "60", datetime(2026, 2, 3, 9, tzinfo=UTC), kind="design")
    work(uow, "ana", "40", datetime(2026, 11, 3, 9, tzinfo=UTC))
    work(uow, "ben", "60", datetime(2026, 6, 30, 23, 59, tzinfo=UTC))  # his last day as a member
    work(uow, "ben", "20", datetime(2026, 8, 1, 9, tzinfo=UTC))  # after leaving: not counted
    work(uow, "cleo", "10", datetime(2026, 3, 1, 9, tzinfo=UTC))  # before joining: not counted
    work(uow, "cleo", "40", datetime(2026, 7, 1, 0, 0, tzinfo=UTC))  # her first day
    work(uow, "guest", "30", datetime(2026, 5, 1, 9, tzinfo=UTC))
    work(uow, "ana", "500", datetime(2027, 1, 1, 0, 0, tzinfo=UTC))  # next year
    return uow


def equation_of(buckets: tuple[Bucket, ...]) -> ValueEquation:
    return ValueEquation("eq", "eq", 1, buckets)


def run_request(**changes: object) -> RunRequest:
    base = {"start": YEAR[0], "end": YEAR[1], "surplus": D("10000.00"), "currency": "EUR",
            "reserve_rate": D("0.2"), "cash_rate": D("0.5")}
    return RunRequest(**{**base, **changes})  # type: ignore[arg-type]


def rows(uow: UnitOfWork) -> dict[str, int]:
    return ledger_size(uow)


def test_hours_basis_counts_members_while_they_were_members(coop: UnitOfWork) -> None:
    result = dividends.preview(coop, run_request())
    assert result.reserve == D("2000.00")
    assert {a.agent: (a.dividend, a.cash, a.retained) for a in result.allocations} == {
        "ana": (D("4000.00"), D("2000.00"), D("2000.00")),  # 100 of 200 member hours
        "ben": (D("2400.00"), D("1200.00"), D("1200.00")),
        "cleo": (D("1600.00"), D("800.00"), D("800.00")),
    }
    assert {(c.agent, c.quantity) for c in result.excluded} == {("ben", D(20)), ("cleo", D(10)), ("guest", D(30))}
    assert result.undistributed == 0


def test_commit_is_immutable_replayable_and_reversible(coop: UnitOfWork) -> None:
    uow = coop
    before = rows(uow)
    committed = dividends.commit(uow, run_request(note="AGM 2027"), key="agm-2027")
    run = committed.run
    assert (run.distributed, run.reserve, run.undistributed, run.basis) == (D("8000.00"), D("2000.00"), 0, "hours")
    assert run.events_read == 7 and len(run.events_digest) == 64 and run.ledger_seq == before["chain"]
    assert len(committed.allocations) == 3 and len(committed.claims) == 6  # cash and capital for each member
    ana = next(a for a in committed.allocations if a.agent == "ana")
    assert {(x["rule"], x["kind"], x["quantity"], x["value"]) for x in ana.explanation} == {
        ("work: 1 point per hour", "design", "60", "2400"), ("work: 1 point per hour", None, "40", "1600")}
    cash = [c for c in committed.claims if c.receiver == "ana" and c.resource_classified_as[0].endswith("Cash")]
    assert cash[0].provider == "coop" and cash[0].resource_quantity.has_numerical_value == D("2000.00")

    again = dividends.commit(uow, run_request(note="AGM 2027"), key="agm-2027")
    assert again.replayed and again.run.id == run.id
    with pytest.raises(IdempotencyConflict):
        dividends.commit(uow, run_request(surplus=D("9000.00")), key="agm-2027")
    with pytest.raises(RuleViolation) as e:  # the same year cannot be distributed twice
        dividends.commit(uow, run_request(start=date(2026, 12, 1)), key="second")
    assert e.value.problems[0].code == "already_distributed"
    assert verify(uow).ok

    statement = dividends.statement(uow, "ana", *YEAR)
    assert (statement.dividend, statement.cash, statement.retained, statement.capital_account) == (
        D("4000.00"), D("2000.00"), D("2000.00"), D("2000.00"))
    assert statement.contribution is not None and statement.contribution.hours == D(100)

    reversal = dividends.reverse(uow, run.id, key="undo", note="wrong surplus")
    assert reversal.run.reverses == run.id and reversal.run.distributed == D("-8000.00")
    assert all(c.provider != "coop" for c in reversal.claims)  # members owe back what they were credited
    with pytest.raises(IdempotencyConflict):
        dividends.reverse(uow, run.id, key="undo-2")
    with pytest.raises(ImmutableRecord):
        dividends.reverse(uow, reversal.run.id, key="undo-3")
    assert dividends.statement(uow, "ana", *YEAR).capital_account == 0

    fixed = dividends.commit(uow, run_request(surplus=D("9000.00")), key="agm-2027-fixed")
    assert fixed.run.distributed == D("7200.00")
    assert dividends.statement(uow, "ana", *YEAR).capital_account == D("1800.00")
    assert verify(uow).ok


def test_equation_versions_and_caps(coop: UnitOfWork) -> None:
    uow = coop
    buckets = (Bucket("work", D(100), "total", (Rule("work", "hour", D(2), "design"), Rule("work", "hour", D(1)))),)
    v1 = dividends.create_equation(uow, "agm", buckets, key="eq-1").record
    assert v1.version == 1
    capped = (Bucket("work", D(100), "total", (Rule("work", "hour", D(1), cap=D("1000.00")),)),)
    v1 = dividends.update_equation(uow, v1.id, capped).record  # not used yet: may change
    result = dividends.preview(uow, run_request(equation="agm"))
    # per event: ana 60 h -> 2400 capped at 1000, ana 40 h -> 1600 capped at 1000, ben 60 h -> 1000, cleo 40 h -> 1000
    assert {a.agent: a.dividend for a in result.allocations} == {
        "ana": D("2000.00"), "ben": D("1000.00"), "cleo": D("1000.00")}
    assert result.undistributed == D("4000.00")
    committed = dividends.commit(uow, run_request(equation="agm"), key="agm-eq")
    assert committed.run.equation == v1.id and committed.run.basis == "equation"
    assert committed.run.undistributed_detail == (
        {"bucket": "work", "reason": "cut off by caps per claim", "amount": "4000"},)
    with pytest.raises(ImmutableRecord):
        dividends.update_equation(uow, v1.id, buckets)
    v2 = dividends.create_equation(uow, "agm", buckets).record
    assert v2.version == 2
    assert dividends.preview(uow, run_request(equation="agm")).allocations[0].dividend == D("4923.08")  # 160 of 260
    assert verify(uow).ok


def test_caps_judge_every_event_even_when_events_of_one_size_are_read_together(coop: UnitOfWork) -> None:
    """The store counts a provider's events by size (equal events earn the same under a cap per claim): the run
    must be the one that judges every event on its own, as the plain valuation does, corrections applied."""
    uow = coop
    for _ in range(3):
        work(uow, "ana", "10", datetime(2026, 3, 2, 9, tzinfo=UTC))
    wrong = work(uow, "ana", "10", datetime(2026, 3, 3, 9, tzinfo=UTC))
    ledger.record_event(uow, EventInput("work", "ana", "coop", effort_quantity=MeasureInput("5", "hour"),
                                        has_point_in_time=datetime(2026, 3, 3, 9, tzinfo=UTC), corrects=wrong))
    work(uow, "cleo", "10", datetime(2026, 3, 2, 9, tzinfo=UTC))  # not yet a member: the same size, the other side
    capped = (Bucket("work", D(100), "total", (Rule("work", "hour", D(1), cap=D("300.00")),)),)
    dividends.create_equation(uow, "capped", capped)
    result = dividends.preview(uow, run_request(equation="capped"))
    # one claim per event, as members on the day: ana 60, 40, 10, 10, 10, 5; ben 60; cleo 40
    per_event = [MemberClaim(Claim(who, "work", kind, "hour", D(h), 1, f"e{i}"), True) for i, (who, h, kind) in
                 enumerate((("ana", "60", "design"), ("ana", "40", None), ("ana", "10", None), ("ana", "10", None),
                            ("ana", "10", None), ("ana", "5", None), ("ben", "60", None), ("cleo", "40", None)))]
    terms = DividendTerms("coop", *YEAR, D("10000.00"), "EUR", D("0.2"), D("0.5"))
    expected = compute_dividends(terms, equation_of(capped), per_event)
    assert [(a.agent, a.dividend, a.cash) for a in result.allocations] == \
        [(a.agent, a.dividend, a.cash) for a in expected.allocations]
    assert result.valuation.buckets == expected.valuation.buckets
    assert sum(line.events for line in result.valuation.lines["ana"]) == 6
    assert {(c.agent, c.quantity, c.events) for c in result.excluded} == {
        ("ben", D(20), 1), ("cleo", D(20), 2), ("guest", D(30), 1)}


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_verify_notices_a_changed_allocation(coop: UnitOfWork) -> None:
    dividends.commit(coop, run_request(), key="agm")
    assert verify(coop).ok
    with coop.engine.begin() as conn:
        conn.execute(update(dividend_allocations).where(dividend_allocations.c.agent == "ana")
                     .values(cash=D("2500.00")))
    faults = verify(coop).faults
    assert [(f.kind, "differs" in f.reason) for f in faults] == [("dividend_allocation", True)]


@pytest.mark.parametrize(("changes", "field"), [
    ({"surplus": D("-5.00")}, "surplus"), ({"surplus": D("1.001")}, "surplus"), ({"cash_rate": D(2)}, "cash"),
    ({"currency": "XYZ"}, "currency"), ({"equation": "nope"}, "equation"), ({"organization": "ana"}, "organization"),
    ({"end": date(2025, 1, 1)}, "to"),
])
def test_refusals_write_nothing(coop: UnitOfWork, changes: dict[str, object], field: str) -> None:
    before = rows(coop)
    with pytest.raises(RuleViolation) as e:
        dividends.commit(coop, run_request(**changes), key="bad")
    assert field in {p.field for p in e.value.problems}
    assert rows(coop) == before


def test_an_equation_naming_what_the_ledger_does_not_know_is_refused(coop: UnitOfWork) -> None:
    typos = (Bucket("work", D(100), "total", (Rule("wrok", "hour", D(1)), Rule("work", "hours", D(1)),
                                              Rule("work", "hour", D(2), resource_conforms_to="desgin"))),)
    before = rows(coop)
    with pytest.raises(RuleViolation) as refused:
        equations.create_equation(coop, "agm", typos)
    assert {(p.field, p.code) for p in refused.value.problems} == {
        ("buckets[0].rules[0].action", "unknown_action"), ("buckets[0].rules[1].unit", "unknown_unit"),
        ("buckets[0].rules[2].resourceConformsTo", "unknown_specification")}
    assert rows(coop) == before
    fine = (Bucket("work", D(100), "total", (Rule("work", "hour", D(2), resource_conforms_to="design"),)),)
    assert equations.create_equation(coop, "agm", fine).record.version == 1


def test_a_run_in_any_iso_currency_writes_its_unit_with_it(coop: UnitOfWork) -> None:
    """A co-op in Sweden or Kenya pays its dividend without setting anything up: the first run in a currency
    writes that currency's unit record (CLDR's name, its minor unit from Babel), in the run's transaction."""
    assert dividends.preview(coop, run_request(currency="SEK")).terms.currency == "SEK"  # no unit needed
    with coop.read() as tx:
        assert not tx.units.exists("SEK")
    committed = dividends.commit(coop, run_request(currency="SEK"), key="agm-sek")
    assert {c.resource_quantity.has_unit for c in committed.claims if c.resource_quantity} == {"SEK"}
    with coop.read() as tx:
        unit = tx.records("unit").get("SEK")
    assert (unit.label, unit.symbol, unit.dimension) == ("swedish krona", "SEK", "currency")
    yen = dividends.preview(coop, run_request(currency="JPY", surplus=D("1000001")))
    assert sum(a.dividend for a in yen.allocations) + yen.reserve + yen.undistributed == D("1000001")
    assert all(a.dividend == a.dividend.to_integral() for a in yen.allocations)  # no yen decimals
    assert verify(coop).ok
    with pytest.raises(RuleViolation) as refused:
        dividends.preview(coop, run_request(currency="XYZ"))
    assert "currency" in {p.field for p in refused.value.problems}
