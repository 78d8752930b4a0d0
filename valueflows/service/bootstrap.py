"""Open a ledger: engine, migrations to the newest schema, the standard units and the member role."""

from __future__ import annotations

from valueflows.service.records import ensure_standard_records
from valueflows.store.engine import DEFAULT_URL, WRITE_WAIT, make_engine
from valueflows.store.migrate import upgrade
from valueflows.store.uow import UnitOfWork


def open_ledger(url: str = DEFAULT_URL, write_wait: float = WRITE_WAIT) -> UnitOfWork:
    engine = make_engine(url, write_wait)
    upgrade(engine)
    uow = UnitOfWork(engine)
    ensure_standard_records(uow)
    return uow
