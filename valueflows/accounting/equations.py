"""Value equations: how an amount of money is divided among the contributions that earned it.

An equation is a list of ordered *buckets*. Each bucket takes a percentage of the whole amount (`of="total"`) or
of what the buckets before it left (`of="remaining"`), rounded down to the currency's smallest unit, and divides
that pool among the contributions its *rules* count:

- a rule names an action (e.g. `work`), a unit (e.g. `hour`, `EUR`) and optionally a resource specification (for
  work: the kind of work). A contribution counts under the most specific rule that matches it: one naming its
  specification before one that names none. Time units convert exactly (a rule in hours counts work recorded in
  minutes or days too; a day is 24 hours, as in om2).
- points = quantity x rate. A contribution's value is pool x its points / all points of the bucket.
- a rule may cap the value of one claim (one contribution event) in money; what the cap cuts off stays in the
  bucket, undistributed.

What a bucket cannot distribute (no contribution counts, caps, rounding) stays undistributed and is reported
line by line. It is never spread over the other buckets or agents.

Exactness: everything is computed with fractions. Each agent's values from every bucket are added up first,
then the distributed total (rounded down to the currency unit) is split by `allocate` (largest remainder), so
the parts sum exactly, and `distributed + undistributed = amount`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, Rounded
from fractions import Fraction
from functools import reduce
from math import lcm
from typing import Any

from valueflows.accounting.allocation import allocate
from valueflows.domain.actions import ACTIONS
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.quantities import canonical, parse_decimal

# Time units convert exactly to hours.
HOURS: dict[str, Fraction] = {"hour": Fraction(1), "minute": Fraction(1, 60), "day": Fraction(24)}
# Points are summed as whole-number multiples of 1/1440 of a point (a minute's share of a day), in decimals: a
# quantity in minutes, hours or days times a rate in minutes, hours or days is such a multiple, exactly.
SCALE = 1440
_IN_SCALE = {"minute": 1, "hour": 60, "day": 1440}
# Sums and products of decimals, never rounded (a result that would need rounding is an error, not a guess).
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])
BASES = ("total", "remaining")
MAX_BUCKETS = 50
MAX_RULES = 200


@dataclass(frozen=True, slots=True)
class Rule:
    action: str
    unit: str
    rate: Decimal
    resource_conforms_to: str | None = None  # None: any specification (or none)
    cap: Decimal | None = None  # most one claim may earn from this bucket, in the run's currency

    def label(self) -> str:
        spec = f" of {self.resource_conforms_to}" if self.resource_conforms_to else ""
        cap = f", capped at {canonical(self.cap)} per claim" if self.cap is not None else ""
        points = "point" if self.rate == 1 else "points"
        return f"{self.action}{spec}: {canonical(self.rate)} {points} per {self.unit}{cap}"


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    percent: Decimal
    of: str  # "total" or "remaining"
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class ValueEquation:
    """A version of a co-op's value equation (stored as a ValueFlows Agreement)."""

    id: str
    name: str
    version: int
    buckets: tuple[Bucket, ...]
    note: str | None = None

    @property
    def has_caps(self) -> bool:
        return any(r.cap is not None for b in self.buckets for r in b.rules)


def hours_equation() -> ValueEquation:
    """The `hours` basis: the whole amount in proportion to hours worked, whatever the kind of work."""
    return ValueEquation("hours", "hours", 1, (Bucket("hours worked", Decimal(100), "total",
                                                     (Rule("work", "hour", Decimal(1)),)),),
                         "every hour of work counts the same")


@dataclass(frozen=True, slots=True)
class Claim:
    """A contribution to be valued: one event, or the sum of an agent's events of one kind (`events` > 1)."""

    agent: str
    action: str
    kind: str | None  # the resource specification
    unit: str
    quantity: Decimal
    events: int = 1
    event: str | None = None  # the event's id when this claim is one event
    # `events` events of `each` apiece (quantity = each x events): claims a cap per claim can judge together
    each: Decimal | None = None


Ratio = tuple[int, int]  # numerator, denominator: an exact value not yet reduced to a Fraction


class Line:
    """Why an agent earned what it did in one bucket: contributions of one kind under one rule.

    `points`, `value` (after caps) and `capped` (what caps cut off) are exact fractions; a run has a line per agent,
    bucket and kind of work, read only when shown, so each may be given as a ratio and is reduced when first read."""

    __slots__ = ("_capped", "_points", "_value", "action", "bucket", "events", "kind", "quantity", "rule", "unit")

    def __init__(self, bucket: str, rule: str, action: str, kind: str | None, unit: str, quantity: Decimal,
                 events: int, points: Fraction | Ratio, value: Fraction | Ratio,
                 capped: Fraction | Ratio = (0, 1)) -> None:
        self.bucket, self.rule, self.action, self.kind, self.unit = bucket, rule, action, kind, unit
        self.quantity, self.events = quantity, events
        self._points, self._value, self._capped = points, value, capped

    @property
    def points(self) -> Fraction:
        if isinstance(self._points, tuple):
            self._points = Fraction(*self._points)
        return self._points

    @property
    def value(self) -> Fraction:
        if isinstance(self._value, tuple):
            self._value = Fraction(*self._value)
        return self._value

    @property
    def capped(self) -> Fraction:
        if isinstance(self._capped, tuple):
            self._capped = Fraction(*self._capped)
        return self._capped

    def _fields(self) -> tuple[Any, ...]:
        return (self.bucket, self.rule, self.action, self.kind, self.unit, self.quantity, self.events, self.points,
                self.value, self.capped)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        names = ("bucket", "rule", "action", "kind", "unit", "quantity", "events", "points", "value", "capped")
        return f"Line({', '.join(f'{n}={v!r}' for n, v in zip(names, self._fields(), strict=True))})"

    def explain(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "rule": self.rule, "action": self.action, "kind": self.kind,
                "unit": self.unit, "quantity": canonical(self.quantity), "events": self.events,
                "points": fraction_text(self.points), "value": fraction_text(self.value),
                **({"cappedOff": fraction_text(self.capped)} if self.capped else {})}


@dataclass(frozen=True, slots=True)
class BucketResult:
    name: str
    percent: Decimal
    of: str
    pool: Decimal
    points: Fraction
    distributed: Fraction  # exact value earned (before the final rounding to the unit)
    no_contributions: Decimal = Decimal(0)  # the pool, when nothing counted
    capped: Fraction = Fraction(0)


@dataclass(frozen=True)
class Valuation:
    amount: Decimal
    unit: Decimal
    buckets: list[BucketResult]
    parts: dict[str, Decimal]  # agent -> money, summing to `distributed`
    points: dict[str, Fraction]
    lines: dict[str, list[Line]]
    unpooled: Decimal  # cents lost when pools were rounded down, plus what no bucket takes (percents < 100)
    uncounted: list[Claim] = field(default_factory=list)  # contributions no rule counts

    @property
    def distributed(self) -> Decimal:
        return sum(self.parts.values(), Decimal(0))

    @property
    def undistributed(self) -> Decimal:
        return self.amount - self.distributed

    @property
    def rounding(self) -> Fraction:
        """What the final rounding down to the currency unit left over: less than one unit."""
        explained = sum((Fraction(b.no_contributions) + b.capped for b in self.buckets), Fraction(0))
        return Fraction(self.undistributed) - explained - Fraction(self.unpooled)

    def undistributed_lines(self) -> list[dict[str, str]]:
        """Why money stays undistributed. The rounding line makes the lines add up exactly."""
        out: list[dict[str, str]] = []
        for b in self.buckets:
            if b.no_contributions:
                out.append({"bucket": b.name, "reason": "no contribution counts in this bucket",
                            "amount": canonical(b.no_contributions)})
            if b.capped:
                out.append({"bucket": b.name, "reason": "cut off by caps per claim", "amount": fraction_text(b.capped)})
        if self.unpooled:
            out.append({"bucket": "", "reason": "not taken by any bucket (percentages, pools rounded down)",
                        "amount": canonical(self.unpooled)})
        if self.rounding:
            out.append({"bucket": "", "reason": "rounding to the currency unit",
                        "amount": fraction_text(self.rounding)})
        return out


def fraction_text(value: Fraction, places: int = 6) -> str:
    """A fraction shown as decimal text, rounded half to even to `places` (explanations only)."""
    scaled = value * 10**places
    return canonical(Decimal(round(scaled)).scaleb(-places))


def check_equation(name: str, buckets: Sequence[Bucket]) -> list[Problem]:
    problems: list[Problem] = []
    if not name.strip() or len(name) > 200:
        problems.append(Problem("name", "required", "an equation needs a name of 1 to 200 characters"))
    if not buckets:
        problems.append(Problem("buckets", "required", "an equation needs at least one bucket"))
    if len(buckets) > MAX_BUCKETS:
        problems.append(Problem("buckets", "too_many", f"at most {MAX_BUCKETS} buckets"))
    of_total = Decimal(0)
    names: set[str] = set()
    for i, b in enumerate(buckets):
        where = f"buckets[{i}]"
        if not b.name.strip():
            problems.append(Problem(f"{where}.name", "required", "a bucket needs a name"))
        elif b.name in names:
            problems.append(Problem(f"{where}.name", "duplicate", f"two buckets are called {b.name!r}"))
        names.add(b.name)
        if b.of not in BASES:
            problems.append(Problem(f"{where}.of", "unknown", "a bucket takes a percentage of 'total' or 'remaining'"))
        if not (Decimal(0) < b.percent <= Decimal(100)):
            problems.append(Problem(f"{where}.percent", "out_of_range", "a percentage is above 0 and at most 100"))
        elif b.of == "total":
            of_total += b.percent
        if not b.rules:
            problems.append(Problem(f"{where}.rules", "required", "a bucket needs at least one rule"))
        if len(b.rules) > MAX_RULES:
            problems.append(Problem(f"{where}.rules", "too_many", f"at most {MAX_RULES} rules per bucket"))
        seen: set[tuple[str, str | None, str]] = set()
        for j, r in enumerate(b.rules):
            at = f"{where}.rules[{j}]"
            if r.action not in ACTIONS:
                problems.append(Problem(f"{at}.action", "unknown_action", f"{r.action!r} is not a ValueFlows action"))
            if not r.unit.strip():
                problems.append(Problem(f"{at}.unit", "required", "a rule needs a unit"))
            if r.rate < 0:
                problems.append(Problem(f"{at}.rate", "negative", "a rate is zero or more"))
            if r.cap is not None and r.cap <= 0:
                problems.append(Problem(f"{at}.cap", "out_of_range", "a cap is above zero"))
            key = (r.action, r.resource_conforms_to, _base_unit(r.unit))
            if key in seen:
                problems.append(Problem(at, "duplicate", "another rule of this bucket counts the same contributions"))
            seen.add(key)
    if of_total > 100:
        problems.append(Problem("buckets", "over_100_percent",
                                f"buckets taking a percentage of the total add up to {canonical(of_total)}%"))
    return problems


def references(buckets: Sequence[Bucket]) -> tuple[set[str], set[str]]:
    """The units and the resource specifications an equation's rules name."""
    rules = [r for b in buckets for r in b.rules]
    return {r.unit for r in rules if r.unit.strip()}, {r.resource_conforms_to for r in rules if r.resource_conforms_to}


def reference_problems(buckets: Sequence[Bucket], units: Collection[str], specifications: Collection[str]
                       ) -> list[Problem]:
    """A rule naming a unit or a resource specification the ledger does not know is a typo, refused as such."""
    problems = []
    for i, b in enumerate(buckets):
        for j, r in enumerate(b.rules):
            at = f"buckets[{i}].rules[{j}]"
            if r.unit.strip() and r.unit not in units:
                problems.append(Problem(f"{at}.unit", "unknown_unit", f"the ledger has no unit {r.unit!r}"))
            if r.resource_conforms_to and r.resource_conforms_to not in specifications:
                problems.append(Problem(f"{at}.resourceConformsTo", "unknown_specification",
                                        f"the ledger has no resource specification {r.resource_conforms_to!r}"))
    return problems


def _base_unit(unit: str) -> str:
    return "hour" if unit in HOURS else unit


def _match(rules: Sequence[Rule], claim: Claim) -> tuple[Rule, Fraction] | None:
    """The rule that counts `claim` (specific before general) and the claim's quantity in the rule's unit."""
    best: Rule | None = None
    for r in rules:
        if r.action != claim.action or _base_unit(r.unit) != _base_unit(claim.unit):
            continue
        if r.resource_conforms_to is not None and r.resource_conforms_to != claim.kind:
            continue
        if best is None or (best.resource_conforms_to is None and r.resource_conforms_to is not None):
            best = r
    if best is None:
        return None
    quantity = Fraction(claim.quantity)
    if best.unit != claim.unit:  # both are time units
        quantity = quantity * HOURS[claim.unit] / HOURS[best.unit]
    return best, quantity


def counts(equation: ValueEquation, claim: Claim) -> bool:
    """Does some rule of `equation` count this kind of contribution?"""
    return any(_match(b.rules, claim) is not None for b in equation.buckets)


def points(equation: ValueEquation, claims: Iterable[Claim]) -> dict[str, Fraction]:
    """Each agent's points under every bucket of `equation` (caps are in money, so they do not apply here)."""
    out: dict[str, Fraction] = defaultdict(Fraction)
    for claim in claims:
        for bucket in equation.buckets:
            found = _match(bucket.rules, claim)
            if found is not None:
                out[claim.agent] += found[1] * Fraction(found[0].rate)
    return dict(out)


def _floor(value: Fraction, unit: Decimal) -> Decimal:
    return unit * int(value / Fraction(unit))


def _rule_for(rules: Sequence[Rule], action: str, kind: str | None, unit: str) -> tuple[Rule, Decimal] | None:
    """The rule that counts contributions of this action, kind and unit (specific before general), and the points,
    times SCALE, that one unit of them earns under it (exact: time units convert by whole numbers of minutes)."""
    found = _match(rules, Claim("", action, kind, unit, Decimal(0)))
    if found is None:
        return None
    rule = found[0]
    factor = SCALE if rule.unit == unit else SCALE * _IN_SCALE[unit] // _IN_SCALE[rule.unit]
    return rule, EXACT.multiply(rule.rate, Decimal(factor))


_NOTHING = Fraction(0)  # fractions are immutable: one zero serves every line


def _fraction(number: Decimal, scale: int = 1) -> Fraction:
    numerator, denominator = number.as_integer_ratio()
    return Fraction(numerator, denominator * scale)


def _ratio(number: Decimal, scale: int = 1) -> Ratio:
    numerator, denominator = number.as_integer_ratio()
    return numerator, denominator * scale


def _worth(share: Ratio, points: Decimal) -> Ratio:
    """What `points` earn at `share` (numerator, denominator) a point."""
    n, d = points.as_integer_ratio()
    return share[0] * n, share[1] * d


def _sum(ratios: Sequence[Ratio], more: Fraction = _NOTHING) -> Fraction:
    """Ratios and a fraction added up, reduced once (over the least common denominator), not at every step."""
    common = lcm(more.denominator, *(d for _, d in ratios))
    return Fraction(more.numerator * (common // more.denominator) + sum(n * (common // d) for n, d in ratios), common)


def value(equation: ValueEquation, amount: Decimal, unit: Decimal, claims: Iterable[Claim]) -> Valuation:
    """Divide `amount` (a whole number of `unit`) among the agents behind `claims`, by `equation`.

    Points are summed as exact decimals (in 1/SCALE of a point); a bucket's pool is then shared in fractions once
    per agent and once per line, not once per claim: the same exact values as valuing claim by claim. A capped
    rule values each claim (or each group of equal claims, `Claim.each`) on its own, as a cap per claim needs."""
    claims = list(claims)
    remaining = amount
    # value earned, in the order agents are first met: ratios (uncapped rules, one a bucket) and a fraction (capped)
    agents: dict[str, list[Ratio]] = {}
    capped_earned: dict[str, Fraction] = {}
    scaled_points: dict[str, Decimal] = {}
    # per agent and line key: [quantity, events, scaled points, value, capped off, rule]
    sums: dict[str, dict[tuple[str, str, str, str | None, str], list[Any]]] = {}
    results: list[BucketResult] = []
    counted: set[int] = set()
    labels = {id(r): r.label() for b in equation.buckets for r in b.rules}
    add, multiply = EXACT.add, EXACT.multiply
    for bucket in equation.buckets:
        base = amount if bucket.of == "total" else remaining
        pool = _floor(Fraction(base) * Fraction(bucket.percent) / 100, unit)
        remaining -= pool
        rules: dict[tuple[str, str | None, str], tuple[Rule, Decimal] | None] = {}
        # this bucket's sums, kept apart until its total is known to be more than nothing
        lines_of: dict[str, dict[tuple[str, str, str, str | None, str], list[Any]]] = {}
        points_of: dict[str, Decimal] = {}
        uncapped: dict[str, Decimal] = {}
        capped_claims: list[tuple[Claim, Rule, Decimal, list[Any]]] = []
        total = Decimal(0)
        for i, claim in enumerate(claims):
            what = (claim.action, claim.kind, claim.unit)
            found = rules[what] if what in rules else rules.setdefault(what, _rule_for(bucket.rules, *what))
            if found is None:
                continue
            rule = found[0]
            points = multiply(claim.quantity, found[1])
            if not points:
                continue
            counted.add(i)
            total = add(total, points)
            agent = claim.agent
            mine = lines_of.get(agent)
            if mine is None:
                mine = lines_of[agent] = {}
                points_of[agent] = points
            else:
                points_of[agent] = add(points_of[agent], points)
            key = (bucket.name, labels[id(rule)], claim.action, claim.kind, claim.unit)
            line = mine.get(key)
            if line is None:
                line = mine[key] = [claim.quantity, claim.events, points, _NOTHING, _NOTHING, rule]
            else:
                line[0] = add(line[0], claim.quantity)
                line[1] += claim.events
                line[2] = add(line[2], points)
            if rule.cap is None:
                uncapped[agent] = add(uncapped[agent], points) if agent in uncapped else points
            else:
                capped_claims.append((claim, rule, points, line))
        if not total:
            results.append(BucketResult(bucket.name, bucket.percent, bucket.of, pool, Fraction(total) / SCALE,
                                        Fraction(0), no_contributions=pool))
            continue
        (pool_n, pool_d), (total_n, total_d) = pool.as_integer_ratio(), total.as_integer_ratio()
        share = (pool_n * total_d, pool_d * total_n)  # what one scaled point earns in this bucket: pool / total
        distributed, capped = Fraction(0), Fraction(0)
        for agent, mine in lines_of.items():
            if agent not in agents:
                agents[agent] = []
                capped_earned[agent] = _NOTHING
                scaled_points[agent] = Decimal(0)
                sums[agent] = {}
            scaled_points[agent] = add(scaled_points[agent], points_of[agent])
            sums[agent].update(mine)  # a line's key names its bucket: no other bucket's line has it
            for line in mine.values():
                if line[5].cap is None:
                    line[3] = _worth(share, line[2])
        # a capped rule's claim earns share x its points, at most its cap per claim (per event of a group of equal
        # claims): each claim is judged in whole numbers, the sums valued once per line
        over: dict[int, list[Any]] = {}  # per line: [line, points over the cap, their events, points under it]
        for claim, rule, points, line in capped_claims:
            if claim.events != 1 and claim.each is None:
                raise ValueError("a cap per claim needs one claim per event (or equal claims, each), not sums")
            entry = over.get(id(line))
            if entry is None:
                entry = over[id(line)] = [line, Decimal(0), 0, Decimal(0), claim.agent]
            assert rule.cap is not None, "only capped rules' claims are here"
            (points_n, points_d), (cap_n, cap_d) = points.as_integer_ratio(), rule.cap.as_integer_ratio()
            if share[0] * points_n * cap_d > cap_n * share[1] * points_d * claim.events:  # each earns over the cap
                entry[1] = add(entry[1], points)
                entry[2] += claim.events
            else:
                entry[3] = add(entry[3], points)
        for line, over_points, over_events, under_points, agent in over.values():
            at_cap = Fraction(line[5].cap) * over_events
            earned = Fraction(*_worth(share, under_points)) + at_cap
            cut = Fraction(*_worth(share, over_points)) - at_cap
            line[3], line[4] = earned, cut
            capped_earned[agent] += earned
            distributed += earned
            capped += cut
        for agent, points in uncapped.items():
            agents[agent].append(_worth(share, points))
        # what the uncapped rules gave out: share x their points, summed once (the same as agent by agent)
        distributed += Fraction(*_worth(share, reduce(add, uncapped.values(), Decimal(0))))
        results.append(BucketResult(bucket.name, bucket.percent, bucket.of, pool, Fraction(total) / SCALE,
                                    distributed, capped=capped))
    earned = {agent: _sum(ratios, capped_earned[agent]) for agent, ratios in agents.items()}
    earned_total = sum((r.distributed for r in results), Fraction(0))
    distributed_total = _floor(earned_total, unit)
    parts = allocate(distributed_total, earned, unit) if distributed_total else {a: Decimal(0) for a in earned}
    unpooled = amount - sum((r.pool for r in results), Decimal(0))
    uncounted = [c for i, c in enumerate(claims) if i not in counted]
    lines = {agent: [Line(*key, q, n, _ratio(p, SCALE), v, cut) for key, (q, n, p, v, cut, _rule) in found.items()]
             for agent, found in sums.items()}
    agent_points = {agent: _fraction(p, SCALE) for agent, p in scaled_points.items()}
    return Valuation(amount, unit, results, parts, agent_points, lines, unpooled, uncounted)


def equation_to_json(buckets: Sequence[Bucket]) -> list[dict[str, Any]]:
    return [{"name": b.name, "percent": canonical(b.percent), "of": b.of,
             "rules": [{k: v for k, v in (("action", r.action), ("unit", r.unit), ("rate", canonical(r.rate)),
                                          ("resourceConformsTo", r.resource_conforms_to),
                                          ("cap", canonical(r.cap) if r.cap is not None else None)) if v is not None}
                       for r in b.rules]} for b in buckets]


def equation_from_json(data: Any) -> tuple[Bucket, ...]:
    """Buckets from their JSON form (as stored, or as a user wrote it in a file). Raises RuleViolation."""
    problems: list[Problem] = []
    if not isinstance(data, list):
        raise RuleViolation([Problem("buckets", "not_list", "buckets are a list")])
    buckets = []
    for i, b in enumerate(data):
        where = f"buckets[{i}]"
        if not isinstance(b, Mapping):
            problems.append(Problem(where, "not_object", "a bucket is an object"))
            continue
        rules = []
        raw_rules = b.get("rules")
        for j, r in enumerate(raw_rules if isinstance(raw_rules, list) else []):
            at = f"{where}.rules[{j}]"
            if not isinstance(r, Mapping):
                problems.append(Problem(at, "not_object", "a rule is an object"))
                continue
            rate = _decimal(r.get("rate"), f"{at}.rate", problems)
            cap = _decimal(r.get("cap"), f"{at}.cap", problems) if r.get("cap") is not None else None
            spec = r.get("resourceConformsTo")
            rules.append(Rule(str(r.get("action", "")), str(r.get("unit", "")), rate or Decimal(0),
                              str(spec) if spec is not None else None, cap))
        if raw_rules is not None and not isinstance(raw_rules, list):
            problems.append(Problem(f"{where}.rules", "not_list", "rules are a list"))
        percent = _decimal(b.get("percent"), f"{where}.percent", problems)
        buckets.append(Bucket(str(b.get("name", "")), percent if percent is not None else Decimal(0),
                              str(b.get("of", "total")), tuple(rules)))
    if problems:
        raise RuleViolation(problems)
    return tuple(buckets)


def _decimal(raw: Any, where: str, problems: list[Problem]) -> Decimal | None:
    if isinstance(raw, float):  # JSON numbers read without parse_float=Decimal: their shortest text is meant
        raw = repr(raw)
    number, problem = parse_decimal(raw, where, allow_negative=True)
    if problem:
        problems.append(problem)
    return number
