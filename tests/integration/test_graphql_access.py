"""Who may do what: every mutation, for anonymous, another member, self and admin; a refusal writes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema
from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.store.tables import ledger as chain
from valueflows.store.uow import UnitOfWork

OK, U, F, IMM = "ok", "UNAUTHENTICATED", "FORBIDDEN", "IMMUTABLE"
counter = itertools.count()
T = '"2026-05-05T17:00:00Z"'

# (mutation, who "self" is, document for the n-th attempt, expected for anonymous, other, self, admin)
CASES: list[tuple[str, str, Callable[[int], str], tuple[str, str, str, str]]] = [
    ("createPerson", "ana", lambda n: f'createPerson(person: {{name: "P{n}", id: "p{n}"}}) {{ agent {{ id }} }}',
     (U, F, F, OK)),
    ("updatePerson", "ana", lambda n: f'updatePerson(person: {{id: "ana", note: "n{n}"}}) {{ agent {{ id }} }}',
     (U, F, OK, OK)),
    ("createOrganization", "coop",
     lambda n: f'createOrganization(organization: {{name: "O{n}", id: "o{n}"}}) {{ agent {{ id }} }}', (U, F, F, OK)),
    ("updateOrganization", "coop",
     lambda n: f'updateOrganization(organization: {{id: "coop", headcount: {n}}}) {{ agent {{ id }} }}',
     (U, F, OK, OK)),
    ("createAgentRelationshipRole", "ana",
     lambda n: f'createAgentRelationshipRole(agentRelationshipRole: {{roleLabel: "r{n}", id: "role{n}"}}) '
               '{ agentRelationshipRole { id } }', (U, F, F, OK)),
    ("updateAgentRelationshipRole", "ana",
     lambda n: f'updateAgentRelationshipRole(agentRelationshipRole: {{id: "friend", note: "{n}"}}) '
               '{ agentRelationshipRole { id } }', (U, F, F, OK)),
    ("createAgentRelationship", "ana",
     lambda n: f'createAgentRelationship(relationship: {{subject: "ana", object: "coop", relationship: "friend", '
               f'id: "rel{n}"}}) {{ agentRelationship {{ id }} }}', (U, F, F, OK)),
    ("updateAgentRelationship", "ana",
     lambda n: f'updateAgentRelationship(relationship: {{id: "rel0", note: "{n}"}}) {{ agentRelationship {{ id }} }}',
     (U, F, F, OK)),
    ("createResourceSpecification", "ana",
     lambda n: f'createResourceSpecification(resourceSpecification: {{name: "S{n}", id: "s{n}"}}) '
               '{ resourceSpecification { id } }', (U, OK, OK, OK)),
    ("updateResourceSpecification", "ana",
     lambda n: f'updateResourceSpecification(resourceSpecification: {{id: "steel", note: "{n}"}}) '
               '{ resourceSpecification { id } }', (U, F, F, OK)),
    ("createProcessSpecification", "ana",
     lambda n: f'createProcessSpecification(processSpecification: {{name: "PS{n}", id: "ps{n}"}}) '
               '{ processSpecification { id } }', (U, OK, OK, OK)),
    ("updateProcessSpecification", "ana",
     lambda n: f'updateProcessSpecification(processSpecification: {{id: "welding", note: "{n}"}}) '
               '{ processSpecification { id } }', (U, F, F, OK)),
    ("createUnit", "ana", lambda n: f'createUnit(unit: {{label: "u{n}", symbol: "u", id: "u{n}"}}) {{ unit {{ id }} }}',
     (U, F, F, OK)),
    ("updateUnit", "ana", lambda n: f'updateUnit(unit: {{id: "hour", label: "hour{n}"}}) {{ unit {{ id }} }}',
     (U, F, F, OK)),
    ("createEconomicEvent", "ana",
     lambda n: f'createEconomicEvent(event: {{action: "work", provider: "ana", receiver: "coop", hasPointInTime: {T}, '
               f'effortQuantity: {{hasDecimalValue: "{n}", hasUnit: "hour"}}}}) {{ economicEvent {{ id }} }}',
     (U, F, OK, OK)),
    ("updateEconomicResource", "coop",
     lambda n: f'updateEconomicResource(resource: {{id: "stock", note: "{n}"}}) {{ economicResource {{ id }} }}',
     (U, F, OK, OK)),
    ("createProductBatch", "ana",
     lambda n: f'createProductBatch(productBatch: {{batchNumber: "B{n}", id: "b{n}"}}) {{ productBatch {{ id }} }}',
     (U, OK, OK, OK)),
    ("updateProductBatch", "ana",
     lambda n: f'updateProductBatch(productBatch: {{id: "b-first", batchNumber: "B{n}"}}) {{ productBatch {{ id }} }}',
     (U, F, F, OK)),
    ("createProcess", "ana",
     lambda n: f'createProcess(process: {{name: "P{n}", id: "proc{n}"}}) {{ process {{ id }} }}',
     (U, OK, OK, OK)),
    ("updateProcess", "ana", lambda n: f'updateProcess(process: {{id: "build", note: "{n}"}}) {{ process {{ id }} }}',
     (U, OK, OK, OK)),
] + [
    (f"delete{noun}", "ana", lambda n, noun=noun: f'delete{noun}(id: "x{n}")', (IMM, IMM, IMM, IMM))
    for noun in ("Person", "Organization", "AgentRelationship", "AgentRelationshipRole", "ResourceSpecification",
                 "ProcessSpecification", "Unit", "EconomicEvent", "EconomicResource", "ProductBatch", "Process")
] + [
    ("updateEconomicEvent", "ana", lambda n: f'updateEconomicEvent(event: {{id: "x{n}"}}) {{ economicEvent {{ id }} }}',
     (IMM, IMM, IMM, IMM)),
]

ADMIN = Principal("admin", Scope.ADMIN)


def run(uow: UnitOfWork, principal: Principal, document: str) -> str:
    result = schema.execute_sync(document, context_value=Context(uow, principal))
    if result.errors:
        return str(result.errors[0].extensions["code"])  # type: ignore[index]
    return OK


def chain_length(uow: UnitOfWork) -> int:
    with uow.read() as conn:
        return conn.scalar(select(func.count()).select_from(chain)) or 0


@pytest.fixture
def ledger_with_people(uow: UnitOfWork) -> UnitOfWork:
    setup = [
        'createPerson(person: {name: "Ana", id: "ana"}) { agent { id } }',
        'createPerson(person: {name: "Bo", id: "bo"}) { agent { id } }',
        'createPerson(person: {name: "Admin", id: "admin"}) { agent { id } }',
        'createOrganization(organization: {name: "Coop", id: "coop", legalForm: "worker_coop"}) { agent { id } }',
        'createAgentRelationshipRole(agentRelationshipRole: {roleLabel: "friend", id: "friend"}) '
        '{ agentRelationshipRole { id } }',
        'createAgentRelationship(relationship: {subject: "ana", object: "coop", relationship: "friend", id: "rel0"}) '
        '{ agentRelationship { id } }',
        'createResourceSpecification(resourceSpecification: {name: "Steel", id: "steel", '
        'defaultUnitOfResource: "kilogram"}) { resourceSpecification { id } }',
        'createProcessSpecification(processSpecification: {name: "Welding", id: "welding"}) '
        '{ processSpecification { id } }',
        'createProductBatch(productBatch: {batchNumber: "B0", id: "b-first"}) { productBatch { id } }',
        'createProcess(process: {name: "Build", id: "build"}) { process { id } }',
        f'createEconomicEvent(event: {{action: "raise", provider: "coop", receiver: "coop", hasPointInTime: {T}, '
        'resourceQuantity: {hasDecimalValue: "10", hasUnit: "kilogram"}}, newInventoriedResource: '
        '{name: "Stock", conformsTo: "steel", id: "stock"}) { economicEvent { id } }',
    ]
    for document in setup:
        assert run(uow, ADMIN, "mutation { " + document + " }") == OK, document
    return uow


@pytest.mark.parametrize(("name", "owner", "document", "expected"), CASES, ids=[c[0] for c in CASES])
def test_access_matrix(ledger_with_people: UnitOfWork, name: str, owner: str, document: Callable[[int], str],
                       expected: tuple[str, str, str, str]) -> None:
    uow = ledger_with_people
    other = "bo"
    principals = (ANONYMOUS, Principal(other, Scope.WRITE), Principal(owner, Scope.WRITE), ADMIN)
    for principal, want in zip(principals, expected, strict=True):
        before = chain_length(uow)
        got = run(uow, principal, "mutation { " + document(next(counter)) + " }")
        assert got == want, f"{name} as {principal}: {got}, expected {want}"
        assert (chain_length(uow) > before) == (want == OK), f"{name} as {principal} wrote {want!r}"


def test_a_read_token_writes_nothing(ledger_with_people: UnitOfWork) -> None:
    document = CASES[14][2](1)
    assert run(ledger_with_people, Principal("ana", Scope.READ), "mutation { " + document + " }") == F


def test_my_agent_is_the_tokens_agent(ledger_with_people: UnitOfWork) -> None:
    result = schema.execute_sync("{ myAgent { id name } }",
                                 context_value=Context(ledger_with_people, Principal("ana", Scope.READ)))
    assert result.data == {"myAgent": {"id": "ana", "name": "Ana"}}
