"""Offers and requests paged as a client pages them: 10,000 intents read a connection page at a time through the
main GraphQL API (`intents(first: 100, after: …)`, as an anonymous reader), each page timed. Beside it, the floor
measured in the same run: the same pages as a bare SQL select (`id > cursor ORDER BY id LIMIT 100`).
Aim: p99 per page under 50 ms. As `valueflows serve` does, what lives from start to stop is frozen out of the
garbage collector's reach (`gc.freeze()`) before the pages are read.

    python bench/bench_planning.py            # 10,000 intents on SQLite and PostgreSQL
    python bench/bench_planning.py --full     # 100,000
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema
from valueflows.domain.access import ANONYMOUS
from valueflows.domain.inputs import AgentInput, MeasureInput, SpecificationInput
from valueflows.domain.planning import FlowInput
from valueflows.service import planning, records
from valueflows.service.bootstrap import open_ledger
from valueflows.store.tables import intents
from valueflows.store.uow import UnitOfWork

sys.path.insert(0, str(Path(__file__).parent))
from bench_record import schema_url  # a benchmark beside this one: its throwaway databases

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PAGE = 100
QUERY = """query($after: String) { intents(first: 100, after: $after) {
  edges { cursor node { id name provider { id } receiver { id } resourceQuantity { hasNumericalValue } } }
  pageInfo { endCursor hasNextPage } } }"""


def fill(uow: UnitOfWork, n: int) -> None:
    records.create_agent(uow, AgentInput("Atelier", "Organization", id="atelier"))
    records.create_agent(uow, AgentInput("Farm", "Organization", id="farm"))
    records.create_specification(uow, SpecificationInput("Seed drill", id="drill", default_unit_of_resource="one"))
    for i in range(n):
        side = {"provider": "atelier"} if i % 2 else {"receiver": "farm"}
        planning.create_intent(uow, FlowInput("transfer", name=f"seed drills #{i}", resource_conforms_to="drill",
                                              resource_quantity=MeasureInput(str(1 + i % 5), "one"), **side))


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


def measure(uow: UnitOfWork) -> dict[str, Any]:
    times: list[float] = []
    after: str | None = None
    seen = 0
    context = Context(uow, ANONYMOUS)
    while True:
        start = time.perf_counter()
        result = schema.execute_sync(QUERY, variable_values={"after": after}, context_value=context)
        times.append((time.perf_counter() - start) * 1000)
        assert not result.errors, result.errors
        page = result.data["intents"]  # type: ignore[index]
        seen += len(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    floor: list[float] = []
    cursor = ""
    with uow.engine.connect() as conn:
        while True:
            start = time.perf_counter()
            rows = conn.execute(select(intents).where(intents.c.id > cursor).order_by(intents.c.id).limit(PAGE)).all()
            floor.append((time.perf_counter() - start) * 1000)
            if len(rows) < PAGE:
                break
            cursor = rows[-1].id
    return {"intents": seen, "pages": len(times), "page_p50_ms": round(statistics.median(times), 2),
            "page_p99_ms": round(p99(times), 2), "floor_p99_ms": round(p99(floor), 3),
            "ours_over_floor": round(p99(times) / p99(floor), 1), "aim_p99_ms": 50}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()
    n = 100_000 if args.full else 10_000
    out: dict[str, Any] = {}
    for database, base in (("sqlite", "sqlite"), ("postgresql", args.pg)):
        url, drop = schema_url(base, "planning")
        uow = open_ledger(url)
        try:
            fill(uow, n)
            gc.collect()
            gc.freeze()
            out[database] = measure(uow)
            gc.unfreeze()
        finally:
            uow.engine.dispose()
            drop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
