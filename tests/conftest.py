"""Shared fixtures: a fresh ledger on a SQLite file and on the real PostgreSQL server.

PostgreSQL tests get their own schema in database `test` (dropped afterwards). Where PostgreSQL is not
reachable they skip locally, and fail when CI=true: in CI a skipped PostgreSQL test is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

# The tests' ledgers hold the year 2026 (the demo's); the annual meeting that distributes it meets once it is over, and
# a run is committed only for a period that has ended (`service.clock`). The tests of that rule set their own day.
os.environ.setdefault("VALUEFLOWS_TODAY", "2027-03-01")

PG_BASE = os.environ.get("VALUEFLOWS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        with create_engine(PG_BASE).connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any connection failure means: not reachable
        return str(exc).splitlines()[0]
    return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_schema()


@pytest.fixture(scope="module")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL schema kept for a whole test module (for a server started once per module)."""
    yield from _pg_schema()


@pytest.fixture(scope="module")
def pg_schemas() -> Iterator[Callable[[], str]]:
    """Makes a new PostgreSQL schema each time it is called, all dropped after the module: for a parametrized
    module-scoped fixture, which is made again whenever the tests of its parameters interleave (as they may across
    xdist workers), each time on an empty database."""
    made: list[Iterator[str]] = []

    def new() -> str:
        schema = _pg_schema()
        made.append(schema)
        return next(schema)

    yield new
    for schema in made:
        next(schema, None)


def _pg_schema() -> Iterator[str]:
    reason = _pg_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable in CI: {reason}")
        pytest.skip(f"PostgreSQL not reachable: {reason}")
    schema = f"vf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


STORES = ("sqlite", "postgresql", "memory")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of a ledger runs on SQLite and PostgreSQL; those of the use cases (tests/integration) also on the
    in-memory store, unless they read the database itself (marked `sql_store`). End-to-end tests start real
    servers, on the databases."""
    if "db_url" in metafunc.fixturenames:
        sql_only = (metafunc.definition.get_closest_marker("sql_store") is not None
                    or metafunc.definition.path.parent.name != "integration")
        metafunc.parametrize("db_url", [s for s in STORES if not (sql_only and s == "memory")], indirect=True)


@pytest.fixture
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
