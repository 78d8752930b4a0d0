"""Use cases of the annual dividend: value equations, preview, commit, reversal, member statements.

A preview computes a run and writes nothing. A commit computes it again inside one write transaction (so what it
read is exactly the ledger up to the chain head it records), checks the sums, and writes the run, its
allocations and the claims it creates (cash to pay, capital to credit), all chained. A committed run is never
changed; a compensating run (`reverse_run`) cancels it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from valueflows.accounting.contributions import ContributionReport, Contributor, is_contribution
from valueflows.accounting.dividends import (
    CAPITAL_CLAIM,
    CASH_CLAIM,
    REVERSAL,
    DividendAllocation,
    DividendResult,
    DividendRun,
    DividendTerms,
    MemberClaim,
    adjustment_lines,
    compute_dividends,
    six_places,
)
from valueflows.accounting.equations import EXACT, Claim, hours_equation
from valueflows.domain import access
from valueflows.domain.access import OPERATOR, Reader
from valueflows.domain.chain import facts
from valueflows.domain.currencies import currency_unit, is_currency
from valueflows.domain.errors import IdempotencyConflict, ImmutableRecord, NotFound, Problem, RuleViolation, violation
from valueflows.domain.model import AgentType, EconomicClaim, Membership
from valueflows.domain.periods import run_problems
from valueflows.domain.quantities import Measure, canonical
from valueflows.domain.records import check_unit
from valueflows.service import clock
from valueflows.service.equations import create_equation, find_equation, list_equations, update_equation
from valueflows.service.ledger import new_id, remember_key, replayed_key
from valueflows.service.reading import reader_of
from valueflows.service.reports import ReportScope, contributions
from valueflows.store.ports import Tx, UnitOfWork, WriteTx

__all__ = ["CommittedRun", "MemberStatement", "RunRequest", "StatementLine", "agent_names", "commit",
           "create_equation", "find_equation", "list_equations", "load_run", "preview", "read_run",
           "resolve_organization", "reversal_of", "reverse", "runs", "shown_run", "statement",
           "update_equation"]


# -- reading the contributions a run counts ---------------------------------------------------------------------

def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(0), UTC), datetime.combine(end + timedelta(days=1), time(0), UTC)


def resolve_organization(tx: Tx, organization: str | None) -> str:
    if organization is not None:
        agent = tx.agents.get(organization)
        if agent is None:
            raise violation("organization", "unknown_agent", f"no agent with id {organization!r}")
        if agent.type is not AgentType.ORGANIZATION:
            raise violation("organization", "not_an_organization", f"{organization!r} is a person")
        return organization
    orgs = tx.memberships.organizations()
    if len(orgs) != 1:
        raise violation("organization", "required",
                        "name the organization whose members receive the dividend"
                        + (f" (one of {', '.join(orgs)})" if orgs else ": no organization has members yet"))
    return orgs[0]


def _member_claims(tx: Tx, terms: DividendTerms, per_event: bool) -> list[MemberClaim]:
    """The organization's received contributions in the period, each marked: made by a member at the time?"""
    if per_event:
        return _member_claims_per_event(tx, terms)
    return [MemberClaim(Claim(t.provider, t.action, t.kind, t.unit, t.quantity, t.events), member)
            for t, member in tx.days.member_totals(terms.organization, terms.start, terms.end)]


def _member_claims_per_event(tx: Tx, terms: DividendTerms) -> list[MemberClaim]:
    """A claim per event, as caps per claim need; the events of one size judged together (the same value each)."""
    found = sorted(tx.events.received_by_size(terms.organization, terms.start, terms.end),
                   key=lambda c: (c.provider, c.action, c.kind or "", c.unit, c.each, c.member))
    return [MemberClaim(Claim(c.provider, c.action, c.kind, c.unit, EXACT.multiply(c.each, c.events), c.events,
                              each=c.each), c.member) for c in found]


def _events_digest(tx: Tx, terms: DividendTerms) -> tuple[str, int]:
    """SHA-256 over the chain hashes of every event the organization received in the period, in chain order."""
    start, end = _bounds(terms.start, terms.end)
    digest, count = hashlib.sha256(), 0
    for h in tx.chain.received_hashes(terms.organization, start, end):
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


def _compute(tx: Tx, request: RunRequest) -> DividendResult:
    organization = resolve_organization(tx, request.organization)
    terms = DividendTerms(organization, request.start, request.end, request.surplus, request.currency,
                          request.reserve_rate, request.cash_rate)
    found: list[Problem] = []  # what only the ledger can tell; the terms themselves are the core's to judge
    try:
        equation = find_equation(tx, request.equation)
    except RuleViolation as e:
        found.extend(e.problems)
        equation = hours_equation()
    if not is_currency(request.currency) and not tx.units.exists(request.currency):
        found.append(Problem("currency", "unknown_unit", f"the ledger has no unit {request.currency!r}"))
    caps = any(r.cap is not None for b in equation.buckets for r in b.rules)
    # the core judges the terms and refuses every problem at once, those found here included
    result = compute_dividends(terms, equation, _member_claims(tx, terms, per_event=caps), found)
    return replace(result, adjustments=adjustments_in(tx, organization, terms.start, terms.end))


def _currency_unit(w: WriteTx, code: str) -> None:
    """Every ISO 4217 currency is a unit the ledger knows: the first run in one writes its unit record (with the
    run, in its transaction), so a co-op in Sweden or Kenya needs no set-up to pay its dividend."""
    if w.units.exists(code):
        return
    unit = check_unit(currency_unit(code))
    w.records("unit").add(unit)
    w.append("unit", unit.id, facts(unit))


def preview(uow: UnitOfWork, request: RunRequest) -> DividendResult:
    access.require_admin(uow.principal, "previewing a dividend run")
    with uow.read() as tx:
        return _compute(tx, request)


@dataclass(frozen=True)
class CommittedRun:
    run: DividendRun
    allocations: list[DividendAllocation]
    claims: list[EconomicClaim]
    replayed: bool = False
    withheld: frozenset[str] = frozenset()  # parts the reader may not see (other members' lines)


def commit(uow: UnitOfWork, request: RunRequest, key: str) -> CommittedRun:
    """Compute and write a run in one transaction; the same key again returns the first run and writes nothing."""
    access.require_admin(uow.principal, "committing a dividend run")
    if not key:
        raise violation("idempotencyKey", "required", "committing a dividend run needs an idempotency key")
    with uow.write() as w:
        first = replayed_key(w, key, "dividend_run", request)
        if first is not None:
            return replace(load_run(w, first), replayed=True)
        ended = run_problems(request.end, clock.today())
        if ended:
            raise RuleViolation(ended)
        result = _compute(w, request)
        _refuse_overlap(w, result.terms)
        _currency_unit(w, result.terms.currency)
        digest, read = _events_digest(w, result.terms)
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
            note=request.note, adjustments=result.adjustments,
        )
        allocations = [DividendAllocation(new_id(), run.id, a.agent, a.dividend, a.cash, a.retained,
                                          six_places(a.points), six_places(a.share), tuple(a.explain()))
                       for a in result.allocations]
        written = _write_run(w, run, allocations, _claims_of(run, allocations, w.now, reverse=False))
        remember_key(w, key, "dividend_run", request, run.id)
        return written


def reverse(uow: UnitOfWork, run_id: str, key: str, note: str | None = None) -> CommittedRun:
    """A compensating run: every figure of `run_id` negated, and claims that cancel its claims."""
    access.require_admin(uow.principal, "reversing a dividend run")
    if not key:
        raise violation("idempotencyKey", "required", "reversing a dividend run needs an idempotency key")
    request = ("reverse", run_id, note)
    with uow.write() as w:
        first = replayed_key(w, key, "dividend_run", request)
        if first is not None:
            return replace(load_run(w, first), replayed=True)
        original = load_run(w, run_id)
        if original.run.reverses is not None:
            raise ImmutableRecord(f"run {run_id} is itself a reversal; commit a new run instead")
        done = w.runs.reversal_of(run_id)
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


def adjustments_in(tx: Tx, organization: str, start: date, end: date, provider: str | None = None
                   ) -> tuple[dict[str, str], ...]:
    """The prior-period adjustments `organization` received in the period (those of `provider`, if given)."""
    low, high = _bounds(start, end)
    found = [e for e in tx.events.adjustments(organization, low, high)
             if is_contribution(e) and (provider is None or e.provider == provider)]
    return adjustment_lines(found)


def _refuse_overlap(tx: Tx, terms: DividendTerms) -> None:
    clash = tx.runs.in_force_over(terms.organization, terms.start, terms.end)
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


def _write_run(w: WriteTx, run: DividendRun, allocations: list[DividendAllocation],
               new_claims: list[EconomicClaim]) -> CommittedRun:
    w.runs.add(run)
    w.append("dividend_run", run.id, facts(run))
    for a in allocations:
        w.runs.add_allocation(a)
        w.append("dividend_allocation", a.id, facts(a))
    for c in new_claims:
        w.claims.add(c)
        w.append("claim", c.id, facts(c))
    # the order `load_run` reads them in
    return CommittedRun(run, sorted(allocations, key=lambda a: (-abs(a.dividend), a.agent)),
                        sorted(new_claims, key=lambda c: (c.receiver, c.id)))


# -- reading runs and statements --------------------------------------------------------------------------------

def load_run(tx: Tx, run_id: str) -> CommittedRun:
    run = tx.runs.get(run_id)
    if run is None:
        raise NotFound(f"no dividend run with id {run_id!r}")
    return CommittedRun(run, tx.runs.allocations(run_id), tx.claims.of_run(run_id))


def shown_run(reader: Reader, found: CommittedRun) -> CommittedRun:
    """A run as the policy shows it to `reader`: whole, or its totals with the reader's own lines only."""
    view = access.run_view(reader, found.run.organization)
    access.require_visible(view, f"dividend run with id {found.run.id!r}")
    if not view.withheld:
        return found
    mine = reader.agent
    run = replace(found.run, excluded=tuple(x for x in found.run.excluded if x["agent"] == mine),
                  adjustments=tuple(x for x in found.run.adjustments if x["agent"] == mine))
    return replace(found, run=run, allocations=[a for a in found.allocations if a.agent == mine],
                   claims=[c for c in found.claims if access.claim_view(reader, c).visible], withheld=view.withheld)


def read_run(uow: UnitOfWork, run_id: str) -> CommittedRun:
    """A committed run, as whoever asks may see it (hidden runs answer as missing ones do)."""
    reader = reader_of(uow)
    access.private_to_members(reader, "dividend runs")
    with uow.read() as tx:
        return shown_run(reader, load_run(tx, run_id))


def runs(uow: UnitOfWork, organization: str | None = None) -> list[DividendRun]:
    """The committed runs whoever asks may see (of one organization, or all), oldest first."""
    reader = reader_of(uow)
    access.private_to_members(reader, "dividend runs")
    if organization and not access.run_view(reader, organization).visible:
        raise access.Forbidden("an organization's dividend runs are for its members and admins")
    with uow.read() as tx:
        found = tx.runs.of(organization)
    return [r for r in found if access.run_view(reader, r.organization).visible]


def reversal_of(uow: UnitOfWork, run_id: str, organization: str) -> str | None:
    """The compensating run that cancels this one, if any."""
    return next((r.id for r in runs(uow, organization) if r.reverses == run_id), None)


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
    adjustments: tuple[dict[str, str], ...] = ()  # the member's prior-period adjustments counted in the period

    @property
    def dividend(self) -> Decimal:
        return sum((line.allocation.dividend for line in self.dividends), Decimal(0))

    @property
    def cash(self) -> Decimal:
        return sum((line.allocation.cash for line in self.dividends), Decimal(0))

    @property
    def retained(self) -> Decimal:
        return sum((line.allocation.retained for line in self.dividends), Decimal(0))


def statement(uow: UnitOfWork, agent: str, start: date, end: date, organization: str | None = None) -> MemberStatement:
    """One member's contributions, dividends and capital account: for the member, the organization, admins."""
    reader = reader_of(uow)
    access.private_to_members(reader, "member statements")
    if end < start:
        raise violation("to", "empty_period", "the period ends before it begins")
    with uow.read() as tx:
        if not tx.agents.exists(agent):
            raise NotFound(f"no agent with id {agent!r}")
        org = resolve_organization(tx, organization)
    if not access.statement_view(reader, agent, org).visible:
        raise access.Forbidden("a member statement is private to the member, its organization and admins")
    with uow.read() as tx:
        spans = tx.memberships.of(agent, org)
        lines = [StatementLine(run, allocation) for run, allocation in tx.runs.lines_of(agent, org, end)]
        adjustments = adjustments_in(tx, org, start, end, provider=agent)
    capital = sum((line.allocation.retained for line in lines), Decimal(0))
    in_period = [line for line in lines if line.run.period_start <= end and line.run.period_end >= start]
    low, high = _bounds(start, end)
    # every contribution to the organization counts in the shares; the statement itself was checked above
    report: ContributionReport = contributions(uow.acting_as(OPERATOR), ReportScope(low, high, receiver=org))
    mine = next((c for c in report.contributors if c.agent == agent), None)
    currency = lines[-1].run.currency if lines else None
    return MemberStatement(agent, org, start, end, spans, mine, report.total_hours, in_period, capital, currency,
                           adjustments)


def agent_names(uow: UnitOfWork, ids: list[str]) -> dict[str, str]:
    """Display names of agents, by id."""
    with uow.read() as tx:
        return {agent_id: agent.name for agent_id, agent in tx.agents.get_many(ids).items()}
