from decimal import Decimal

from valueflows.accounting.contributions import Amount, ContributionTotal, contribution_report


def total(agent: str, action: str, qty: str, unit: str = "hour", kind: str | None = "design", n: int = 1
          ) -> ContributionTotal:
    return ContributionTotal(agent, action, kind, unit, Decimal(qty), n)


def test_hours_by_kind_and_shares() -> None:
    report = contribution_report([
        total("ana", "work", "10"), total("ana", "work", "90", unit="minute", kind="build"),
        total("bo", "work", "1", unit="day", kind="build"), total("bo", "transfer", "40", unit="kilogram", kind=None),
    ])
    ana, bo = sorted(report.contributors, key=lambda c: c.agent)
    assert ana.hours == Decimal("11.5") and ana.hours_by_kind == {"build": Decimal("1.5"), "design": Decimal(10)}
    assert bo.hours == Decimal(24) and bo.other == [Amount("transfer", "kilogram", Decimal(40))]
    assert report.total_hours == Decimal("35.5")
    # 11.5 / 35.5 = 0.32394366… and 24 / 35.5 = 0.67605633…, rounded half to even to 6 places
    assert (ana.share, bo.share) == (Decimal("0.323944"), Decimal("0.676056"))
    assert [c.agent for c in report.contributors] == ["bo", "ana"]  # most hours first


def test_minutes_that_do_not_divide_evenly_are_rounded_to_six_places() -> None:
    report = contribution_report([total("ana", "work", "1", unit="minute")])
    assert report.contributors[0].hours == Decimal("0.016667")  # 1/60 = 0.0166666…


def test_effort_that_is_not_time_is_reported_apart() -> None:
    report = contribution_report([total("ana", "work", "3", unit="kilogram"), total("bo", "work", "2")])
    assert report.unconverted_effort == [Amount("work", "kilogram", Decimal(3), "design")]
    assert report.total_hours == Decimal(2) and report.contributors[0].share == Decimal(1)


def test_no_hours_no_shares() -> None:
    report = contribution_report([total("ana", "cite", "1", unit="one")])
    assert report.total_hours == 0 and report.contributors[0].share == 0 and report.contributors[0].events == 1
