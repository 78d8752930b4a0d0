"""Engines: a SQLite file in WAL mode by default, PostgreSQL (psycopg 3) for scale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, create_engine, event, func
from sqlalchemy.engine import make_url

from valueflows.domain.quantities import canonical

DEFAULT_URL = "sqlite:///valueflows.db"


def make_engine(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///FILE or postgresql+psycopg://…")


class DecimalSum:
    """SQLite aggregate `decimal_sum`: sums decimal text exactly (SQLite's own SUM goes through floats)."""

    def __init__(self) -> None:
        self.total: Decimal | None = None

    def step(self, value: str | int | None) -> None:
        if value is not None:
            self.total = (self.total or Decimal(0)) + Decimal(value)

    def finalize(self) -> str | None:
        return canonical(self.total) if self.total is not None else None


def decimal_add(a: str | int | None, b: str | int | None) -> str | None:
    """SQLite function `decimal_add`: adds two decimals held as text, exactly."""
    if a is None or b is None:
        return None
    return canonical(Decimal(a) + Decimal(b))


def exact_sum(engine: Engine, column: Any) -> Any:
    """SUM that stays exact on both databases."""
    return func.decimal_sum(column) if engine.dialect.name == "sqlite" else func.sum(column)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    # The driver's own transaction handling is turned off so that we can say BEGIN IMMEDIATE for writes:
    # a writer takes SQLite's write lock when it starts, so the chain head it reads is still the head when
    # it commits. Readers keep plain BEGIN and, in WAL mode, never block or get blocked.
    engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()
        dbapi_conn.create_aggregate("decimal_sum", 1, DecimalSum)
        dbapi_conn.create_function("decimal_add", 2, decimal_add, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")

    return engine
