"""Books that close. Pure rules.

A committed dividend run closes its period for its organization; `close` closes an organization's books up to a
day. Nothing may then be recorded on a day of a closed period by or for that organization, nor may an event of a
closed period be corrected: what was missed or wrong is recorded as a **prior-period adjustment**, an event dated in
the open period that names the day it is about (`priorPeriod`); the next run counts it in its own period and shows
it on its own line. Reversing a run reopens what it closed. A run is committed only once its period has ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from valueflows.domain.errors import Problem
from valueflows.domain.model import BooksClosed


@dataclass(frozen=True, slots=True)
class ClosedPeriod:
    organization: str
    start: date | None  # None: from the beginning
    end: date  # included
    by: str  # what closed it, in words ("dividend run …", "books closed through … (close …)")

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end

    def __str__(self) -> str:
        span = f"{self.start}..{self.end}" if self.start else f"through {self.end}"
        return f"{span} ({self.by})"


def closed_by_books(c: BooksClosed) -> ClosedPeriod:
    return ClosedPeriod(c.organization, None, c.through, f"books closed, {c.id}")


def closed_periods(runs: Iterable[tuple[str, str, date, date]], closes: Iterable[BooksClosed]
                   ) -> dict[str, tuple[ClosedPeriod, ...]]:
    """Each organization's closed periods: the runs in force (id, organization, start, end: not reversals, not
    reversed) and the books closed."""
    found: dict[str, list[ClosedPeriod]] = {}
    for run_id, organization, start, end in runs:
        found.setdefault(organization, []).append(ClosedPeriod(organization, start, end, f"dividend run {run_id}"))
    for c in closes:
        found.setdefault(c.organization, []).append(closed_by_books(c))
    return {org: tuple(periods) for org, periods in found.items()}


def closing(day: date, organizations: Iterable[str],
            closed: Mapping[str, tuple[ClosedPeriod, ...]]) -> ClosedPeriod | None:
    """The closed period of one of these organizations that holds `day`, if any."""
    return next((p for org in organizations for p in closed.get(org, ()) if p.holds(day)), None)


def event_period_problems(day: date, organizations: Iterable[str], closed: Mapping[str, tuple[ClosedPeriod, ...]],
                          corrected_day: date | None = None, prior_period: date | None = None) -> list[Problem]:
    """Problems of an event on `day` by or for these organizations (`corrected_day`: the day of the event it
    corrects; `prior_period`: the closed day an adjustment is about)."""
    organizations = list(organizations)
    problems: list[Problem] = []
    shut = closing(day, organizations, closed)
    if shut is not None:
        problems.append(Problem("hasPointInTime", "closed_period", (
            f"the books of {shut.organization} are closed for {shut}; record this as a prior-period adjustment: "
            f"the same event dated in the open period (today, say) with priorPeriod {day}")))
    if corrected_day is not None and (was := closing(corrected_day, organizations, closed)) is not None:
        problems.append(Problem("corrects", "closed_period", (
            f"the event it corrects is in a closed period of {was.organization} ({was}); record the difference as "
            f"a prior-period adjustment: a new event dated in the open period with priorPeriod {corrected_day}")))
    if prior_period is not None and closing(prior_period, organizations, closed) is None:
        problems.append(Problem("priorPeriod", "open_period", (
            f"{prior_period} is in an open period: record the event on that day instead of as an adjustment")))
    return problems


def run_problems(end: date, today: date) -> list[Problem]:
    """A run is committed once its period has ended (a preview is possible any time)."""
    if end >= today:
        return [Problem("to", "period_not_ended",
                        f"the period ends {end}, and today is {today}: commit the run once the period is over "
                        "(preview it now)")]
    return []


def close_problems(through: date, today: date) -> list[Problem]:
    if through >= today:
        return [Problem("to", "day_not_ended", f"{through} has not ended (today is {today}): close days that are over")]
    return []
