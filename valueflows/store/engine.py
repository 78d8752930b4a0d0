"""Engines: a SQLite file in WAL mode by default, PostgreSQL (psycopg 3) for scale."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, func
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from valueflows.domain.quantities import WHOLE, canonical
from valueflows.store import prepared

DEFAULT_URL = "sqlite:///valueflows.db"
WRITE_WAIT = 30.0  # seconds a write waits for the writers' lock (or a pooled connection) before it gives up

# PostgreSQL SQLSTATEs that mean "this transaction lost a race; the same request may succeed if sent again":
# serialization failure, deadlock detected, lock not available (lock_timeout), query canceled (statement_timeout).
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})


def json_loads(text: str | bytes) -> Any:
    """The JSON columns as read: orjson (several times faster than the standard library on the many small
    lists and objects a record holds); what it refuses (an integer beyond 64 bits) the standard library reads."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(url: str = DEFAULT_URL, write_wait: float = WRITE_WAIT, **kwargs: Any) -> Engine:
    """`write_wait`: how long a write waits for the writers' lock, and any request for a pooled connection, before
    it fails with an error `is_transient` recognises (the client is told to try again)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, write_wait, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        return _pg_engine(url, write_wait, **kwargs)
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///FILE or postgresql+psycopg://…")


def decimal_add(a: str | int | None, b: str | int | None) -> str | None:
    """SQLite function `decimal_add`: adds two decimals held as text, exactly."""
    if a is None or b is None:
        return None
    return canonical(WHOLE.add(Decimal(a), Decimal(b)))


def exact_sum(engine: Engine, column: Any) -> Any:
    """SUM that stays exact on both databases, read with `exact_total`: PostgreSQL's NUMERIC sum; on SQLite, whose
    SUM goes through floats, the group's decimal texts joined by `group_concat` (in SQLite itself: no Python call
    per row, as an aggregate function written in Python would make), added up exactly when read."""
    return func.group_concat(column) if engine.dialect.name == "sqlite" else func.sum(column)


def exact_total(value: Any) -> Decimal:
    """What `exact_sum` returned, as one exact Decimal in canonical form (0 when it summed nothing)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, str):  # SQLite: "1.5,2,0.25"
        add, total = WHOLE.add, Decimal(0)
        for part in value.split(","):
            total = add(total, Decimal(part))
        return Decimal(canonical(total))
    return Decimal(canonical(value if isinstance(value, Decimal) else Decimal(str(value))))


def is_transient(exc: BaseException) -> bool:
    """True for a failure that says nothing about the request, only that the database was busy or went away
    (lock wait over, deadlock or serialization failure, no pooled connection in time, connection lost): nothing
    was written, and the same request, sent again with the same idempotency key, may succeed."""
    if isinstance(exc, sa_exc.TimeoutError):  # the connection pool had no connection in time
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate is not None:
            return sqlstate in _TRANSIENT_SQLSTATES or sqlstate.startswith("08")  # 08: connection exceptions
        if isinstance(exc, sa_exc.OperationalError):
            message = str(exc.orig).lower()
            return "database is locked" in message or "database is busy" in message or "connection" in message
    return False


def refused_value(exc: BaseException) -> str | None:
    """The database's own words when it refused a value (too long for its column, say), else None."""
    if isinstance(exc, sa_exc.DataError):
        return str(exc.orig).splitlines()[0]
    return None


def _pg_engine(url: str, write_wait: float, **kwargs: Any) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, pool_timeout=write_wait, json_deserializer=json_loads, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Waiting for the writers' advisory lock (or any lock) ends after write_wait with SQLSTATE 55P03.
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(write_wait * 1000)}")
        dbapi_conn.autocommit = autocommit

    # A writer's INSERTs and upserts are kept (`prepared.defer`) and sent together before anything else is asked
    # of the server: the next statement, or the commit. A rollback drops them.
    @event.listens_for(engine, "before_execute")
    def _before_execute(conn: Any, *_args: Any) -> None:
        prepared.flush(conn)

    @event.listens_for(engine, "commit")
    def _before_commit(conn: Any) -> None:
        prepared.flush(conn)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        prepared.discard(conn)

    return engine


def _sqlite_engine(url: str, write_wait: float, **kwargs: Any) -> Engine:
    # The driver's own transaction handling is turned off so that we can say BEGIN IMMEDIATE for writes:
    # a writer takes SQLite's write lock when it starts, so the chain head it reads is still the head when
    # it commits. Readers keep plain BEGIN and, in WAL mode, never block or get blocked.
    engine = create_engine(url, connect_args={"timeout": write_wait, "isolation_level": None},
                           pool_timeout=write_wait, json_deserializer=json_loads, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(write_wait * 1000)}")
        cur.close()
        dbapi_conn.create_function("decimal_add", 2, decimal_add, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        prepared.plain(conn, "BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")

    return engine
