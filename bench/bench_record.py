"""Events recorded per second through the `record_event` use case, beside a floor measured in the same run:
a bare SQLAlchemy Core insert of the same event rows, one transaction each. Aim: at least 50% of the floor.

    python bench/bench_record.py            # small: 3,000 events per database, in 3 alternating rounds
    python bench/bench_record.py --full     # 30,000 events per database
    python bench/bench_record.py --pg URL   # PostgreSQL URL (default: the local test database)
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.domain.model import EconomicEvent
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.store.mapping import event_row
from valueflows.store.tables import economic_events
from valueflows.store.uow import UnitOfWork

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def setup(uow: UnitOfWork) -> None:
    for name in ("ana", "bo", "coop"):
        kind = "Organization" if name == "coop" else "Person"
        records.create_agent(uow, AgentInput(name=name, type=kind, id=name))
    records.create_specification(uow, SpecificationInput("Steel", id="steel", default_unit_of_resource="kilogram"))
    ledger.record_event(uow, EventInput("raise", "coop", "coop", resource_quantity=MeasureInput("1000000", "kilogram"),
                                        new_resource=NewResourceInput("stock", conforms_to="steel", id="stock"),
                                        has_point_in_time=T0))


def workload(n: int) -> list[EventInput]:
    """Three work events for each consume: contributions mostly, with resource effects in the mix."""
    events = []
    for i in range(n):
        when = T0 + timedelta(minutes=i)
        if i % 4 == 3:
            events.append(EventInput("consume", "coop", "coop", resource_inventoried_as="stock",
                                     resource_quantity=MeasureInput("0.25", "kilogram"), has_point_in_time=when))
        else:
            events.append(EventInput("work", "ana" if i % 2 else "bo", "coop",
                                     effort_quantity=MeasureInput("1.5", "hour"), has_point_in_time=when))
    return events


def schema_url(base: str, tag: str) -> tuple[str, Callable[[], None]]:
    if base.startswith("sqlite"):
        path = Path(tempfile.mkdtemp()) / f"{tag}.db"
        return f"sqlite:///{path}", lambda: shutil.rmtree(path.parent)
    schema = f"vf_bench_{tag}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return f"{base}?options=-csearch_path%3D{schema}", drop


def _usecase_rate(base: str, events: list[EventInput]) -> tuple[float, list[EconomicEvent]]:
    url, drop = schema_url(base, "usecase")
    uow = open_ledger(url)
    setup(uow)
    start = time.perf_counter()
    recorded = [ledger.record_event(uow, e).event for e in events]
    elapsed = time.perf_counter() - start
    uow.engine.dispose()
    drop()
    return len(events) / elapsed, recorded


def _floor_rate(base: str, recorded: list[EconomicEvent]) -> float:
    url, drop = schema_url(base, "floor")
    uow = open_ledger(url)
    setup(uow)
    rows = [event_row(replace(e, id=str(uuid.uuid4()), seq=1_000_000 + i)) for i, e in enumerate(recorded)]
    statement = insert(economic_events)  # built once: the fastest plain Core form
    start = time.perf_counter()
    for row in rows:
        with uow.engine.begin() as conn:
            conn.execute(statement, row)
    elapsed = time.perf_counter() - start
    uow.engine.dispose()
    drop()
    return len(rows) / elapsed


def measure(base: str, n: int, rounds: int = 3) -> dict[str, float]:
    """Use case and floor alternate over `rounds` rounds of n/rounds events; the medians are compared."""
    usecase, floor = [], []
    for _ in range(rounds):
        rate, recorded = _usecase_rate(base, workload(n // rounds))
        usecase.append(rate)
        floor.append(_floor_rate(base, recorded))
    u, f = statistics.median(usecase), statistics.median(floor)
    return {"events": n, "usecase_per_s": u, "floor_per_s": f, "ratio": u / f}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n = 30_000 if args.full else 3_000
    results = {"sqlite": measure("sqlite://", n), "postgresql": measure(args.pg, n)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'database':<12}{'events':>8}{'use case ev/s':>16}{'floor ev/s':>14}{'ratio':>8}")
    for db, r in results.items():
        print(f"{db:<12}{r['events']:>8}{r['usecase_per_s']:>16.0f}{r['floor_per_s']:>14.0f}{r['ratio']:>8.0%}")


if __name__ == "__main__":
    main()
