"""The facts a licence decision turns on: about the user (who they are) and about the use (what they do).

Every fact may be unknown (None). The engine never guesses one: a decision that depends on an unknown fact says
which fact it needs. `facts_from_json` reads the JSON document `valueflows licence check --facts FILE` takes;
its keys are the field names below in camelCase (documented in the README).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.model import LegalForm
from valueflows.domain.quantities import parse_decimal

USES = ("use", "copy", "modify", "distribute", "sell")  # sell: sell products made with the resource


@dataclass(frozen=True)
class Facts:
    # who uses it
    legal_form: str | None = None  # one of LegalForm, or "company" for any other firm
    worker_owned: bool | None = None
    surplus_to_worker_owners: bool | None = None
    headcount: int | None = None  # people working for the organisation: employees and contractors
    annual_revenue: Decimal | None = None  # prior tax year
    revenue_currency: str | None = None
    group_headcount: int | None = None  # the whole group (organisations under common control); = own if none
    group_revenue: Decimal | None = None
    # the use
    use: str = "use"  # one of USES
    commercial: bool | None = None
    production: bool | None = None  # production use (Business Source License)
    adapted: bool | None = None  # an adaptation of the resource is shared (share-alike)
    revenue: Decimal | None = None  # made with the resource in the period (compensation)
    currency: str | None = None  # of `revenue`
    hours: Decimal | None = None  # work offered instead of money (compensation in work)
    date: dt.date | None = None  # of the use; needed by licences that change over time
    first_published: dt.date | None = None  # of the version used (Business Source License: 4 years after)

    def value(self, name: str) -> Any:
        """A fact by its profile name (camelCase, as in the policies)."""
        if name == "yearsSincePublication":
            return _whole_years(self.first_published, self.date)
        return getattr(self, SNAKE.get(name, name), None)


def _whole_years(start: dt.date | None, end: dt.date | None) -> int | None:
    """Whole years from `start` to `end`: the fourth anniversary of 2026-03-01 is 2030-03-01."""
    if start is None or end is None:
        return None
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


@dataclass(frozen=True)
class GroupTotals:
    headcount: int | None  # None when any organisation of the group did not say
    revenue: Decimal | None  # None when any did not say, or they count in different currencies
    currency: str | None


def group_totals(members: Iterable[tuple[int | None, Decimal | None, str | None]]) -> GroupTotals:
    """A group's headcount and revenue from its organisations' (headcount, revenue, currency): exact sums, or
    unknown rather than guessed (no exchange rate is assumed between currencies)."""
    found = list(members)
    headcount = sum(h for h, _, _ in found if h is not None) if all(h is not None for h, _, _ in found) else None
    currencies = {c for _, r, c in found if r is not None}
    if found and all(r is not None for _, r, _ in found) and len(currencies) == 1:
        return GroupTotals(headcount, sum((r for _, r, _ in found if r is not None), Decimal(0)), currencies.pop())
    return GroupTotals(headcount, None, None)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


CAMEL = {f.name: _camel(f.name) for f in fields(Facts)}
SNAKE = {v: k for k, v in CAMEL.items()}
BOOLEANS = {"worker_owned", "surplus_to_worker_owners", "commercial", "production", "adapted"}
INTEGERS = {"headcount", "group_headcount"}
DECIMALS = {"annual_revenue", "group_revenue", "revenue", "hours"}
TEXTS = {"legal_form", "revenue_currency", "currency", "use"}


def facts_to_json(facts: Facts) -> dict[str, Any]:
    """The facts as `facts_from_json` reads them (unknown facts left out; decimals as text, dates ISO)."""
    found: dict[str, Any] = {}
    for name, key in CAMEL.items():
        value = getattr(facts, name)
        if value is None:
            continue
        found[key] = (str(value) if isinstance(value, Decimal)
                      else value.isoformat() if isinstance(value, dt.date) else value)
    return found


def facts_from_json(data: Any) -> Facts:
    """Facts from a JSON object; every bad key or value is named. Unknown keys are refused (typos matter)."""
    if not isinstance(data, Mapping):
        raise RuleViolation([Problem("facts", "not_object", "the facts are a JSON object")])
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, raw in data.items():
        name = SNAKE.get(key)
        if name is None:
            problems.append(Problem(key, "unknown_fact", f"not a fact we know; known: {', '.join(sorted(SNAKE))}"))
            continue
        if raw is None:
            continue
        if name in BOOLEANS:
            if not isinstance(raw, bool):
                problems.append(Problem(key, "not_boolean", "true or false"))
                continue
            values[name] = raw
        elif name in INTEGERS:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                problems.append(Problem(key, "not_count", "a whole number, zero or more"))
                continue
            values[name] = raw
        elif name in DECIMALS:
            number, problem = parse_decimal(repr(raw) if isinstance(raw, float) else raw, key)
            if problem:
                problems.append(problem)
                continue
            values[name] = number
        elif name in ("date", "first_published"):
            try:
                values[name] = dt.date.fromisoformat(str(raw))
            except ValueError:
                problems.append(Problem(key, "bad_date", f"{raw!r} is not a date (YYYY-MM-DD)"))
        else:
            if not isinstance(raw, str):
                problems.append(Problem(key, "not_text", "text"))
                continue
            values[name] = raw
    if "use" in values and values["use"] not in USES:
        problems.append(Problem("use", "unknown_use", f"one of {', '.join(USES)}"))
    legal = values.get("legal_form")
    if legal is not None and legal not in {f.value for f in LegalForm}:
        problems.append(Problem("legalForm", "unknown_legal_form",
                                f"one of {', '.join(f.value for f in LegalForm)}"))
    if problems:
        raise RuleViolation(problems)
    return Facts(**values)
