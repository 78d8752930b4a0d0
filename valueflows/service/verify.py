"""`valueflows verify`: recompute the hash chain and check that the stored records still say what the chain
recorded, and that derived state (resource quantities, daily totals) equals what the events make of it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from valueflows.accounting.contributions import DayKey, fold_day_totals, fold_months, fold_sizes
from valueflows.domain.chain import TOMBSTONE, ChainFault, canonical_json, facts, verify_links
from valueflows.domain.effects import fold_quantities
from valueflows.domain.quantities import canonical_before_whole
from valueflows.service import settling
from valueflows.store.ports import RECORD_KINDS, Tx, UnitOfWork

Latest = dict[tuple[str, str], tuple[int, bytes]]
WITHDRAWN = hashlib.sha256(canonical_json(TOMBSTONE).encode()).digest()


@dataclass
class VerifyReport:
    records: int = 0
    faults: list[ChainFault] = field(default_factory=list)  # records that do not match the chain
    # Derived state (resource quantities) that does not match the events: a symptom, reported after the cause.
    quantity_faults: list[ChainFault] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults and not self.quantity_faults

    @property
    def first(self) -> ChainFault | None:
        for faults in (self.faults, self.quantity_faults):
            if faults:
                return min(faults, key=lambda f: f.seq)
        return None


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def verify(uow: UnitOfWork) -> VerifyReport:
    report = VerifyReport()
    with uow.read() as tx:
        latest: Latest = {}
        for rec in tx.chain.stream():
            report.records += 1
            latest[(rec.kind, rec.record_id)] = (rec.seq, _digest(rec.payload))
        report.faults.extend(verify_links(tx.chain.stream()))
        report.faults.extend(_records_match_chain(tx, latest))
        report.quantity_faults.extend(_quantities_match_events(tx, latest))
        report.quantity_faults.extend(_day_totals_match_events(tx))
        report.quantity_faults.extend(ChainFault(0, "claim", claim, fault) for claim, fault in settling.kept_faults(tx))
    return report


def _records_match_chain(tx: Tx, latest: Latest) -> Iterator[ChainFault]:
    for kind in RECORD_KINDS:
        seen: set[str] = set()
        for record in tx.records(kind).stream():
            seen.add(record.id)
            entry = latest.get((kind, record.id))
            if entry is None:
                yield ChainFault(0, kind, record.id, "is in the tables but was never recorded in the chain")
            elif entry[1] == WITHDRAWN:
                yield ChainFault(entry[0], kind, record.id, "was withdrawn in the chain but is still in the tables")
            elif kind == "economic_event" and record.seq != entry[0]:  # an event's chain record is found by its seq
                yield ChainFault(entry[0], kind, record.id, f"its seq {record.seq} is not its chain record's")
            elif entry[1] != _digest(canonical_json(facts(record))) and (
                    entry[1] != _digest(canonical_json(facts(record, canonical_before_whole)))):
                # (a record chained before 2026-12-01 with a quantity of more than 28 significant digits was hashed
                # with it rounded to 28: the stored record is whole on PostgreSQL)
                yield ChainFault(entry[0], kind, record.id, "the stored record differs from what the chain recorded")
        for (k, record_id), (seq, digest) in latest.items():
            if k == kind and record_id not in seen and digest != WITHDRAWN:
                yield ChainFault(seq, kind, record_id, "is in the chain but missing from the tables")


def _day_totals_match_events(tx: Tx) -> Iterator[ChainFault]:
    expected = fold_day_totals(tx.events.stream())
    yield from _totals_match("contribution_day", "daily total", "its events", expected,
                             {key: (quantity, events) for key, quantity, events in tx.days.stream()})
    yield from _totals_match("contribution_month", "monthly total", "its events",
                             fold_months((key, quantity, events) for key, (quantity, events) in expected.items()),
                             {key: (quantity, events) for key, quantity, events in tx.days.stream_months()})
    expected_sizes, stored_sizes = fold_sizes(tx.events.stream()), dict(tx.days.stream_sizes())
    for key in sorted(set(expected_sizes) | set(stored_sizes)):
        want, have = expected_sizes.get(key, 0), stored_sizes.get(key, 0)
        if want != have:
            yield ChainFault(0, "contribution_size", f"{key.provider}>{key.receiver} {key.action} {key.month}",
                             f"{have} events of {key.each} {key.unit} counted, its events say {want}")


def _totals_match(kind: str, what: str, source: str, expected: dict[DayKey, tuple[Decimal, int]],
                  stored: dict[DayKey, tuple[Decimal, int]]) -> Iterator[ChainFault]:
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (Decimal(0), 0)), stored.get(key, (Decimal(0), 0))
        if want[0] != have[0] or want[1] != have[1]:
            yield ChainFault(0, kind, f"{key.provider}>{key.receiver} {key.action} {key.day}",
                             f"{what} {have[0]} ({have[1]} events) does not equal {source}: "
                             f"{want[0]} ({want[1]} events)")


def _quantities_match_events(tx: Tx, latest: Latest) -> Iterator[ChainFault]:
    expected = fold_quantities(tx.events.stream())
    for resource in tx.resources.stream():
        accounting, onhand = expected.get(resource.id, (0, 0))
        if (resource.accounting_quantity, resource.onhand_quantity) != (accounting, onhand):
            seq = latest.get(("economic_resource", resource.id), (0, b""))[0]
            yield ChainFault(seq, "economic_resource", resource.id,
                             f"quantities {resource.accounting_quantity}/{resource.onhand_quantity} do not equal the "
                             f"sum of its events ({accounting}/{onhand})")


def report_json(report: VerifyReport) -> dict[str, Any]:
    """The one JSON shape of a verification, on `GET /verify` and `verify --json`: the first fault (the cause; what
    follows it may be its symptoms), then every fault: the records that do not match the chain in sequence order, then
    the derived figures that do not match their events."""
    first = report.first
    return {"ok": report.ok, "records": report.records, "firstFault": str(first) if first else None,
            "faults": [str(f) for f in [*sorted(report.faults, key=lambda f: f.seq), *report.quantity_faults]]}
