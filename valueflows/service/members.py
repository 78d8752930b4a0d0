"""A member's own view of the ledger, for the member pages: my contributions this year by month and kind of work,
my statement in each co-op, what I owe and what is owed to us, and what the work form offers.

Everything is read through the use cases the other doors use (contribution reports, statements, obligations), as
the member asking, so the access policy decides here as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from valueflows.domain import access
from valueflows.domain.access import Unauthenticated
from valueflows.domain.errors import LedgerError
from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.model import AgentType
from valueflows.service import dividends, ledger, obligations, reports
from valueflows.service.ledger import EventRecorded
from valueflows.service.obligations import ObligationView
from valueflows.store.ports import UnitOfWork

MONTHS = range(1, 13)


@dataclass(frozen=True)
class Month:
    month: int
    hours: dict[str, Decimal]  # kind of work (a specification's id, "" for unnamed) -> hours

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal(0))


@dataclass(frozen=True)
class MyPage:
    agent: str
    name: str
    year: int
    organizations: list[tuple[str, str]]  # (id, name) of the co-ops I am a member of today
    months: list[Month]
    kinds: dict[str, str]  # kind id -> its name
    statements: list[dividends.MemberStatement]
    owed_by_me: list[ObligationView]
    owed_to_us: list[ObligationView] | None  # None: the policy shows this reader none of its co-ops' claims
    admin: bool = False
    names: dict[str, str] = field(default_factory=dict)

    @property
    def total_hours(self) -> Decimal:
        return sum((m.total for m in self.months), Decimal(0))


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def my_page(uow: UnitOfWork, today: date, year: int | None = None) -> MyPage:
    """The signed-in member's page for `year` (by default the year of `today`): contributions month by month, the
    dividends for that year and the capital account, obligations as they stand `today`."""
    year = year or today.year
    me = uow.principal.agent
    if me is None:
        raise Unauthenticated("sign in to see your own page")
    with uow.read() as tx:
        agent = tx.agents.get(me)
        memberships = [m for m in tx.memberships.where(MAX_PAGE, member=me)
                       if m.since <= today and (m.until is None or m.until >= today)]
    organizations = [m.organization for m in memberships]
    months = []
    for month in MONTHS:
        start, end = _month_bounds(year, month)
        if start.date() > today:
            months.append(Month(month, {}))
            continue
        report = reports.contributions(uow, reports.ReportScope(start, end))
        mine = next((c for c in report.contributors if c.agent == me), None)
        months.append(Month(month, {k or "": h for k, h in (mine.hours_by_kind.items() if mine else ()) if h}))
    kinds = {k for m in months for k in m.hours if k}
    statements = []
    for org in organizations:
        try:
            statements.append(dividends.statement(uow, me, date(year, 1, 1), date(year, 12, 31), org))
        except LedgerError:
            continue  # nothing to state for this co-op (the policy or the data says so)
    owed_by_me = obligations.obligations(uow, today, user=me)
    views = [_steward_view(uow, today, org) for org in organizations]
    owed_to_us = [o for v in views if v is not None for o in v] if any(v is not None for v in views) else None
    names = dividends.agent_names(uow, [*organizations, *kinds_names(owed_by_me + (owed_to_us or []))])
    with uow.read() as tx:
        specs = tx.specifications.get_many(kinds)
    return MyPage(me, agent.name if agent else me, year, [(o, names.get(o, o)) for o in organizations], months,
                  {k: specs[k].name if k in specs else k for k in sorted(kinds)}, statements, owed_by_me, owed_to_us,
                  uow.principal.admin, names)


def kinds_names(found: list[ObligationView]) -> list[str]:
    return [a for o in found for a in (o.owed.provider, o.owed.receiver)]


def _steward_view(uow: UnitOfWork, today: date, organization: str) -> list[ObligationView] | None:
    """What users owe `organization`, if the policy lets the member asking see it (None when it does not)."""
    try:
        return obligations.obligations(uow, today, steward=organization)
    except LedgerError:
        return None


def organizations(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The organizations with members: (id, name), by name (what a treasurer runs dividends for)."""
    with uow.read() as tx:
        found = tx.agents.get_many(tx.memberships.organizations())
    return sorted(((a.id, a.name) for a in found.values()), key=lambda x: x[1])


def run_form(uow: UnitOfWork) -> list[tuple[str, str]]:
    """What the treasurer's form to prepare a dividend run offers: the organizations with members (admins)."""
    access.require_admin(uow.principal, "preparing a dividend run")
    return organizations(uow)


@dataclass(frozen=True)
class WorkForm:
    """What the work form offers: the co-ops to work for, kinds of work, processes under way."""

    organizations: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    processes: list[tuple[str, str]]


def work_form(uow: UnitOfWork, today: date) -> WorkForm:
    me = uow.principal.agent
    if me is None:
        raise Unauthenticated("sign in to log your work")
    with uow.read() as tx:
        memberships = [m for m in tx.memberships.where(MAX_PAGE, member=me)
                       if m.since <= today and (m.until is None or m.until >= today)]
        orgs = tx.agents.get_many(m.organization for m in memberships)
        kinds = [(s.id, s.name) for s in tx.specifications.page(MAX_PAGE)]
        processes = [(p.id, p.name) for p in tx.processes.page(MAX_PAGE) if not p.finished]
    return WorkForm(sorted(((o.id, o.name) for o in orgs.values()), key=lambda x: x[1]),
                    sorted(kinds, key=lambda x: x[1]), sorted(processes, key=lambda x: x[1]))


@dataclass(frozen=True)
class Work:
    """A day's work as the form says it (hours, or a start and an end time on the day)."""

    organization: str
    day: date
    hours: Decimal | None = None
    start: str | None = None  # HH:MM
    end: str | None = None
    kind: str | None = None
    process: str | None = None
    note: str | None = None


def log_work(uow: UnitOfWork, work: Work, key: str) -> EventRecorded:
    """Record the member's work through `record_event`, as GraphQL does (the same rules, the same key)."""
    me = uow.principal.agent
    if me is None:
        raise Unauthenticated("sign in to log your work")
    fields: dict[str, Any] = {}
    if work.start and work.end:
        fields["has_beginning"] = datetime.fromisoformat(f"{work.day.isoformat()}T{work.start}:00+00:00")
        fields["has_end"] = datetime.fromisoformat(f"{work.day.isoformat()}T{work.end}:00+00:00")
        hours = work.hours if work.hours is not None else Decimal(
            int((fields["has_end"] - fields["has_beginning"]).total_seconds())) / 3600
    else:
        fields["has_point_in_time"] = datetime(work.day.year, work.day.month, work.day.day, 12, tzinfo=UTC)
        hours = work.hours if work.hours is not None else Decimal(0)
    return ledger.record_event(uow, EventInput(
        "work", me, work.organization, effort_quantity=MeasureInput(_hours_text(hours), "hour"),
        resource_conforms_to=work.kind or None, input_of=work.process or None, note=work.note or None, **fields),
        key)


def _hours_text(hours: Decimal) -> str:
    """Hours as recorded: up to 6 places (a start-end span of 20 minutes is 0.333333)."""
    return format(hours.quantize(Decimal("0.000001")).normalize(), "f")


@dataclass(frozen=True)
class People:
    """What the admin's members page lists: each co-op's memberships (open and ended), and every person."""

    organizations: list[tuple[str, str, list[tuple[Any, str]]]]  # (id, name, [(membership, member's name)])
    persons: list[tuple[str, str]]


def people(uow: UnitOfWork) -> People:
    access.require_admin(uow.principal, "listing memberships")
    with uow.read() as tx:
        orgs = tx.agents.get_many(tx.memberships.organizations())
        spans = {o: tx.memberships.of_organization(o) for o in orgs}
        agents = list(tx.records("agent").stream())
    names = {a.id: a.name for a in agents}
    listed = [(o.id, o.name, sorted(((m, names.get(m.member, m.member)) for m in spans[o.id]),
                                    key=lambda x: (x[0].until is not None, x[1])))
              for o in sorted(orgs.values(), key=lambda a: a.name)]
    persons = sorted(((a.id, a.name) for a in agents if a.type is AgentType.PERSON), key=lambda x: x[1])
    return People(listed, persons)
