"""Crash safety: the real server, concurrent writers, SIGKILL at random moments, restart; on SQLite and PostgreSQL.

Each writer is a client that behaves as the API asks: every request carries an idempotency key, and a request
whose answer never came (the server died) is sent again, with the same key, until it is answered. After the
kills the ledger must hold every acknowledged event, each exactly once, whole (its chain record, its idempotency
key and its effect on the resource), and `valueflows verify` must pass.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import Server, cli, report
from sqlalchemy import func, select

from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.tokens import create_token
from valueflows.store import repository as repo
from valueflows.store.tables import economic_events, idempotency_keys
from valueflows.store.tables import ledger as chain
from valueflows.store.uow import UnitOfWork

KILLS = 5
WRITERS = 4
STOCK = Decimal(1_000_000)
RECORD = """mutation($e: EconomicEventCreateParams!, $k: String) {
  createEconomicEvent(event: $e, idempotencyKey: $k) { economicEvent { id } replayed } }"""


def seed(uow: UnitOfWork) -> str:
    records.create_agent(uow, AgentInput("Crash co-op", "Organization", legal_form="worker_coop", id="coop"))
    for w in range(WRITERS):
        records.create_agent(uow, AgentInput(f"Worker {w}", "Person", id=f"worker-{w}"))
    records.create_specification(uow, SpecificationInput("Steel", id="steel", default_unit_of_resource="kilogram"))
    ledger.record_event(uow, EventInput(
        "raise", "coop", "coop", resource_quantity=MeasureInput(str(STOCK), "kilogram"),
        has_point_in_time=at(0), new_resource=NewResourceInput("Steel stock", conforms_to="steel", id="stock")))
    return create_token(uow, "coop", "admin")[1]


def at(n: int) -> datetime:
    return datetime(2026, 6, 1, tzinfo=UTC) + timedelta(seconds=n)


def event(writer: int, n: int) -> dict[str, Any]:
    """Even writes are an hour of work, odd ones consume 0.5 kg of the shared stock."""
    when = at(writer * 1_000_000 + n).isoformat()
    if n % 2 == 0:
        return {"action": "work", "provider": f"worker-{writer}", "receiver": "coop", "hasPointInTime": when,
                "effortQuantity": {"hasDecimalValue": "1", "hasUnit": "hour"}, "note": f"crash {writer}-{n}"}
    return {"action": "consume", "provider": "coop", "receiver": "coop", "resourceInventoriedAs": "stock",
            "resourceQuantity": {"hasDecimalValue": "0.5", "hasUnit": "kilogram"}, "hasPointInTime": when,
            "note": f"crash {writer}-{n}"}


@dataclass
class Tally:
    acked: dict[str, str] = field(default_factory=dict)  # idempotency key -> event id the server answered
    consumed: int = 0
    requests: int = 0  # requests sent (not counting connections refused while the server was down)
    in_doubt: int = 0  # sent, and the server died before answering
    in_doubt_committed: int = 0  # ... and the retry found it written (answered `replayed`)
    refused: list[str] = field(default_factory=list)  # any GraphQL error: there should be none
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(base: str, token: str, w: int, stop: threading.Event, tally: Tally) -> None:
    n = 0
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        while not stop.is_set():
            key, doubt = f"crash-{w}-{n}", False
            while True:  # until this key is answered; the same key every time
                try:
                    answer = client.post("/graphql", json={"query": RECORD, "variables": {"e": event(w, n), "k": key}})
                except (httpx.ConnectError, httpx.ConnectTimeout):
                    time.sleep(0.05)  # the request never left: the server is down
                    continue
                except httpx.TransportError:
                    doubt = True  # sent; whether it was written is unknown until the retry answers
                    with tally.lock:
                        tally.in_doubt += 1
                        tally.requests += 1
                    time.sleep(0.05)
                    continue
                with tally.lock:
                    tally.requests += 1
                body = answer.json()
                if answer.status_code != 200 or body.get("errors"):
                    with tally.lock:
                        tally.refused.append(f"{key}: {answer.status_code} {body}")
                    return
                done = body["data"]["createEconomicEvent"]
                with tally.lock:
                    tally.acked[key] = done["economicEvent"]["id"]
                    tally.consumed += n % 2
                    tally.in_doubt_committed += doubt and done["replayed"]
                break
            n += 1


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    uow = open_ledger(db_url)
    token = seed(uow)
    server = Server(tmp_path, "--db", db_url)
    server.start()
    rng = random.Random(int(os.environ.get("VALUEFLOWS_CRASH_SEED", random.randrange(1 << 30))))
    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=writer, args=(server.base, token, w, stop, tally)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    acked_at_kill = []
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 1.5))
            server.kill()
            with tally.lock:
                acked_at_kill.append(len(tally.acked))
            server.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    try:
        assert not tally.refused, tally.refused[:3]
        assert all(a > 0 for a in acked_at_kill[:1]), "the writers wrote nothing before the first kill"
        # Every acknowledged event is there, once; nothing else is; each is whole (verify checks every table
        # against the chain and every quantity against the events).
        with uow.read() as conn:
            present = set(conn.scalars(select(economic_events.c.id).where(economic_events.c.note.like("crash %"))))
            keys = conn.scalar(select(func.count()).select_from(idempotency_keys)
                               .where(idempotency_keys.c.key.like("crash-%")))
            chained = conn.scalar(select(func.count()).select_from(chain).where(chain.c.kind == "economic_event"))
            onhand = conn.scalar(select(func.count()).select_from(economic_events))
        assert set(tally.acked.values()) == present
        assert len(present) == len(tally.acked) == keys
        assert chained == onhand == len(present) + 1  # + the raise
        assert ledger_stock(uow) == STOCK - Decimal("0.5") * tally.consumed
        verified = cli("verify", "--db", db_url, cwd=tmp_path)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        # Retries after the fact return the first answer and write nothing.
        with httpx.Client(base_url=server.base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c:
            for key in sorted(tally.acked)[:: max(1, len(tally.acked) // 50)]:
                w, n = (int(x) for x in key.removeprefix("crash-").split("-"))
                again = c.post("/graphql", json={"query": RECORD, "variables": {"e": event(w, n), "k": key}}).json()
                assert again["data"]["createEconomicEvent"] == {"economicEvent": {"id": tally.acked[key]},
                                                                "replayed": True}
        with uow.read() as conn:
            assert conn.scalar(select(func.count()).select_from(economic_events)) == onhand
    finally:
        server.stop()
        uow.engine.dispose()
    report(f"crash_{uow.engine.dialect.name}", kills=KILLS, writers=WRITERS, requests=tally.requests,
           acknowledged=len(tally.acked), present=len(present), in_doubt=tally.in_doubt,
           in_doubt_committed=tally.in_doubt_committed)


def ledger_stock(uow: UnitOfWork) -> Decimal:
    with uow.read() as conn:
        return Decimal(repo.get(conn, "economic_resource", "stock").onhand_quantity)
