"""GraphQL over HTTP against the running server (uvicorn on 127.0.0.1), SQLite by default.

1. `createEconomicEvent` requests per second, beside a floor measured in the same run: a minimal strawberry
   mutation on the same stack that does one insert (bench/floor_server.py). Aim: at least 50%.
   The same events sent 500 at a time with `createEconomicEvents`: events per second beside one request per event.
   Aim: at least 5x.
2. p50/p99 latency of `contributionReport` over a ledger of N events (100,000 with --full). Aim: p99 < 50 ms.

    python bench/bench_graphql.py [--full] [--db postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, SpecificationInput
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.tokens import create_token

HERE = Path(__file__).resolve().parent
MUTATION = """mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }"""
BATCH = """mutation($es: [EconomicEventBatchItem!]!) { createEconomicEvents(events: $es) { economicEvents { id } } }"""
BATCH_SIZE = 500
FLOOR = """mutation($p: String!, $r: String!, $h: String!) { insertEvent(provider: $p, receiver: $r, hours: $h) }"""
REPORT = """query($s: DateTime!, $e: DateTime!) { contributionReport(start: $s, end: $e, receiver: "coop") {
  totalHours contributors { agent { id } hours share } } }"""
MEMBERS = [f"m{i}" for i in range(20)]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def seed(url: str) -> str:
    uow = open_ledger(url)
    records.create_agent(uow, AgentInput("Coop", "Organization", legal_form="worker_coop", id="coop"))
    for m in MEMBERS:
        records.create_agent(uow, AgentInput(m, "Person", id=m))
    for kind in ("design", "build"):
        records.create_specification(uow, SpecificationInput(kind, id=kind))
    _, token = create_token(uow, "coop", "admin")
    uow.engine.dispose()
    return token


def fill(url: str, n: int) -> None:
    uow = open_ledger(url)
    for i in range(n):
        ledger.record_event(uow, EventInput(
            "work", MEMBERS[i % len(MEMBERS)], "coop", effort_quantity=MeasureInput(str(1 + i % 8) + ".5", "hour"),
            resource_conforms_to="design" if i % 3 else "build", has_point_in_time=T0 + timedelta(minutes=5 * i)))
    uow.engine.dispose()


@contextmanager
def server(command: list[str], port: int) -> Iterator[httpx.Client]:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        for _ in range(300):
            try:
                client.post("/graphql", json={"query": "{ __typename }"})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=20)


def rate(client: httpx.Client, n: int, body: dict[str, object], headers: dict[str, str], warm: int = 20) -> float:
    for _ in range(warm):  # warm up
        client.post("/graphql", json=body, headers=headers)
    start = time.perf_counter()
    for _ in range(n):
        response = client.post("/graphql", json=body, headers=headers)
        assert response.status_code == 200 and not response.json().get("errors"), response.text
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file per measurement)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    requests, ledger_size = (5_000, 100_000) if args.full else (1_000, 10_000)
    workdir = Path(tempfile.mkdtemp())

    def url(tag: str) -> str:
        return args.db or f"sqlite:///{workdir / tag}.db"

    results: dict[str, object] = {}
    token = seed(url("writes"))
    event = {"action": "work", "provider": "m1", "receiver": "coop", "hasPointInTime": "2026-06-01T10:00:00Z",
             "effortQuantity": {"hasDecimalValue": "1.5", "hasUnit": "hour"}}
    ours_cmd = [str(Path(sys.executable).with_name("valueflows")), "serve", "--db", url("writes"), "--port", "8761"]
    with server(ours_cmd, 8761) as client:
        ours = rate(client, requests, {"query": MUTATION, "variables": {"e": event}},
                    {"Authorization": f"Bearer {token}"})
        batches = max(2, requests // BATCH_SIZE)
        body = {"query": BATCH, "variables": {"es": [{"event": event}] * BATCH_SIZE}}
        batched = BATCH_SIZE * rate(client, batches, body, {"Authorization": f"Bearer {token}"}, warm=2)
    seed(url("floor"))
    floor_cmd = [sys.executable, str(HERE / "floor_server.py"), "--db", url("floor"), "--port", "8762"]
    with server(floor_cmd, 8762) as client:
        floor = rate(client, requests, {"query": FLOOR, "variables": {"p": "m1", "r": "coop", "h": "1.5"}}, {})
    results["createEconomicEvent"] = {"requests": requests, "per_s": ours, "floor_per_s": floor, "ratio": ours / floor}
    results["createEconomicEvents"] = {"events": batches * BATCH_SIZE, "batch": BATCH_SIZE, "events_per_s": batched,
                                       "single_per_s": ours, "ratio": batched / ours}

    if not args.db:
        seed(url("report"))
    fill(url("report" if not args.db else "writes"), ledger_size)
    report_cmd = [str(Path(sys.executable).with_name("valueflows")), "serve", "--db",
                  url("report" if not args.db else "writes"), "--port", "8763"]
    with server(report_cmd, 8763) as client:
        variables = {"s": "2026-01-01T00:00:00Z", "e": "2027-01-01T00:00:00Z"}
        for _ in range(10):
            client.post("/graphql", json={"query": REPORT, "variables": variables})
        times = []
        for _ in range(200):
            start = time.perf_counter()
            response = client.post("/graphql", json={"query": REPORT, "variables": variables})
            times.append((time.perf_counter() - start) * 1000)
            assert not response.json().get("errors"), response.text
        times.sort()
        results["contributionReport"] = {"events": ledger_size, "p50_ms": statistics.median(times),
                                         "p99_ms": times[int(len(times) * 0.99) - 1]}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    w = results["createEconomicEvent"]
    r = results["contributionReport"]
    print(f"createEconomicEvent over HTTP: {w['per_s']:.0f} req/s; floor (one-insert mutation) {w['floor_per_s']:.0f}"
          f" req/s; ratio {w['ratio']:.0%}  ({w['requests']} requests each)")
    b = results["createEconomicEvents"]
    print(f"createEconomicEvents over HTTP, {b['batch']} a request: {b['events_per_s']:.0f} events/s; one request an "
          f"event {b['single_per_s']:.0f}/s; {b['ratio']:.1f}x (aim 5x)")
    print(f"contributionReport over {r['events']} events: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms")


if __name__ == "__main__":
    main()
