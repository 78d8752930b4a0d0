"""Copyfair obligations through the store, on SQLite and PostgreSQL: a licensed use creates the claim, later
declarations of the quarter add only the difference, payments in money and work settle oldest first, overdue
obligations hold decisions back, refusals write nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.service import ledger, obligations
from valueflows.service.obligations import UseRequest
from valueflows.service.queries import ledger_size
from valueflows.service.verify import verify
from valueflows.store.uow import UnitOfWork

COPYFAIR = "https://w3id.org/valueflows-ledger/licences/LicenseRef-CopyFair-1.0"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00+00:00")


def sale(revenue: str, day: str, user: str = "bigco", resource: str = "seed-drill") -> UseRequest:
    return UseRequest(resource, user, "sell", revenue=D(revenue), currency="EUR", day=date.fromisoformat(day))


def states(uow: UnitOfWork, day: str) -> list[tuple[D, D, str]]:
    found = obligations.obligations(uow, date.fromisoformat(day), user="bigco")
    return [(o.status.amount, o.status.outstanding, o.status.state) for o in found]


def test_obligation_lifecycle(commons: UnitOfWork) -> None:
    uow = commons
    first = obligations.record_use(uow, sale("2000.00", "2026-07-10"), key="q3-1")
    assert first.claim is not None
    claim = first.claim
    assert (claim.provider, claim.receiver, claim.resource_quantity.has_numerical_value, claim.due) == (
        "bigco", "atelier", D("100.00"), datetime(2026, 10, 30, tzinfo=UTC))  # the minimum, 30 days after Q3
    assert claim.basis["minimumApplied"] == "true" and claim.triggered_by == first.event.event.id
    again = obligations.record_use(uow, sale("2000.00", "2026-07-10"), key="q3-1")
    assert again.replayed and again.claim is not None and again.claim.id == claim.id

    second = obligations.record_use(uow, sale("5000.00", "2026-08-20"))
    assert second.claim is not None and second.claim.resource_quantity.has_numerical_value == D("110.00")  # 3% of 7000
    assert obligations.record_use(uow, sale("10.00", "2026-09-01")).claim is not None  # 7010 -> 210.30: 0.30 more

    assert states(uow, "2026-10-01") == [(D("100.00"), D("100.00"), "pending"), (D("110.00"), D("110.00"), "pending"),
                                         (D("0.30"), D("0.30"), "pending")]
    assert states(uow, "2026-10-31") == [(D("100.00"), D("100.00"), "overdue"), (D("110.00"), D("110.00"), "overdue"),
                                         (D("0.30"), D("0.30"), "overdue")]
    held = obligations.check_use(uow, sale("100.00", "2026-11-02"))
    assert held.permitted is False and held.overdue and "due 2026-10-30" in held.overdue[0]

    ledger.record_event(uow, EventInput("transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur",
                                        to_resource_inventoried_as="atelier-eur", has_point_in_time=at("2026-11-02"),
                                        resource_quantity=MeasureInput("5000.00", "EUR"), note="buys a tractor"))
    assert states(uow, "2026-11-02")[0][2] == "overdue"  # a purchase is not a payment towards the obligation
    ledger.record_event(uow, EventInput("transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur",
                                        to_resource_inventoried_as="atelier-eur", has_point_in_time=at("2026-11-03"),
                                        resource_quantity=MeasureInput("150.00", "EUR"), agreed_in=COPYFAIR))
    assert states(uow, "2026-11-03") == [(D("100.00"), D("0"), "fulfilled"), (D("110.00"), D("60.00"), "overdue"),
                                         (D("0.30"), D("0.30"), "overdue")]
    ledger.record_event(uow, EventInput("work", "bigco", "atelier", effort_quantity=MeasureInput("1.25", "hour"),
                                        has_point_in_time=at("2026-11-04"), agreed_in=COPYFAIR))  # 62.50 EUR
    assert [s[2] for s in states(uow, "2026-11-04")] == ["fulfilled", "fulfilled", "fulfilled"]
    assert states(uow, "2026-11-02")[0][2] == "overdue"  # as of an earlier day, the payment had not come
    assert obligations.check_use(uow, sale("100.00", "2026-11-05")).permitted is True
    owed_to = obligations.obligations(uow, date(2026, 11, 2), steward="atelier", open_only=True)
    assert {o.owed.receiver for o in owed_to} == {"atelier"} and len(owed_to) == 3
    assert obligations.obligations(uow, date(2026, 11, 5), steward="atelier", open_only=True) == []
    assert verify(uow).ok


def count(uow: UnitOfWork) -> tuple[int, int]:
    sizes = ledger_size(uow)
    return sizes["claim"], sizes["economic_event"]


@pytest.mark.parametrize(("request_", "field"), [
    (sale("100.00", "2026-07-10", resource="crimper"), "use"),  # PPL §4(d): a firm living on wage labour
    (sale("100.00", "2026-07-10", user="mystery"), "headcount"),  # needed, never guessed
    (UseRequest("seed-drill", "bigco", "sell", revenue=D("1"), currency="EUR"), "day"),
    (UseRequest("nope", "bigco", "sell", day=date(2026, 7, 1)), None),
])
def test_refusals_write_nothing(commons: UnitOfWork, request_: UseRequest, field: str | None) -> None:
    before = count(commons)
    with pytest.raises(Exception) as e:
        obligations.record_use(commons, request_)
    if field is not None:
        assert isinstance(e.value, RuleViolation) and field in {p.field for p in e.value.problems}, e.value
    assert count(commons) == before


def test_the_commons_economy_owes_nothing(commons: UnitOfWork) -> None:
    done = obligations.record_use(commons, sale("50000.00", "2026-07-10", user="coop"))
    assert done.claim is None and done.decision.permitted is True
    assert obligations.obligations(commons, date(2027, 1, 1), user="coop") == []


def test_payments_count_to_the_end_of_the_day_corrected_and_in_any_unit_of_time(commons: UnitOfWork) -> None:
    """What settles an obligation on a day: payments up to the end of that day (UTC), as corrected, work in any
    unit of time at the licence's rate (90 minutes at 50.00 EUR an hour: 75.00 EUR)."""
    uow = commons
    assert obligations.record_use(uow, sale("2000.00", "2026-07-10")).claim is not None  # 100.00 due 2026-10-30
    wrong = ledger.record_event(uow, EventInput(
        "transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur", to_resource_inventoried_as="atelier-eur",
        has_point_in_time=datetime(2026, 11, 2, 23, 59, tzinfo=UTC), resource_quantity=MeasureInput("250.00", "EUR"),
        agreed_in=COPYFAIR)).event.id
    assert states(uow, "2026-11-01") == [(D("100.00"), D("100.00"), "overdue")]
    assert states(uow, "2026-11-02") == [(D("100.00"), D("0"), "fulfilled")]  # 23:59 UTC is still that day
    ledger.record_event(uow, EventInput(  # it was 25.00, not 250.00
        "transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur", to_resource_inventoried_as="atelier-eur",
        has_point_in_time=datetime(2026, 11, 2, 23, 59, tzinfo=UTC), resource_quantity=MeasureInput("25.00", "EUR"),
        agreed_in=COPYFAIR, corrects=wrong))
    assert states(uow, "2026-11-02") == [(D("100.00"), D("75.00"), "overdue")]
    ledger.record_event(uow, EventInput("work", "bigco", "atelier", effort_quantity=MeasureInput("90", "minute"),
                                        has_point_in_time=datetime(2026, 11, 3, 0, 0, tzinfo=UTC), agreed_in=COPYFAIR))
    assert states(uow, "2026-11-02") == [(D("100.00"), D("75.00"), "overdue")]  # midnight is the next day
    assert states(uow, "2026-11-03") == [(D("100.00"), D("0"), "fulfilled")]
    assert verify(uow).ok


def test_the_store_reads_obligations_as_settling_them_needs(commons: UnitOfWork) -> None:
    """`claims.owed`, the lean read that statuses are worked out from, gives each store's obligation claims as
    `owed_row` reads the whole claim: due and created days in UTC whatever the offset written, owed since the
    day of the use (or the day created when the basis has none, or an empty one), the work rate exact; claims
    under no licence are not obligations."""
    from datetime import timedelta, timezone

    from valueflows.domain.model import EconomicClaim
    from valueflows.domain.quantities import Measure
    from valueflows.store.ports import owed_row

    west, east = timezone(timedelta(hours=-2)), timezone(timedelta(hours=9))
    base = {"action": "transfer", "resource_classified_as": (obligations.OBLIGATION,), "agreed_in": COPYFAIR}
    made = [
        EconomicClaim(id="o-1", provider="bigco", receiver="atelier", licence="LicenseRef-CopyFair-1.0",
                      created=datetime(2026, 7, 10, 23, 0, tzinfo=west),
                      due=datetime(2026, 10, 30, 23, 30, tzinfo=west),
                      resource_quantity=Measure(D("12345678901234567890.123456789012345678"), "EUR"), **base),
        EconomicClaim(id="o-2", provider="bigco", receiver="atelier", licence="LicenseRef-CopyFair-1.0",
                      created=datetime(2026, 7, 11, 1, 0, tzinfo=east), due=datetime(2026, 10, 30, tzinfo=UTC),
                      resource_quantity=Measure(D("100.00"), "EUR"), basis={"useDay": "", "workRate": "50.00"},
                      **base),
        EconomicClaim(id="o-3", provider="mystery", receiver="atelier", licence="LicenseRef-CopyFair-1.0",
                      created=datetime(2026, 9, 2, 12, tzinfo=UTC), due=datetime(2027, 1, 29, tzinfo=UTC),
                      resource_quantity=Measure(D("0.30"), "EUR"), about_resource="seed-drill",
                      period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
                      basis={"useDay": "2026-08-31", "workRate": "0.333333333333333333", "revenue": "10"}, **base),
        EconomicClaim(id="o-4", provider="bigco", receiver="atelier", created=datetime(2026, 7, 1, tzinfo=UTC),
                      resource_quantity=Measure(D("9.00"), "EUR"), **base),  # no licence: not an obligation
    ]
    with commons.write() as tx:
        for claim in made:
            tx.claims.add(claim)
    expected = [owed_row(c) for c in made[:3]]
    assert (expected[0].due, expected[0].since) == (date(2026, 10, 31), date(2026, 7, 11))
    assert (expected[1].since, expected[1].work_rate) == (date(2026, 7, 10), D("50.00"))
    assert (expected[2].since, expected[2].work_rate) == (date(2026, 8, 31), D("0.333333333333333333"))
    with commons.read() as tx:
        assert tx.claims.owed(steward="atelier") == expected
        assert tx.claims.owed(user="bigco") == expected[:2]
        assert tx.claims.owed("mystery", "atelier") == expected[2:]
        assert tx.claims.owed() == expected
        assert tx.claims.owed(user="coop") == []


def test_kept_settlements_say_what_the_payments_settle(commons: UnitOfWork) -> None:
    """What each write keeps of the settlement (`service.settling`) gives, on every day it holds from, the statuses
    worked out from the payments made by then: obligations over four quarters for three firms, payments in money
    and in hours and minutes of work, a payment corrected in amount and one corrected off the licence (no longer a
    payment towards it), a purchase that pays nothing; before a pair's last payment they are worked out. `verify`
    works every kept settlement out again and reports one that was changed."""
    import random

    from valueflows.domain.inputs import AgentInput
    from valueflows.service import records, settling

    uow = commons
    for firm in ("firm-a", "firm-b"):
        records.create_agent(uow, AgentInput(firm.title(), "Organization", legal_form="company", headcount=50,
                                             id=firm))
    rng = random.Random(7)
    days = [date(2026, 1, 5) + timedelta(days=d) for d in range(0, 420, 3)]
    money: list[str] = []
    refused = 0
    work: dict[str, list[str]] = {"firm-a": [], "firm-b": []}
    for i, day in enumerate(sorted(rng.sample(days[:100], 40))):
        user = ("bigco", "firm-a", "firm-b")[i % 3]
        try:  # refused while an obligation of the user is overdue (what the kept settlement says, on that day)
            obligations.record_use(uow, sale(str(rng.randint(500, 9000)) + ".00", day.isoformat(), user=user))
        except RuleViolation:
            refused += 1
        when = datetime.combine(day + timedelta(days=rng.randint(0, 150)), datetime.min.time(), UTC)
        if user == "bigco" and i % 2:
            money.append(ledger.record_event(uow, EventInput(
                "transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur",
                to_resource_inventoried_as="atelier-eur", has_point_in_time=when, agreed_in=COPYFAIR,
                resource_quantity=MeasureInput(f"{rng.randint(20, 300)}.{rng.randint(0, 99):02d}", "EUR"))).event.id)
        elif i % 2:
            unit = rng.choice(["hour", "minute"])
            amount = rng.randint(1, 6) if unit == "hour" else rng.randint(10, 300)
            work[user].append(ledger.record_event(uow, EventInput(
                "work", user, "atelier", effort_quantity=MeasureInput(str(amount), unit), has_point_in_time=when,
                agreed_in=COPYFAIR)).event.id)
    assert money and work["firm-a"] and work["firm-b"] and 0 < refused < 20
    ledger.record_event(uow, EventInput(  # the first money payment was 1.00 EUR more than said
        "transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur", to_resource_inventoried_as="atelier-eur",
        has_point_in_time=datetime(2026, 12, 1, tzinfo=UTC), resource_quantity=MeasureInput("1.00", "EUR"),
        agreed_in=COPYFAIR, corrects=money[0]))
    ledger.record_event(uow, EventInput(  # a work payment that was not towards the licence after all
        "work", "firm-a", "atelier", effort_quantity=MeasureInput("1", "hour"),
        has_point_in_time=datetime(2026, 12, 2, tzinfo=UTC), corrects=work["firm-a"][0]))
    ledger.record_event(uow, EventInput("transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur",
                                        to_resource_inventoried_as="atelier-eur", resource_quantity=MeasureInput(
                                            "900.00", "EUR"), has_point_in_time=datetime(2027, 1, 3, tzinfo=UTC)))
    with uow.read() as tx:
        rows = tx.claims.owed(steward="atelier")
        assert len(rows) >= 15 and all(r.holds_from is not None and r.settled is not None for r in rows)
        plain = [r._replace(settled=None, holds_from=None) for r in rows]
        kept_days = 0
        for day in days:
            read = settling.statuses(tx, rows, day)
            assert sorted(s for _, s in read) == sorted(s for _, s in settling.statuses(tx, plain, day)), day
            kept_days += all(r.holds_from is not None and r.holds_from <= day for r in rows)
        assert 0 < kept_days < len(days)  # both ways were taken
        assert {s.state for _, s in settling.statuses(tx, rows, date(2027, 3, 1))} >= {"fulfilled", "overdue"}
    assert verify(uow).ok
    with uow.read() as tx:
        late = [o.provider for o, s in settling.statuses(tx, rows, date(2027, 2, 20)) if s.state == "overdue"]
    most = max(set(late), key=late.count)
    held = obligations.check_use(uow, sale("10.00", "2027-02-20", user=most)).overdue  # longest owed first
    dues = [line.rsplit("due ", 1)[1] for line in held]
    assert len(dues) > 1 and dues == sorted(dues)
    changed = rows[len(rows) // 2]
    assert changed.settled is not None and changed.holds_from is not None
    with uow.write() as tx:
        tx.claims.keep_settled([(changed, changed.settled + D("0.01"))], changed.holds_from)
    faults = verify(uow).quantity_faults
    assert [(f.kind, f.record_id) for f in faults] == [("claim", changed.id)]
    assert f"kept as {changed.settled + D('0.01')}" in faults[0].reason
    if isinstance(uow, UnitOfWork):  # SQL stores keep the claim's owed-since day beside its settlement
        with uow.write() as tx:
            tx.claims.keep_settled([(changed._replace(since=date(2025, 1, 1)), changed.settled)], changed.holds_from)
        faults = verify(uow).quantity_faults
        assert [(f.kind, f.record_id) for f in faults] == [("claim", changed.id)]
        assert "owed since 2025-01-01" in faults[0].reason


def test_payments_in_a_batch_keep_the_settlement(commons: UnitOfWork) -> None:
    """Payments recorded together (`batches.record_events`: a sync, an import) keep the settlement as one at a
    time would: the statuses read from it are those worked out from the payments."""
    from valueflows.service import settling
    from valueflows.service.batches import record_events

    uow = commons
    for day in ("2026-01-10", "2026-03-10", "2026-04-12"):
        assert obligations.record_use(uow, sale("4000.00", day)).claim is not None
    record_events(uow, [
        EventInput("work", "bigco", "atelier", effort_quantity=MeasureInput("150", "minute"), agreed_in=COPYFAIR,
                   has_point_in_time=at("2026-09-01")),
        EventInput("transfer", "bigco", "atelier", resource_inventoried_as="bigco-eur", agreed_in=COPYFAIR,
                   to_resource_inventoried_as="atelier-eur", resource_quantity=MeasureInput("180.00", "EUR"),
                   has_point_in_time=at("2026-09-02"))])
    with uow.read() as tx:
        rows = tx.claims.owed(user="bigco")
        assert {r.holds_from for r in rows} == {date(2026, 9, 2)}
        kept = sorted((s for _, s in settling.statuses(tx, rows, date(2026, 9, 3))), key=lambda s: (s.due, s.since))
        assert kept == sorted((s for _, s in settling.statuses(
            tx, [r._replace(settled=None, holds_from=None) for r in rows], date(2026, 9, 3))),
            key=lambda s: (s.due, s.since))
    # 120.00 twice for Q1 (its second use adds the difference), 120.00 for Q2; 180.00 and 2.5 hours at 50.00 paid:
    # money first, oldest first, then the hours: Q1 settled, 65.00 of Q2
    assert [(s.amount, s.settled) for s in kept] == [(D("120.00"), D("120.00")), (D("120.00"), D("120.00")),
                                                        (D("120.00"), D("65.00"))]
    assert verify(uow).ok


@pytest.mark.sql_store  # the schema's migrations
def test_a_ledger_from_before_kept_settlements_settles_as_it_did(commons: UnitOfWork) -> None:
    """Migration 0026 adds the kept settlements empty (down to 0025 and up again on a ledger that had them): the
    statuses are worked out from the payments, the same as before, until a payment keeps them again."""
    from schema_support import downgrade
    from sqlalchemy import text

    from valueflows.store.migrate import upgrade

    uow = commons
    assert obligations.record_use(uow, sale("5000.00", "2026-07-10")).claim is not None
    obligations.settle(uow, obligations.Settlement("bigco", "atelier", "LicenseRef-CopyFair-1.0",
                                                   at("2026-11-03"), hours=D("1.5")))
    before = states(uow, "2026-11-05")
    downgrade(uow.engine, "0025")
    upgrade(uow.engine)
    with uow.read() as tx:
        assert [r.holds_from for r in tx.claims.owed(user="bigco")] == [None]
    assert states(uow, "2026-11-05") == before == [(D("150.00"), D("75.00"), "overdue")]
    obligations.settle(uow, obligations.Settlement("bigco", "atelier", "LicenseRef-CopyFair-1.0",
                                                   at("2026-11-06"), hours=D("1.5")))
    with uow.read() as tx:
        assert [r.holds_from for r in tx.claims.owed(user="bigco")] == [date(2026, 11, 6)]
        assert tx.conn.execute(text("SELECT count(*) FROM obligation_settlements")).scalar() == 1
    assert states(uow, "2026-11-06") == [(D("150.00"), D("0.00"), "fulfilled")]
    assert verify(uow).ok


def test_a_settlement_in_minutes_is_kept_to_the_last_digit(commons: UnitOfWork) -> None:
    """Ten minutes at 50.00 EUR an hour pay 8.333… EUR (sixtieths): what is kept of the settlement has every digit
    the settlement worked out from the payments has, on every store (not NUMERIC(38, 18)'s eighteen), so the two
    agree and `verify` finds nothing; a work rate of 25 decimals is kept whole too."""
    from valueflows.service import settling

    uow = commons
    claim = obligations.record_use(uow, sale("2000.00", "2026-07-10")).claim
    assert claim is not None
    for minutes, day in (("10", "2026-11-03"), ("7", "2026-11-04")):
        ledger.record_event(uow, EventInput("work", "bigco", "atelier", effort_quantity=MeasureInput(minutes, "minute"),
                                            has_point_in_time=at(day), agreed_in=COPYFAIR))
    with uow.read() as tx:
        rows = tx.claims.owed(user="bigco")
        kept = [s for _, s in settling.statuses(tx, rows, date(2026, 11, 5))]
        worked = [s for _, s in settling.statuses(tx, [r._replace(settled=None, holds_from=None) for r in rows],
                                                  date(2026, 11, 5))]
    assert rows[0].holds_from == date(2026, 11, 4) and kept == worked
    assert kept[0].settled == D(17) * D(50) / D(60) and len(str(kept[0].settled)) > 25  # 14.1666…7
    assert verify(uow).ok
    long_rate = D("0.3333333333333333333333333")
    with uow.write() as tx:
        tx.claims.keep_settled([(rows[0]._replace(work_rate=long_rate), rows[0].settled or D(0))], date(2026, 11, 4))
    with uow.read() as tx:
        assert tx.claims.owed(user="bigco")[0].work_rate == (long_rate if isinstance(uow, UnitOfWork) else D(50))
