"""Contribution reports summed by the database, exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, ProcessInput
from valueflows.service import ledger, records
from valueflows.service.reports import ReportScope, contributions
from valueflows.store.uow import UnitOfWork

YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


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
