from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy
from valueflows.domain.access import Principal, Scope
from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_any
from valueflows.store.uow import UnitOfWork

T = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def uow(db_url: str) -> Iterator[UnitOfWork]:
    unit_of_work = open_any(db_url)
    yield unit_of_work  # type: ignore[misc]
    if isinstance(unit_of_work, UnitOfWork):
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


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00+00:00")


@pytest.fixture
def commons(uow: UnitOfWork) -> UnitOfWork:
    """A commons steward (Atelier) with a CopyFair and a PPL design; BigCo, a 240-person firm in a group, with a
    euro account; a worker co-op; a firm whose headcount nobody recorded."""
    agent = records.create_agent
    agent(uow, AgentInput("Atelier", "Organization", legal_form="worker_coop", worker_owned=True,
                          surplus_to_worker_owners=True, headcount=4, id="atelier"))
    agent(uow, AgentInput("Holding", "Organization", legal_form="company", headcount=30, annual_revenue="900000",
                          revenue_currency="EUR", id="holding"))
    agent(uow, AgentInput("BigCo", "Organization", legal_form="company", worker_owned=False, headcount=240,
                          annual_revenue="38000000", revenue_currency="EUR", group="holding", id="bigco"))
    agent(uow, AgentInput("Coop", "Organization", legal_form="worker_coop", id="coop"))
    agent(uow, AgentInput("Mystery", "Organization", legal_form="company", id="mystery"))
    records.create_specification(uow, SpecificationInput("Design", id="design"))
    records.create_specification(uow, SpecificationInput("Euro account", id="eur", default_unit_of_resource="EUR"))
    for who, rid, licence in (("atelier", "seed-drill", "LicenseRef-CopyFair-1.0"), ("atelier", "crimper", "PPL")):
        ledger.record_event(uow, EventInput("raise", who, who, resource_quantity=MeasureInput("1", "one"),
                                            has_point_in_time=at("2026-01-05"), new_resource=NewResourceInput(
                                                "Design", conforms_to="design", id=rid, licence=licence)))
    for who in ("atelier", "bigco"):
        ledger.record_event(uow, EventInput("raise", who, who, resource_quantity=MeasureInput("100000", "EUR"),
                                            has_point_in_time=at("2026-01-05"), new_resource=NewResourceInput(
                                                "Account", conforms_to="eur", id=f"{who}-eur")))
    return uow


@pytest.fixture
def network(uow: UnitOfWork) -> UnitOfWork:
    """A person, her co-op, a farm, a seed drill and a process, made through the 0.8 API (as older clients do)."""
    for document in [
        'createPerson(person: {name: "Ana", id: "ana"}) { agent { id } }',
        'createOrganization(organization: {name: "Atelier", id: "atelier", legalForm: "worker_coop"}) '
        '{ agent { id } }',
        'createOrganization(organization: {name: "Ferme du Val", id: "farm"}) { agent { id } }',
        'createAgentRelationship(relationship: {subject: "ana", object: "atelier", relationship: "member", '
        'since: "2026-01-01"}) { agentRelationship { id } }',
        'createResourceSpecification(resourceSpecification: {name: "Seed drill", id: "seed-drill", '
        'defaultUnitOfResource: "one"}) { resourceSpecification { id } }',
        'createProcess(process: {name: "Build 3 seed drills", id: "build"}) { process { id } }',
    ]:
        result = legacy.execute_sync("mutation { " + document + " }",
                                     context_value=Context(uow, Principal(None, Scope.ADMIN)))
        assert not result.errors, result.errors
    return uow
