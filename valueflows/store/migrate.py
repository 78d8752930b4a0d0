"""Bring a database to the newest schema with alembic (safe to run on every start, from many processes)."""

from __future__ import annotations

import threading
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic's command API keeps global state: one migration at a time per process.
_lock = threading.Lock()
# Any fixed number: PostgreSQL advisory lock that serialises migrations across processes.
_PG_LOCK = 7_355_608


# The newest migration's revision: a ledger stamped with it needs nothing, and alembic (a fifth of a second to load)
# is not loaded at all. A test holds it to alembic's own answer, so a new migration cannot be missed.
HEAD = "0023"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("valueflows.store") / "migrations"))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is stamped with (None: no ledger there yet)."""
    with engine.connect() as conn:
        try:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:  # no such table: nothing migrated yet
            return None
    return found[0] if len(found) == 1 else None


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == HEAD:
        return
    from alembic import command

    config = alembic_config()
    with _lock, engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds a table to change a column; with foreign keys on, dropping the old copy of a
            # referenced table fails. The pragma only works outside a transaction, so it is set on the raw
            # connection, and the keys are checked before they are turned back on.
            _raw(conn).execute("PRAGMA foreign_keys=OFF")
        try:
            conn = conn.execution_options(writer=True)  # SQLite: BEGIN IMMEDIATE serialises processes
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the migration left rows whose foreign keys point nowhere; rolled back")
        finally:
            if sqlite:
                _raw(conn).execute("PRAGMA foreign_keys=ON")


def _raw(conn: Connection) -> Any:
    return conn.connection.dbapi_connection


def has_ledger(engine: Engine, schema: str | None) -> bool:
    """Whether the database (its `schema`) already holds a ledger's tables."""
    from sqlalchemy import inspect

    return "ledger" in inspect(engine).get_table_names(schema=schema)


def create_database(engine: Engine, name: str) -> None:
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))


def drop_database(engine: Engine, name: str) -> None:
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
