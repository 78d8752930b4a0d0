"""Unit of work: one transaction per use case, and the writer lock that keeps the hash chain linear."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from valueflows.domain.chain import ChainRecord, canonical_json, link_hash
from valueflows.store.tables import chain_head, ledger


class Writer:
    """An open write transaction that holds the chain head; records appended here commit together or not at all."""

    def __init__(self, conn: Connection, head_seq: int, head_hash: str) -> None:
        self.conn = conn
        self.seq = head_seq
        self.hash = head_hash
        self.now = datetime.now(UTC)
        self.appended: list[ChainRecord] = []

    def append(self, kind: str, record_id: str, payload: dict[str, object]) -> ChainRecord:
        text = canonical_json(payload)
        digest = link_hash(self.hash, kind, record_id, text)
        record = ChainRecord(self.seq + 1, kind, record_id, text, self.hash, digest)
        self.conn.execute(insert(ledger).values(
            seq=record.seq, kind=kind, record_id=record_id, payload=text,
            prev_hash=record.prev_hash, hash=digest, recorded_at=self.now,
        ))
        self.seq, self.hash = record.seq, digest
        self.appended.append(record)
        return record


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """Begin, take the chain head (the writers' lock), yield; commit on success, roll back on any error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(writer=True)
            with conn.begin():
                query = select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.id == 1)
                if conn.dialect.name == "postgresql":
                    query = query.with_for_update()
                head = conn.execute(query).one()
                writer = Writer(conn, head.seq, head.hash)
                yield writer
                if writer.appended:
                    head_row = update(chain_head).where(chain_head.c.id == 1)
                    conn.execute(head_row.values(seq=writer.seq, hash=writer.hash))
