"""Exact allocation: split an amount among weights, to the smallest unit of a currency, parts summing to it.

Rule (largest remainder, also called Hamilton's method):
1. Weights are grouped by agent first (an agent with three claims has one weight, their sum).
2. Each agent's exact share is amount * weight / total weight; it gets the share rounded *down* to the unit.
3. The units left over (fewer than the number of agents with a positive weight) go one each to the agents with
   the largest remainders. Ties are broken by the larger weight, then by agent id in ascending order, so the
   same inputs always give the same parts, whatever order they come in.
Zero weights get zero. All-zero weights, negative weights and an amount finer than the currency's unit are errors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm

from valueflows.domain.currencies import is_currency, minor_units
from valueflows.domain.errors import Problem, RuleViolation


def unit_of(currency: str) -> Decimal:
    """The smallest unit of a currency (0.01 for EUR, 1 for JPY)."""
    if not is_currency(currency):
        raise RuleViolation([Problem("currency", "unknown_currency",
                                     f"{currency!r} is not an ISO 4217 currency code (EUR, USD, CHF, ...)")])
    return Decimal(1).scaleb(-minor_units(currency))


def group_by_agent(weights: Iterable[tuple[str, Decimal | Fraction]]) -> dict[str, Fraction]:
    grouped: dict[str, Fraction] = defaultdict(Fraction)
    for agent, weight in weights:
        grouped[agent] += Fraction(weight)
    return dict(grouped)


def allocate(amount: Decimal, weights: Mapping[str, Decimal | Fraction], unit: Decimal) -> dict[str, Decimal]:
    """Split `amount` among agents in proportion to `weights`, in multiples of `unit`, summing exactly to it."""
    problems: list[Problem] = []
    if amount < 0:
        problems.append(Problem("amount", "negative", "the amount to allocate is negative"))
    if amount % unit != 0:
        problems.append(Problem("amount", "finer_than_unit", f"{amount} is not a whole number of {unit}"))
    ratios = {agent: w.as_integer_ratio() for agent, w in weights.items()}
    negative = sorted(agent for agent, (n, _) in ratios.items() if n < 0)
    if negative:
        problems.append(Problem("weights", "negative", f"negative weights for {', '.join(negative)}"))
    # every weight over one common denominator: the shares' order and remainders are then whole numbers (the same
    # exact values as fractions, without reducing a fraction at every step)
    common = lcm(*(d for _, d in ratios.values())) if ratios else 1
    exact = {agent: n * (common // d) for agent, (n, d) in ratios.items()}
    total = sum(exact.values())
    if not negative and total == 0:
        problems.append(Problem("weights", "all_zero", "every weight is zero: nothing to allocate by"))
    if problems:
        raise RuleViolation(problems)
    units = int(amount / unit)
    whole: dict[str, int] = {}
    remainder: dict[str, int] = {}  # of units * weight / total, in 1/total: floor division, as weights are >= 0
    for agent, w in exact.items():
        whole[agent], remainder[agent] = divmod(units * w, total)
    left = units - sum(whole.values())
    order = sorted((a for a in exact if exact[a] > 0), key=lambda a: (-remainder[a], -exact[a], a))
    for agent in order[:left]:
        whole[agent] += 1
    return {agent: unit * n for agent, n in whole.items()}
