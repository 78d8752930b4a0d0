"""Migrations upgrade a populated database without losing or orphaning rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from valueflows.store.engine import make_engine
from valueflows.store.migrate import HEAD, current_revision, head_revision, upgrade
from valueflows.store.tables import metadata

pytestmark = pytest.mark.sql_store  # the schema's migrations

ROWS_AT_0001 = [
    "INSERT INTO units (id, label, symbol, om2, dimension)"
    " VALUES ('kilogram', 'kilogram', 'kg', 'http://x/kg', 'mass')",
    "INSERT INTO agents (id, name, type) VALUES ('coop', 'Coop', 'Organization')",
    "INSERT INTO resource_specifications (id, name, resource_classified_as) VALUES ('steel', 'Steel', '[]')",
    "INSERT INTO economic_resources (id, name, conforms_to, unit, accounting_quantity, onhand_quantity,"
    " primary_accountable, custodian, classified_as) VALUES ('stock', 'Stock', 'steel', 'kilogram', 5, 5,"
    " 'coop', 'coop', '[]')",
    "INSERT INTO economic_events (id, seq, action, provider, receiver, resource_inventoried_as,"
    " resource_classified_as, resource_quantity_value, resource_quantity_unit, happened_at, in_scope_of)"
    " VALUES ('e1', 1, 'raise', 'coop', 'coop', 'stock', '[]', 5, 'kilogram', '2026-01-01 00:00:00', '[]')",
]


def test_upgrade_from_the_first_revision_keeps_every_row(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        for statement in ROWS_AT_0001:
            conn.execute(text(statement))
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.begin() as conn:
        assert conn.execute(text("SELECT name, classified_as FROM agents")).one()[0] == "Coop"
        assert conn.execute(text("SELECT lot FROM economic_resources WHERE id = 'stock'")).one()[0] is None
        assert conn.execute(text("SELECT count(*) FROM economic_events")).scalar() == 1
        conn.execute(text("INSERT INTO units (id, label, symbol, dimension) VALUES ('x', 'x', 'x', 'other')"))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_migrations_build_the_schema_the_code_declares(db_url: str) -> None:
    """Every table, column, index and constraint of `store/tables.py` is what the migrations create: a column added
    to the code without a migration (or the other way round) fails here."""
    engine = make_engine(db_url)
    upgrade(engine, HEAD)  # through every migration (a new database is otherwise made in one step)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def _schema(url: str) -> dict[str, Any]:
    """What a database holds, as its catalogue says: columns (type, nullability, default), indexes (columns,
    uniqueness, the predicate of a partial one), keys, foreign keys; the chain head's lock function on PostgreSQL;
    the revision it is stamped with."""
    engine = make_engine(url)
    seen = inspect(engine)
    found: dict[str, Any] = {}
    for table in sorted(seen.get_table_names()):
        found[table] = {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in
                              seen.get_columns(table)),  # the order columns were added in is no difference
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]),
                               str(sorted((k, str(v)) for k, v in i.get("dialect_options", {}).items())))
                              for i in seen.get_indexes(table)),
            "primary": seen.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in seen.get_unique_constraints(table)),
            "foreign": sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                              for f in seen.get_foreign_keys(table)),
        }
    with engine.connect() as conn:
        found["revision"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        if engine.dialect.name == "postgresql":
            schema, function = conn.execute(text(
                "SELECT n.nspname, pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                "p.pronamespace WHERE p.proname = 'vf_lock_chain_head' AND n.nspname = current_schema()")).one()
            found["function"] = function.replace(f"{schema}.", "")  # each test's schema has its own name
    engine.dispose()
    return found


def test_a_new_ledger_made_in_one_step_is_the_one_the_migrations_make(db_url: str, tmp_path: Path,
                                                                      request: pytest.FixtureRequest) -> None:
    """An empty database is made at the newest schema in one step (`tables.py`, stamped `HEAD`); the same database
    built through every migration holds exactly the same tables, columns, indexes, keys and function."""
    other = (f"sqlite:///{tmp_path / 'migrated.db'}" if db_url.startswith("sqlite")
             else request.getfixturevalue("pg_schemas")())
    upgrade(make_engine(db_url))  # empty: made in one step
    upgrade(make_engine(other), HEAD)  # through the migrations
    made, migrated = _schema(db_url), _schema(other)
    assert set(made) == set(migrated)
    for name in made:
        assert made[name] == migrated[name], name


def test_the_head_a_started_ledger_is_checked_against_is_alembics_newest(db_url: str) -> None:
    """`upgrade` skips alembic when the ledger is stamped with `HEAD`: a migration added without moving it would
    never run. An empty database is stamped with nothing."""
    assert head_revision() == HEAD
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD
