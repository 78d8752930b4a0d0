"""Migrations upgrade a populated database without losing or orphaning rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

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
    upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_the_head_a_started_ledger_is_checked_against_is_alembics_newest(db_url: str) -> None:
    """`upgrade` skips alembic when the ledger is stamped with `HEAD`: a migration added without moving it would
    never run. An empty database is stamped with nothing."""
    assert head_revision() == HEAD
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD
