"""Obligations back to the commons: how much a quarter's use adds, and whether what is owed was paid.

Pure. An obligation is a claim: the user owes the steward an amount by a due date. Within one period (a
quarter) the amount follows the licence's formula on the period's revenue so far: each new declaration adds a
claim for the difference only (the minimum is owed once per period, the share on the running total).

Settlement: every flow from the user to the steward made under the same agreement (the licence) counts, as of
the day asked: money in the claims' currency at face value, work and services by their hours at the claim's work
rate. It pays claims oldest due date first
(then oldest created, then id): a payment settles what has been owed longest. A claim is `fulfilled` once
covered, `overdue` after its due date while not, `pending` before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from valueflows.reciprocity.decide import Owed


def increment(owed: Owed, already_claimed: Decimal) -> Decimal:
    """What a new declaration adds to its period's obligation (never negative: claims are not taken back)."""
    if owed.amount is None:
        return Decimal(0)
    return max(owed.amount - already_claimed, Decimal(0))


class Owing(NamedTuple):  # tuples: a steward's statuses are thousands of them, made in a few ms
    id: str
    amount: Decimal
    currency: str
    due: date
    created: date
    work_rate: Decimal | None  # value of an hour of work, in `currency`; None: work does not settle it


@dataclass(frozen=True)
class Payment:
    """A flow from the user to the steward: money (amount in a currency) or work (hours)."""

    day: date
    amount: Decimal = Decimal(0)
    currency: str | None = None
    hours: Decimal = Decimal(0)


_SETTLING_ORDER = itemgetter(3, 4, 0)  # an Owing's (due, created, id)


class Status(NamedTuple):
    id: str
    amount: Decimal
    settled: Decimal
    outstanding: Decimal
    state: str  # "pending" | "fulfilled" | "overdue"
    due: date
    since: date  # owed from this day (the day of the use)


def statuses(owing: Iterable[Owing], payments: Iterable[Payment], as_of: date) -> list[Status]:
    paid = [p for p in payments if p.day <= as_of]
    money: dict[str, Decimal] = {}
    for p in paid:
        if p.currency is not None and p.amount:
            money[p.currency] = money.get(p.currency, Decimal(0)) + p.amount
    return statuses_paid(owing, money, sum((p.hours for p in paid), Decimal(0)), as_of)


def statuses_paid(owing: Iterable[Owing], money: dict[str, Decimal], hours: Decimal, as_of: date) -> list[Status]:
    """The claims' statuses on `as_of`, given everything paid by then: money by currency, and hours of work."""
    claims = sorted(owing, key=_SETTLING_ORDER)
    money = dict(money)
    out = []
    for c in claims:
        if c.created > as_of:  # not owed yet on that day
            continue
        left = c.amount
        take = min(left, money.get(c.currency, Decimal(0)))
        money[c.currency] = money.get(c.currency, Decimal(0)) - take
        left -= take
        if left and hours and c.work_rate:
            worth = hours * c.work_rate
            if worth >= left:  # the work covers the rest; the hours left over carry on
                hours -= left / c.work_rate
                left = Decimal(0)
            else:
                left -= worth
                hours = Decimal(0)
        out.append(Status(c.id, c.amount, c.amount - left, left, state(left, c.due, as_of), c.due, c.created))
    return out


def status_kept(claim: str, amount: Decimal, settled: Decimal, due: date, since: date, as_of: date) -> Status:
    """The status on `as_of` of a claim of which `settled` is settled: what every payment made by then settles of it
    (kept when they were recorded)."""
    left = amount - settled
    return Status(claim, amount, settled, left, state(left, due, as_of), due, since)


def state(outstanding: Decimal, due: date, as_of: date) -> str:
    return "fulfilled" if outstanding == 0 else ("overdue" if as_of > due else "pending")
