"""A member's own page, read through the use cases as that member: contributions by month and kind of work (the
same sums as the contribution report), statements, obligations as the access policy shows them; logging work
through `record_event` with its key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from valueflows.domain.access import Principal, Scope, Unauthenticated
from valueflows.service import members, reports
from valueflows.service.demo import seed_demo
from valueflows.store.ports import UnitOfWork

TODAY = date(2027, 3, 1)


def test_my_page_sums_what_the_report_sums_and_shows_what_the_policy_lets(uow: UnitOfWork) -> None:
    seed_demo(uow)
    bruno = uow.acting_as(Principal("bruno", Scope.WRITE))
    page = members.my_page(bruno, TODAY, 2026)
    year = reports.contributions(bruno, reports.ReportScope(datetime(2026, 1, 1, tzinfo=UTC),
                                                            datetime(2027, 1, 1, tzinfo=UTC)))
    mine = next(c for c in year.contributors if c.agent == "bruno")
    assert page.total_hours == mine.hours > 0
    by_kind = {k: sum((m.hours.get(k, Decimal(0)) for m in page.months), Decimal(0)) for k in page.kinds}
    assert {k: h for k, h in by_kind.items() if h} == {k: h for k, h in mine.hours_by_kind.items() if k and h}
    assert [o for o, _ in page.organizations] == ["atelier"]
    assert [s.organization for s in page.statements] == ["atelier"]
    assert page.owed_to_us is None  # a member who is not an admin is not shown what users owe the co-op
    steward = members.my_page(uow.acting_as(Principal("ana", Scope.ADMIN)), TODAY, 2026)
    assert steward.owed_to_us  # an admin is
    with pytest.raises(Unauthenticated):
        members.my_page(uow.acting_as(Principal(None, Scope.READ)), TODAY)


def test_logged_work_is_an_event_recorded_once_per_key(uow: UnitOfWork) -> None:
    seed_demo(uow)
    bruno = uow.acting_as(Principal("bruno", Scope.WRITE))
    span = members.Work("atelier", date(2026, 12, 10), start="09:00", end="11:20", note="frame")
    first = members.log_work(bruno, span, "form-1")
    assert first.event.effort_quantity is not None
    assert first.event.effort_quantity.has_numerical_value == Decimal("2.333333")  # 2 h 20 min, to 6 places
    assert first.event.has_beginning == datetime(2026, 12, 10, 9, tzinfo=UTC)
    again = members.log_work(bruno, span, "form-1")
    assert again.replayed and again.event.id == first.event.id
    day = members.log_work(bruno, members.Work("atelier", date(2026, 12, 11), hours=Decimal("7.5")), "form-2")
    assert day.event.has_point_in_time == datetime(2026, 12, 11, 12, tzinfo=UTC)
    assert day.event.provider == "bruno" and day.event.receiver == "atelier"
