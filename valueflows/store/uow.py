"""Unit of work: one transaction per use case, and the writer lock that keeps the hash chain linear."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, text

from valueflows.domain.chain import GENESIS, ChainRecord, canonical_json, link_hash
from valueflows.store.repository import RecordCache
from valueflows.store.tables import ledger

_APPEND = insert(ledger)
_HEAD = select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)
# PostgreSQL: take the writers' advisory lock, then read the head, in one round trip (see migration 0001).
_PG_LOCK_HEAD = text("SELECT seq, hash FROM vf_lock_chain_head()")


class Writer:
    """An open write transaction that holds the chain head; records appended here commit together or not at all."""

    def __init__(self, conn: Connection, head_seq: int, head_hash: str) -> None:
        self.conn = conn
        self.seq = head_seq
        self.hash = head_hash
        self.now = datetime.now(UTC)

    def append(self, kind: str, record_id: str, payload: dict[str, object]) -> ChainRecord:
        text = canonical_json(payload)
        digest = link_hash(self.hash, kind, record_id, text)
        record = ChainRecord(self.seq + 1, kind, record_id, text, self.hash, digest)
        self.conn.execute(_APPEND, {
            "seq": record.seq, "kind": kind, "record_id": record_id, "payload": text,
            "prev_hash": record.prev_hash, "hash": digest, "recorded_at": self.now,
        })
        self.seq, self.hash = record.seq, digest
        return record


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cache = RecordCache()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """Begin, take the writers' lock, read the chain head, yield; commit on success, roll back on any error.

        One writer at a time keeps the chain linear: SQLite's BEGIN IMMEDIATE takes its write lock, PostgreSQL
        a transaction-scoped advisory lock. The head is read after the lock, so it is the committed head.
        """
        with self.engine.connect() as conn:
            conn = conn.execution_options(writer=True)
            with conn.begin():
                head = conn.execute(_PG_LOCK_HEAD if conn.dialect.name == "postgresql" else _HEAD).first()
                if head is None or head.seq is None:
                    yield Writer(conn, 0, GENESIS)
                else:
                    yield Writer(conn, head.seq, head.hash)


class WithinTransaction(UnitOfWork):
    """A unit of work inside another's open write transaction: every use case run through it writes into that
    one transaction, so many use cases commit together or not at all (an import is written whole or not at
    all). It has its own record cache, dropped with it: a rolled-back record must not stay cached."""

    def __init__(self, outer: UnitOfWork, writer: Writer) -> None:
        super().__init__(outer.engine)
        self.writer = writer

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self.writer.conn

    @contextmanager
    def write(self) -> Iterator[Writer]:
        yield self.writer
