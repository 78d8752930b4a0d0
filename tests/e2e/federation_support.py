"""What the federation tests share: a real node (`valueflows init`, then `valueflows serve` on 127.0.0.1), reading
its store beside it, waiting for a delivery, a design raised on it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from e2e_support import Server, cli
from sqlalchemy import create_engine, select

from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.store.tables import actor_keys, followers, following

WAIT = 60.0  # seconds a delivery may take (the queue's first retry waits 2 s, the next 10 s)


def until(what: Callable[[], Any], message: str) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"not within {WAIT} s: {message}")


def run(*args: str, cwd: Path) -> dict[str, Any]:
    done = cli(*args, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr + done.stdout
    found: dict[str, Any] = json.loads(done.stdout)
    return found


class Node:
    def __init__(self, workdir: Path, db: str, org: str, org_id: str) -> None:
        workdir.mkdir(exist_ok=True)
        self.workdir, self.db, self.org = workdir, db, org_id
        self.token = str(run("init", "--db", db, "--org", org, "--org-id", org_id, "--admin", "Admin", "--since",
                             "2026-01-01", cwd=workdir)["token"])
        self.server = Server(workdir, "--db", db)
        self.base = self.server.start()
        self.host = self.base.removeprefix("http://")

    def cli(self, *args: str) -> dict[str, Any]:
        return run(*args, "--db", self.db, cwd=self.workdir)

    def graphql(self, document: str, **variables: Any) -> dict[str, Any]:
        answer = httpx.post(f"{self.base}/graphql", json={"query": document, "variables": variables},
                            headers={"authorization": f"Bearer {self.token}"}, timeout=30).json()
        assert not answer.get("errors"), answer
        found: dict[str, Any] = answer["data"]
        return found

    def key(self, actor: str = "node") -> str:
        engine = create_engine(self.db)
        with engine.connect() as conn:
            found = conn.execute(select(actor_keys.c.private_pem).where(actor_keys.c.actor == actor)).scalar_one()
        engine.dispose()
        return str(found)


def query(node: Node, statement: Any) -> list[Any]:
    """Read a node's store directly (polling through the command line would start a process each time)."""
    engine = create_engine(node.db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(statement))
    finally:
        engine.dispose()


def followers_of(node: Node, actor: str) -> list[str]:
    return [r[0] for r in query(node, select(followers.c.follower).where(followers.c.actor == actor))]


def follow_state(node: Node, actor: str, target: str) -> str | None:
    found = query(node, select(following.c.state).where(following.c.actor == actor, following.c.target == target))
    return found[0][0] if found else None


def publish_design(node: Node) -> None:
    """A licensed design raised on the node's ledger (from beside its server, as an operator would)."""
    uow = open_ledger(node.db)
    records.create_specification(uow, SpecificationInput("Seed drill", id="seed-drill"))
    ledger.record_event(uow, EventInput(
        "raise", node.org, node.org, resource_quantity=MeasureInput("1", "one"),
        has_point_in_time=datetime(2026, 5, 1, tzinfo=UTC),
        new_resource=NewResourceInput("Seed drill", conforms_to="seed-drill", id="drill-design",
                                      licence="LicenseRef-CopyFair-1.0")))
    uow.engine.dispose()
