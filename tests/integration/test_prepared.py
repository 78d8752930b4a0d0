"""The write path's prepared statements write exactly what `Connection.execute` writes, and fail the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy import exc as sa_exc

from valueflows.service.bootstrap import open_ledger
from valueflows.store import prepared
from valueflows.store.engine import is_transient
from valueflows.store.sql.events import _UPSERTS
from valueflows.store.tables import contribution_sizes, ledger

S = 10**6  # far above the chain the ledger starts with
ROW = {"seq": S + 1, "kind": "unit", "record_id": "hour", "payload": '{"id":"hour"}', "prev_hash": "0" * 64,
       "hash": "a" * 64, "recorded_at": datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)}


@pytest.mark.sql_store  # compares the rows behind the ledger's back
def test_prepared_rows_equal_what_execute_writes_and_errors_are_sqlalchemys(db_url: str) -> None:
    uow = open_ledger(db_url)
    with uow.engine.begin() as conn:
        prepared.run(conn, insert(ledger), ROW)
        conn.execute(insert(ledger), {**ROW, "seq": S + 2, "hash": "b" * 64})
        query = f"SELECT recorded_at, hash FROM ledger WHERE seq > {S} ORDER BY seq"
        raw = [tuple(r) for r in conn.exec_driver_sql(query)]
        assert raw[0][0] == raw[1][0]  # the same stored text (SQLite) or value (PostgreSQL)
        assert [r.recorded_at for r in conn.execute(select(ledger).where(ledger.c.seq > S))] == [ROW["recorded_at"]] * 2
        sizes = _UPSERTS[conn.dialect.name][2]
        one = {"receiver": "coop", "provider": "ana", "action": "work", "kind": "", "unit": "hour",
               "each": Decimal("1.50"), "month": datetime(2026, 3, 1).date(), "events": 1}
        prepared.run(conn, sizes, [one, {**one, "each": Decimal("2")}])
        prepared.run(conn, sizes, one)  # the same size again: counted, not a second row
        assert sorted((r.each, r.events) for r in conn.execute(select(contribution_sizes))) == [
            (Decimal("1.5"), 2), (Decimal(2), 1)]
    with pytest.raises(sa_exc.IntegrityError), uow.engine.begin() as conn:
        prepared.run(conn, insert(ledger), {**ROW, "seq": S + 3})
        prepared.run(conn, insert(ledger), {**ROW, "seq": S + 3})  # the same key twice
    with uow.engine.connect() as conn:
        # nothing of the failed transaction
        assert [r.seq for r in conn.execute(select(ledger.c.seq).where(ledger.c.seq > S))] == [S + 1, S + 2]
    uow.engine.dispose()


@pytest.mark.sql_store
def test_a_writers_writes_are_read_back_and_fail_within_its_transaction(db_url: str) -> None:
    """On PostgreSQL a writer's INSERTs are kept and sent together (one round trip) before the next statement and
    at the commit: what it wrote reads back before it commits, a failing write fails the whole transaction with
    SQLAlchemy's own error, and the connection goes back to the pool as it came."""
    uow = open_ledger(db_url)
    pg = uow.engine.dialect.name == "postgresql"
    with uow.write() as tx:
        prepared.run(tx.conn, insert(ledger), ROW)
        prepared.run(tx.conn, insert(ledger), {**ROW, "seq": S + 2, "hash": "b" * 64})
        assert len(tx.conn.info.get(prepared.DEFERRED, [])) == (2 if pg else 0)  # not sent yet on PostgreSQL
        assert [r.seq for r in tx.conn.execute(select(ledger.c.seq).where(ledger.c.seq > S))] == [S + 1, S + 2]
        assert tx.conn.info.get(prepared.DEFERRED, []) == []  # sent before the read
        prepared.run(tx.conn, insert(ledger), {**ROW, "seq": S + 3, "hash": "c" * 64})  # sent at the commit
    with pytest.raises(sa_exc.IntegrityError), uow.write() as tx:
        prepared.run(tx.conn, insert(ledger), {**ROW, "seq": S + 4, "hash": "d" * 64})
        prepared.run(tx.conn, insert(ledger), {**ROW, "seq": S + 4, "hash": "e" * 64})  # the same key twice
    with uow.engine.connect() as conn:
        assert prepared.DEFERRED not in conn.info  # no writer's state left on a pooled connection
        assert [r.seq for r in conn.execute(select(ledger.c.seq).where(ledger.c.seq > S))] == [S + 1, S + 2, S + 3]
    uow.engine.dispose()


def test_a_writer_that_loses_its_postgresql_connection_fails_as_a_transient_error(pg_url: str) -> None:
    """The server ends the writer's connection mid-transaction (a restart, a failover): the error is the lost
    connection's, which clients are told to retry, not one raised while dropping the writes it had kept."""
    uow = open_ledger(pg_url)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    for kept_when_lost in (False, True):  # lost on a statement of its own, or while sending what it kept
        with pytest.raises(sa_exc.DBAPIError) as lost, uow.write() as tx:
            prepared.run(tx.conn, insert(ledger), ROW)  # kept
            pid = tx.conn.execute(text("SELECT pg_backend_pid()")).scalar()  # sent first
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            if kept_when_lost:
                prepared.run(tx.conn, insert(ledger), {**ROW, "seq": S + 2, "hash": "b" * 64})
            tx.conn.execute(text("SELECT 1"))
        assert is_transient(lost.value), repr(lost.value)
    with uow.write() as tx:  # the pool goes on with a new connection, nothing of the lost transaction in it
        assert tx.conn.info.get(prepared.DEFERRED) == []
        assert tx.conn.execute(select(ledger.c.seq).where(ledger.c.seq > S)).all() == []
    admin.dispose()
    uow.engine.dispose()
