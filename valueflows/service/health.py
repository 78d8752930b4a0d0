"""Whether a node can serve: its database answers, its schema is at the newest migration, and where its hash chain
stands. What `GET /healthz` answers (503 when anything is wrong) for a load balancer or an operator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueflows.store import migrate
from valueflows.store.engine import is_transient
from valueflows.store.ports import UnitOfWork


@dataclass(frozen=True)
class Health:
    ok: bool
    database: str  # "ok", or why it is not
    migrations: dict[str, str | None]  # the schema's revision and the newest one (None: no schema to migrate)
    chain: dict[str, Any] | None  # length and head hash

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "failing", "database": self.database, "migrations": self.migrations,
                "chain": self.chain}


def check(uow: UnitOfWork) -> Health:
    engine = getattr(uow, "engine", None)  # the SQL stores; the memory store has no schema
    try:
        with uow.read() as tx:
            head = tx.chain.head()
            length = tx.chain.count()
        current = migrate.current_revision(engine) if engine is not None else None
    except Exception as exc:  # the database is down, unreachable or refuses us: say so, never raise
        reason = "busy or unreachable" if is_transient(exc) else str(exc).splitlines()[0][:200]
        return Health(False, reason, {"current": None, "head": migrate.head_revision()}, None)
    wanted = migrate.head_revision() if engine is not None else None
    chain = {"length": length, "head": head[1] if head else None}
    return Health(current == wanted, "ok", {"current": current, "head": wanted}, chain)
