"""`valueflows verify`: recompute the hash chain and check that the tables still say what the chain recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from valueflows.accounting.contributions import DayKey, fold_day_totals
from valueflows.domain.chain import ChainFault, ChainRecord, canonical_json, facts, verify_links
from valueflows.domain.effects import fold_quantities
from valueflows.store.mapping import FROM_ROW, event_from_row
from valueflows.store.tables import RECORD_TABLES, contribution_days, economic_events, economic_resources, ledger
from valueflows.store.uow import UnitOfWork

Latest = dict[tuple[str, str], tuple[int, bytes]]


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
    with uow.read() as conn:
        latest: Latest = {}
        for rec in _chain(conn):
            report.records += 1
            latest[(rec.kind, rec.record_id)] = (rec.seq, _digest(rec.payload))
        for fault in verify_links(_chain(conn)):
            report.faults.append(fault)
        report.faults.extend(_tables_match_chain(conn, latest))
        report.quantity_faults.extend(_quantities_match_events(conn, latest))
        report.quantity_faults.extend(_day_totals_match_events(conn))
    return report


def _chain(conn: Connection) -> Iterator[ChainRecord]:
    rows = conn.execution_options(yield_per=5000).execute(select(ledger).order_by(ledger.c.seq))
    for row in rows:
        yield ChainRecord(row.seq, row.kind, row.record_id, row.payload, row.prev_hash, row.hash)


def _tables_match_chain(conn: Connection, latest: Latest) -> Iterator[ChainFault]:
    for kind, table in RECORD_TABLES.items():
        seen: set[str] = set()
        for row in conn.execution_options(yield_per=5000).execute(select(table)):
            record = FROM_ROW[kind](row)
            seen.add(record.id)
            entry = latest.get((kind, record.id))
            if entry is None:
                yield ChainFault(0, kind, record.id, "is in the tables but was never recorded in the chain")
            elif entry[1] != _digest(canonical_json(facts(record))):
                yield ChainFault(entry[0], kind, record.id, "the stored record differs from what the chain recorded")
        for (k, record_id), (seq, _) in latest.items():
            if k == kind and record_id not in seen:
                yield ChainFault(seq, kind, record_id, "is in the chain but missing from the tables")


def _day_totals_match_events(conn: Connection) -> Iterator[ChainFault]:
    events = (event_from_row(r) for r in conn.execution_options(yield_per=5000).execute(
        select(economic_events).order_by(economic_events.c.seq)))
    expected = fold_day_totals(events)
    d = contribution_days
    stored = {DayKey(r.provider, r.receiver, r.action, r.kind, r.unit, r.day): (r.quantity, r.events)
              for r in conn.execute(select(d))}
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (0, 0)), stored.get(key, (0, 0))
        if want[0] != have[0] or want[1] != have[1]:
            yield ChainFault(0, "contribution_day", f"{key.provider}>{key.receiver} {key.action} {key.day}",
                             f"daily total {have[0]} ({have[1]} events) does not equal its events: "
                             f"{want[0]} ({want[1]} events)")


def _quantities_match_events(conn: Connection, latest: Latest) -> Iterator[ChainFault]:
    events = (event_from_row(r) for r in conn.execution_options(yield_per=5000).execute(
        select(economic_events).order_by(economic_events.c.seq)))
    expected = fold_quantities(events)
    for row in conn.execute(select(economic_resources.c.id, economic_resources.c.accounting_quantity,
                                   economic_resources.c.onhand_quantity)):
        accounting, onhand = expected.get(row.id, (0, 0))
        if (row.accounting_quantity, row.onhand_quantity) != (accounting, onhand):
            seq = latest.get(("economic_resource", row.id), (0, b""))[0]
            yield ChainFault(seq, "economic_resource", row.id,
                             f"quantities {row.accounting_quantity}/{row.onhand_quantity} do not equal the sum of its "
                             f"events ({accounting}/{onhand})")
