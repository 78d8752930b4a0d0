"""Contribution reports: who contributed what, from totals the store has already summed.

Pure: the input is one row per (agent, action, kind, unit) with the summed quantity; the output is per agent:
hours by kind of work, other contributions by action and unit, and the agent's share of all hours.

Rounding (documented in the README): effort in minutes or days is converted to hours (a day is 24 hours, as in
om2) and rounded to 6 decimal places, half to even; a share is hours / total hours, rounded the same way.
Money and dividends are not shares of this report: they are allocated exactly by the dividend run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

PLACES = Decimal("0.000001")
HOURS_PER_UNIT = {"hour": Decimal(1), "minute": Decimal(1) / Decimal(60), "day": Decimal(24)}


@dataclass(frozen=True, slots=True)
class ContributionTotal:
    """Summed flows of one agent: `kind` is the resource specification (for work: the kind of work) or None."""

    agent: str
    action: str
    kind: str | None
    unit: str
    quantity: Decimal
    events: int


@dataclass(frozen=True, slots=True)
class Amount:
    action: str
    unit: str
    quantity: Decimal
    kind: str | None = None


@dataclass(frozen=True)
class Contributor:
    agent: str
    hours: Decimal
    hours_by_kind: dict[str | None, Decimal]
    other: list[Amount]
    share: Decimal
    events: int


@dataclass(frozen=True)
class ContributionReport:
    contributors: list[Contributor]
    total_hours: Decimal
    unconverted_effort: list[Amount] = field(default_factory=list)  # work in units that are not time


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN).normalize() if value else Decimal(0)


def contribution_report(totals: Iterable[ContributionTotal]) -> ContributionReport:
    hours: dict[str, dict[str | None, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    other: dict[str, list[Amount]] = defaultdict(list)
    events: dict[str, int] = defaultdict(int)
    odd: list[Amount] = []
    for t in totals:
        events[t.agent] += t.events
        if t.action == "work":
            factor = HOURS_PER_UNIT.get(t.unit)
            if factor is None:
                odd.append(Amount(t.action, t.unit, t.quantity, t.kind))
                continue
            hours[t.agent][t.kind] += t.quantity * factor
        else:
            other[t.agent].append(Amount(t.action, t.unit, t.quantity, t.kind))
    agent_hours = {a: _round(sum(by_kind.values(), Decimal(0))) for a, by_kind in hours.items()}
    total = _round(sum(agent_hours.values(), Decimal(0)))
    contributors = [
        Contributor(
            agent=a,
            hours=agent_hours.get(a, Decimal(0)),
            hours_by_kind={k: _round(v) for k, v in sorted(hours[a].items(), key=lambda kv: kv[0] or "")}
            if a in hours else {},
            other=sorted(other.get(a, []), key=lambda x: (x.action, x.unit, x.kind or "")),
            share=_round(agent_hours.get(a, Decimal(0)) / total) if total else Decimal(0),
            events=events[a],
        )
        for a in sorted(events)
    ]
    contributors.sort(key=lambda c: (-c.hours, c.agent))
    return ContributionReport(contributors, total, odd)
