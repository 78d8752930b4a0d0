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

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy import exc as sa_exc
from sqlalchemy.sql.compiler import SQLCompiler


class _Compiled:
    __slots__ = ("compiled", "order", "processors", "sql")

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

    def parameters(self, values: dict[str, Any]) -> tuple[Any, ...]:
        # every bind of these statements is a column the row names; else SQLAlchemy fills in the rest
        bound = values if all(name in values for name in self.order) else \
            self.compiled.construct_params(values, _check=False)
        assert bound is not None
        processors = self.processors
        return tuple(processors[name](bound[name]) if name in processors else bound[name] for name in self.order)


_CACHE: dict[tuple[Executable, str, tuple[str, ...]], _Compiled] = {}


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
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(compiled.sql, parameters)
        else:
            cursor.execute(compiled.sql, parameters)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise sa_exc.DBAPIError.instance(compiled.sql, parameters, exc, conn.dialect.loaded_dbapi.Error,
                                         dialect=conn.dialect) from exc
    finally:
        cursor.close()
