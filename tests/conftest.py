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


# The modules whose tests take the longest, with about how many seconds all of theirs take on this machine (from
# `--durations`): each worker starts with its share of them, whole modules at a time (their module-scoped servers
# and ledgers are made once), so the last minutes of a run are not one worker finishing a long test the others
# could not take (xdist's work stealing hands each worker a contiguous part of the collection at first, and steals
# only from the end of what a worker has not started).
HEAVY_MODULES = {
    "test_access_matrix.py": 460, "test_hostile_input.py": 160, "test_federation_nodes.py": 100,
    "test_crash_safety.py": 90, "test_readme.py": 75, "test_member_pages.py": 75, "test_serve.py": 70,
    "test_vf_clients.py": 55, "test_cli_newcomer.py": 55, "test_graphql_fuzz.py": 50, "test_cli_backup.py": 46,
    "test_linked_large.py": 41, "test_graphql_http.py": 40, "test_graphiql_browser.py": 30,
    "test_concurrent_writers.py": 30, "test_cli_licences.py": 20,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    lanes: list[list[pytest.Item]] = [[] for _ in range(workers)]
    load = [0] * workers
    for name, seconds in sorted(HEAVY_MODULES.items(), key=lambda m: -m[1]):  # the longest first, to the least loaded
        lane = load.index(min(load))
        lanes[lane] += [i for i in items if i.path.name == name]
        load[lane] += seconds
    light = [i for i in items if i.path.name not in HEAVY_MODULES]
    size = -(-len(items) // workers)  # each worker's first part, as xdist cuts it
    for lane in lanes:  # then light tests, in their collected order, up to each worker's share
        take = max(0, min(size - len(lane), len(light)))
        lane += light[:take]
        light = light[take:]
    lanes[-1] += light
    items[:] = [item for lane in lanes for item in lane]
