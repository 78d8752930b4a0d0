"""Contribution reports summed by the database, exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from schema_support import downgrade
from sqlalchemy import text

from valueflows.domain.chain import facts
from valueflows.domain.effects import corrected_view
from valueflows.domain.inputs import (
    AgentInput,
    EventInput,
    MeasureInput,
    MembershipInput,
    NewResourceInput,
    ProcessInput,
    SpecificationInput,
)
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import canonical_before_whole
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.reports import ReportScope, contributions
from valueflows.service.verify import verify
from valueflows.store.migrate import upgrade
from valueflows.store.ports import Tx
from valueflows.store.uow import UnitOfWork

YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def repo_events(conn: Tx) -> list[EconomicEvent]:
    return list(conn.events.stream())


def work(uow: UnitOfWork, who: str, hours: str, when: datetime, **extra: object) -> str:
    return ledger.record_event(uow, EventInput("work", who, "coop", effort_quantity=MeasureInput(hours, "hour"),
                                               has_point_in_time=when, **extra)).event.id  # type: ignore[arg-type]


def test_report_sums_exactly_and_respects_period_scope_and_corrections(seeded: UnitOfWork) -> None:
    uow = seeded
    records.create_process(uow, ProcessInput("Build", id="build"))
    jan = datetime(2026, 1, 10, tzinfo=UTC)
    for _ in range(10):
        work(uow, "ana", "0.1", jan)  # ten times 0.1 is exactly 1, not 0.9999999999999999
    wrong = work(uow, "ana", "5", jan, input_of="build")
    ledger.record_event(uow, EventInput("work", "ana", "coop", effort_quantity=MeasureInput("2", "hour"),
                                        has_point_in_time=jan, input_of="build", corrects=wrong))
    work(uow, "ana", "100", datetime(2027, 1, 1, tzinfo=UTC))  # the first instant after the period
    work(uow, "ana", "7", datetime(2025, 12, 31, 23, 59, tzinfo=UTC))  # before it
    ledger.record_event(uow, EventInput("raise", "coop", "coop", resource_quantity=MeasureInput("9", "kilogram"),
                                        new_resource=NewResourceInput("Steel", conforms_to="steel", id="stock"),
                                        has_point_in_time=jan))  # the co-op's own bookkeeping

    report = contributions(uow, ReportScope(*YEAR, receiver="coop"))
    (ana,) = report.contributors
    assert (ana.agent, ana.hours, ana.events, ana.share) == ("ana", Decimal(3), 11, Decimal(1))
    only_build = contributions(uow, ReportScope(*YEAR, process="build"))
    assert only_build.contributors[0].hours == Decimal(2)


def test_resource_scope_reaches_the_inputs_of_the_process_that_made_it(seeded: UnitOfWork) -> None:
    uow = seeded
    records.create_process(uow, ProcessInput("Build", id="build"))
    t = datetime(2026, 3, 1, tzinfo=UTC)
    work(uow, "ana", "4", t, input_of="build")
    work(uow, "ana", "9", t)  # not for this resource
    ledger.record_event(uow, EventInput("produce", "coop", "coop", resource_quantity=MeasureInput("1", "kilogram"),
                                        output_of="build", has_point_in_time=t,
                                        new_resource=NewResourceInput("Frame", conforms_to="steel", id="frame")))
    report = contributions(uow, ReportScope(*YEAR, resource="frame"))
    assert [(c.agent, c.hours) for c in report.contributors] == [("ana", Decimal(4))]


def test_resource_scope_rolls_up_through_inputs_and_reports_cycles(seeded: UnitOfWork) -> None:
    uow = seeded
    records.create_agent(uow, AgentInput("Bo", "Person", id="bo"))
    for name in ("cut", "build", "jig"):
        records.create_process(uow, ProcessInput(name.title(), id=name))
    t = datetime(2026, 3, 1, tzinfo=UTC)

    def event(action: str, **fields: object) -> None:
        ledger.record_event(uow, EventInput(action, "coop", "coop", has_point_in_time=t, **fields))  # type: ignore[arg-type]

    work(uow, "bo", "3", t, input_of="cut")
    event("produce", output_of="cut", resource_quantity=MeasureInput("2", "kilogram"),
          new_resource=NewResourceInput("Bar", conforms_to="steel", id="bar"))
    work(uow, "ana", "4", t, input_of="build")
    event("consume", input_of="build", resource_inventoried_as="bar", resource_quantity=MeasureInput("1", "kilogram"))
    event("produce", output_of="build", resource_quantity=MeasureInput("1", "kilogram"),
          new_resource=NewResourceInput("Frame", conforms_to="steel", id="frame"))
    # a jig made with the frame makes more bar: frame -> build -> bar -> jig -> frame
    work(uow, "ana", "1", t, input_of="jig")
    event("use", input_of="jig", resource_inventoried_as="frame", effort_quantity=MeasureInput("2", "hour"))
    event("produce", output_of="jig", resource_inventoried_as="bar", resource_quantity=MeasureInput("1", "kilogram"))
    work(uow, "bo", "50", t)  # for nothing behind the frame
    report = contributions(uow, ReportScope(*YEAR, resource="frame"))
    assert [(c.agent, c.hours) for c in report.contributors] == [("ana", Decimal(5)), ("bo", Decimal(3))]
    assert sorted(report.processes) == ["build", "cut", "jig"]
    assert report.cycles == [["frame", "build", "bar", "jig", "frame"]]


def test_days_and_edges_give_the_same_report_as_the_events(seeded: UnitOfWork) -> None:
    """Whole days come from the daily totals, the edges from the events: the sum must not care."""
    uow = seeded
    rng = random.Random(7)
    recorded = []
    for i in range(60):
        when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 20), minutes=rng.randint(0, 59))
        recorded.append(work(uow, rng.choice(["ana", "coop"]) if i % 7 else "ana", f"{rng.randint(1, 40)}.25", when,
                             resource_conforms_to=rng.choice(["design", None])))
    for wrong in recorded[::9]:
        ledger.record_event(uow, EventInput("work", "ana", "coop", effort_quantity=MeasureInput("0.5", "hour"),
                                            has_point_in_time=datetime(2026, 3, 3, 12, tzinfo=UTC), corrects=wrong))
    with uow.read() as conn:
        events = corrected_view(repo_events(conn))
    for start, end in ((datetime(2026, 3, 2, 7, 30, tzinfo=UTC), datetime(2026, 3, 15, 18, tzinfo=UTC)),
                       (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 22, tzinfo=UTC)),
                       (datetime(2026, 3, 5, 1, tzinfo=UTC), datetime(2026, 3, 5, 23, tzinfo=UTC))):
        report = contributions(uow, ReportScope(start, end, receiver="coop"))
        expected: dict[str, Decimal] = {}
        for e in events:
            if start <= e.when < end and e.provider != e.receiver and e.effort_quantity:
                expected[e.provider] = expected.get(e.provider, Decimal(0)) + e.effort_quantity.has_numerical_value
        assert {c.agent: c.hours for c in report.contributors} == expected
    assert verify(uow).ok


def test_whole_months_edges_and_membership_changes_give_what_the_events_give(seeded: UnitOfWork) -> None:
    """Whole months come from the monthly totals, the edges and the months in which a membership begins or ends
    from the days: a report and a dividend's member marking must equal what the events themselves say."""
    uow = seeded
    records.create_agent(uow, AgentInput("Bo", "Person", id="bo"))
    for who, since, until in (("ana", date(2026, 3, 10), date(2026, 4, 30)), ("ana", date(2026, 6, 5), None),
                              ("bo", date(2025, 1, 1), date(2026, 2, 14))):
        records.create_membership(uow, MembershipInput(who, "coop", since, until))
    rng = random.Random(11)
    recorded = []
    for _ in range(150):
        when = datetime(2026, 1, 20, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 160), minutes=rng.randint(0, 59))
        recorded.append(work(uow, rng.choice(["ana", "bo"]), f"{rng.randint(1, 30)}.{rng.randint(0, 99):02d}", when,
                             resource_conforms_to=rng.choice(["design", None])))
    for wrong in recorded[::13]:
        ledger.record_event(uow, EventInput("work", "bo", "coop", effort_quantity=MeasureInput("0.5", "hour"),
                                            has_point_in_time=datetime(2026, 5, 1, 12, tzinfo=UTC), corrects=wrong))
    with uow.read() as conn:
        events = [e for e in corrected_view(repo_events(conn)) if e.effort_quantity and e.provider != e.receiver]
        spans = list(conn.memberships.of_organization("coop"))
    for first, last in ((date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 2, 1), date(2026, 4, 30)),
                        (date(2026, 2, 15), date(2026, 6, 4)), (date(2026, 3, 10), date(2026, 3, 31)),
                        (date(2026, 4, 2), date(2026, 4, 3))):
        start = datetime.combine(first, time(0), UTC)
        end = datetime.combine(last + timedelta(days=1), time(0), UTC)
        inside = [e for e in events if start <= e.when < end]
        report = contributions(uow, ReportScope(start, end, receiver="coop"))
        hours: dict[str, Decimal] = {}
        for e in inside:
            hours[e.provider] = hours.get(e.provider, Decimal(0)) + e.effort_quantity.has_numerical_value  # type: ignore[union-attr]
        assert {c.agent: c.hours for c in report.contributors} == hours, (first, last)
        with uow.read() as tx:
            marked = tx.days.member_totals("coop", first, last)
        expected: dict[tuple[str, str | None, bool], list[Decimal]] = {}
        for e in inside:
            day = e.when.astimezone(UTC).date()
            member = any(s.member == e.provider and s.active_on(day) for s in spans)
            total = expected.setdefault((e.provider, e.resource_conforms_to, member), [Decimal(0), Decimal(0)])
            total[0] += e.effort_quantity.has_numerical_value  # type: ignore[union-attr]
            total[1] += 1
        assert {(t.provider, t.kind, member): [t.quantity, t.events] for t, member in marked} == expected, (first, last)
        # what caps per claim read: the events counted by size, marked the same way
        with uow.read() as tx:
            sized = tx.events.received_by_size("coop", first, last)
        by_size: dict[tuple[str, str | None, Decimal, bool], int] = {}
        for e in inside:
            member = any(s.member == e.provider and s.active_on(e.when.astimezone(UTC).date()) for s in spans)
            key = (e.provider, e.resource_conforms_to, e.effort_quantity.has_numerical_value, member)  # type: ignore[union-attr]
            by_size[key] = by_size.get(key, 0) + 1
        assert {(c.provider, c.kind, c.each, c.member): c.events for c in sized} == by_size, (first, last)
    assert verify(uow).ok


@pytest.mark.sql_store  # tampers with the database behind the ledger's back
def test_verify_notices_a_daily_total_that_drifted(seeded: UnitOfWork) -> None:
    work(seeded, "ana", "3", datetime(2026, 3, 1, 9, tzinfo=UTC))
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE contribution_days SET events = 2"))
    report = verify(seeded)
    assert [f.kind for f in report.quantity_faults] == ["contribution_day"]
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE contribution_days SET events = 1"))
        conn.execute(text("UPDATE contribution_months SET quantity = '4'"))
    report = verify(seeded)
    assert [(f.kind, f.reason) for f in report.quantity_faults] == [
        ("contribution_month", "monthly total 4 (1 events) does not equal its events: 3 (1 events)")]
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE contribution_months SET quantity = '3'"))
        conn.execute(text("UPDATE contribution_sizes SET events = 5"))
    report = verify(seeded)
    assert [(f.kind, f.reason) for f in report.quantity_faults] == [
        ("contribution_size", "5 events of 3 hour counted, its events say 1")]


@pytest.mark.sql_store  # the schema's migrations
def test_the_migration_fills_the_daily_totals_from_the_events(db_url: str) -> None:
    uow = open_ledger(db_url)
    records.create_agent(uow, AgentInput("Ana", "Person", id="ana"))
    records.create_agent(uow, AgentInput("Coop", "Organization", id="coop"))
    t = datetime(2026, 4, 1, 10, tzinfo=UTC)
    wrong = work(uow, "ana", "5", t)
    ledger.record_event(uow, EventInput("work", "ana", "coop", effort_quantity=MeasureInput("2", "hour"),
                                        has_point_in_time=t, corrects=wrong))
    work(uow, "ana", "1.5", t + timedelta(days=1))
    with uow.read() as conn:
        before = sorted(tuple(r) for r in conn.execute(text("SELECT * FROM contribution_days")))
    downgrade(uow.engine, "0003")
    upgrade(uow.engine)
    with uow.read() as conn:
        after = sorted(tuple(r) for r in conn.execute(text("SELECT * FROM contribution_days")))
    assert after == before and len(after) == 2
    assert verify(uow).ok
    uow.engine.dispose()


def test_exchanges_are_shown_apart_and_not_counted_as_contributions(seeded: UnitOfWork) -> None:
    """A customer's payment for goods (realizing a sale) and a use made under a licence (agreed in it) are
    exchanges: the report shows them in their own section; work and money given are contributions."""
    uow = seeded
    records.create_agent(uow, AgentInput("Buyer", "Organization", id="buyer"))
    records.create_specification(uow, SpecificationInput("Euro account", id="eur", default_unit_of_resource="EUR"))
    jan = datetime(2026, 1, 10, tzinfo=UTC)
    for who, rid in (("buyer", "buyer-eur"), ("coop", "coop-eur"), ("ana", "ana-eur")):
        ledger.record_event(uow, EventInput("raise", who, who, resource_quantity=MeasureInput("1000.00", "EUR"),
                                            new_resource=NewResourceInput("Account", conforms_to="eur", id=rid),
                                            has_point_in_time=jan))
    work(uow, "ana", "4", jan)
    ledger.record_event(uow, EventInput("transfer", "buyer", "coop", resource_inventoried_as="buyer-eur",
                                        to_resource_inventoried_as="coop-eur", has_point_in_time=jan,
                                        resource_quantity=MeasureInput("700.00", "EUR"), realization_of="sale-1"))
    ledger.record_event(uow, EventInput("transfer", "ana", "coop", resource_inventoried_as="ana-eur",
                                        to_resource_inventoried_as="coop-eur", has_point_in_time=jan,
                                        resource_quantity=MeasureInput("50.00", "EUR"), note="a gift"))
    report = contributions(uow, ReportScope(*YEAR, receiver="coop"))
    assert [(c.agent, c.hours, [(o.action, o.quantity) for o in c.other]) for c in report.contributors] == [
        ("ana", Decimal(4), [("transfer", Decimal(50))])]
    assert [(x.agent, x.action, x.unit, x.quantity, x.events) for x in report.exchanges] == [
        ("buyer", "transfer", "EUR", Decimal(700), 1)]


def test_sums_keep_every_digit_the_ledger_stores(seeded: UnitOfWork) -> None:
    """Quantities of 35 significant digits and their sums, from the events and from the daily and monthly totals
    (kept on write, added to by the database): nothing is rounded to a decimal context's 28 digits (the report
    itself then rounds hours to 6 places, as documented)."""
    big = "12345678901234567.123456789012345678"
    for day in (10, 10, 12):
        work(seeded, "ana", big, datetime(2026, 1, day, tzinfo=UTC))
    work(seeded, "ana", "0.000000000000000001", datetime(2026, 2, 1, tzinfo=UTC))
    exact = Decimal("37037036703703701.370370367037037035")
    with seeded.read() as tx:
        (from_events,) = tx.events.flow_totals(*YEAR, receiver="coop")
        (from_totals,) = tx.days.totals(date(2026, 1, 1), date(2027, 1, 1), receiver="coop")  # whole months
        (from_days,) = tx.days.totals(date(2026, 1, 10), date(2026, 2, 2), receiver="coop")  # days only
        ((from_member_totals, _),) = tx.days.member_totals("coop", date(2026, 1, 1), date(2026, 12, 31))
    assert [t.quantity for t in (from_events, from_totals, from_days, from_member_totals)] == [exact] * 4
    assert contributions(seeded, ReportScope(*YEAR, receiver="coop")).contributors[0].hours == \
        Decimal("37037036703703701.37037")
    assert verify(seeded).ok  # the totals kept on write equal the events' own, to the last digit


@pytest.mark.sql_store  # the stored row is changed behind the ledger's back
def test_verify_takes_a_long_quantity_chained_as_it_was_before_every_digit_was_kept(
        seeded: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> None:
    """Until 2026-12-01 the chain hashed a quantity of more than 28 significant digits rounded to 28, while the
    database kept it whole: such a record is no fault; a record changed since is still one."""
    monkeypatch.setattr(ledger, "facts", lambda record: facts(record, canonical_before_whole))
    event = work(seeded, "ana", "12345678901234567.123456789012345678", datetime(2026, 1, 10, tzinfo=UTC))
    monkeypatch.undo()
    with seeded.engine.begin() as conn:
        stored = conn.execute(text("SELECT effort_quantity_value FROM economic_events WHERE id = :id"),
                              {"id": event}).scalar_one()
        assert Decimal(stored) == Decimal("12345678901234567.123456789012345678")
    assert verify(seeded).ok
    with seeded.engine.begin() as conn:
        conn.execute(text("UPDATE economic_events SET effort_quantity_value = '12345678901234568.123456789012345678'"
                          " WHERE id = :id"), {"id": event})
    assert [f.reason for f in verify(seeded).faults] == ["the stored record differs from what the chain recorded"]
