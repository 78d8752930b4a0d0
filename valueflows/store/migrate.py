"""Bring a database to the newest schema with alembic (safe to run on every start, from many processes)."""

from __future__ import annotations

import threading
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic's command API keeps global state: one migration at a time per process.
_lock = threading.Lock()
# Any fixed number: PostgreSQL advisory lock that serialises migrations across processes.
_PG_LOCK = 7_355_608


# The newest migration's revision: a ledger stamped with it needs nothing, and alembic (a fifth of a second to load)
# is not loaded at all. A test holds it to alembic's own answer, so a new migration cannot be missed.
HEAD = "0026"


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


# The chain head's lock on PostgreSQL (`uow`): made by the first migration, its key the schema's since 0024 (ledgers
# in other schemas of one database do not wait for each other). A new ledger made in one step makes it too; a test
# holds the two ways to the same schema and the same function.
CHAIN_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION vf_lock_chain_head(OUT seq integer, OUT hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7355609, hashtext(current_schema()));
    SELECT l.seq, l.hash INTO seq, hash FROM ledger AS l ORDER BY l.seq DESC LIMIT 1;
END
$$
"""


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`: nothing to do when it is there; an empty one is made at the newest schema in
    one step (the tables as `tables.py` declares them, stamped with `HEAD`, as alembic's documentation advises for
    a new database); anything else through alembic's migrations, in order."""
    if revision == "head":
        current = current_revision(engine)
        if current == HEAD or (current is None and _create(engine)):
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


def _create(engine: Engine) -> bool:
    """Make an empty database a ledger at the newest schema, in one transaction (others wait, then find it made);
    False, and nothing done, if it holds any table already: that one goes through the migrations."""
    from valueflows.store.tables import metadata

    with _lock, engine.connect() as conn:
        conn = conn.execution_options(writer=True)  # SQLite: BEGIN IMMEDIATE serialises processes
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            if inspect(conn).get_table_names():
                return False
            metadata.create_all(conn)
            if conn.dialect.name == "postgresql":
                conn.execute(text(CHAIN_HEAD_FUNCTION))
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                              "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})
    return True


def _raw(conn: Connection) -> Any:
    return conn.connection.dbapi_connection


def has_ledger(engine: Engine, schema: str | None) -> bool:
    """Whether the database (its `schema`) already holds a ledger's tables."""
    return "ledger" in inspect(engine).get_table_names(schema=schema)


def create_database(engine: Engine, name: str) -> None:
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))


def drop_database(engine: Engine, name: str) -> None:
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
