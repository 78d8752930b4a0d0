"""Contribution reports: totals summed by the store, then the pure report.

A contribution is a flow from an agent to another (work, services, materials, money, uses, citations) in the
period and scope; an agent's flows to itself are left out. Whole UTC days of a period are read from the daily
totals `record_event` keeps; the partial days at its edges, and process or resource scopes, from the events.
A reader sees the sums of the flows the access policy lets it see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from valueflows.accounting.contributions import ContributionReport, ContributionTotal, contribution_report, round6
from valueflows.accounting.equations import Claim, ValueEquation, fraction_text, points
from valueflows.accounting.rollup import Rollup, rollup
from valueflows.domain import access
from valueflows.domain.errors import violation
from valueflows.service.equations import find_equation
from valueflows.service.reading import reader_of
from valueflows.store.ports import FlowTotal, Tx, UnitOfWork


@dataclass(frozen=True)
class ReportScope:
    start: datetime
    end: datetime
    receiver: str | None = None  # e.g. the co-op: only flows it received
    process: str | None = None  # only inputs to this process
    resource: str | None = None  # flows of this resource, and inputs to every process behind it (rollup)


def contributions(uow: UnitOfWork, scope: ReportScope, equation: ValueEquation | str | None = None
                  ) -> ContributionReport:
    """The report, counting the flows whoever asks may see; with `equation` (one, or its name or id), each
    contributor's points under it too. Every door asks for a report through here, so the scope's defaults and
    checks are the same everywhere (`resolved`)."""
    if scope.end <= scope.start:
        raise violation("end", "empty_period", "the period ends before it begins")
    rows: list[FlowTotal] = []
    behind: Rollup | None = None
    with uow.read() as tx:
        scope = resolved(tx, scope)
        if isinstance(equation, str):
            equation = find_equation(tx, equation)
        if scope.resource:
            behind = resource_rollup(tx, scope.resource)
        first_day = _midnight_on_or_after(scope.start)
        end_day = _midnight_on_or_before(scope.end)
        exchanges = _from_events(tx, scope, scope.start, scope.end, behind, exchanges=True)
        if scope.process or scope.resource or first_day >= end_day:
            rows += _from_events(tx, scope, scope.start, scope.end, behind)
        else:
            rows += tx.days.totals(first_day.date(), end_day.date(), scope.receiver)
            for start, end in ((scope.start, first_day), (end_day, scope.end)):
                if start < end:
                    rows += _from_events(tx, scope, start, end)
        persons = frozenset() if uow.principal.admin else tx.agents.persons_among(
            {a for row in rows + exchanges for a in (row.provider, row.receiver)})
    if not uow.principal.admin:
        reader = reader_of(uow)
        rows = [row for row in rows if access.flow_view(reader, access.Flow(
            row.provider, row.receiver, row.action, persons & {row.provider, row.receiver},
            () if row.receiver in persons else (row.receiver,))).visible]
        # an exchange may be under a licence (its terms private to the parties): a reader sees those it is party to
        exchanges = [row for row in exchanges if reader.speaks_for((row.provider, row.receiver))]
    totals = _combine(rows)
    report = replace(contribution_report(totals), exchanges=_combine(exchanges))
    if equation is not None:
        earned = points(equation, (Claim(t.agent, t.action, t.kind, t.unit, t.quantity, t.events) for t in totals))
        report = replace(report, contributors=[
            replace(c, points=round6(Decimal(fraction_text(earned.get(c.agent, Fraction(0)))))) for c in
            report.contributors])
    if behind is not None:
        report = replace(report, processes=list(behind.processes), cycles=[list(c) for c in behind.cycles])
    return replace(report, receiver=scope.receiver)


def resolved(tx: Tx, scope: ReportScope) -> ReportScope:
    """The scope a report covers: what it names must exist; named nothing, it covers what the one organization
    that has members received (a co-op's own node), or every flow when there is no such single organization."""
    for field, repository, wanted in (("receiver", tx.agents, scope.receiver), ("process", tx.processes, scope.process),
                                      ("resource", tx.resources, scope.resource)):
        if wanted is not None and not repository.exists(wanted):
            raise violation(field, "unknown_reference", f"no {repository.kind.replace('_', ' ')} with id {wanted!r}")
    if scope.receiver is None and scope.process is None and scope.resource is None:
        organizations = tx.memberships.organizations()
        if len(organizations) == 1:
            return replace(scope, receiver=organizations[0])
    return scope


def resource_rollup(tx: Tx, resource: str) -> Rollup:
    """The processes behind a resource: those that put it out, those that made their inputs, and so on."""

    def produced_by(resources: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for r, p in tx.events.outputs_of(resources):
            found[r].append(p)
        return found

    def inputs_of(processes: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for p, r in tx.events.inputs_of(processes):
            found[p].append(r)
        return found

    return rollup(resource, produced_by, inputs_of)


def _combine(rows: list[FlowTotal]) -> list[ContributionTotal]:
    sums: dict[tuple[str, str, str | None, str], list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for row in rows:
        entry = sums[(row.provider, row.action, row.kind, row.unit)]
        entry[0] += row.quantity
        entry[1] += row.events
    return [ContributionTotal(p, a, k, u, Decimal(q), int(n)) for (p, a, k, u), (q, n) in sums.items() if n]


def _from_events(tx: Tx, scope: ReportScope, start: datetime, end: datetime, behind: Rollup | None = None,
                 exchanges: bool = False) -> list[FlowTotal]:
    return tx.events.flow_totals(start, end, receiver=scope.receiver, process=scope.process, resource=scope.resource,
                                 processes=behind.processes if behind is not None else (), exchanges=exchanges)


def _midnight_on_or_after(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    midnight = datetime.combine(moment.date(), time(0), UTC)
    return midnight if midnight == moment else midnight + timedelta(days=1)


def _midnight_on_or_before(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime.combine(moment.date(), time(0), UTC)
