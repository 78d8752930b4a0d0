"""The decision: may this user make this use of a resource under this licence, why, and what comes with it.

Three-valued: each constraint is true, false or unknown (a fact it needs is missing). For every ODRL action the
use needs (the kind of use, and `commercialize` when it is commercial):
- a prohibition whose constraint holds forbids it (prohibitions win: ODRL conflict strategy `prohibit`);
- else a permission whose constraint holds permits it, with that permission's duties;
- else, if some rule could still apply once a missing fact is known, the answer waits for that fact;
- else the licence grants no such right.
The use is permitted when every action it needs is. Each reason names the clause and the fact it turned on.
"""

from __future__ import annotations

import calendar
import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import cache
from typing import Any

from valueflows.reciprocity.compiled import (
    COMMERCIALIZE,
    COMPENSATE,
    CURRENCY_OF,
    FACT_OF,
    Compiled,
    Pay,
    amount_owed,
    as_sold,
    compare,
    compile_policy,
    needed,
    pay_terms,
)
from valueflows.reciprocity.facts import Facts
from valueflows.reciprocity.policy import Atomic, Constraint, Duty, Logical, Policy, Rule, local

ACTION_WORDS = {"use": "use it", "reproduce": "copy it", "derive": "adapt it", "distribute": "distribute it",
                "sellProducts": "sell products made with it", "CommercialUse": "use it commercially"}
# the fact a constraint turned on, in words: "headcount is 240, at least 10"; "groupHeadcount is 150, not under 100"
PHRASES = {"eq": "", "neq": "not", "lt": "under", "lteq": "at most", "gt": "over", "gteq": "at least",
           "isAnyOf": "one of", "isNoneOf": "none of"}
NEGATIONS = {"eq": "not", "neq": "which is excluded:", "lt": "not under", "lteq": "over", "gt": "not over",
             "gteq": "under", "isAnyOf": "not one of", "isNoneOf": "one of the excluded"}


@dataclass(frozen=True)
class Outcome:
    value: bool | None
    because: list[str] = field(default_factory=list)  # the facts it turned on, in words
    missing: set[str] = field(default_factory=set)


def evaluate(constraint: Constraint | None, facts: Facts) -> Outcome:
    if constraint is None:
        return Outcome(True)
    if isinstance(constraint, Logical):
        parts = [evaluate(c, facts) for c in constraint.parts]
        deciding = constraint.operator == "or"
        hits = [p for p in parts if p.value is deciding]
        if hits:  # one true part decides an `or`, one false part an `and`
            return Outcome(deciding, hits[0].because)
        unknown = [p for p in parts if p.value is None]
        if unknown:
            return Outcome(None, [], set().union(*(p.missing for p in unknown)))
        return Outcome(not deciding, [b for p in parts for b in p.because])
    return _atomic(constraint, facts)


@dataclass(frozen=True)
class _Read:
    """What an atomic constraint says, read once per constraint (a policy is read once and decided many times)."""

    name: str  # the left operand's local name
    fact: str  # the fact it is about
    unit: str | None  # the right operand's unit, by local name
    values: str  # the right operand in words
    unit_words: str  # " EUR", or nothing


@cache
def _read(c: Atomic) -> _Read:
    name = local(c.left)
    unit = local(c.unit) if c.unit else None
    return _Read(name, FACT_OF.get(name, name), unit,
                 ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in c.right),
                 f" {unit}" if unit else "")


def _atomic(c: Atomic, facts: Facts) -> Outcome:
    read = _read(c)
    name, fact = read.name, read.fact
    have = facts.value(fact)
    if have is None:
        if fact == "yearsSincePublication":  # derived from two facts: name the one missing
            return Outcome(None, missing={"date" if facts.date is None else "firstPublished"})
        return Outcome(None, missing={fact})
    if read.unit is not None and name in CURRENCY_OF:
        currency = facts.value(CURRENCY_OF[name])
        unit = read.unit
        if currency is None:
            return Outcome(None, missing={CURRENCY_OF[name]})
        if currency != unit:  # never convert with a rate we were not given
            return Outcome(None, missing={f"{fact} in {unit}"})
    try:
        holds = compare(c.operator, have, c.right)
    except TypeError:
        return Outcome(None, missing={f"{fact} (a {type(c.right[0]).__name__})"})
    shown = have if not isinstance(have, bool) else str(have).lower()
    values, unit_words = read.values, read.unit_words
    phrase = (PHRASES if holds else NEGATIONS)[c.operator]
    return Outcome(holds, [f"{fact} is {shown}{unit_words}" + (f", {phrase} {values}{unit_words}" if phrase else "")])


@dataclass(frozen=True)
class Reason:
    clause: str
    text: str
    outcome: str  # "permits", "forbids", "does not apply", "needs facts"
    facts: list[str]


@dataclass(frozen=True)
class Owed:
    """A duty that comes with the use."""

    action: str  # local name: attribute, shareAlike, compensate, SourceCode, Notice, ...
    text: str
    applies: bool | None = True  # None: depends on a missing fact
    amount: Decimal | None = None
    currency: str | None = None
    due: date | None = None
    to: str | None = None
    period: tuple[date, date] | None = None
    work_rate: Decimal | None = None
    hours: Decimal | None = None  # the same amount in work at `work_rate`
    minimum_applied: bool = False
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Words:
    """Why a decision is what it is: the clauses it turned on, the duties that come with it, the facts it needs."""

    permitted: bool | None
    reasons: list[Reason]
    duties: list[Owed]
    missing: list[str]


# a decision made by the compiled policy, whose words are left to be worked out when read: the policy, the facts,
# and the compensations of the permissions that grant the use
_Made = tuple[Compiled, Facts, Sequence[tuple[Pay, ...]]]


class Decision:
    """May this user make this use, and why. The answer (`permitted`) is worked out when the decision is made, by
    the compiled policy; the amount owed (`compensation`) and the words (`reasons`, `duties`, `missing`, by the
    engine below) when first read."""

    __slots__ = ("_owed", "_why", "licence", "overdue", "permitted", "use", "withheld")

    def __init__(self, licence: str, use: str, permitted: bool | None, why: Words | _Made,
                 overdue: Sequence[str] = (), withheld: Sequence[str] = ()) -> None:
        self.licence = licence
        self.use = use
        self.permitted = permitted  # None: depends on facts not given
        self.overdue = overdue
        # what the asker may not see: "overdue" when obligations between this user and the steward are private
        self.withheld = withheld
        self._why = why
        self._owed: Decimal | bool | None = False  # False: not worked out yet

    def words(self) -> Words:
        why = self._why
        if isinstance(why, Words):
            return why
        compiled, facts, _ = why
        self._why = found = explain(compiled.policy, facts, self.overdue)
        return found

    @property
    def reasons(self) -> list[Reason]:
        return self.words().reasons

    @property
    def duties(self) -> list[Owed]:
        return self.words().duties

    @property
    def missing(self) -> list[str]:
        return self.words().missing

    @property
    def compensation(self) -> Decimal | None:
        """The amount of the first compensation duty that comes with the use and has one (None: nothing owed, or
        it depends on facts not given)."""
        owed = self._owed
        if owed is not False:
            return owed  # type: ignore[return-value]
        why = self._why
        known = False
        if not isinstance(why, Words):
            compiled, facts, granted = why
            known, owed = compiled.compensation(facts, granted)
        if not known:
            owed = next((d.amount for d in self.duties if d.action == "compensate" and d.amount is not None), None)
        self._owed = owed
        return owed  # type: ignore[return-value]

    def withholding(self, *what: str) -> Decision:
        """The same decision, saying what the asker may not see."""
        found = copy.copy(self)
        found.withheld = what
        return found

    @property
    def answer(self) -> str:
        if self.permitted is None:
            return "undecided"
        return "permitted" if self.permitted else "not permitted"

    def __repr__(self) -> str:
        return f"Decision({self.licence!r}, {self.use!r}, permitted={self.permitted!r}, overdue={self.overdue!r})"


def decide(policy: Policy, facts: Facts, overdue: Iterable[str] = ()) -> Decision:
    """The decision: its answer from the compiled policy; what it owes and its words when read."""
    late = overdue if isinstance(overdue, tuple) else tuple(overdue)
    compiled = compile_policy(policy)
    permitted, granted = compiled.verdict(facts, late)
    return Decision(policy.id, facts.use, permitted, (compiled, facts, granted), late)


def explain(policy: Policy, facts: Facts, overdue: Iterable[str] = ()) -> Words:
    """The decision read clause by clause: its answer with the reasons, duties and missing facts behind it."""
    facts = as_sold(facts)
    reasons: list[Reason] = []
    duties: list[Owed] = []
    missing: set[str] = set()
    verdicts: list[bool | None] = []
    for action in needed(facts):
        verdict, granted = _action(policy, action, facts, reasons, missing)
        if action == COMMERCIALIZE and facts.commercial is None:
            # whether the use is commercial matters if commercial use is not plainly allowed, or has duties
            if verdict is not True or any(r.duties for r in granted):
                missing.add("commercial")
            verdict = None if verdict is not True else verdict
            granted = []
        verdicts.append(verdict)
        for rule in granted:
            for duty in rule.duties:
                owed = _owed(duty, facts)
                if owed.applies is not False and all(d.text != owed.text for d in duties):
                    duties.append(owed)
                    missing.update(owed.missing)
    permitted: bool | None = False if False in verdicts else (None if None in verdicts else True)
    unique: dict[tuple[str, str, tuple[str, ...]], Reason] = {}
    for r in reasons:
        unique.setdefault((r.clause, r.outcome, tuple(r.facts)), r)
    reasons = list(unique.values())
    late = list(overdue)
    if permitted and late:
        permitted = False
        reasons.append(Reason("reciprocity", "an obligation to the commons is overdue", "forbids",
                              [f"permitted once the overdue obligation {o} is settled" for o in late]))
    return Words(permitted, reasons, duties, sorted(missing))


def _action(policy: Policy, action: str, facts: Facts, reasons: list[Reason],
            missing: set[str]) -> tuple[bool | None, list[Rule]]:
    """The verdict for one action, and the permissions that grant it (whose duties then apply)."""
    words = ACTION_WORDS.get(local(action), local(action))
    rules = [r for r in policy.rules if action in r.actions]
    forbidden, maybe_forbidden = [], []
    for rule in (r for r in rules if r.kind == "prohibition"):
        out = evaluate(rule.constraint, facts)
        if out.value is True:
            forbidden.append(rule)
            reasons.append(Reason(rule.clause, rule.text, "forbids", out.because))
        elif out.value is None:
            maybe_forbidden.append(rule)
            missing.update(out.missing)
            reasons.append(Reason(rule.clause, rule.text, "needs facts", sorted(out.missing)))
    if forbidden:
        return False, []
    granted, maybe = [], []
    for rule in (r for r in rules if r.kind == "permission"):
        out = evaluate(rule.constraint, facts)
        if out.value is True:
            granted.append(rule)
            reasons.append(Reason(rule.clause, rule.text, "permits", out.because))
        elif out.value is None:
            maybe.append((rule, out.missing))
        else:
            reasons.append(Reason(rule.clause, rule.text, "does not apply", out.because))
    for rule, needs in maybe:
        # an undecided permission matters if nothing else grants the action, or if it would add duties
        if not granted or any(evaluate(d.constraint, facts).value is not False for d in rule.duties):
            missing.update(needs)
            reasons.append(Reason(rule.clause, rule.text, "needs facts", sorted(needs)))
    if granted and not maybe_forbidden:
        return True, granted
    if granted or maybe or maybe_forbidden:
        return None, granted
    if not rules:
        reasons.append(Reason("grant", f"the licence grants no right to {words}", "forbids", []))
    return False, []


# -- duties -----------------------------------------------------------------------------------------------------

def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    last_month = first_month + 2
    return date(day.year, first_month, 1), date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])


def _owed(duty: Duty, facts: Facts) -> Owed:
    applies = evaluate(duty.constraint, facts)
    owed = Owed(local(duty.action), duty.text, applies.value, to=duty.to, missing=sorted(applies.missing))
    if duty.action != COMPENSATE or applies.value is False:
        return owed
    return _compensation(duty, facts, owed)


def _figure(duty: Duty, name: str) -> tuple[Any, str | None]:
    value, unit = duty.figures.get(name, (None, None))
    return value, local(unit) if unit else None


def _compensation(duty: Duty, facts: Facts, owed: Owed) -> Owed:
    """Revenue share with a minimum per period, due some days after the period ends, payable in work."""
    _, currency = _figure(duty, "payAmount")
    period_kind, _ = _figure(duty, "period")
    due_days, _ = _figure(duty, "dueDays")
    rate, _ = _figure(duty, "workRate")
    work_rate = Decimal(rate) if rate is not None else None
    missing = list(owed.missing)
    period: tuple[date, date] | None = None
    due: date | None = None
    if facts.date is None:
        missing.append("date")
    elif period_kind == "quarter":
        period = quarter_of(facts.date)
        due = period[1] + timedelta(days=int(due_days or 0))
    amount, minimum_applied, needs = amount_owed(pay_terms(duty.figures), facts)
    missing += needs
    hours = None
    if amount is not None and work_rate:
        # hours of work worth the amount, rounded up to the quarter hour so work never pays less than money
        hours = (amount / work_rate * 4).to_integral_value(rounding=ROUND_CEILING) / 4
    applies = owed.applies if not missing else (None if owed.applies is not False else False)
    return replace(owed, applies=applies, amount=amount, currency=currency, due=due, period=period,
                   work_rate=work_rate, hours=hours, minimum_applied=minimum_applied, missing=missing)
