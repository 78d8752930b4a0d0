"""Contribution reports: totals summed by the database, then the pure report.

A contribution is a flow from an agent to another (work, services, materials, money, uses, citations) in the
period and scope; an agent's flows to itself are left out. Whole UTC days of a period are read from the daily
totals `record_event` keeps; the partial days at its edges, and process or resource scopes, from the events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, func, or_, select

from valueflows.accounting.contributions import ContributionReport, ContributionTotal, contribution_report, round6
from valueflows.accounting.equations import Claim, ValueEquation, fraction_text, points
from valueflows.accounting.rollup import Rollup, rollup
from valueflows.domain import access
from valueflows.domain.access import Principal
from valueflows.domain.errors import violation
from valueflows.domain.quantities import canonical
from valueflows.service.reading import reader_of
from valueflows.store import visibility
from valueflows.store.engine import exact_sum
from valueflows.store.tables import contribution_days, economic_events
from valueflows.store.uow import UnitOfWork


@dataclass(frozen=True)
class ReportScope:
    start: datetime
    end: datetime
    receiver: str | None = None  # e.g. the co-op: only flows it received
    process: str | None = None  # only inputs to this process
    resource: str | None = None  # flows of this resource, and inputs to every process behind it (rollup)


Row = tuple[str, str, str, str | None, str, Any, int]  # provider, receiver, action, kind, unit, sum, events


def contributions(uow: UnitOfWork, principal: Principal, scope: ReportScope,
                  equation: ValueEquation | None = None) -> ContributionReport:
    """The report, counting the flows `principal` may see; with `equation`, each contributor's points too."""
    if scope.end <= scope.start:
        raise violation("end", "empty_period", "the period ends before it begins")
    rows: list[Row] = []
    behind: Rollup | None = None
    with uow.read() as conn:
        if scope.resource:
            behind = resource_rollup(conn, scope.resource)
        first_day = _midnight_on_or_after(scope.start)
        end_day = _midnight_on_or_before(scope.end)
        if scope.process or scope.resource or first_day >= end_day:
            rows += conn.execute(_from_events(uow, scope, scope.start, scope.end, behind)).all()
        else:
            rows += conn.execute(_from_days(uow, scope, first_day.date(), end_day.date())).all()
            for start, end in ((scope.start, first_day), (end_day, scope.end)):
                if start < end:
                    rows += conn.execute(_from_events(uow, scope, start, end)).all()
        if not principal.admin:
            persons = visibility.persons_among(conn, {a for row in rows for a in row[:2]})
    if not principal.admin:
        reader = reader_of(uow, principal)
        rows = [row for row in rows if access.flow_view(reader, access.Flow(
            row[0], row[1], row[2], persons & {row[0], row[1]},
            () if row[1] in persons else (row[1],))).visible]
    totals = _combine(rows)
    report = contribution_report(totals)
    if equation is not None:
        earned = points(equation, (Claim(t.agent, t.action, t.kind, t.unit, t.quantity, t.events) for t in totals))
        report.contributors[:] = [replace(c, points=round6(Decimal(fraction_text(earned.get(c.agent, Fraction(0))))))
                                  for c in report.contributors]
    if behind is not None:
        report.processes.extend(behind.processes)
        report.cycles.extend(behind.cycles)
    return report


def resource_rollup(conn: Connection, resource: str) -> Rollup:
    """The processes behind a resource: those that put it out, those that made their inputs, and so on."""
    e = economic_events

    def produced_by(resources: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for r, p in conn.execute(select(e.c.resource_inventoried_as, e.c.output_of).distinct().where(
                e.c.resource_inventoried_as.in_(list(resources)), e.c.output_of.is_not(None))):
            found[r].append(p)
        return found

    def inputs_of(processes: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for p, r in conn.execute(select(e.c.input_of, e.c.resource_inventoried_as).distinct().where(
                e.c.input_of.in_(list(processes)), e.c.resource_inventoried_as.is_not(None))):
            found[p].append(r)
        return found

    return rollup(resource, produced_by, inputs_of)


def _combine(rows: list[Any]) -> list[ContributionTotal]:
    sums: dict[tuple[str, str, str | None, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for provider, _receiver, action, kind, unit, total, count in rows:
        entry = sums[(provider, action, kind or None, unit)]
        entry[0] += Decimal(canonical(Decimal(str(total))))
        entry[1] += count
    return [ContributionTotal(p, a, k, u, q, n) for (p, a, k, u), (q, n) in sums.items() if n]


def _from_days(uow: UnitOfWork, scope: ReportScope, first: Any, end: Any) -> Any:
    d = contribution_days
    query = (select(d.c.provider, d.c.receiver, d.c.action, d.c.kind, d.c.unit,
                    exact_sum(uow.engine, d.c.quantity), func.sum(d.c.events))
             .where(d.c.day >= first, d.c.day < end)
             .group_by(d.c.provider, d.c.receiver, d.c.action, d.c.kind, d.c.unit))
    return query.where(d.c.receiver == scope.receiver) if scope.receiver else query


def _from_events(uow: UnitOfWork, scope: ReportScope, start: datetime, end: datetime,
                 behind: Rollup | None = None) -> Any:
    e = economic_events
    quantity = func.coalesce(e.c.effort_quantity_value, e.c.resource_quantity_value)
    unit = func.coalesce(e.c.effort_quantity_unit, e.c.resource_quantity_unit)
    corrected = select(e.c.corrects).where(e.c.corrects.is_not(None))
    query = (
        select(e.c.provider, e.c.receiver, e.c.action, e.c.resource_conforms_to, unit,
               exact_sum(uow.engine, quantity), func.count())
        .where(e.c.happened_at >= start, e.c.happened_at < end, e.c.id.not_in(corrected), quantity.is_not(None),
               e.c.provider != e.c.receiver)
        .group_by(e.c.provider, e.c.receiver, e.c.action, e.c.resource_conforms_to, unit)
    )
    if scope.receiver:
        query = query.where(e.c.receiver == scope.receiver)
    if scope.process:
        query = query.where(e.c.input_of == scope.process)
    if scope.resource:
        processes = behind.processes if behind is not None else []
        query = query.where(or_(e.c.resource_inventoried_as == scope.resource,
                                e.c.to_resource_inventoried_as == scope.resource, e.c.input_of.in_(processes)))
    return query


def _midnight_on_or_after(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    midnight = datetime.combine(moment.date(), time(0), UTC)
    return midnight if midnight == moment else midnight + timedelta(days=1)


def _midnight_on_or_before(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime.combine(moment.date(), time(0), UTC)
