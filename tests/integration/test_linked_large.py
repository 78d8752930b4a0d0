"""A generated ledger of 20,000 events exported as N-Triples and re-imported in streaming mode (record by record)
into an empty store: the second export says exactly what the first did (line for line, blank nodes included).
Ledgers of a million events are the benchmarks' (`python bench/run.py --full`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from valueflows.domain.inputs import AgentInput, MembershipInput
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import Measure
from valueflows.service import linked, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.verify import verify
from valueflows.store.mapping import event_row
from valueflows.store.tables import economic_events

EVENTS = 20_000
BASE = "https://ledger.example.org"


def generate(url: str) -> None:
    """Members and a co-op through the use cases; their work events straight into the table (bench-style)."""
    uow = open_ledger(url)
    records.create_agent(uow, AgentInput("Coop", "Organization", legal_form="worker_coop", id="coop"))
    for i in range(50):
        records.create_agent(uow, AgentInput(f"Member {i}", "Person", id=f"m{i}"))
        records.create_membership(uow, MembershipInput(f"m{i}", "coop", date(2025, 1, 1)))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    with uow.engine.begin() as conn:
        for n in range(EVENTS):
            rows.append(event_row(EconomicEvent(
                id=f"e{n:06d}", action="work", provider=f"m{n % 50}", receiver="coop",
                effort_quantity=Measure(Decimal(1 + n % 7) / 2, "hour"),
                has_point_in_time=start + timedelta(minutes=5 * n), seq=10_000_000 + n)))
            if len(rows) == 10_000:
                conn.execute(insert(economic_events), rows)
                rows = []
    uow.engine.dispose()


def export_digest(url: str, path: Path) -> tuple[int, str]:
    """Write the export to `path`; an order-free digest of its lines (a sum of line hashes)."""
    uow = open_ledger(url)
    total, lines = 0, 0
    with path.open("w", encoding="utf-8") as out:
        for chunk in linked.export(uow, "nt", BASE):
            out.write(chunk)
            for line in chunk.splitlines():
                total = (total + int.from_bytes(hashlib.sha256(line.encode()).digest(), "big")) % (1 << 256)
                lines += 1
    uow.engine.dispose()
    return lines, f"{total:064x}"


@pytest.mark.slow
def test_a_large_ledger_round_trips_in_streaming_mode(tmp_path: Path) -> None:
    source, target = f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"
    generate(source)
    first = export_digest(source, tmp_path / "first.nt")
    assert first[0] > EVENTS * 9  # an event and its measure: 9 triples
    uow = open_ledger(target)
    with (tmp_path / "first.nt").open(encoding="utf-8") as lines:
        done = linked.import_stream(uow, lines)
    assert done.written["economic_event"] == EVENTS
    assert verify(uow).ok
    uow.engine.dispose()
    assert export_digest(target, tmp_path / "second.nt") == first
