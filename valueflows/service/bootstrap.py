"""Open a ledger: engine, migrations to the newest schema, the standard units and the member role.

`memory://` opens a ledger in memory (gone when the process ends): for trying things out, and for the tests that
run the use cases on the in-memory store beside SQLite and PostgreSQL.
"""

from __future__ import annotations

from valueflows.service.records import ensure_standard_records
from valueflows.store.engine import DEFAULT_URL, WRITE_WAIT, make_engine
from valueflows.store.memory import MemoryUnitOfWork
from valueflows.store.migrate import upgrade
from valueflows.store.ports import UnitOfWork as Ledger
from valueflows.store.uow import UnitOfWork

MEMORY = "memory://"


def open_ledger(url: str = DEFAULT_URL, write_wait: float = WRITE_WAIT) -> UnitOfWork:
    """The ledger at `url` (a SQLAlchemy URL), created or upgraded to the newest schema."""
    engine = make_engine(url, write_wait)
    upgrade(engine)
    uow = UnitOfWork(engine)
    ensure_standard_records(uow)
    return uow


def open_any(url: str = DEFAULT_URL, write_wait: float = WRITE_WAIT) -> Ledger:
    """The ledger at `url`, or a new one in memory for `memory://`."""
    if url == MEMORY:
        memory = MemoryUnitOfWork()
        ensure_standard_records(memory)
        return memory
    return open_ledger(url, write_wait)
