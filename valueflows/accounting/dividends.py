"""The annual dividend: what a co-op keeps as reserve, and what each member receives, in cash and in capital.

Pure. Given the surplus, the rates and the basis (a value equation; `hours` is the built-in one), and the
members' contributions over the period:

1. reserve = surplus x reserve rate, rounded half to even to the currency's smallest unit;
2. the rest (the distributable amount) is divided by the equation among members' contributions (see
   `equations.value`); contributions of agents who were not members when they made them do not count, and are
   listed as excluded;
3. each member's dividend is split into cash = dividend x cash rate (rounded half to even to the unit) and
   retained = dividend - cash, credited to the member's capital account.

Invariant, exact to the unit: sum of dividends + reserve + undistributed = surplus; cash + retained = dividend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Any

from valueflows.accounting.allocation import unit_of
from valueflows.accounting.equations import EXACT, Claim, Line, Valuation, ValueEquation, counts, fraction_text, value
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import canonical

MAX_SURPLUS = Decimal(10) ** 15


@dataclass(frozen=True)
class DividendTerms:
    organization: str
    start: date
    end: date  # inclusive
    surplus: Decimal
    currency: str
    reserve_rate: Decimal
    cash_rate: Decimal

    def problems(self) -> list[Problem]:
        """Every bad term, named (an unknown currency, a period that ends before it begins, …)."""
        problems: list[Problem] = []
        unit = Decimal("0.01")
        try:
            unit = unit_of(self.currency)
        except RuleViolation as e:
            problems.extend(e.problems)
        if self.end < self.start:
            problems.append(Problem("to", "empty_period", "the period ends before it begins"))
        if self.surplus < 0:
            problems.append(Problem("surplus", "negative", "a loss is not distributed: the surplus is zero or more"))
        elif self.surplus > MAX_SURPLUS:
            problems.append(Problem("surplus", "too_large", f"a surplus is below {MAX_SURPLUS:,}"))
        elif self.surplus % unit:
            problems.append(Problem("surplus", "finer_than_unit",
                                    f"{canonical(self.surplus)} is not a whole number of {unit} {self.currency}"))
        for name, rate in (("reserve", self.reserve_rate), ("cash", self.cash_rate)):
            if not Decimal(0) <= rate <= Decimal(1):
                problems.append(Problem(name, "out_of_range", f"the {name} rate is between 0 and 1 (e.g. 0.25)"))
        return problems


def dividend_problems(terms: DividendTerms, equation: ValueEquation) -> list[Problem]:
    """What stands in the way of a run on these terms by this equation: bad terms, and caps per claim that are not a
    whole number of the currency's unit."""
    problems = terms.problems()
    if not problems:
        unit = unit_of(terms.currency)
        if any(r.cap % unit for b in equation.buckets for r in b.rules if r.cap is not None):
            problems.append(Problem("equation", "cap_finer_than_unit",
                                    f"a cap of {equation.name!r} is not a whole number of {unit} {terms.currency}"))
    return problems


@dataclass(frozen=True)
class MemberClaim:
    claim: Claim
    member: bool  # was the agent a member of the organization when it contributed?


@dataclass(frozen=True)
class Allocation:
    agent: str
    dividend: Decimal
    cash: Decimal
    retained: Decimal
    points: Fraction
    share: Fraction  # dividend / everything distributed
    lines: list[Line]

    def explain(self) -> list[dict[str, Any]]:
        return [line.explain() for line in self.lines]


@dataclass(frozen=True)
class DividendResult:
    terms: DividendTerms
    equation: ValueEquation
    reserve: Decimal
    distributable: Decimal
    valuation: Valuation
    allocations: list[Allocation]
    excluded: list[Claim] = field(default_factory=list)  # what non-members did that the equation would count
    # prior-period adjustments among the counted flows, shown on their own lines (see adjustment_lines)
    adjustments: tuple[dict[str, str], ...] = ()

    @property
    def distributed(self) -> Decimal:
        return sum((a.dividend for a in self.allocations), Decimal(0))

    @property
    def undistributed(self) -> Decimal:
        return self.distributable - self.distributed

    def check_sums(self) -> None:
        """The invariant, checked on every run before anything is shown or stored."""
        total = self.distributed + self.reserve + self.undistributed
        if total != self.terms.surplus or any(a.cash + a.retained != a.dividend for a in self.allocations):
            raise AssertionError(f"dividend run does not add up: {total} != {self.terms.surplus}")


_HALF_EVEN = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_EVEN)  # rounds only to the unit


def round_to(amount: Decimal | Fraction, unit: Decimal) -> Decimal:
    """Half to even, to the currency's unit (the documented rule for reserve and cash parts)."""
    if isinstance(amount, Decimal) and unit.as_tuple().digits == (1,):  # a power of ten: a decimal rounds itself
        rounded = amount.quantize(unit, context=_HALF_EVEN)
        return rounded if rounded else rounded.copy_abs()  # no "-0.00"
    exact = Fraction(amount) / Fraction(unit)
    return unit * round(exact)  # Python's round() on a Fraction is half to even


def compute_dividends(terms: DividendTerms, equation: ValueEquation, claims: Iterable[MemberClaim],
                      found: Iterable[Problem] = ()) -> DividendResult:
    """The run. Its problems (and those the caller `found` on the way, such as an equation it could not find) are
    refused together, once: RuleViolation naming each."""
    problems = [*found, *dividend_problems(terms, equation)]
    if problems:
        raise RuleViolation(problems)
    unit = unit_of(terms.currency)
    reserve = round_to(EXACT.multiply(terms.surplus, terms.reserve_rate), unit)
    distributable = terms.surplus - reserve
    counted: list[Claim] = []
    excluded: list[Claim] = []
    for c in claims:
        if c.member:
            counted.append(c.claim)
        elif counts(equation, c.claim):  # a non-member's flow the equation would have counted
            excluded.append(c.claim)
    valuation = value(equation, distributable, unit, counted)
    distributed = valuation.distributed
    allocations = []
    for agent in sorted(valuation.parts, key=lambda a: (-valuation.parts[a], a)):
        dividend = valuation.parts[agent]
        cash = round_to(EXACT.multiply(dividend, terms.cash_rate), unit)
        (n, d), (total_n, total_d) = dividend.as_integer_ratio(), distributed.as_integer_ratio()
        allocations.append(Allocation(
            agent, dividend, cash, dividend - cash, valuation.points.get(agent, Fraction(0)),
            Fraction(n * total_d, d * total_n) if distributed else Fraction(0), valuation.lines.get(agent, [])))
    result = DividendResult(terms, equation, reserve, distributable, valuation, allocations,
                            _group_excluded(excluded))
    result.check_sums()
    return result


def _group_excluded(claims: list[Claim]) -> list[Claim]:
    sums: dict[tuple[str, str, str | None, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for c in claims:
        entry = sums[(c.agent, c.action, c.kind, c.unit)]
        entry[0] += c.quantity
        entry[1] += c.events
    return [Claim(a, act, k, u, q, n) for (a, act, k, u), (q, n) in sorted(sums.items(), key=lambda kv: (
        kv[0][0], kv[0][1], kv[0][2] or "", kv[0][3]))]


# -- what a committed run stores --------------------------------------------------------------------------------

NS = "https://w3id.org/valueflows-ledger/ns#"
CASH_CLAIM = NS + "DividendCash"
CAPITAL_CLAIM = NS + "CapitalCredit"
REVERSAL = NS + "DividendReversal"
POINT_PLACES = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class DividendRun:
    """A committed dividend run: its inputs, what it read, and its totals. Never changed once written."""

    id: str
    organization: str
    period_start: date
    period_end: date
    surplus: Decimal
    currency: str
    reserve_rate: Decimal
    cash_rate: Decimal
    basis: str  # "hours" or "equation"
    reserve: Decimal
    distributed: Decimal
    undistributed: Decimal
    ledger_seq: int  # the chain head when the run read the ledger: it read everything up to here
    ledger_hash: str
    events_digest: str  # SHA-256 over the chain hashes of the events it read, in chain order
    events_read: int
    created_at: datetime
    equation: str | None = None  # the equation version's id (basis "equation")
    undistributed_detail: tuple[dict[str, str], ...] = ()
    excluded: tuple[dict[str, str], ...] = ()  # contributions of non-members, not counted
    reverses: str | None = None  # a compensating run names the run it cancels
    note: str | None = None
    # prior-period adjustments it counted (flows about days of closed periods, recorded in this one)
    adjustments: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DividendAllocation:
    id: str
    run: str
    agent: str
    dividend: Decimal
    cash: Decimal
    retained: Decimal
    points: Decimal  # rounded to 6 places, half to even (explanation; the money was computed exactly)
    share: Decimal  # likewise
    explanation: tuple[dict[str, Any], ...] = ()


def adjustment_lines(events: Iterable[EconomicEvent]) -> tuple[dict[str, str], ...]:
    """Prior-period adjustments a run counts, summed by agent, action, kind and unit, with the days they are about."""
    sums: dict[tuple[str, str, str, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0, set()])
    for e in events:
        measure = e.effort_quantity or e.resource_quantity
        if measure is None or e.prior_period is None:
            continue
        entry = sums[(e.provider, e.action, e.resource_conforms_to or "", measure.has_unit)]
        entry[0] += measure.has_numerical_value
        entry[1] += 1
        entry[2].add(e.prior_period)
    return tuple({"agent": a, "action": act, "kind": k, "unit": u, "quantity": canonical(q), "events": str(n),
                  "priorPeriods": ", ".join(d.isoformat() for d in sorted(days))}
                 for (a, act, k, u), (q, n, days) in sorted(sums.items()))


def six_places(value: Fraction) -> Decimal:
    return Decimal(fraction_text(value))
