"""The hot write path on SQLite without SQLAlchemy's per-execution machinery.

Recording an event runs a handful of small INSERTs and upserts; on SQLite each costs far more in SQLAlchemy's
execution pipeline (compiled-cache lookup, execution context, result set-up: ~60 µs) than in SQLite itself
(~10 µs). A statement here is compiled once per dialect and set of columns, its values turned into parameters by
SQLAlchemy's own bind processors (so they are written exactly as `Connection.execute` writes them), and run on the
connection's DBAPI cursor, inside the same transaction. A driver error is raised as SQLAlchemy's own
(`DBAPIError.instance`), so callers see what they would have seen. PostgreSQL goes the ordinary way: there a
statement's cost is its round trip.
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


def run(conn: Connection, statement: Executable, rows: dict[str, Any] | list[dict[str, Any]]) -> None:
    """Execute `statement` (an INSERT or upsert with no result) with one row of values or many."""
    if conn.dialect.name != "sqlite" or not rows:
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
