"""Licences, decisions and obligations over GraphQL (our additions).

Anyone may read the licences and ask for a decision (the facts about agents are public records); recording a
licensed use needs a write token of the user or the steward (or admin); obligations are readable by the user,
the steward and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal as PyDecimal
from typing import Annotated

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import measures as m
from valueflows.api.gql import types as t
from valueflows.api.gql.claims import Claim
from valueflows.api.gql.context import Info
from valueflows.api.gql.scalars import Decimal, money
from valueflows.domain.currencies import amount_text
from valueflows.domain.errors import violation
from valueflows.reciprocity.decide import Decision, Owed
from valueflows.reciprocity.facts import Facts, facts_from_json
from valueflows.reciprocity.policy import Policy, local
from valueflows.reciprocity.words import duty_words, fact_words, summary
from valueflows.service import clock, declarations, licences, obligations, remote_payments
from valueflows.service.obligations import ObligationView, UseRequest


@strawberry.type(name="LicenceRule")
class LicenceRule:
    kind: str = strawberry.field(description="`permission` or `prohibition`.")
    clause: str
    text: str
    actions: list[str] = strawberry.field(description="ODRL actions, by local name (use, reproduce, derive, …).")
    duties: list[str]


@strawberry.type(name="Licence", description="A licence as an ODRL 2.2 policy (see licences/ in the repository).")
class Licence:
    p: Private[Policy]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.p.id)

    @strawberry.field
    def title(self) -> str:
        return self.p.title

    @strawberry.field(description="Where the licence text is.")
    def source(self) -> str:
        return self.p.source

    @strawberry.field
    def summary(self) -> str:
        return self.p.summary

    @strawberry.field(description="Template figures, as `name: value`.")
    def parameters(self) -> list[str]:
        return [f"{k}: {v}" for k, v in self.p.parameters.items()]

    @strawberry.field
    def rules(self) -> list[LicenceRule]:
        return [LicenceRule(kind=r.kind, clause=r.clause, text=r.text, actions=sorted(local(a) for a in r.actions),
                            duties=[d.text for d in r.duties]) for r in self.p.rules]


@strawberry.type(name="DecisionReason")
class DecisionReason:
    clause: str
    text: str
    outcome: str = strawberry.field(description="permits, forbids, does not apply, needs facts")
    facts: list[str] = strawberry.field(description="The facts it turned on (or the facts it needs).")


@strawberry.type(name="LicenceDuty")
class LicenceDuty:
    action: str = strawberry.field(description="attribute, ShareAlike, Notice, SourceCode, compensate, …")
    text: str
    words: str = strawberry.field(description="The duty in plain words, with the amount and date when known.")
    applies: bool | None = strawberry.field(description="Null: depends on a fact not given.")
    amount: Decimal | None
    currency: str | None
    due: date | None
    period_start: date | None
    period_end: date | None
    work_rate: Decimal | None
    hours: Decimal | None = strawberry.field(description="The amount as hours of work, rounded up to the quarter hour.")
    minimum_applied: bool
    missing: list[str]


def _duty(d: Owed) -> LicenceDuty:
    return LicenceDuty(
        action=d.action, text=d.text, words=duty_words(d), applies=d.applies,
        amount=money(amount_text(d.amount, d.currency or "")) if d.amount is not None else None,
        currency=d.currency, due=d.due,
        period_start=d.period[0] if d.period else None, period_end=d.period[1] if d.period else None,
        work_rate=money(amount_text(d.work_rate, d.currency or "")) if d.work_rate is not None else None,
        hours=Decimal(d.hours) if d.hours is not None else None, minimum_applied=d.minimum_applied,
        missing=list(d.missing))


@strawberry.type(name="LicenceDecision")
class LicenceDecision:
    licence: ID
    use: str
    permitted: bool | None = strawberry.field(description="Null: undecided until the missing facts are known.")
    answer: str = strawberry.field(description="permitted, not permitted, undecided")
    summary: str = strawberry.field(description="The answer in plain words.")
    reasons: list[DecisionReason]
    duties: list[LicenceDuty]
    missing: list[str] = strawberry.field(description="Facts the answer depends on that were not given.")
    missing_words: list[str]
    overdue: list[str]
    withheld: list[str] = strawberry.field(description="What this answer leaves out because the asker may not "
                                                       "see it: `overdue` (obligations between the user and the "
                                                       "steward are shown to them and admins only).")


def decision(d: Decision) -> LicenceDecision:
    return LicenceDecision(
        licence=ID(d.licence), use=d.use, permitted=d.permitted, answer=d.answer, summary=summary(d),
        reasons=[DecisionReason(clause=r.clause, text=r.text, outcome=r.outcome, facts=r.facts) for r in d.reasons],
        duties=[_duty(x) for x in d.duties], missing=d.missing, missing_words=[fact_words(m) for m in d.missing],
        overdue=list(d.overdue), withheld=list(d.withheld))


@strawberry.input(name="LicenceFactsParams", description="Facts about the user and the use; leave out what you "
                                                          "do not know (the answer says what it needs).")
class LicenceFactsParams:
    legal_form: str | None = None
    worker_owned: bool | None = None
    surplus_to_worker_owners: bool | None = None
    headcount: int | None = None
    annual_revenue: Decimal | None = None
    revenue_currency: str | None = None
    group_headcount: int | None = None
    group_revenue: Decimal | None = None
    use: str = "use"
    commercial: bool | None = None
    production: bool | None = None
    adapted: bool | None = None
    revenue: Decimal | None = None
    currency: str | None = None
    on_day: date | None = strawberry.field(default=None, name="date",
                                           description="The day of the use (as in a facts file).")
    day: date | None = strawberry.field(default=None, deprecation_reason="Use date, as facts files do.")
    first_published: date | None = None
    hours: Decimal | None = strawberry.field(default=None, description="Work offered instead of money.")

    def to_facts(self) -> Facts:
        """Through the same reader as a facts file (the same names, the same checks)."""
        if self.on_day is not None and self.day is not None and self.on_day != self.day:
            raise violation("date", "conflict", "give the day of the use once (date; day is its old name)")
        plain: dict[str, object] = {}
        for name, value in vars(self).items():
            if value is not None:
                key = "date" if name in ("day", "on_day") else _camel(name)
                plain[key] = value.isoformat() if isinstance(value, date) else (
                    str(value) if isinstance(value, PyDecimal) else value)
        return facts_from_json(plain)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


@strawberry.input(name="LicensedUseParams", description="A use of a licensed resource by an agent in the ledger "
                                                        "(its facts come from its record).")
class LicensedUseParams:
    resource: ID
    agent: ID
    use: str = "use"
    commercial: bool | None = None
    production: bool | None = None
    adapted: bool | None = None
    revenue: Decimal | None = strawberry.field(default=None, description="Made with the resource (this sale).")
    currency: str | None = None
    day: date | None = strawberry.field(default=None, description="When; a check defaults to today.")
    first_published: date | None = None
    note: str | None = None

    def to_request(self) -> UseRequest:
        return UseRequest(str(self.resource), str(self.agent), self.use, self.commercial, self.production,
                          self.adapted, PyDecimal(self.revenue) if self.revenue is not None else None, self.currency,
                          self.day, self.first_published, self.note)


@dataclass
class _Listed:
    """The obligations of one answer: their claims are read together when one of them is asked for."""

    ids: list[str]
    fetched: bool = False


@strawberry.type(name="Obligation", description="What a user owes a commons steward under a licence, as of a day.")
class Obligation:
    o: Private[ObligationView]
    listed: Private[_Listed]

    @strawberry.field
    def claim(self, info: Info) -> Claim:
        if not self.listed.fetched:  # the first asked fetches the claims of the whole list, in one read
            info.context.reading.prefetch("claim", self.listed.ids)
            self.listed.fetched = True
        return Claim(r=info.context.reading.must("claim", self.o.owed.id))

    @strawberry.field
    def licence(self) -> str | None:
        return self.o.owed.licence

    @strawberry.field
    def resource(self, info: Info) -> t.EconomicResource | None:
        return m.ref(info, "economic_resource", self.o.owed.about_resource, t.EconomicResource)

    @strawberry.field
    def period_start(self) -> date | None:
        return self.o.owed.period_start

    @strawberry.field
    def period_end(self) -> date | None:
        return self.o.owed.period_end

    @strawberry.field
    def due(self) -> date:
        return self.o.status.due

    @strawberry.field
    def amount(self) -> Decimal:
        return money(amount_text(self.o.status.amount, self._unit))

    @strawberry.field
    def settled(self) -> Decimal:
        return money(amount_text(self.o.status.settled, self._unit))

    @strawberry.field
    def outstanding(self) -> Decimal:
        return money(amount_text(self.o.status.outstanding, self._unit))

    @property
    def _unit(self) -> str:
        return self.o.owed.unit or ""

    @strawberry.field(description="pending, fulfilled or overdue, as of the day asked.")
    def status(self) -> str:
        return self.o.status.state


@strawberry.type(name="LicensedUseResponse")
class LicensedUseResponse:
    economic_event: t.EconomicEvent
    decision: LicenceDecision
    obligation: Claim | None = strawberry.field(description="The claim this use added, if it owes anything.")
    replayed: bool


@strawberry.input(name="SettlementParams", description="A payment towards what a user owes a steward under a "
                                                       "licence: money (a transfer between their accounts) or hours "
                                                       "of work. It is recorded `agreedIn` the licence's policy.")
class SettlementParams:
    user: ID
    steward: ID
    licence: ID
    has_point_in_time: str
    hours: Decimal | None = None
    amount: Decimal | None = None
    currency: ID | None = None
    from_resource: ID | None = None
    to_resource: ID | None = None
    note: str | None = None


Key = Annotated[str | None, strawberry.argument(
    description="Retrying with the same key returns the first result and writes nothing.")]


@strawberry.type
class LicenceQueries:
    @strawberry.field(description="Every licence the ledger knows, as ODRL policies.")
    def licences(self) -> list[Licence]:
        return [Licence(p=p) for p in licences.policies().values()]

    @strawberry.field
    def licence(self, id: ID) -> Licence:
        return Licence(p=licences.policy(str(id)))

    @strawberry.field(description="May someone with these facts make this use under this licence?")
    def check_licence(self, licence: ID, facts: LicenceFactsParams) -> LicenceDecision:
        return decision(licences.check(str(licence), facts.to_facts()))

    @strawberry.field(description="May this agent make this use of this resource? Its facts come from the ledger, "
                                  "and an overdue obligation to the steward holds the permission back.")
    def check_use(self, info: Info, use: LicensedUseParams) -> LicenceDecision:
        if str(use.resource).startswith(("https://", "http://")):  # a design another node published here
            return decision(declarations.check(info.context.uow, str(use.resource), use.to_request()))
        return decision(obligations.check_use(info.context.uow, use.to_request()))

    @strawberry.field(description="Obligations of a user (`agent`) or owed to a `steward`, as of a day (today).")
    def obligations(self, info: Info, agent: ID | None = None, steward: ID | None = None,
                    as_of: date | None = None, open_only: bool = False) -> list[Obligation]:
        day = as_of or clock.today()
        found = obligations.obligations(info.context.uow, day, str(agent) if agent else None,
                                        str(steward) if steward else None, open_only)
        listed = _Listed([o.owed.id for o in found])
        return [Obligation(o=o, listed=listed) for o in found]


@strawberry.type
class LicenceMutations:
    @strawberry.mutation(description="Record a use of a licensed resource (a `cite` event from its steward) and the "
                                     "obligation it creates; a use the licence does not permit is refused.")
    def record_licensed_use(self, info: Info, use: LicensedUseParams, idempotency_key: Key = None
                            ) -> LicensedUseResponse:
        done = obligations.record_use(info.context.uow, use.to_request(), idempotency_key)
        return LicensedUseResponse(economic_event=t.EconomicEvent(r=done.event.event), decision=decision(done.decision),
                                   obligation=Claim(r=done.claim) if done.claim else None, replayed=done.replayed)

    @strawberry.mutation(description="Pay towards obligations: records the transfer of money, or the work, from the "
                                     "user to the steward; it settles what is owed, oldest due date first.")
    def settle_obligations(self, info: Info, payment: SettlementParams, idempotency_key: Key = None
                           ) -> t.EconomicEvent:
        when = payment.has_point_in_time
        try:
            moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            raise violation("hasPointInTime", "bad_date", f"{when!r} is not an ISO 8601 date-time") from None
        done = remote_payments.settle(info.context.uow, obligations.Settlement(
            str(payment.user), str(payment.steward), str(payment.licence), moment,
            PyDecimal(payment.hours) if payment.hours is not None else None,
            PyDecimal(payment.amount) if payment.amount is not None else None,
            str(payment.currency) if payment.currency else None,
            str(payment.from_resource) if payment.from_resource else None,
            str(payment.to_resource) if payment.to_resource else None, payment.note), idempotency_key)
        return t.EconomicEvent(r=done.event)
