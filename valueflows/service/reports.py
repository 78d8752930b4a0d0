"""Contribution reports: one SQL aggregation over the corrected view, then the pure report.

A contribution is a flow from an agent to another (work, services, materials, money, uses, citations) in
the period and scope; the co-op's flows to itself are left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select

from valueflows.accounting.contributions import ContributionReport, ContributionTotal, contribution_report
from valueflows.domain.errors import violation
from valueflows.domain.quantities import canonical
from valueflows.store.engine import exact_sum
from valueflows.store.tables import economic_events
from valueflows.store.uow import UnitOfWork


@dataclass(frozen=True)
class ReportScope:
    start: datetime
    end: datetime
    receiver: str | None = None  # e.g. the co-op: only flows it received
    process: str | None = None  # only inputs to this process
    resource: str | None = None  # flows of this resource, and inputs to the processes that put it out


def contributions(uow: UnitOfWork, scope: ReportScope) -> ContributionReport:
    if scope.end <= scope.start:
        raise violation("to", "empty_period", "the period ends before it begins")
    e = economic_events
    effort = e.c.effort_quantity_value
    quantity = func.coalesce(effort, e.c.resource_quantity_value)
    unit = func.coalesce(e.c.effort_quantity_unit, e.c.resource_quantity_unit)
    corrected = select(e.c.corrects).where(e.c.corrects.is_not(None))
    query = (
        select(e.c.provider, e.c.action, e.c.resource_conforms_to, unit.label("unit"),
               exact_sum(uow.engine, quantity).label("total"), func.count().label("n"))
        # An agent's flows to itself (raising its own stock, producing for itself) are bookkeeping, not
        # contributions.
        .where(e.c.happened_at >= scope.start, e.c.happened_at < scope.end, e.c.id.not_in(corrected),
               quantity.is_not(None), e.c.provider != e.c.receiver)
        .group_by(e.c.provider, e.c.action, e.c.resource_conforms_to, unit)
    )
    if scope.receiver:
        query = query.where(e.c.receiver == scope.receiver)
    if scope.process:
        query = query.where(e.c.input_of == scope.process)
    if scope.resource:
        producing = select(e.c.output_of).where(e.c.resource_inventoried_as == scope.resource,
                                                e.c.output_of.is_not(None))
        query = query.where(or_(e.c.resource_inventoried_as == scope.resource,
                                e.c.to_resource_inventoried_as == scope.resource,
                                e.c.input_of.in_(producing)))
    with uow.read() as conn:
        rows = conn.execute(query).all()
    totals = [ContributionTotal(r.provider, r.action, r.resource_conforms_to, r.unit,
                                Decimal(canonical(Decimal(str(r.total)))), r.n) for r in rows]
    return contribution_report(totals)
