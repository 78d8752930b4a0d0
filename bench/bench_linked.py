"""Linked data throughput and memory, each beside a floor measured in the same run.

Export: events per second and peak Python memory (tracemalloc) writing the whole ledger as N-Triples, Turtle and
JSON-LD, beside serialising the same event rows with orjson (one JSON object per row, no RDF). Also pyld's
`compact` on a slice of the ledger, to show what building the graph with pyld would cost. Import: events per
second of `valueflows import` (every record through the ledger's rules, one transaction) beside a bare SQLAlchemy
Core executemany of the same event rows.

The ledgers are the ones `bench_dividends.py` generates (cached under /tmp): 20,000 events by default, 100,000
and 1,000,000 with --full. Aims (issue 5): export at least 50% of the orjson floor, peak memory under 150 MB at
1,000,000 events, far ahead of pyld compact; import at least 25% of the executemany floor.

    python bench/bench_linked.py           # 20,000 events; import of 5,000
    python bench/bench_linked.py --full    # 100,000 and 1,000,000 events; import of 20,000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, insert, select

sys.path.insert(0, str(Path(__file__).parent))
from bench_dividends import sqlite_ledger

from valueflows.linkeddata import rdf
from valueflows.linkeddata.contexts import document_loader
from valueflows.service import linked
from valueflows.service.bootstrap import open_ledger
from valueflows.store.tables import economic_events, metadata
from valueflows.store.uow import UnitOfWork

BASE = "https://ledger.example.org"


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = fn()
    return time.perf_counter() - start, count


def peak_mb(fn: Callable[[], int]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def export_to_null(url: str, fmt: str) -> Callable[[], int]:
    def run() -> int:
        uow = open_ledger(url)
        written = 0
        with open(os.devnull, "w", encoding="utf-8") as out:
            for chunk in linked.export(uow, fmt, BASE):
                written += len(chunk)
                out.write(chunk)
        uow.engine.dispose()
        return written
    return run


def orjson_floor(url: str) -> Callable[[], int]:
    def run() -> int:
        engine = create_engine(url)
        written = 0
        with engine.connect() as conn, open(os.devnull, "wb") as out:
            for row in conn.execute(select(economic_events), execution_options={"yield_per": 5000}):
                line = orjson.dumps({str(k): v for k, v in row._asdict().items()}, default=str) + b"\n"
                written += len(line)
                out.write(line)
        engine.dispose()
        return written
    return run


def bench_export(url: str, events: int) -> dict[str, Any]:
    floor_s, _ = timed(orjson_floor(url))
    out: dict[str, Any] = {"events": events, "orjson_floor_ev_s": round(events / floor_s)}
    for fmt in ("nt", "turtle", "jsonld"):
        seconds, size = timed(export_to_null(url, fmt))
        out[fmt] = {"ev_s": round(events / seconds), "vs_floor": round(floor_s / seconds, 3), "mb_out": round(
            size / 1e6, 1)}
    out["jsonld"]["peak_mb"] = round(peak_mb(export_to_null(url, "jsonld")), 1)
    return out


def bench_pyld_compact(url: str, sample: int) -> dict[str, Any]:
    """pyld compact on the first `sample` events of our export: what building the document with pyld costs."""
    from pyld import jsonld

    uow = open_ledger(url)
    text = "".join(linked.export(uow, "jsonld", BASE))
    uow.engine.dispose()
    full = json.loads(text)
    events = [n for n in full["@graph"] if n.get("type") == "EconomicEvent"][:sample]
    document = {"@context": full["@context"], "@graph": events}
    expanded = jsonld.expand(document, {"documentLoader": document_loader})
    start = time.perf_counter()
    jsonld.compact(expanded, {"@context": full["@context"]}, {"documentLoader": document_loader})
    seconds = time.perf_counter() - start
    return {"events": len(events), "pyld_compact_ev_s": round(len(events) / seconds)}


def _import_whole(uow: UnitOfWork, data: str) -> int:
    return sum(linked.import_data(uow, data, "nt").written.values())


def _import_streamed(uow: UnitOfWork, data: str) -> int:
    return sum(linked.import_stream(uow, data.splitlines(keepends=True)).written.values())


ROUNDS = 3  # each import and the floor, into fresh stores; the best of each is kept (the floor alone swings 2x)


def bench_import(url: str, n: int) -> dict[str, Any]:
    """Import the first n events of a generated ledger (with its agents) into empty stores, the best of ROUNDS."""
    uow = open_ledger(url)
    lines = []
    kept = 0
    for kind, record in linked.records_of(uow):
        if kind == "economic_event":
            if kept >= n:
                break
            kept += 1
        lines.append(rdf.ntriples(kind, record, BASE))
    with uow.engine.connect() as conn:
        rows = [r._asdict() for r in conn.execute(select(economic_events).order_by(
            economic_events.c.seq).limit(n))]
    uow.engine.dispose()
    data = "".join(lines)
    seconds = stream_seconds = floor = float("inf")
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            whole, streamed = (open_ledger(f"sqlite:///{Path(tmp) / name}") for name in ("import.db", "stream.db"))
            took, written = timed(partial(_import_whole, whole, data))
            stream_took, _ = timed(partial(_import_streamed, streamed, data))
            whole.engine.dispose()
            streamed.engine.dispose()
            floor_engine = create_engine(f"sqlite:///{Path(tmp) / 'floor.db'}")
            metadata.create_all(floor_engine, tables=[economic_events])
            with floor_engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            start = time.perf_counter()
            with floor_engine.begin() as conn:
                conn.execute(insert(economic_events), rows)
            floor = min(floor, time.perf_counter() - start)
            floor_engine.dispose()
        assert written >= n, written
        seconds, stream_seconds = min(seconds, took), min(stream_seconds, stream_took)
    return {"events": n, "ev_s": round(n / seconds), "stream_ev_s": round(n / stream_seconds),
            "executemany_floor_ev_s": round(n / floor), "vs_floor": round(floor / seconds, 4),
            "stream_vs_floor": round(floor / stream_seconds, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    sizes = [100_000, 1_000_000] if args.full else [20_000]
    results: dict[str, Any] = {"export": []}
    for size in sizes:
        url, _ = sqlite_ledger(size, regenerate=False)
        found = bench_export(url, size)
        results["export"].append(found)
        print(f"export {size:,} events: orjson floor {found['orjson_floor_ev_s']:,} ev/s; "
              + "; ".join(f"{f} {found[f]['ev_s']:,} ev/s ({found[f]['vs_floor']}x floor, {found[f]['mb_out']} MB)"
                          for f in ("nt", "turtle", "jsonld"))
              + f"; JSON-LD peak memory {found['jsonld']['peak_mb']} MB")
    url, _ = sqlite_ledger(sizes[0], regenerate=False)
    results["pyld"] = bench_pyld_compact(url, 2_000)
    print(f"pyld compact: {results['pyld']['pyld_compact_ev_s']:,} ev/s on {results['pyld']['events']:,} events")
    results["import"] = bench_import(url, 20_000 if args.full else 5_000)
    imp = results["import"]
    print(f"import {imp['events']:,} events (N-Triples): {imp['ev_s']:,} ev/s whole, {imp['stream_ev_s']:,} ev/s "
          f"streamed, vs executemany floor {imp['executemany_floor_ev_s']:,} ev/s ({imp['vs_floor']}x, "
          f"{imp['stream_vs_floor']}x)")
    print(json.dumps({"bench": "linked", **results}))


if __name__ == "__main__":
    main()
