"""A policy compiled once into an evaluator: the verdict of a decision and the amount it owes, without its words.

The decision engine (`decide.py`) reads a policy's rules and says why, clause by clause; most callers first need
only the answer (may this user make this use?) and what it costs. `compile_policy` turns each constraint into a
function of the facts (true, false or unknown), evaluates each rule once per decision however many actions
share it, and keeps per kind of use the rules that matter. The semantics are the engine's, stated once here and
used by it: a prohibition that holds forbids, else a permission that holds permits, else a rule still undecided
leaves the answer waiting for a fact, else the licence grants no such right. The words (reasons, duties, missing
facts) are worked out by the engine only when read; tests hold the two to the same answers on every licence.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, cast

from valueflows.reciprocity.facts import SNAKE, USES, Facts
from valueflows.reciprocity.policy import CC, ODRL, VFL, Atomic, Constraint, Logical, Policy, local

# The ODRL action each kind of use needs. `modify` makes an adaptation (odrl:derive: a new asset); selling
# products made with a resource is our profile's vfl:sellProducts (odrl:sell would be selling the asset itself);
# commercial use is cc:CommercialUse (what ODRL 2.2's deprecated odrl:commercialize maps to).
USE_ACTIONS = {"use": ODRL + "use", "copy": ODRL + "reproduce", "modify": ODRL + "derive",
               "distribute": ODRL + "distribute", "sell": VFL + "sellProducts"}
COMMERCIALIZE = CC + "CommercialUse"
COMPENSATE = ODRL + "compensate"
FACT_OF = {"dateTime": "date"}  # ODRL's own left operands, by the fact that answers them
CURRENCY_OF = {"annualRevenue": "revenueCurrency", "groupRevenue": "revenueCurrency", "revenue": "currency"}
CENT = Decimal("0.01")

Test = Callable[[Facts], "bool | None"]
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "neq": operator.ne, "lt": operator.lt, "lteq": operator.le, "gt": operator.gt,
    "gteq": operator.ge}
_SYMBOL = {"eq": "==", "neq": "!=", "lt": "<", "lteq": "<=", "gt": ">", "gteq": ">="}
_FIELDS = {f.name for f in fields(Facts)}


def needed(facts: Facts) -> list[str]:
    """The ODRL actions a use needs; a use that may be commercial needs commercial use too."""
    actions = [USE_ACTIONS[facts.use]]
    if facts.commercial is not False:
        actions.append(COMMERCIALIZE)
    return actions


def as_sold(facts: Facts) -> Facts:
    """Selling products made with a resource is commercial."""
    return replace(facts, commercial=True) if facts.use == "sell" and facts.commercial is None else facts


def compare(op: str, have: Any, want: tuple[Any, ...]) -> bool:
    if op == "isAnyOf":
        return have in want
    if op == "isNoneOf":
        return have not in want
    return bool(_COMPARE[op](have, want[0]))


@dataclass(frozen=True)
class PayTerms:
    """A compensation duty's figures: a share of revenue, a minimum per period, in a currency."""

    share: Decimal | None
    minimum: Decimal | None
    currency: str | None


def pay_terms(figures: Mapping[str, Any]) -> PayTerms:
    share = figures.get("revenueShare", (None, None))[0]
    minimum, unit = figures.get("payAmount", (None, None))
    return PayTerms(Decimal(share) if share is not None else None,
                    Decimal(minimum) if minimum is not None else None, local(unit) if unit else None)


def amount_owed(terms: PayTerms, facts: Facts) -> tuple[Decimal | None, bool, tuple[str, ...]]:
    """A compensation duty's amount for these facts: a share of the revenue with a minimum per period, or the
    minimum alone; with whether the minimum applied and the facts it still needs (never converts currencies)."""
    minimum = terms.minimum
    if terms.share is None:
        return (minimum.quantize(CENT) if minimum is not None else None), False, ()
    if facts.revenue is None:
        return None, False, ("revenue",)
    if facts.currency != terms.currency:
        return None, False, (f"revenue in {terms.currency}",)
    exact = facts.revenue * terms.share
    if minimum is not None and exact < minimum:
        return minimum.quantize(CENT), True, ()
    return exact.quantize(CENT, ROUND_HALF_EVEN), False, ()  # positional: the keyword costs twice the rounding


# -- constraints written as Python ------------------------------------------------------------------------------

class _Source:
    """The source of one evaluator being written. Values from the policy (operands, units, rules) are never
    written into the text: they are named constants of the function's namespace, so a policy document can only
    ever choose among the statements below."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self._count = 0

    def name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def constant(self, value: Any) -> str:
        name = self.name("k")
        self.constants[name] = value
        return name

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def function(self, signature: str, label: str) -> Callable[..., Any]:
        namespace = dict(self.constants)
        text = f"def {signature}:\n" + "\n".join(self.lines) + "\n"
        exec(compile(text, f"<{label}>", "exec"), namespace)
        return cast(Callable[..., Any], namespace[signature.split("(")[0]])


def _fact(src: _Source, fact: str, depth: int) -> str | None:
    """Lines that read a fact into a local; None when it is not a fact we are ever told."""
    have = src.name("x")
    if fact == "yearsSincePublication":  # derived from two facts
        src.line(depth, f"{have} = f.value({src.constant(fact)})")
        return have
    name = SNAKE.get(fact, fact)
    if name not in _FIELDS:
        return None
    src.line(depth, f"{have} = f.{name}")
    return have


def _atomic(src: _Source, c: Atomic, target: str, depth: int) -> None:
    name = local(c.left)
    have = _fact(src, FACT_OF.get(name, name), depth)
    if have is None:
        src.line(depth, f"{target} = None")
        return
    unit = local(c.unit) if c.unit else None
    unknown = f"{have} is None"
    if unit is not None and name in CURRENCY_OF:  # an amount in another currency (or none) is not known here
        currency = SNAKE[CURRENCY_OF[name]]
        unknown += f" or f.{currency} != {src.constant(unit)}"
    src.line(depth, f"if {unknown}:")
    src.line(depth + 1, f"{target} = None")
    src.line(depth, "else:")
    if c.operator in ("isAnyOf", "isNoneOf"):
        src.line(depth + 1, f"{target} = {have} {'in' if c.operator == 'isAnyOf' else 'not in'} "
                            f"{src.constant(c.right)}")
        return
    src.line(depth + 1, "try:")
    src.line(depth + 2, f"{target} = {have} {_SYMBOL[c.operator]} {src.constant(c.right[0])}")
    src.line(depth + 1, "except TypeError:")  # a fact of another kind than the operand: not known here
    src.line(depth + 2, f"{target} = None")


def _constraint(src: _Source, c: Constraint | None, target: str, depth: int) -> None:
    """Lines that set `target` to the constraint's value: True, False, or None when a fact it needs is unknown."""
    if c is None:
        src.line(depth, f"{target} = True")
        return
    if isinstance(c, Atomic):
        _atomic(src, c, target, depth)
        return
    deciding = c.operator == "or"  # one true part decides an `or`, one false part an `and`
    unknown = src.name("u")
    src.line(depth, f"{unknown} = False")
    for part in c.parts:
        value = src.name("v")
        _constraint(src, part, value, depth)
        src.line(depth, f"if {value} is {deciding}:")
        src.line(depth + 1, f"{target} = {deciding}")
        src.line(depth, "else:")
        depth += 1
        src.line(depth, f"if {value} is None:")
        src.line(depth + 1, f"{unknown} = True")
    src.line(depth, f"{target} = None if {unknown} else {not deciding}")


def test_of(c: Constraint | None) -> Test:
    """A constraint as a function of the facts: true, false, or None when a fact it needs is unknown."""
    src = _Source()
    _constraint(src, c, "r", 1)
    src.line(1, "return r")
    return cast(Test, src.function("test(f)", "constraint"))


def reads(c: Constraint | None) -> set[str]:
    """The facts a constraint reads, by profile name."""
    if c is None:
        return set()
    if isinstance(c, Logical):
        return set().union(*(reads(p) for p in c.parts))
    name = local(c.left)
    return {FACT_OF.get(name, name)} | ({CURRENCY_OF[name]} if c.unit and name in CURRENCY_OF else set())


# -- the compiled policy -----------------------------------------------------------------------------------------

# a compensation duty of a rule, ready to judge: its words, when it applies (None: always), its figures
Pay = tuple[str, "Test | None", PayTerms]
# the answer (None: it depends on facts not given), and the compensations of the permissions that grant the use
Verdict = tuple["bool | None", list[tuple[Pay, ...]]]


def _any(values: Sequence[str], test: str) -> str:
    return " or ".join(f"{v} {test}" for v in values)


def _plan(policy: Policy, use: str, commercial: bool | None,
          pays: Mapping[int, tuple[Pay, ...]]) -> Callable[[Facts, Sequence[str]], Verdict]:
    """The verdict for a kind of use, written out: each rule that bears on it tested once, then each action the
    use needs decided from its rules (a prohibition that holds forbids; else a permission that holds permits;
    else an undecided rule leaves it undecided; else no right is granted)."""
    wanted = [USE_ACTIONS[use]] + ([COMMERCIALIZE] if commercial is not False else [])
    rules = [r for r in policy.rules if r.actions & set(wanted)]
    src = _Source()
    value = {id(r): src.name("t") for r in rules}
    for r in rules:
        _constraint(src, r.constraint, value[id(r)], 1)
    answers, granted = [], []
    for action in wanted:
        answer, allowed = src.name("d"), src.name("g")
        answers.append(answer)
        forbidding = [value[id(r)] for r in rules if action in r.actions and r.kind == "prohibition"]
        permitting = [(value[id(r)], r) for r in rules if action in r.actions and r.kind == "permission"]
        src.line(1, f"{allowed} = []")
        for test, rule in permitting:
            src.line(1, f"if {test} is True:")
            src.line(2, f"{allowed}.append({src.constant(pays[id(rule)])})")
        branches = []
        if forbidding:
            branches += [(_any(forbidding, "is True"), f"{answer} = False; {allowed} = []"),
                         (_any(forbidding, "is None"), f"{answer} = None")]
        branches.append((allowed, f"{answer} = True"))
        if permitting:
            branches.append((_any([t for t, _ in permitting], "is None"), f"{answer} = None"))
        for i, (condition, then) in enumerate(branches):
            src.line(1, f"{'if' if i == 0 else 'elif'} {condition}:")
            src.line(2, then)
        src.line(1, "else:")
        src.line(2, f"{answer} = False")
        if action == COMMERCIALIZE and commercial is None:  # commercial or not, it matters: undecided
            src.line(1, f"if {answer} is not True:")
            src.line(2, f"{answer} = None")
            src.line(1, f"{allowed} = []")
        granted.append(allowed)
    src.line(1, f"if {_any(answers, 'is False')}:")
    src.line(2, "p = False")
    src.line(1, f"elif {_any(answers, 'is None')}:")
    src.line(2, "p = None")
    src.line(1, "else:")
    src.line(2, "p = not overdue")  # an overdue obligation holds back what would be permitted
    src.line(1, f"return p, {' + '.join(granted)}")
    return cast(Callable[[Facts, Sequence[str]], Verdict],
                src.function("verdict(f, overdue)", f"policy {policy.id}, {use}"))


class Compiled:
    """A policy's evaluator; `verdict(facts)` is what `decide` would answer, `compensation(...)` what it owes."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        pays = {id(r): tuple((d.text, test_of(d.constraint) if d.constraint else None, pay_terms(d.figures))
                             for d in r.duties if d.action == COMPENSATE) for r in policy.rules}
        # by use and whether it is commercial (unknown is never so for selling: selling products is commercial)
        self._plans = {(use, commercial): _plan(policy, use, commercial, pays) for use in USES
                       for commercial in (False, True, None) if not (use == "sell" and commercial is None)}
        self.reads_commercial = any("commercial" in reads(r.constraint) for r in policy.rules)
        compensating = {d.text for r in policy.rules for d in r.duties if d.action == COMPENSATE}
        others = {d.text for r in policy.rules for d in r.duties if d.action != COMPENSATE}
        # the engine lists a duty once by its words: a compensation worded like another duty is left to it
        self.plain_compensation = not (compensating & others)

    def verdict(self, facts: Facts, overdue: Sequence[str] = ()) -> Verdict:
        commercial = facts.commercial
        if commercial is None and facts.use == "sell":  # selling products made with it is commercial
            commercial = True
            if self.reads_commercial:
                facts = replace(facts, commercial=True)
        return self._plans[facts.use, commercial](facts, overdue)

    def compensation(self, facts: Facts, granted: Sequence[tuple[Pay, ...]]) -> tuple[bool, Decimal | None]:
        """(known, amount): the amount of the first compensation duty that comes with the use and has one, as the
        engine lists it; not known here (False) when the policy words a compensation like another duty."""
        if not self.plain_compensation:
            return False, None
        seen: list[str] = []
        for pays in granted:
            for text, applies, terms in pays:
                if text in seen or (applies is not None and applies(facts) is False):
                    continue
                seen.append(text)
                amount = amount_owed(terms, facts)[0]
                if amount is not None:
                    return True, amount
        return True, None


_COMPILED: dict[Policy, Compiled] = {}


def compile_policy(policy: Policy) -> Compiled:
    """The policy's evaluator, compiled on first use (a policy is read once and decided many times)."""
    found = _COMPILED.get(policy)
    if found is None:
        if len(_COMPILED) >= 256:  # policies read from documents one by one: keep only the recent ones
            _COMPILED.clear()
        found = _COMPILED[policy] = Compiled(policy)
    return found
