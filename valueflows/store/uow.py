"""The SQL unit of work: one transaction per use case, the writers' lock that keeps the hash chain linear, and
the typed repositories a use case works through (`store/sql/`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text

from valueflows.domain.access import OPERATOR, Principal
from valueflows.domain.chain import GENESIS, ChainRecord, canonical_json, link_hash
from valueflows.store import prepared
from valueflows.store.cache import RecordCache
from valueflows.store.ports import Records
from valueflows.store.sql.events import SqlDays, SqlEvents
from valueflows.store.sql.federation import SqlFederation
from valueflows.store.sql.ledger import SqlActorKeys, SqlChain, SqlKeys, SqlTokens
from valueflows.store.sql.records import (
    SqlAgents,
    SqlClaims,
    SqlEquations,
    SqlMemberships,
    SqlRecords,
    SqlResources,
    SqlRuns,
)
from valueflows.store.tables import ledger

_APPEND = insert(ledger)
_HEAD = select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)
# PostgreSQL: take the writers' advisory lock, then read the head, in one round trip (see migration 0001).
_PG_LOCK_HEAD = text("SELECT seq, hash FROM vf_lock_chain_head()")


class SqlTx:
    """One transaction on one connection, with the repositories over it. `conn` and `execute` are for the store's
    own tests and benchmarks; use cases go through the repositories."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self.conn.execute(*args, **kwargs)

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self.conn.scalar(*args, **kwargs)

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self.conn.scalars(*args, **kwargs)

    def records(self, kind: str) -> Records[Any]:
        named = _BY_KIND.get(kind)
        return getattr(self, named) if named else SqlRecords(self.conn, kind)

    @cached_property
    def units(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "unit")

    @cached_property
    def agents(self) -> SqlAgents:
        return SqlAgents(self.conn)

    @cached_property
    def roles(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "agent_relationship_role")

    @cached_property
    def relationships(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "agent_relationship")

    @cached_property
    def memberships(self) -> SqlMemberships:
        return SqlMemberships(self.conn)

    @cached_property
    def specifications(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "resource_specification")

    @cached_property
    def process_specifications(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "process_specification")

    @cached_property
    def batches(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "product_batch")

    @cached_property
    def processes(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "process")

    @cached_property
    def resources(self) -> SqlResources:
        return SqlResources(self.conn)

    @cached_property
    def events(self) -> SqlEvents:
        return SqlEvents(self.conn)

    @cached_property
    def claims(self) -> SqlClaims:
        return SqlClaims(self.conn)

    @cached_property
    def books(self) -> SqlRecords[Any]:
        return SqlRecords(self.conn, "books_closed")

    @cached_property
    def equations(self) -> SqlEquations:
        return SqlEquations(self.conn)

    @cached_property
    def runs(self) -> SqlRuns:
        return SqlRuns(self.conn)

    @cached_property
    def days(self) -> SqlDays:
        return SqlDays(self.conn)

    @cached_property
    def chain(self) -> SqlChain:
        return SqlChain(self.conn)

    @cached_property
    def keys(self) -> SqlKeys:
        return SqlKeys(self.conn)

    @cached_property
    def tokens(self) -> SqlTokens:
        return SqlTokens(self.conn)

    @cached_property
    def actor_keys(self) -> SqlActorKeys:
        return SqlActorKeys(self.conn)

    @cached_property
    def federation(self) -> SqlFederation:
        return SqlFederation(self.conn)


# the ledger's kind names -> the repository attribute that serves them
_BY_KIND = {"unit": "units", "agent": "agents", "agent_relationship_role": "roles",
            "agent_relationship": "relationships", "membership": "memberships",
            "resource_specification": "specifications", "process_specification": "process_specifications",
            "product_batch": "batches", "process": "processes", "economic_resource": "resources",
            "economic_event": "events", "claim": "claims", "value_equation": "equations", "dividend_run": "runs",
            "books_closed": "books"}


class Writer(SqlTx):
    """An open write transaction that holds the chain head; records appended here commit together or not at all."""

    def __init__(self, conn: Connection, head_seq: int, head_hash: str) -> None:
        super().__init__(conn)
        self.seq = head_seq
        self.hash = head_hash
        self.now = datetime.now(UTC)
        self.began_at = head_seq  # the committed head this transaction started from (under the writers' lock)
        self.kinds: set[str] = set()  # the kinds of record it appended

    def append(self, kind: str, record_id: str, payload: dict[str, object]) -> ChainRecord:
        text = canonical_json(payload)
        digest = link_hash(self.hash, kind, record_id, text)
        record = ChainRecord(self.seq + 1, kind, record_id, text, self.hash, digest)
        self.kinds.add(kind)
        prepared.run(self.conn, _APPEND, {
            "seq": record.seq, "kind": kind, "record_id": record_id, "payload": text,
            "prev_hash": record.prev_hash, "hash": digest, "recorded_at": self.now,
        })
        self.seq, self.hash = record.seq, digest
        return record

    def append_all(self, entries: Iterable[tuple[str, str, dict[str, object]]]) -> list[ChainRecord]:
        """Several chain records in one statement (each linked to the one before, as `append` links them)."""
        done: list[ChainRecord] = []
        for kind, record_id, payload in entries:
            text = canonical_json(payload)
            digest = link_hash(self.hash, kind, record_id, text)
            self.kinds.add(kind)
            done.append(ChainRecord(self.seq + 1, kind, record_id, text, self.hash, digest))
            self.seq, self.hash = self.seq + 1, digest
        if done:
            prepared.run(self.conn, _APPEND, [{"seq": r.seq, "kind": r.kind, "record_id": r.record_id,
                                               "payload": r.payload, "prev_hash": r.prev_hash, "hash": r.hash,
                                               "recorded_at": self.now} for r in done])
        return done


class UnitOfWork:
    def __init__(self, engine: Engine, principal: Principal = OPERATOR, cache: RecordCache | None = None) -> None:
        self.engine = engine
        self.principal = principal
        self.cache = cache or RecordCache()

    def acting_as(self, principal: Principal) -> UnitOfWork:
        """The same ledger (engine, record cache), for use cases asked by `principal`."""
        return UnitOfWork(self.engine, principal, self.cache)

    @contextmanager
    def read(self) -> Iterator[SqlTx]:
        with self.engine.connect() as conn, conn.begin():
            yield SqlTx(conn)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """Begin, take the writers' lock, read the chain head, yield; commit on success, roll back on any error.

        One writer at a time keeps the chain linear: SQLite's BEGIN IMMEDIATE takes its write lock, PostgreSQL
        a transaction-scoped advisory lock. The head is read after the lock, so it is the committed head.
        """
        with self.engine.connect() as conn:
            conn = conn.execution_options(writer=True)
            try:
                with conn.begin():
                    head = prepared.first(conn, _PG_LOCK_HEAD if conn.dialect.name == "postgresql" else _HEAD)
                    writer = (Writer(conn, 0, GENESIS) if head is None or head[0] is None
                              else Writer(conn, head[0], head[1]))
                    prepared.defer(conn)  # PostgreSQL: the writes go together, before a read and at the commit
                    yield writer
            finally:
                prepared.discard(conn)  # the connection goes back to the pool without a writer's state
            self.cache.committed(writer.began_at, writer.seq, writer.kinds)  # only once it has committed
