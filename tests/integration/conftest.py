from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from valueflows.domain.inputs import AgentInput, SpecificationInput
from valueflows.service import records
from valueflows.service.bootstrap import open_ledger
from valueflows.store.uow import UnitOfWork

T = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def uow(db_url: str) -> Iterator[UnitOfWork]:
    unit_of_work = open_ledger(db_url)
    yield unit_of_work
    unit_of_work.engine.dispose()


@pytest.fixture
def seeded(uow: UnitOfWork) -> UnitOfWork:
    """Two agents and two specifications."""
    records.create_agent(uow, AgentInput(name="Ana", type="Person", id="ana"))
    records.create_agent(uow, AgentInput(name="Atelier", type="Organization", legal_form="worker_coop", id="coop",
                                        worker_owned=True, surplus_to_worker_owners=True, headcount=12))
    records.create_specification(uow, SpecificationInput(name="Steel", id="steel", default_unit_of_resource="kilogram"))
    records.create_specification(uow, SpecificationInput(name="Design work", id="design"))
    return uow
