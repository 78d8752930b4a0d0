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
from dataclasses import dataclass, field, replace
from datetime import UTC, date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from valueflows.domain.effects import corrected_view
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import WHOLE

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
    points: Decimal | None = None  # under a value equation, when the report was asked with one (6 places)


@dataclass(frozen=True)
class ContributionReport:
    contributors: list[Contributor]
    total_hours: Decimal
    unconverted_effort: list[Amount] = field(default_factory=list)  # work in units that are not time
    processes: list[str] = field(default_factory=list)  # resource scope: the processes behind the resource
    cycles: list[list[str]] = field(default_factory=list)  # resource scope: cycles met on the way back
    receiver: str | None = None  # the agent whose received flows it covers, if it is scoped so
    # flows in the scope that are exchanges, not contributions (`is_exchange`): shown, not counted
    exchanges: list[ContributionTotal] = field(default_factory=list)


def round6(value: Decimal) -> Decimal:
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
    agent_hours = {a: round6(sum(by_kind.values(), Decimal(0))) for a, by_kind in hours.items()}
    total = round6(sum(agent_hours.values(), Decimal(0)))
    contributors = [
        Contributor(
            agent=a,
            hours=agent_hours.get(a, Decimal(0)),
            hours_by_kind={k: round6(v) for k, v in sorted(hours[a].items(), key=lambda kv: kv[0] or "")}
            if a in hours else {},
            other=sorted(other.get(a, []), key=lambda x: (x.action, x.unit, x.kind or "")),
            share=round6(agent_hours.get(a, Decimal(0)) / total) if total else Decimal(0),
            events=events[a],
        )
        for a in sorted(events)
    ]
    contributors.sort(key=lambda c: (-c.hours, c.agent))
    return ContributionReport(contributors, total, odd)


# -- daily totals, kept up to date as events are recorded ----------------------------------------------------

@dataclass(frozen=True, slots=True, order=True)
class DayKey:
    """What one row of the daily contribution totals adds up: a provider's flows to a receiver on a UTC day."""

    provider: str
    receiver: str
    action: str
    kind: str  # the resource specification, or "" when none
    unit: str
    day: date


def is_exchange(event: EconomicEvent) -> bool:
    """A flow given in return for another is an exchange, not a contribution: it realizes an agreement (a sale: the
    goods one way, the payment the other) or is agreed in one (a licence: its uses, and the payments that settle what
    they owe; a value equation: what dividends pay). Work, services, gifts, materials and money given to the commons
    are contributions."""
    return event.realization_of is not None or event.agreed_in is not None


def is_contribution(event: EconomicEvent) -> bool:
    """A flow one agent gives another that is not an exchange (an agent's flows to itself are bookkeeping)."""
    return event.provider != event.receiver and not is_exchange(event)


def day_key(event: EconomicEvent) -> tuple[DayKey, Decimal] | None:
    """The daily total an event counts in and its quantity; None for what is not a contribution."""
    measure = event.effort_quantity or event.resource_quantity
    if measure is None or not is_contribution(event):
        return None
    day = event.when.astimezone(UTC).date()
    key = DayKey(event.provider, event.receiver, event.action, event.resource_conforms_to or "", measure.has_unit, day)
    return key, measure.has_numerical_value


def day_deltas(event: EconomicEvent, corrected: EconomicEvent | None) -> list[tuple[DayKey, Decimal, int]]:
    """What recording `event` (which may correct `corrected`) changes in the daily totals."""
    deltas = []
    if corrected is not None and (old := day_key(corrected)) is not None:
        deltas.append((old[0], -old[1], -1))
    if (new := day_key(event)) is not None:
        deltas.append((new[0], new[1], 1))
    return deltas


def fold_months(days: Iterable[tuple[DayKey, Decimal, int]]) -> dict[DayKey, tuple[Decimal, int]]:
    """Daily totals summed by calendar month (each key's `day` the month's first day): what the monthly totals
    must hold."""
    totals: dict[DayKey, list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for key, quantity, events in days:
        total = totals[replace(key, day=key.day.replace(day=1))]
        total[0] = WHOLE.add(total[0], quantity)
        total[1] += events
    return {k: (q, n) for k, (q, n) in totals.items()}


@dataclass(frozen=True, slots=True, order=True)
class SizeKey:
    """Events of one size (`each`) a provider gave a receiver in a month (`month`: its first day)."""

    receiver: str
    provider: str
    action: str
    kind: str  # "" when none
    unit: str
    each: Decimal
    month: date


def size_deltas(days: Iterable[tuple[DayKey, Decimal, int]]) -> dict[SizeKey, int]:
    """What the per-event changes of the daily totals (one event each: +1 recorded, -1 corrected away) change in
    the counts by size."""
    counts: dict[SizeKey, int] = {}
    for key, quantity, events in days:
        if events not in (1, -1):
            raise ValueError("sizes are counted from one event's change at a time")
        size = SizeKey(key.receiver, key.provider, key.action, key.kind, key.unit, quantity * events,
                       key.day.replace(day=1))
        counts[size] = counts.get(size, 0) + events
    return counts


def fold_sizes(events: Iterable[EconomicEvent]) -> dict[SizeKey, int]:
    """The counts by size the corrected view of `events` gives (what `verify` compares the stored ones with)."""
    found = [day_key(event) for event in corrected_view(events)]
    return {k: n for k, n in size_deltas((f[0], f[1], 1) for f in found if f is not None).items() if n}


def fold_day_totals(events: Iterable[EconomicEvent]) -> dict[DayKey, tuple[Decimal, int]]:
    """The daily totals the corrected view of `events` gives (what `verify` compares the stored ones with)."""
    totals: dict[DayKey, list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for event in corrected_view(events):
        if (found := day_key(event)) is not None:
            totals[found[0]][0] = WHOLE.add(totals[found[0]][0], found[1])
            totals[found[0]][1] += 1
    return {k: (q, n) for k, (q, n) in totals.items()}
