"""The hot write path on SQLite without SQLAlchemy's per-execution machinery (and a hot read, `fetch`).

Recording an event runs a handful of small INSERTs and upserts; on SQLite each costs far more in SQLAlchemy's
execution pipeline (compiled-cache lookup, execution context, result set-up: ~60 µs) than in SQLite itself
(~10 µs). A statement here is compiled once per dialect and set of columns, its values turned into parameters by
SQLAlchemy's own bind processors (so they are written exactly as `Connection.execute` writes them), and run on the
connection's DBAPI cursor, inside the same transaction. A driver error is raised as SQLAlchemy's own
(`DBAPIError.instance`), so callers see what they would have seen.

On PostgreSQL a statement's cost is its round trip. There a writer (`UnitOfWork.write`) keeps these writes
(`defer`) and sends them together, in one round trip (psycopg's pipeline mode), just before the next statement
(so whatever it reads sees them) or the commit (`flush`, from the engine's events); a failing one fails the
transaction as it would have at once, only later in it. A rollback drops what was kept.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy import exc as sa_exc
from sqlalchemy.sql.compiler import SQLCompiler


class _Compiled:
    __slots__ = ("compiled", "order", "pick", "processed", "processors", "sql")

    def __init__(self, statement: Executable, conn: Connection, keys: Sequence[str]) -> None:
        compiled = statement.compile(dialect=conn.dialect, column_keys=list(keys))  # type: ignore[attr-defined]
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.compiled = compiled
        self.order = tuple(compiled.positiontup or ())
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for name, processor in compiled._bind_processors.items():
            if not callable(processor):  # a tuple's binds: not among the statements this runs
                raise TypeError(f"{name}: tuple parameters are not supported here")
            self.processors[name] = processor
        # the values in bind order, fetched at once; then only the binds that have a processor are converted
        self.pick = operator.itemgetter(*self.order) if len(self.order) > 1 else (lambda v: (v[self.order[0]],))
        self.processed = tuple((i, self.processors[name]) for i, name in enumerate(self.order)
                               if name in self.processors)

    def parameters(self, values: dict[str, Any]) -> tuple[Any, ...] | list[Any]:
        try:  # every bind of these statements is a column the row names; else SQLAlchemy fills in the rest
            found = self.pick(values)
        except KeyError:
            bound = self.compiled.construct_params(values, _check=False)
            assert bound is not None
            found = self.pick(bound)
        if not self.processed:
            return tuple(found)
        out = list(found)
        for i, processor in self.processed:
            out[i] = processor(out[i])
        return out


_CACHE: dict[tuple[Executable, str, tuple[str, ...]], _Compiled] = {}


def _on_cursor(conn: Connection, sql: str, parameters: Any, work: Callable[[Any], Any]) -> Any:
    """`work(cursor)` on the connection's DBAPI cursor; a driver error raised as SQLAlchemy's own."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return work(cursor)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise sa_exc.DBAPIError.instance(sql, parameters, exc, conn.dialect.loaded_dbapi.Error,
                                         dialect=conn.dialect) from exc
    finally:
        cursor.close()


def plain(conn: Connection, sql: str) -> None:
    """Run SQL text with no parameters and no result (`BEGIN IMMEDIATE`) on SQLite's DBAPI cursor."""
    _on_cursor(conn, sql, (), lambda cursor: cursor.execute(sql))


_TEXT: dict[tuple[Executable, str], str] = {}


def first(conn: Connection, statement: Executable) -> tuple[Any, ...] | None:
    """The first row of a SELECT that takes no parameters and reads plain columns (integers, text), as a tuple;
    on SQLite through its DBAPI cursor, elsewhere the ordinary way."""
    if conn.dialect.name != "sqlite":
        row = conn.execute(statement).first()
        return tuple(row) if row is not None else None
    key = (statement, conn.dialect.name)
    sql = _TEXT.get(key)
    if sql is None:
        compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
        sql = _TEXT[key] = str(compiled)
    found: tuple[Any, ...] | None = _on_cursor(conn, sql, (), lambda cursor: cursor.execute(sql).fetchone())
    return found


def fetch(conn: Connection, statement: Executable, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A SELECT's rows on SQLite, as its DBAPI cursor gives them (text, integers, reals: no result processor runs),
    for a hot read that converts its columns itself; the parameters go through SQLAlchemy's bind processors."""
    assert conn.dialect.name == "sqlite", "fetch reads SQLite's own values"
    key = (statement, conn.dialect.name, tuple(values))
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _CACHE[key] = _Compiled(statement, conn, tuple(values))
    sql, parameters = compiled.sql, compiled.parameters(values)
    found: list[tuple[Any, ...]] = _on_cursor(conn, sql, parameters,
                                               lambda cursor: cursor.execute(sql, parameters).fetchall())
    return found


DEFERRED = "vf_deferred"  # Connection.info: the writes a PostgreSQL writer has not sent yet


def defer(conn: Connection) -> None:
    """From now on (until `flush`), `run` keeps this PostgreSQL connection's writes and sends them together, in one
    round trip (psycopg's pipeline mode), before the next statement that reads and before the commit."""
    if conn.dialect.name == "postgresql":
        conn.info[DEFERRED] = []


def discard(conn: Connection) -> None:
    if conn.invalidated or conn.closed:  # its pool entry forgets everything with the lost DBAPI connection
        return
    conn.info.pop(DEFERRED, None)


def flush(conn: Connection) -> None:
    """Send the writes kept by `defer` (none: nothing sent); a driver error is raised as SQLAlchemy's own."""
    if conn.invalidated or conn.closed:  # lost: the error that lost it is the one to tell (transient, retried)
        return
    pending: list[tuple[str, Any, bool]] | None = conn.info.get(DEFERRED)
    if not pending:
        return
    conn.info[DEFERRED] = []
    raw = conn.connection.driver_connection
    assert raw is not None
    sql = pending[0][0]
    try:
        with raw.pipeline(), raw.cursor() as cursor:  # type: ignore[attr-defined]
            for sql, parameters, many in pending:
                if many:
                    cursor.executemany(sql, parameters)
                else:
                    cursor.execute(sql, parameters)
    except conn.dialect.loaded_dbapi.Error as exc:
        discard(conn)
        raise sa_exc.DBAPIError.instance(sql, None, exc, conn.dialect.loaded_dbapi.Error,
                                         dialect=conn.dialect) from exc


class _Named:
    """A statement compiled once for a named-parameter driver (psycopg), with SQLAlchemy's bind processors."""

    __slots__ = ("compiled", "processors", "sql")

    def __init__(self, statement: Executable, conn: Connection, keys: Sequence[str]) -> None:
        compiled = statement.compile(dialect=conn.dialect, column_keys=list(keys))  # type: ignore[attr-defined]
        assert isinstance(compiled, SQLCompiler)
        self.compiled, self.sql = compiled, compiled.string
        self.processors = {k: p for k, p in compiled._bind_processors.items() if callable(p)}

    def parameters(self, values: dict[str, Any]) -> dict[str, Any]:
        bound = dict(self.compiled.construct_params(values, _check=False) or {})
        for name, processor in self.processors.items():
            if name in bound:
                bound[name] = processor(bound[name])
        return bound


_NAMED: dict[tuple[Executable, tuple[str, ...]], _Named] = {}


def run(conn: Connection, statement: Executable, rows: dict[str, Any] | list[dict[str, Any]]) -> None:
    """Execute `statement` (an INSERT or upsert with no result) with one row of values or many."""
    if rows and conn.dialect.name == "postgresql" and conn.info.get(DEFERRED) is not None:
        first_row = rows[0] if isinstance(rows, list) else rows
        named_key = (statement, tuple(first_row))
        named = _NAMED.get(named_key)
        if named is None:
            named = _NAMED[named_key] = _Named(statement, conn, tuple(first_row))
        many = isinstance(rows, list)
        values = [named.parameters(r) for r in rows] if isinstance(rows, list) else named.parameters(rows)
        conn.info[DEFERRED].append((named.sql, values, many))
        return
    if conn.dialect.name != "sqlite":
        conn.execute(statement, rows)
        return
    many = isinstance(rows, list)
    first = rows[0] if isinstance(rows, list) else rows
    key = (statement, conn.dialect.name, tuple(first))
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _CACHE[key] = _Compiled(statement, conn, tuple(first))
    parameters: Any = [compiled.parameters(r) for r in rows] if isinstance(rows, list) else compiled.parameters(rows)
    sql = compiled.sql
    _on_cursor(conn, sql, parameters, lambda cursor: (cursor.executemany if many else cursor.execute)(sql, parameters))
