"""Many writers on the same resources, through the real servers: nothing lost, the chain linear, and a busy ledger
answers "try again" (never an internal error), after which the same request with the same key is written once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from e2e_support import Server, cli, report
from sqlalchemy import create_engine, select, text

from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.tokens import create_token
from valueflows.store import repository as repo
from valueflows.store.tables import economic_events
from valueflows.store.tables import ledger as chain
from valueflows.store.uow import UnitOfWork

RECORD = """mutation($e: EconomicEventCreateParams!, $k: String) {
  createEconomicEvent(event: $e, idempotencyKey: $k) { economicEvent { id } replayed } }"""
START = Decimal(100_000)
T0 = datetime(2026, 7, 1, tzinfo=UTC)
WRITERS = 16
EACH = 40


def seed(uow: UnitOfWork) -> str:
    records.create_agent(uow, AgentInput("Busy co-op", "Organization", legal_form="worker_coop", id="coop"))
    records.create_specification(uow, SpecificationInput("Steel", id="steel", default_unit_of_resource="kilogram"))
    for rid in ("a", "b", "c"):
        ledger.record_event(uow, EventInput(
            "raise", "coop", "coop", resource_quantity=MeasureInput(str(START), "kilogram"), has_point_in_time=T0,
            new_resource=NewResourceInput(f"Stock {rid}", conforms_to="steel", id=rid)))
    return create_token(uow, "coop", "admin")[1]


def step(w: int, n: int) -> tuple[dict[str, Any], dict[str, Decimal]]:
    """The n-th write of writer w and its effect on stocks a, b, c. Moves go both ways between a and b (the
    pattern that deadlocks a ledger locking rows in request order), consumption and production hit c."""
    kg = Decimal(1 + (w + n) % 5) / 4
    when = (T0 + timedelta(seconds=w * 1000 + n)).isoformat()
    base = {"provider": "coop", "receiver": "coop", "hasPointInTime": when,
            "resourceQuantity": {"hasDecimalValue": str(kg), "hasUnit": "kilogram"}, "note": f"busy {w}-{n}"}
    match (w + n) % 4:
        case 0:
            return {**base, "action": "move", "resourceInventoriedAs": "a", "toResourceInventoriedAs": "b"}, {
                "a": -kg, "b": kg}
        case 1:
            return {**base, "action": "move", "resourceInventoriedAs": "b", "toResourceInventoriedAs": "a"}, {
                "b": -kg, "a": kg}
        case 2:
            return {**base, "action": "consume", "resourceInventoriedAs": "c"}, {"c": -kg}
        case _:
            return {**base, "action": "produce", "resourceInventoriedAs": "c"}, {"c": kg}


def post(client: httpx.Client, event: dict[str, Any], key: str) -> httpx.Response:
    return client.post("/graphql", json={"query": RECORD, "variables": {"e": event, "k": key}})


def test_many_writers_on_the_same_resources_through_two_servers(pg_url: str, tmp_path: Path) -> None:
    """16 writers, 640 writes, spread over two server processes sharing one PostgreSQL database."""
    uow = open_ledger(pg_url)
    token = seed(uow)
    servers = [Server(tmp_path, "--db", pg_url) for _ in range(2)]
    for s in servers:
        s.start()
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def write(w: int) -> dict[str, str]:
        written = {}
        with httpx.Client(base_url=servers[w % 2].base, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            for n in range(EACH):
                event, _ = step(w, n)
                while True:
                    answer = post(client, event, f"busy-{w}-{n}")
                    body = answer.json()
                    errors = body.get("errors") or []
                    with lock:
                        outcomes[errors[0]["extensions"]["code"] if errors else "written"] += 1
                    if not errors:
                        written[f"busy-{w}-{n}"] = body["data"]["createEconomicEvent"]["economicEvent"]["id"]
                        break
                    assert errors[0]["extensions"]["code"] == "TRY_AGAIN", body  # the only refusal allowed
                    time.sleep(0.05)
        return written

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            acked = {k: v for batch in pool.map(write, range(WRITERS)) for k, v in batch.items()}
        seconds = time.perf_counter() - started
        expected = Counter({r: START for r in "abc"})
        for w in range(WRITERS):
            for n in range(EACH):
                expected.update(step(w, n)[1])
        with uow.read() as conn:
            present = set(conn.scalars(select(economic_events.c.id).where(economic_events.c.note.like("busy %"))))
            seqs = list(conn.scalars(select(chain.c.seq).order_by(chain.c.seq)))
            stock = {r.id: r.onhand_quantity for r in repo.get_many(conn, "economic_resource", "abc").values()}
        assert len(acked) == WRITERS * EACH and set(acked.values()) == present  # nothing lost, nothing doubled
        assert seqs == list(range(1, len(seqs) + 1))  # one chain, no gaps, no forks
        assert stock == {r: expected[r] for r in "abc"}  # no lost update
        verified = cli("verify", "--db", pg_url, cwd=tmp_path)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        for s in servers:
            s.stop()
        uow.engine.dispose()
    assert not set(outcomes) - {"written", "TRY_AGAIN"}, outcomes
    report("concurrency_postgresql", writers=WRITERS, servers=2, writes=WRITERS * EACH,
           written=len(present), retries=outcomes["TRY_AGAIN"], seconds=round(seconds, 1))


def hold_writer_lock(url: str) -> tuple[Any, Any]:
    """Take the writers' lock from outside the server, as a long write would."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
        conn.execute(text("SELECT * FROM vf_lock_chain_head()"))
    return engine, conn


def onhand(client: httpx.Client) -> Decimal:
    return Decimal(client.get("/resources/c").json()["onhandQuantity"])


def test_a_write_that_cannot_get_the_lock_is_told_to_try_again(db_url: str, tmp_path: Path) -> None:
    uow = open_ledger(db_url)
    token = seed(uow)
    server = Server(tmp_path, "--db", db_url, "--write-wait", "1")
    server.start()
    event, effect = step(0, 2)
    engine, holder = hold_writer_lock(db_url)
    try:
        with httpx.Client(base_url=server.base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c:
            started = time.perf_counter()
            busy = post(c, event, "wait-1")
            waited = time.perf_counter() - started
            assert busy.status_code == 200
            error = busy.json()["errors"][0]
            assert error["extensions"] == {"code": "TRY_AGAIN", "retryable": True}
            assert "nothing was written" in error["message"] and "Traceback" not in busy.text
            assert 0.9 < waited < 10
            # Reads go on while a writer holds the lock.
            assert onhand(c) == START
            holder.exec_driver_sql("ROLLBACK")
            first = post(c, event, "wait-1").json()["data"]["createEconomicEvent"]
            again = post(c, event, "wait-1").json()["data"]["createEconomicEvent"]
            assert not first["replayed"] and again == {**first, "replayed": True}
            assert onhand(c) == START + effect["c"]
        assert server.alive
    finally:
        holder.close()
        engine.dispose()
        server.stop()
        uow.engine.dispose()
