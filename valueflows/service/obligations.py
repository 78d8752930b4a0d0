"""Use cases of copyfair reciprocity: check a use, record a licensed use (and the obligation it creates), and the
status of obligations as of any day.

The facts about the user come from the ledger (legal form, ownership, headcount, revenue, and its group's totals);
the facts about the use from the request. A licensed use is recorded as a `cite` event of the resource, from
its steward (the resource's primary accountable agent) to the user, classified `vfl:CommercialUse` when
commercial; when the licence carries a compensation duty, the same transaction writes the obligation: a
ValueFlows Claim for the user to provide (transfer) the amount to the steward by the due date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

from valueflows.domain import access
from valueflows.domain.chain import facts as chain_facts
from valueflows.domain.errors import NotFound, Problem, RuleViolation, violation
from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.model import Agent, EconomicClaim, EconomicResource
from valueflows.domain.quantities import Measure, canonical
from valueflows.domain.records import design_specifications
from valueflows.reciprocity.decide import Decision, Owed, Words
from valueflows.reciprocity.facts import Facts, group_totals
from valueflows.reciprocity.obligations import Status, increment
from valueflows.reciprocity.policy import VFL
from valueflows.service import clock, licences, settling
from valueflows.service.ledger import EventRecorded, new_id, record_event, record_in, remember_key, replayed_key
from valueflows.service.reading import reader_of
from valueflows.store.ports import OwedRow, Tx, UnitOfWork, WriteTx

OBLIGATION = VFL + "ReciprocityObligation"
COMMERCIAL = VFL + "CommercialUse"


@dataclass(frozen=True)
class UseRequest:
    """What a user does with a resource (the facts about the use; the user's own facts come from the ledger)."""

    resource: str
    user: str
    use: str = "use"  # use, copy, modify, distribute, sell
    commercial: bool | None = None
    production: bool | None = None
    adapted: bool | None = None
    revenue: Decimal | None = None
    currency: str | None = None
    day: date | None = None
    first_published: date | None = None
    note: str | None = None


def user_facts(tx: Tx, agent: Agent) -> dict[str, Any]:
    """What the ledger knows about an agent, with its group's totals (every agent of the group, and the group)."""
    found: dict[str, Any] = {
        "legal_form": agent.legal_form.value if agent.legal_form else None, "worker_owned": agent.worker_owned,
        "surplus_to_worker_owners": agent.surplus_to_worker_owners, "headcount": agent.headcount,
        "annual_revenue": agent.annual_revenue, "revenue_currency": agent.revenue_currency,
    }
    if agent.group is None:
        found["group_headcount"], found["group_revenue"] = agent.headcount, agent.annual_revenue
        return found
    members = tx.agents.of_group(agent.group)
    totals = group_totals([(m.headcount, m.annual_revenue, m.revenue_currency) for m in members])
    found["group_headcount"] = totals.headcount
    if totals.revenue is not None:
        found["group_revenue"], found["revenue_currency"] = totals.revenue, totals.currency
    return found


def _load(tx: Tx, request: UseRequest) -> tuple[EconomicResource, Agent, str]:
    resource = tx.resources.get(request.resource)
    if resource is None:
        raise NotFound(f"no resource with id {request.resource!r}")
    user = tx.agents.get(request.user)
    if user is None:
        raise NotFound(f"no agent with id {request.user!r}")
    if not resource.licence:
        raise violation("resource", "no_licence", f"{resource.name} carries no licence")
    return resource, user, resource.licence


def facts_of(tx: Tx, user: Agent, request: UseRequest) -> Facts:
    return Facts(**user_facts(tx, user), use=request.use, commercial=request.commercial,
                 production=request.production, adapted=request.adapted, revenue=request.revenue,
                 currency=request.currency, date=request.day, first_published=request.first_published)


def overdue(tx: Tx, user: str, steward: str, day: date) -> list[str]:
    owed_to = tx.agents.get(steward)
    name = owed_to.name if owed_to else steward
    found = settling.statuses(tx, tx.claims.owed(user, steward), day)
    return [f"of {canonical(s.outstanding)} {o.unit or ''} to {name}, due {s.due}"  # longest owed first
            for o, s in sorted(found, key=lambda os: (os[1].due, os[1].since, os[0].id)) if s.state == "overdue"]


def check_use(uow: UnitOfWork, request: UseRequest) -> Decision:
    """The decision for this user and use of this resource, as of `request.day` (today if not given). Whether an
    overdue obligation holds it back is part of the answer only for those who may see the obligations (the user,
    the steward, admins); for anyone else the decision is on the facts alone, and says what it withheld."""
    day = request.day or clock.today()
    with uow.read() as tx:
        resource, user, licence = _load(tx, request)
        steward = resource.primary_accountable
        facts = facts_of(tx, user, replace(request, day=day))
    reader = reader_of(uow)
    if not access.obligations_view(reader, user.id, steward).visible:
        decision = licences.check(licence, facts)
        return decision.withholding("overdue")
    with uow.read() as tx:
        return licences.check(licence, facts, tuple(overdue(tx, user.id, steward, day)))


@dataclass(frozen=True)
class UseRecorded:
    event: EventRecorded
    decision: Decision
    claim: EconomicClaim | None  # the obligation this use added, if any
    replayed: bool = False


def record_use(uow: UnitOfWork, request: UseRequest, key: str | None = None) -> UseRecorded:
    """Record a licensed use and the obligation it creates; a use the licence does not permit is refused."""
    access.require_writer(uow.principal, "recording a licensed use")
    if request.day is None:
        raise violation("day", "required", "a licensed use is recorded with the day it happened")
    with uow.write() as tx:
        first = replayed_key(tx, key, "licensed_use", request)
        if first is not None:
            return _replay(tx, request, first)
        resource, user, _ = _load(tx, request)
        access.may_record_event(uow.principal, resource.primary_accountable, user.id)  # the user or the steward
        done = use_in(tx, uow, request, resource, user.id, facts_of(tx, user, request))
        remember_key(tx, key, "licensed_use", request, done.event.event.id)
        return done


def decide_in(tx: Tx, resource: EconomicResource, user: str | None, use_facts: Facts) -> Decision:
    """The decision on a use with these facts, an overdue obligation of `user` to the steward holding it back
    (None: a user this ledger does not know yet, who owes it nothing)."""
    assert resource.licence is not None and use_facts.date is not None
    held = overdue(tx, user, resource.primary_accountable, use_facts.date) if user is not None else []
    return licences.check(resource.licence, use_facts, tuple(held))


def use_in(tx: WriteTx, uow: UnitOfWork, request: UseRequest, resource: EconomicResource, user: str,
           use_facts: Facts) -> UseRecorded:
    """Decide on the use with these facts and, permitted, record it (a `cite` event) and the obligation it
    creates, inside the caller's transaction (the facts of a user of another node are what its node declared)."""
    assert request.day is not None and resource.licence is not None
    licence, steward = resource.licence, resource.primary_accountable
    decision = decide_in(tx, resource, user, use_facts)
    refuse_unless_permitted(decision)
    when = datetime.combine(request.day, time(12), UTC)
    event = record_in(tx, uow, EventInput(
        "cite", steward, user, resource_inventoried_as=resource.id,
        resource_quantity=MeasureInput("1", resource.unit), has_point_in_time=when,
        resource_classified_as=(COMMERCIAL,) if request.commercial or request.use == "sell" else (),
        note=request.note or f"{request.use} under {licence}", agreed_in=licences.agreement(licence)))
    claim = None
    if _compensation(decision) is not None:
        claim = _obligation(tx, licence, use_facts, replace(request, user=user), resource, event, tx.now)
        if claim is not None:
            tx.claims.add(claim)
            tx.append("claim", claim.id, chain_facts(claim))
            settling.resettle(tx, [(claim.provider, claim.receiver, claim.agreed_in or "")])
    return UseRecorded(event, decision, claim)


def refusal(decision: Decision) -> list[Problem]:
    """Why a use is not permitted: the facts it needs, or what forbids it (empty: it is permitted)."""
    if decision.permitted is True:
        return []
    if decision.permitted is None:
        return [Problem(f, "needs_fact", f"the decision depends on {f}") for f in decision.missing]
    problems = [Problem("use", "not_permitted", f"{r.clause}: {r.text} ({'; '.join(r.facts)})".rstrip(" ()"))
                for r in decision.reasons if r.outcome == "forbids"]
    return problems or [Problem("use", "not_permitted", f"{decision.licence} does not permit this use")]


def refuse_unless_permitted(decision: Decision) -> None:
    problems = refusal(decision)
    if problems:
        raise RuleViolation(problems)


def _compensation(decision: Decision) -> Owed | None:
    return next((d for d in decision.duties if d.action == "compensate" and d.amount is not None
                 and d.period is not None and d.due is not None and d.currency is not None), None)


def _obligation(tx: Tx, licence: str, use_facts: Facts, request: UseRequest, resource: EconomicResource,
                event: EventRecorded, now: datetime) -> EconomicClaim | None:
    """The claim for what this declaration adds to its period's obligation (None if it adds nothing).

    The period's obligation is the licence's formula on the period's revenue so far; earlier declarations of the
    period already claimed part of it."""
    first = _compensation(licences.check(licence, use_facts))
    assert first is not None and first.period is not None
    rows = tx.claims.obligations(request.user, resource.primary_accountable, licence, resource.id, first.period[0])
    claimed = sum((r.resource_quantity.has_numerical_value for r in rows if r.resource_quantity), Decimal(0))
    before = sum((Decimal(r.basis["revenue"]) for r in rows if r.basis and "revenue" in r.basis), Decimal(0))
    revenue = before + (request.revenue or Decimal(0))
    pay = _compensation(licences.check(licence, replace(use_facts, revenue=revenue)))
    assert pay is not None and pay.period is not None and pay.due is not None and pay.currency is not None
    added = increment(pay, claimed)
    if not added:
        return None
    basis = {"useDay": use_facts.date.isoformat() if use_facts.date else "",
             "revenue": canonical(request.revenue or Decimal(0)), "periodRevenue": canonical(revenue),
             "periodOwed": canonical(pay.amount or Decimal(0)), "alreadyClaimed": canonical(claimed),
             "minimumApplied": str(pay.minimum_applied).lower(), "text": pay.text}
    if pay.work_rate is not None:
        basis["workRate"] = canonical(pay.work_rate)
    return EconomicClaim(
        id=new_id(), action="transfer", provider=request.user, receiver=resource.primary_accountable, created=now,
        resource_quantity=Measure(added, pay.currency), resource_classified_as=(OBLIGATION,),
        due=datetime.combine(pay.due, time(0), UTC), triggered_by=event.event.id,
        agreed_in=licences.agreement(licence), note=f"{licence}: {pay.text}",
        in_scope_of=(resource.id,), licence=licence, about_resource=resource.id, period_start=pay.period[0],
        period_end=pay.period[1], basis=basis)


class ObligationView(NamedTuple):
    """An obligation (the claim as `OwedRow` gives it: the whole claim is `claim` kind `owed.id`) and its status."""

    owed: OwedRow
    status: Status


def obligations(uow: UnitOfWork, day: date, user: str | None = None, steward: str | None = None,
                open_only: bool = False) -> list[ObligationView]:
    """Obligations of a user, or owed to a steward (or both), with their status on `day`, as far as whoever asks
    may see them (a steward asking about a user sees what that user owes to it)."""
    if user is None and steward is None:
        raise violation("agent", "required", "ask for the obligations of a user or of a steward")
    user, steward = access.obligations_asked(reader_of(uow), user, steward)
    with uow.read() as tx:
        found = [ObligationView(o, s) for o, s in settling.statuses(tx, tx.claims.owed(user, steward), day)
                 if not open_only or s.state != "fulfilled"]
    return sorted(found, key=_listed)


def _listed(o: ObligationView) -> tuple[date, date, str, str]:
    return o.status.due, o.status.since, o.owed.provider, o.owed.id


def _replay(tx: Tx, request: UseRequest, event_id: str) -> UseRecorded:
    event = tx.events.get(event_id)
    assert event is not None, "an idempotency key points at an event that exists"
    decision = Decision("", request.use, True, Words(True, [], [], []))
    return UseRecorded(EventRecorded(event, ()), decision, tx.claims.triggered_by(event_id), replayed=True)


@dataclass(frozen=True)
class Design:
    resource: EconomicResource
    steward: str  # the steward's name


def licensed_resources(uow: UnitOfWork) -> list[Design]:
    """The commons' designs (resources that carry a licence and conform to a specification classified as
    vfl:Design), with their stewards' names, by name. Goods built from a design are not designs."""
    with uow.read() as tx:
        kinds = design_specifications(tx.records("resource_specification").stream())
        return [Design(resource, steward) for resource, steward in tx.resources.licensed(MAX_PAGE, kinds)]


@dataclass(frozen=True)
class Settlement:
    """A payment towards what a user owes a steward under a licence: hours of work, or money moved between
    their accounts."""

    user: str
    steward: str
    licence: str
    when: datetime
    hours: Decimal | None = None
    amount: Decimal | None = None
    currency: str | None = None
    from_resource: str | None = None
    to_resource: str | None = None
    note: str | None = None


def settle(uow: UnitOfWork, payment: Settlement, key: str | None = None,
           then: Callable[[WriteTx, EventRecorded], None] | None = None) -> EventRecorded:
    """Record the payment as a `work` or `transfer` event made under the licence (agreedIn its policy), which is
    what lets it settle obligations; `then` writes what goes with it, in the same transaction."""
    access.may_record_event(uow.principal, payment.user, payment.steward)
    if (payment.hours is None) == (payment.amount is None):
        raise violation("payment", "one_of", "give either hours of work or an amount of money")
    agreement = licences.agreement(payment.licence)
    if payment.hours is not None:
        request = EventInput("work", payment.user, payment.steward, has_point_in_time=payment.when,
                             effort_quantity=MeasureInput(str(payment.hours), "hour"), note=payment.note,
                             agreed_in=agreement)
    else:
        request = EventInput("transfer", payment.user, payment.steward, has_point_in_time=payment.when,
                             resource_quantity=MeasureInput(str(payment.amount), payment.currency or ""),
                             resource_inventoried_as=payment.from_resource,
                             to_resource_inventoried_as=payment.to_resource, note=payment.note, agreed_in=agreement)
    return record_event(uow, request, key, then)
