"""Federation over real HTTP: two nodes (`valueflows serve`, SQLite) on this machine.

1. Inbox: N distinct activities (signed by B's node actor, draft-cavage) posted to A's inbox by 4 client threads;
   activities A takes per second (verified, kept once, acted on). Floor: the same N requests verified alone
   (`signatures.verify`, in this process, one thread): the price of HTTP, the store and the rules around it.
2. Delivery latency A -> B: B's organization follows A's; then K public events recorded on A, one after another;
   for each, the time from its recording on A to its arrival in B's store (A's worker publishes and delivers,
   a round a second when idle). p50 and p99.

    python bench/bench_federation.py            # 400 activities, 30 events
    python bench/bench_federation.py --full     # 2,000 activities, 100 events
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select

from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.federation.signatures import sign, verify
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.store.tables import actor_keys, received_records
from valueflows.store.tables import ledger as chain

VALUEFLOWS = shutil.which("valueflows") or str(Path(sys.executable).with_name("valueflows"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Node:
    def __init__(self, where: Path, name: str, org: str) -> None:
        self.db = f"sqlite:///{where / (name + '.db')}"
        subprocess.run([VALUEFLOWS, "init", "--db", self.db, "--org", org, "--org-id", org, "--admin", "Admin",
                        "--json"], check=True, capture_output=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (where / f"{name}.log").open("w")
        self.proc = subprocess.Popen([VALUEFLOWS, "serve", "--db", self.db, "--port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start")

    def private_key(self, actor: str = "node") -> str:
        engine = create_engine(self.db)
        with engine.connect() as conn:
            found = conn.execute(select(actor_keys.c.private_pem).where(actor_keys.c.actor == actor)).scalar_one()
        engine.dispose()
        return str(found)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def bench_inbox(a: Node, b: Node, n: int) -> dict[str, Any]:
    inbox = f"{a.base}/actors/{'atelier'}/inbox"
    key_id, key = f"{b.base}/actors/node#main-key", b.private_key()
    me = f"{b.base}/actors/node"
    requests = []
    for i in range(n):
        body = json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "id": f"{me}#like-{i}",
                           "type": "Like", "actor": me, "object": f"{a.base}/actors/atelier"}).encode()
        requests.append((body, sign("POST", inbox, key_id, key, body)))
    # the key is fetched once, with the first delivery; the figure is for a node that knows its peer
    assert httpx.post(inbox, content=requests[0][0], headers=requests[0][1], timeout=30).status_code == 202
    public_pem = httpx.get(me, headers={"accept": "application/activity+json"}).json()["publicKey"]["publicKeyPem"]
    t = time.perf_counter()
    for body, headers in requests[1:]:
        verify("POST", inbox, headers, body, public_pem)
    floor = (n - 1) / (time.perf_counter() - t)

    def post(item: tuple[bytes, dict[str, str]]) -> int:
        while True:
            status = httpx.post(inbox, content=item[0], headers=item[1], timeout=30).status_code
            if status != 429:  # told to slow down: try again, as a peer would
                return status
            time.sleep(0.05)

    t = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(post, requests[1:]))
    ours = (n - 1) / (time.perf_counter() - t)
    assert set(statuses) == {202}, set(statuses)
    return {"activities": n - 1, "per_s": round(ours, 1), "verify_floor_per_s": round(floor, 1),
            "vs_floor": round(ours / floor, 4)}


def bench_latency(a: Node, b: Node, k: int) -> dict[str, Any]:
    done = subprocess.run([VALUEFLOWS, "follow", f"atelier@127.0.0.1:{a.port}", "--as", "farmhack", "--db", b.db,
                           "--json"], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["queued"]
    engine_b = create_engine(b.db)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the Accept: from then on, what A's organization publishes goes to B
        with engine_b.connect() as conn:
            if conn.exec_driver_sql("select state from following").scalar() == "accepted":
                break
        time.sleep(0.2)
    uow = open_ledger(a.db)
    records.create_specification(uow, SpecificationInput("Seed drill", id="seed-drill"))
    first = datetime(2026, 3, 1, tzinfo=UTC)
    for i in range(k):  # a design raised: a public event and a public resource of the organization
        ledger.record_event(uow, EventInput(
            "raise", "atelier", "atelier", has_point_in_time=first + timedelta(minutes=i),
            resource_quantity=MeasureInput("1", "one"), note=f"bench {i}",
            new_resource=NewResourceInput(f"Design {i}", conforms_to="seed-drill", id=f"design-{i}")))
        time.sleep(0.05)
    deadline = time.monotonic() + 120
    arrived: dict[str, datetime] = {}
    while time.monotonic() < deadline and len(arrived) < k:
        with engine_b.connect() as conn:
            arrived = {r.id.rsplit("/", 1)[1]: r.received_at for r in conn.execute(select(received_records))
                       if r.type == "EconomicEvent"}
        time.sleep(0.2)
    engine_a = create_engine(a.db)
    with engine_a.connect() as conn:
        recorded = {r.record_id: r.recorded_at for r in conn.execute(
            select(chain.c.record_id, chain.c.recorded_at).where(chain.c.kind == "economic_event"))}
    engine_a.dispose()
    engine_b.dispose()
    uow.engine.dispose()
    waits = sorted((arrived[i] - recorded[i]).total_seconds() for i in arrived if i in recorded)
    assert len(waits) == k, f"{len(waits)} of {k} events arrived"
    return {"events": k, "p50_s": round(statistics.median(waits), 3),
            "p99_s": round(waits[min(len(waits) - 1, int(len(waits) * 0.99))], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        a, b = Node(where, "a", "atelier"), Node(where, "b", "farmhack")
        try:
            inbox = bench_inbox(a, b, 2000 if args.full else 400)
            latency = bench_latency(a, b, 100 if args.full else 30)
        finally:
            a.stop()
            b.stop()
    print(f"inbox: {inbox['per_s']}/s over HTTP ({inbox['activities']} signed activities, 4 clients) vs "
          f"{inbox['verify_floor_per_s']}/s verification alone ({inbox['vs_floor']:.1%})")
    print(f"delivery A -> B: p50 {latency['p50_s']} s, p99 {latency['p99_s']} s ({latency['events']} events)")
    print(json.dumps({"bench": "federation", "inbox": inbox, "latency": latency}))


if __name__ == "__main__":
    main()
