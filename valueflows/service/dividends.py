"""Use cases of the annual dividend: value equations, preview, commit, reversal, member statements.

A preview computes a run and writes nothing. A commit computes it again inside one write transaction (so what it
read is exactly the ledger up to the chain head it records), checks the sums, and writes the run, its
allocations and the claims it creates (cash to pay, capital to credit), all chained. A committed run is never
changed; a compensating run (`reverse_run`) cancels it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from valueflows.accounting.contributions import ContributionReport, Contributor
from valueflows.accounting.dividends import (
    CAPITAL_CLAIM,
    CASH_CLAIM,
    REVERSAL,
    DividendAllocation,
    DividendResult,
    DividendRun,
    DividendTerms,
    MemberClaim,
    compute_dividends,
    six_places,
)
from valueflows.accounting.equations import Bucket, Claim, ValueEquation, check_equation, hours_equation
from valueflows.domain import access
from valueflows.domain.access import OPERATOR, Principal, Reader
from valueflows.domain.chain import facts
from valueflows.domain.errors import IdempotencyConflict, ImmutableRecord, NotFound, Problem, RuleViolation, violation
from valueflows.domain.model import AgentType, EconomicClaim, Membership
from valueflows.domain.quantities import Measure, canonical
from valueflows.service.ledger import Recorded, new_id, remember_key, replayed_key
from valueflows.service.reading import reader_of
from valueflows.service.reports import ReportScope, contributions
from valueflows.store import repository as repo
from valueflows.store.engine import exact_sum
from valueflows.store.mapping import (
    allocation_from_row,
    claim_from_row,
    equation_from_row,
    membership_from_row,
    run_from_row,
)
from valueflows.store.tables import (
    claims,
    contribution_days,
    dividend_allocations,
    dividend_runs,
    economic_events,
    ledger,
    memberships,
    value_equations,
)
from valueflows.store.uow import UnitOfWork, Writer

# -- value equations --------------------------------------------------------------------------------------------


def create_equation(uow: UnitOfWork, name: str, buckets: tuple[Bucket, ...], note: str | None = None,
                    key: str | None = None) -> Recorded[ValueEquation]:
    """A new version of the equation called `name` (version 1 if it is new)."""
    problems = check_equation(name, buckets)
    if problems:
        raise RuleViolation(problems)
    request = ("create", name, buckets, note)
    with uow.write() as w:
        first = replayed_key(w, key, "value_equation", request)
        if first is not None:
            return Recorded(_equation(w.conn, first), replayed=True)
        latest = w.conn.execute(select(func.max(value_equations.c.version))
                                .where(value_equations.c.name == name)).scalar()
        equation = ValueEquation(new_id(), name, (latest or 0) + 1, buckets, note)
        repo.insert_record(w.conn, "value_equation", equation)
        w.append("value_equation", equation.id, facts(equation))
        remember_key(w, key, "value_equation", request, equation.id)
        return Recorded(equation)


def _equation(conn: Connection, equation_id: str) -> ValueEquation:
    found = repo.get(conn, "value_equation", equation_id)
    if found is None:
        raise NotFound(f"no value equation with id {equation_id!r}")
    return found  # type: ignore[no-any-return]


def update_equation(uow: UnitOfWork, equation_id: str, buckets: tuple[Bucket, ...], note: str | None = None,
                    key: str | None = None) -> Recorded[ValueEquation]:
    """Change a version no committed run has used; a used version is refused (create a new version instead)."""
    request = ("update", equation_id, buckets, note)
    with uow.write() as w:
        first = replayed_key(w, key, "value_equation", request)
        if first is not None:
            return Recorded(_equation(w.conn, first), replayed=True)
        current: ValueEquation | None = repo.get(w.conn, "value_equation", equation_id)
        if current is None:
            raise NotFound(f"no value equation with id {equation_id!r}")
        problems = check_equation(current.name, buckets)
        if problems:
            raise RuleViolation(problems)
        used = w.conn.execute(select(dividend_runs.c.id).where(dividend_runs.c.equation == equation_id)).first()
        if used is not None:
            raise ImmutableRecord(
                f"version {current.version} of {current.name!r} was used by dividend run {used.id}: it can no "
                "longer change; create a new version of the equation instead")
        equation = replace(current, buckets=buckets, note=note)
        repo.replace_record(w.conn, "value_equation", equation)
        w.append("value_equation", equation.id, facts(equation))
        remember_key(w, key, "value_equation", request, equation.id)
        return Recorded(equation)


def list_equations(uow: UnitOfWork, name: str | None = None) -> list[ValueEquation]:
    query = select(value_equations).order_by(value_equations.c.name, value_equations.c.version)
    if name is not None:
        query = query.where(value_equations.c.name == name)
    with uow.read() as conn:
        return [equation_from_row(r) for r in conn.execute(query)]


def find_equation(conn: Connection, name_or_id: str | None) -> ValueEquation:
    """The equation a run uses: None or "hours" is the hours basis; else an id, or a name (its newest version)."""
    if name_or_id is None or name_or_id == "hours":
        return hours_equation()
    row = conn.execute(select(value_equations).where(value_equations.c.id == name_or_id)).first()
    if row is None:
        row = conn.execute(select(value_equations).where(value_equations.c.name == name_or_id)
                           .order_by(value_equations.c.version.desc()).limit(1)).first()
    if row is None:
        raise violation("equation", "unknown_equation", f"no value equation called {name_or_id!r}")
    return equation_from_row(row)


# -- reading the contributions a run counts ---------------------------------------------------------------------

def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(0), UTC), datetime.combine(end + timedelta(days=1), time(0), UTC)


def resolve_organization(conn: Connection, organization: str | None) -> str:
    if organization is not None:
        agent = repo.get(conn, "agent", organization)
        if agent is None:
            raise violation("organization", "unknown_agent", f"no agent with id {organization!r}")
        if agent.type is not AgentType.ORGANIZATION:
            raise violation("organization", "not_an_organization", f"{organization!r} is a person")
        return organization
    orgs = sorted({r[0] for r in conn.execute(select(memberships.c.organization).distinct())})
    if len(orgs) != 1:
        raise violation("organization", "required",
                        "name the organization whose members receive the dividend"
                        + (f" (one of {', '.join(orgs)})" if orgs else ": no organization has members yet"))
    return orgs[0]


def _member_claims(conn: Connection, uow: UnitOfWork, terms: DividendTerms, per_event: bool) -> list[MemberClaim]:
    """The organization's received contributions in the period, each marked: made by a member at the time?"""
    if per_event:
        return _member_claims_per_event(conn, terms)
    # Memberships of one member never overlap (the ledger refuses it), so a range join marks each day's row
    # once: one pass over the days, no per-row subquery.
    d, m = contribution_days, memberships
    on_day = and_(m.c.member == d.c.provider, m.c.organization == d.c.receiver, m.c.since <= d.c.day,
                  or_(m.c.until.is_(None), m.c.until >= d.c.day))
    member = case((m.c.id.is_(None), 0), else_=1).label("member")
    query = (select(d.c.provider, d.c.action, d.c.kind, d.c.unit, exact_sum(uow.engine, d.c.quantity),
                    func.sum(d.c.events), member)
             .select_from(d.outerjoin(m, on_day))
             .where(d.c.receiver == terms.organization, d.c.day >= terms.start, d.c.day <= terms.end)
             .group_by(d.c.provider, d.c.action, d.c.kind, d.c.unit, member))
    out = []
    for provider, action, kind, unit, total, count, member in conn.execute(query):
        if count:
            out.append(MemberClaim(Claim(provider, action, kind or None, unit, Decimal(canonical(Decimal(str(total)))),
                                         int(count)), bool(member)))
    return out


def _member_claims_per_event(conn: Connection, terms: DividendTerms) -> list[MemberClaim]:
    """One claim per event: what caps per claim need."""
    spans: dict[str, list[Membership]] = defaultdict(list)
    for row in conn.execute(select(memberships).where(memberships.c.organization == terms.organization)):
        spans[row.member].append(membership_from_row(row))
    e = economic_events
    start, end = _bounds(terms.start, terms.end)
    quantity = func.coalesce(e.c.effort_quantity_value, e.c.resource_quantity_value)
    unit = func.coalesce(e.c.effort_quantity_unit, e.c.resource_quantity_unit)
    corrected = select(e.c.corrects).where(e.c.corrects.is_not(None))
    query = (select(e.c.id, e.c.provider, e.c.action, e.c.resource_conforms_to, e.c.effort_quantity_value,
                    e.c.resource_quantity_value, unit.label("unit"), e.c.happened_at)
             .where(e.c.receiver == terms.organization, e.c.happened_at >= start, e.c.happened_at < end,
                    e.c.id.not_in(corrected), quantity.is_not(None), e.c.provider != e.c.receiver)
             .order_by(e.c.seq))
    out = []
    for row in conn.execute(query, execution_options={"yield_per": 5000}):
        value = row.effort_quantity_value if row.effort_quantity_value is not None else row.resource_quantity_value
        day = row.happened_at.astimezone(UTC).date()
        member = any(s.active_on(day) for s in spans.get(row.provider, ()))
        out.append(MemberClaim(Claim(row.provider, row.action, row.resource_conforms_to, row.unit, value, 1, row.id),
                               member))
    return out


def _events_digest(conn: Connection, terms: DividendTerms) -> tuple[str, int]:
    """SHA-256 over the chain hashes of every event the organization received in the period, in chain order."""
    e = economic_events
    start, end = _bounds(terms.start, terms.end)
    query = (select(ledger.c.hash).join(e, and_(ledger.c.kind == "economic_event", ledger.c.record_id == e.c.id))
             .where(e.c.receiver == terms.organization, e.c.happened_at >= start, e.c.happened_at < end)
             .order_by(ledger.c.seq))
    digest, count = hashlib.sha256(), 0
    for (h,) in conn.execute(query, execution_options={"yield_per": 10000}):
        digest.update(h.encode())
        count += 1
    return digest.hexdigest(), count


# -- preview, commit, reverse -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunRequest:
    start: date
    end: date
    surplus: Decimal
    currency: str
    reserve_rate: Decimal
    cash_rate: Decimal
    equation: str | None = None  # name or id; None: hours worked
    organization: str | None = None
    note: str | None = None


def _compute(conn: Connection, uow: UnitOfWork, request: RunRequest) -> DividendResult:
    organization = resolve_organization(conn, request.organization)
    terms = DividendTerms(organization, request.start, request.end, request.surplus, request.currency,
                          request.reserve_rate, request.cash_rate)
    problems: list[Problem] = []
    try:
        terms.check()
    except RuleViolation as e:
        problems.extend(e.problems)
    try:
        equation = find_equation(conn, request.equation)
    except RuleViolation as e:
        problems.extend(e.problems)
        equation = hours_equation()
    if not problems and not repo.exists(conn, "unit", request.currency):
        problems.append(Problem("currency", "unknown_unit", f"the ledger has no unit {request.currency!r}"))
    if problems:
        raise RuleViolation(problems)
    caps = [r.cap for b in equation.buckets for r in b.rules if r.cap is not None]
    unit = terms.check()
    if any(c % unit for c in caps):
        raise violation("equation", "cap_finer_than_unit",
                        f"a cap of {equation.name!r} is not a whole number of {unit} {request.currency}")
    return compute_dividends(terms, equation, _member_claims(conn, uow, terms, per_event=bool(caps)))


def preview(uow: UnitOfWork, request: RunRequest) -> DividendResult:
    with uow.read() as conn:
        return _compute(conn, uow, request)


@dataclass(frozen=True)
class CommittedRun:
    run: DividendRun
    allocations: list[DividendAllocation]
    claims: list[EconomicClaim]
    replayed: bool = False
    withheld: frozenset[str] = frozenset()  # parts the reader may not see (other members' lines)


def commit(uow: UnitOfWork, request: RunRequest, key: str) -> CommittedRun:
    """Compute and write a run in one transaction; the same key again returns the first run and writes nothing."""
    if not key:
        raise violation("idempotencyKey", "required", "committing a dividend run needs an idempotency key")
    with uow.write() as w:
        first = replayed_key(w, key, "dividend_run", request)
        if first is not None:
            return replace(load_run(w.conn, first), replayed=True)
        result = _compute(w.conn, uow, request)
        _refuse_overlap(w.conn, result.terms)
        digest, read = _events_digest(w.conn, result.terms)
        t = result.terms
        run = DividendRun(
            id=new_id(), organization=t.organization, period_start=t.start, period_end=t.end, surplus=t.surplus,
            currency=t.currency, reserve_rate=t.reserve_rate, cash_rate=t.cash_rate,
            basis="hours" if result.equation.id == "hours" else "equation", reserve=result.reserve,
            distributed=result.distributed, undistributed=result.undistributed, ledger_seq=w.seq,
            ledger_hash=w.hash, events_digest=digest, events_read=read, created_at=w.now,
            equation=None if result.equation.id == "hours" else result.equation.id,
            undistributed_detail=tuple(result.valuation.undistributed_lines()),
            excluded=tuple({"agent": c.agent, "action": c.action, "kind": c.kind or "", "unit": c.unit,
                            "quantity": canonical(c.quantity), "events": str(c.events)} for c in result.excluded),
            note=request.note,
        )
        allocations = [DividendAllocation(new_id(), run.id, a.agent, a.dividend, a.cash, a.retained,
                                          six_places(a.points), six_places(a.share), tuple(a.explain()))
                       for a in result.allocations]
        written = _write_run(w, run, allocations, _claims_of(run, allocations, w.now, reverse=False))
        remember_key(w, key, "dividend_run", request, run.id)
        return written


def reverse(uow: UnitOfWork, run_id: str, key: str, note: str | None = None) -> CommittedRun:
    """A compensating run: every figure of `run_id` negated, and claims that cancel its claims."""
    if not key:
        raise violation("idempotencyKey", "required", "reversing a dividend run needs an idempotency key")
    request = ("reverse", run_id, note)
    with uow.write() as w:
        first = replayed_key(w, key, "dividend_run", request)
        if first is not None:
            return replace(load_run(w.conn, first), replayed=True)
        original = load_run(w.conn, run_id)
        if original.run.reverses is not None:
            raise ImmutableRecord(f"run {run_id} is itself a reversal; commit a new run instead")
        done = w.conn.execute(select(dividend_runs.c.id).where(dividend_runs.c.reverses == run_id)).first()
        if done is not None:
            raise IdempotencyConflict(f"run {run_id} was already reversed by run {done.id}")
        o = original.run
        run = replace(o, id=new_id(), surplus=-o.surplus, reserve=-o.reserve, distributed=-o.distributed,
                      undistributed=-o.undistributed, ledger_seq=w.seq, ledger_hash=w.hash, created_at=w.now,
                      reverses=o.id, note=note)
        allocations = [replace(a, id=new_id(), run=run.id, dividend=-a.dividend, cash=-a.cash, retained=-a.retained)
                       for a in original.allocations]
        written = _write_run(w, run, allocations, _claims_of(run, allocations, w.now, reverse=True))
        remember_key(w, key, "dividend_run", request, run.id)
        return written


def _refuse_overlap(conn: Connection, terms: DividendTerms) -> None:
    r = dividend_runs
    reversed_ids = select(r.c.reverses).where(r.c.reverses.is_not(None))
    clash = conn.execute(select(r.c.id, r.c.period_start, r.c.period_end).where(
        r.c.organization == terms.organization, r.c.reverses.is_(None), r.c.id.not_in(reversed_ids),
        r.c.period_start <= terms.end, r.c.period_end >= terms.start)).first()
    if clash is not None:
        raise violation("period", "already_distributed",
                        f"run {clash.id} already distributed {clash.period_start}..{clash.period_end} for "
                        f"{terms.organization}; reverse it first to distribute that period again")


def _claims_of(run: DividendRun, allocations: list[DividendAllocation], now: datetime,
               reverse: bool) -> list[EconomicClaim]:
    out = []
    for a in allocations:
        for amount, kind, what in ((a.cash, CASH_CLAIM, "cash dividend"), (a.retained, CAPITAL_CLAIM,
                                                                          "credit to the capital account")):
            if not amount:
                continue
            provider, receiver = (a.agent, run.organization) if reverse else (run.organization, a.agent)
            out.append(EconomicClaim(
                id=new_id(), action="transfer", provider=provider, receiver=receiver, created=now,
                resource_quantity=Measure(abs(amount), run.currency),
                resource_classified_as=(REVERSAL, kind) if reverse else (kind,), agreed_in=run.equation,
                note=f"{'reversal of the ' if reverse else ''}{what} of {run.period_start}..{run.period_end}",
                in_scope_of=(run.organization,), dividend_run=run.id))
    return out


def _write_run(w: Writer, run: DividendRun, allocations: list[DividendAllocation],
               new_claims: list[EconomicClaim]) -> CommittedRun:
    repo.insert_record(w.conn, "dividend_run", run)
    w.append("dividend_run", run.id, facts(run))
    for a in allocations:
        repo.insert_record(w.conn, "dividend_allocation", a)
        w.append("dividend_allocation", a.id, facts(a))
    for c in new_claims:
        repo.insert_record(w.conn, "claim", c)
        w.append("claim", c.id, facts(c))
    # the order `load_run` reads them in
    return CommittedRun(run, sorted(allocations, key=lambda a: (-abs(a.dividend), a.agent)),
                        sorted(new_claims, key=lambda c: (c.receiver, c.id)))


# -- reading runs and statements --------------------------------------------------------------------------------

def load_run(conn: Connection, run_id: str) -> CommittedRun:
    row = conn.execute(select(dividend_runs).where(dividend_runs.c.id == run_id)).first()
    if row is None:
        raise NotFound(f"no dividend run with id {run_id!r}")
    allocations = [allocation_from_row(r) for r in conn.execute(
        select(dividend_allocations).where(dividend_allocations.c.run == run_id)
        .order_by(dividend_allocations.c.dividend.desc(), dividend_allocations.c.agent))]
    found = [claim_from_row(r) for r in conn.execute(select(claims).where(claims.c.dividend_run == run_id)
                                                     .order_by(claims.c.receiver, claims.c.id))]
    allocations.sort(key=lambda a: (-abs(a.dividend), a.agent))
    return CommittedRun(run_from_row(row), allocations, found)


def shown_run(reader: Reader, found: CommittedRun) -> CommittedRun:
    """A run as the policy shows it to `reader`: whole, or its totals with the reader's own lines only."""
    view = access.run_view(reader, found.run.organization)
    access.require_visible(view, f"dividend run with id {found.run.id!r}")
    if not view.withheld:
        return found
    mine = reader.agent
    run = replace(found.run, excluded=tuple(x for x in found.run.excluded if x["agent"] == mine))
    return replace(found, run=run, allocations=[a for a in found.allocations if a.agent == mine],
                   claims=[c for c in found.claims if access.claim_view(reader, c).visible], withheld=view.withheld)


def read_run(uow: UnitOfWork, principal: Principal, run_id: str) -> CommittedRun:
    """A committed run, as `principal` may see it (hidden runs answer as missing ones do)."""
    reader = reader_of(uow, principal)
    access.private_to_members(reader, "dividend runs")
    with uow.read() as conn:
        return shown_run(reader, load_run(conn, run_id))


def runs(uow: UnitOfWork, principal: Principal, organization: str | None = None) -> list[DividendRun]:
    """The committed runs `principal` may see (of one organization, or all), oldest first."""
    reader = reader_of(uow, principal)
    access.private_to_members(reader, "dividend runs")
    query = select(dividend_runs).order_by(dividend_runs.c.created_at, dividend_runs.c.id)
    if organization:
        if not access.run_view(reader, organization).visible:
            raise access.Forbidden("an organization's dividend runs are for its members and admins")
        query = query.where(dividend_runs.c.organization == organization)
    with uow.read() as conn:
        found = [run_from_row(r) for r in conn.execute(query)]
    return [r for r in found if access.run_view(reader, r.organization).visible]


def reversal_of(uow: UnitOfWork, principal: Principal, run_id: str, organization: str) -> str | None:
    """The compensating run that cancels this one, if any."""
    return next((r.id for r in runs(uow, principal, organization) if r.reverses == run_id), None)


@dataclass(frozen=True)
class StatementLine:
    run: DividendRun
    allocation: DividendAllocation


@dataclass(frozen=True)
class MemberStatement:
    agent: str
    organization: str
    start: date
    end: date
    memberships: list[Membership]
    contribution: Contributor | None  # hours, other contributions, share of hours in the period
    total_hours: Decimal
    dividends: list[StatementLine]  # the runs for the period (and their reversals)
    capital_account: Decimal  # every credit and reversal up to the end of the period
    currency: str | None

    @property
    def dividend(self) -> Decimal:
        return sum((line.allocation.dividend for line in self.dividends), Decimal(0))

    @property
    def cash(self) -> Decimal:
        return sum((line.allocation.cash for line in self.dividends), Decimal(0))

    @property
    def retained(self) -> Decimal:
        return sum((line.allocation.retained for line in self.dividends), Decimal(0))


def statement(uow: UnitOfWork, principal: Principal, agent: str, start: date, end: date,
              organization: str | None = None) -> MemberStatement:
    """One member's contributions, dividends and capital account: for the member, the organization, admins."""
    reader = reader_of(uow, principal)
    access.private_to_members(reader, "member statements")
    if end < start:
        raise violation("to", "empty_period", "the period ends before it begins")
    with uow.read() as conn:
        if repo.get(conn, "agent", agent) is None:
            raise NotFound(f"no agent with id {agent!r}")
        org = resolve_organization(conn, organization)
    if not access.statement_view(reader, agent, org).visible:
        raise access.Forbidden("a member statement is private to the member, its organization and admins")
    with uow.read() as conn:
        spans = [membership_from_row(r) for r in conn.execute(
            select(memberships).where(memberships.c.member == agent, memberships.c.organization == org)
            .order_by(memberships.c.since))]
        r, a = dividend_runs, dividend_allocations
        rows = conn.execute(select(r, a.c.id.label("allocation_id")).join(a, a.c.run == r.c.id)
                            .where(a.c.agent == agent, r.c.organization == org, r.c.period_start <= end)
                            .order_by(r.c.created_at, r.c.id)).all()
        allocations = {x.id: x for x in repo.get_many(conn, "dividend_allocation",
                                                      [row.allocation_id for row in rows]).values()}
    lines = [StatementLine(run_from_row(row), allocations[row.allocation_id]) for row in rows]
    capital = sum((line.allocation.retained for line in lines), Decimal(0))
    in_period = [line for line in lines if line.run.period_start <= end and line.run.period_end >= start]
    low, high = _bounds(start, end)
    # every contribution to the organization counts in the shares; the statement itself was checked above
    report: ContributionReport = contributions(uow, OPERATOR, ReportScope(low, high, receiver=org))
    mine = next((c for c in report.contributors if c.agent == agent), None)
    currency = lines[-1].run.currency if lines else None
    return MemberStatement(agent, org, start, end, spans, mine, report.total_hours, in_period, capital, currency)


def statement_json(s: MemberStatement) -> dict[str, Any]:
    c = s.contribution
    return {
        "agent": s.agent, "organization": s.organization, "from": s.start.isoformat(), "to": s.end.isoformat(),
        "memberships": [{"since": m.since.isoformat(), "until": m.until.isoformat() if m.until else None}
                        for m in s.memberships],
        "hours": canonical(c.hours) if c else "0", "totalHours": canonical(s.total_hours),
        "shareOfHours": canonical(c.share) if c else "0",
        "otherContributions": [{"action": o.action, "unit": o.unit, "kind": o.kind, "quantity": canonical(o.quantity)}
                               for o in (c.other if c else [])],
        "dividends": [{"run": line.run.id, "reverses": line.run.reverses,
                       "dividend": canonical(line.allocation.dividend), "cash": canonical(line.allocation.cash),
                       "retained": canonical(line.allocation.retained), "share": canonical(line.allocation.share)}
                      for line in s.dividends],
        "dividend": canonical(s.dividend), "cash": canonical(s.cash), "retained": canonical(s.retained),
        "capitalAccount": canonical(s.capital_account), "currency": s.currency,
    }


def agent_names(uow: UnitOfWork, ids: list[str]) -> dict[str, str]:
    """Display names of agents, by id."""
    with uow.read() as conn:
        return {agent_id: agent.name for agent_id, agent in repo.get_many(conn, "agent", ids).items()}
