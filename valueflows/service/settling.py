"""Settling obligations: what the payments a user made a steward under a licence settle of what it owes there.

A payment is any flow from the user to the steward agreed in the licence's policy (money by its resource quantity,
work and services by their hours); it settles obligations oldest due date first (`reciprocity.obligations`).

The settlement is also kept on write: whenever a payment or an obligation of a (user, steward, agreement) is
recorded, or a payment corrected, the same transaction works out what everything recorded so far settles of each
of that pair's obligations and keeps it (`Claims.keep_settled`), with the first day it holds for: the day of the
pair's last payment, or of its newest obligation, whichever is later. The status of an obligation on a day from
then on is read from it; on an earlier day (or for an obligation recorded before settlements were kept) it is
worked out from the payments made by then, as it always can be. `verify` works each kept settlement out again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from valueflows.accounting.contributions import HOURS_PER_UNIT as HOURS_PER
from valueflows.domain.model import EconomicEvent
from valueflows.reciprocity.obligations import Owing, Status, status_kept, statuses_paid
from valueflows.store.ports import OwedRow, Tx, WriteTx, owed_row

WORK_ACTIONS = ("work", "deliverService")
MONEY_ACTIONS = ("transfer", "transferAllRights")
PAYMENT_ACTIONS = (*MONEY_ACTIONS, *WORK_ACTIONS)  # what pays towards obligations, agreed in a licence
EVER = datetime.max.replace(tzinfo=UTC)  # later than any event

Pair = tuple[str, str, str]  # (user, steward, agreement): what settles together


class Paid(NamedTuple):
    money: dict[str, Decimal]  # by currency
    hours: Decimal
    last: date | None  # the UTC day of the last payment counted


ZERO = Decimal(0)
NOTHING = Paid({}, ZERO, None)


def paid(tx: Tx, users: set[str], stewards: set[str], agreements: set[str], before: datetime) -> dict[Pair, Paid]:
    """What these users paid these stewards under one of these agreements (its `agreedIn` is the licence's policy:
    a payment towards obligations, not the price of something bought) before `before`, by pair: money by currency,
    hours of work (each unit of time summed, then converted), and the day of the last payment counted. Totals are
    added in one order whatever the query gave, so that a pair's figures are the same read alone or with others."""
    money: dict[Pair, dict[str, Decimal]] = defaultdict(dict)
    hours: dict[Pair, Decimal] = defaultdict(Decimal)
    last: dict[Pair, date] = {}
    totals = tx.events.paid_totals(users, stewards, agreements, before, MONEY_ACTIONS, WORK_ACTIONS)
    for t in sorted(totals, key=lambda t: (t.provider, t.receiver, t.agreed_in, t.action, t.unit)):
        pair = (t.provider, t.receiver, t.agreed_in)
        if t.resource:
            money[pair][t.unit] = money[pair].get(t.unit, Decimal(0)) + t.total
        elif t.unit in HOURS_PER:
            hours[pair] += t.total * HOURS_PER[t.unit]
        else:
            continue  # work counted in something other than time pays nothing
        day = t.last.astimezone(UTC).date()
        last[pair] = max(day, last.get(pair, day))
    return {pair: Paid(money.get(pair, {}), hours.get(pair, Decimal(0)), last.get(pair))
            for pair in money.keys() | hours.keys()}


def statuses(tx: Tx, rows: list[OwedRow], day: date) -> list[tuple[OwedRow, Status]]:
    """The statuses of these obligations on `day`: read from the kept settlement of each pair for which it holds on
    that day, worked out from the payments made by then for the others (one query for all of them)."""
    # the pairs an obligation of which has no settlement holding on that day (a payment came later, or none kept)
    late = {(r.provider, r.receiver, r.agreed_in or "") for r in rows if r.holds_from is None or r.holds_from > day}
    kept = [r for r in rows if (r.provider, r.receiver, r.agreed_in or "") not in late] if late else rows
    out = [(r, status_kept(r.id, r.amount if r.amount is not None else ZERO, r.settled or ZERO, r.due or day,
                           r.since, day)) for r in kept]
    worked = by_pair(r for r in rows if (r.provider, r.receiver, r.agreed_in or "") in late) if late else {}
    if worked:
        # payments up to the end of the day (UTC); an obligation agreed in nothing is paid by nothing
        end = EVER if day == date.max else datetime.combine(day + timedelta(days=1), time.min, UTC)
        found = paid(tx, {p for p, _, _ in worked}, {s for _, s, _ in worked}, {a for _, _, a in worked if a}, end)
        for pair, owed in worked.items():
            out += _settled(owed, found.get(pair, NOTHING), day)
    return out


def _owing(r: OwedRow, day: date) -> Owing:
    # owed from the day of the use that created it (it may be declared later): `OwedRow.since`
    return Owing(r.id, r.amount if r.amount is not None else Decimal(0), r.unit or "", r.due or day, r.since,
                 r.work_rate)


def _settled(owed: list[OwedRow], paid_: Paid, day: date) -> list[tuple[OwedRow, Status]]:
    done = statuses_paid([_owing(r, day) for r in owed], paid_.money, paid_.hours, day)
    if len(owed) == 1:
        return [(owed[0], s) for s in done]
    by_id = {r.id: r for r in owed}
    return [(by_id[s.id], s) for s in done]


def payment_pairs(events: Iterable[EconomicEvent | None]) -> set[Pair]:
    """The pairs whose settlement these events change when recorded (or corrected): payments agreed in something."""
    return {(e.provider, e.receiver, e.agreed_in) for e in events
            if e is not None and e.agreed_in and e.action in PAYMENT_ACTIONS}


def worked_out(owed: list[OwedRow], paid_ever: Paid) -> tuple[list[tuple[OwedRow, Decimal]], date] | None:
    """What everything the pair's user ever paid (`paid_ever`) settles of each of the pair's obligations (`owed`),
    and the first day that holds for (None: not kept, for a pair with an obligation that has no due date, which
    settles in the order of the day asked)."""
    if not owed or any(r.due is None for r in owed):
        return None
    done = statuses_paid([_owing(r, date.max) for r in owed], paid_ever.money, paid_ever.hours, date.max)
    holds_from = max([r.since for r in owed] + ([paid_ever.last] if paid_ever.last else []))
    by_id = {r.id: r for r in owed}
    return [(by_id[s.id], s.settled) for s in done], holds_from


def by_pair(rows: Iterable[OwedRow]) -> dict[Pair, list[OwedRow]]:
    pairs: dict[Pair, list[OwedRow]] = defaultdict(list)
    for r in rows:
        pairs[(r.provider, r.receiver, r.agreed_in or "")].append(r)
    return pairs


def resettle(tx: WriteTx, pairs: Iterable[Pair]) -> None:
    """Work out again, and keep, what everything recorded so far settles of each obligation of these pairs (in
    the transaction that recorded a payment or an obligation of theirs)."""
    for pair in sorted(set(pairs)):
        user, steward, agreement = pair
        owed = by_pair(tx.claims.owed(user, steward)).get(pair, [])
        if not owed:
            continue
        ever = paid(tx, {user}, {steward}, {agreement}, EVER).get(pair, NOTHING) if agreement else NOTHING
        kept = worked_out(owed, ever)
        if kept is not None:
            tx.claims.keep_settled(*kept)


def kept_faults(tx: Tx) -> Iterator[tuple[str, str]]:
    """(claim, what is wrong) for each kept settlement that is not what the payments recorded so far settle of it
    (pairs whose settlement is read from what was kept: every obligation of theirs has one)."""
    rows = tx.claims.owed()
    claims = {c.id: owed_row(c) for c in tx.claims.obligations()}  # the facts read from each whole claim
    for r in rows:
        if r.holds_from is not None and (r.since, r.work_rate) != (claims[r.id].since, claims[r.id].work_rate):
            yield r.id, (f"settlement kept with owed since {r.since} and work rate {r.work_rate}, but the claim says "
                         f"{claims[r.id].since} and {claims[r.id].work_rate}")
    pairs = {pair: owed for pair, owed in by_pair(rows).items() if all(r.holds_from is not None for r in owed)}
    if not pairs:
        return
    ever = paid(tx, {u for u, _, _ in pairs}, {s for _, s, _ in pairs}, {a for _, _, a in pairs if a}, EVER)
    for pair, owed in sorted(pairs.items()):
        want = worked_out(owed, ever.get(pair, NOTHING) if pair[2] else NOTHING)
        expected = {} if want is None else {row.id: (settled, want[1]) for row, settled in want[0]}
        for r in owed:
            if expected.get(r.id) != (r.settled, r.holds_from):
                said = f"settles {expected[r.id][0]} from {expected[r.id][1]}" if r.id in expected else "are not kept"
                yield r.id, f"settlement kept as {r.settled} from {r.holds_from}, but its payments {said}"
