"""Who may do what: every mutation, for anonymous, another member, self and admin, in both APIs (the main API
names what an update changes by its revision); a refusal writes nothing."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema, schemas
from valueflows.api.gql.versions import APIS, LEGACY, MAIN
from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.service.queries import ledger_size
from valueflows.store.uow import UnitOfWork

OK, U, F, IMM, N, B = "ok", "UNAUTHENTICATED", "FORBIDDEN", "IMMUTABLE", "NOT_FOUND", "BAD_USER_INPUT"
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
    ("createValueEquation", "ana",
     lambda n: f'createValueEquation(name: "eq{n}", buckets: [{{name: "work", percent: "100", rules: '
               '[{action: "work", unit: "hour", rate: "1"}]}]) { valueEquation { id } }', (U, F, F, OK)),
    ("updateValueEquation", "ana",
     lambda n: f'updateValueEquation(id: "{EQUATION[0]}", note: "{n}", buckets: [{{name: "work", percent: "100", '
               'rules: [{action: "work", unit: "hour", rate: "2"}]}]) { valueEquation { id } }', (U, F, F, OK)),
    ("commitDividendRun", "ana",
     lambda n: f'commitDividendRun(idempotencyKey: "k{n}", run: {{start: "{1000 + n}-01-01", end: "{1000 + n}-12-31", '
               'surplus: "100.00", currency: "EUR", reserveRate: "0.1", cashRate: "0.5"}) { dividendRun { id } }',
     (U, F, F, OK)),
    ("reverseDividendRun", "ana",
     lambda n: f'reverseDividendRun(id: "{RUNS.pop()}", idempotencyKey: "r{n}") {{ dividendRun {{ id }} }}',
     (U, F, F, OK)),
] + [
    ("updateEconomicEvent", "ana", lambda n: f'updateEconomicEvent(event: {{id: "x{n}"}}) {{ economicEvent {{ id }} }}',
     (IMM, IMM, IMM, IMM)),
]

# The main API's planning mutations (not in the legacy API).
MAIN_CASES: list[tuple[str, str, Callable[[int], str], tuple[str, str, str, str]]] = [
    ("createIntent", "ana", lambda n: f'createIntent(intent: {{action: "work", provider: "ana", name: "i{n}"}}) '
                                      '{ intent { id } }', (U, F, OK, OK)),
    ("updateIntent", "ana", lambda n: f'updateIntent(intent: {{id: "offer-ana", note: "n{n}"}}) {{ intent {{ id }} }}',
     (U, F, OK, OK)),
    ("createCommitment", "ana",
     lambda n: f'createCommitment(commitment: {{action: "work", provider: "ana", receiver: "coop", note: "c{n}", '
               'effortQuantity: {hasNumericalValue: "1", hasUnit: "hour"}}) { commitment { id } }', (U, F, OK, OK)),
    ("updateCommitment", "ana",
     lambda n: f'updateCommitment(commitment: {{id: "c-ana", note: "n{n}"}}) {{ commitment {{ id }} }}',
     (U, F, OK, OK)),
    ("createPlan", "ana", lambda n: f'createPlan(plan: {{name: "p{n}"}}) {{ plan {{ id }} }}', (U, OK, OK, OK)),
    ("updatePlan", "ana", lambda n: f'updatePlan(plan: {{id: "plan0", note: "n{n}"}}) {{ plan {{ id }} }}',
     (U, F, OK, OK)),
    ("createAgreement", "ana", lambda n: f'createAgreement(agreement: {{name: "a{n}"}}) {{ agreement {{ id }} }}',
     (U, OK, OK, OK)),
    ("updateAgreement", "ana",
     lambda n: f'updateAgreement(agreement: {{id: "deal0", note: "n{n}"}}) {{ agreement {{ id }} }}', (U, F, OK, OK)),
    ("createProposal", "ana", lambda n: f'createProposal(proposal: {{name: "p{n}"}}) {{ proposal {{ id }} }}',
     (U, OK, OK, OK)),
    ("updateProposal", "ana",
     lambda n: f'updateProposal(proposal: {{id: "prop-ana", note: "n{n}"}}) {{ proposal {{ id }} }}', (U, F, OK, OK)),
    ("createSpatialThing", "ana",
     lambda n: f'createSpatialThing(spatialThing: {{name: "s{n}"}}) {{ spatialThing {{ id }} }}', (U, OK, OK, OK)),
    ("updateSpatialThing", "ana",
     lambda n: f'updateSpatialThing(spatialThing: {{id: "place0", note: "n{n}"}}) {{ spatialThing {{ id }} }}',
     (U, F, F, OK)),
    ("createRecipeProcess", "ana",
     lambda n: f'createRecipeProcess(recipeProcess: {{name: "r{n}"}}) {{ recipeProcess {{ id }} }}', (U, OK, OK, OK)),
    ("updateRecipeProcess", "ana",
     lambda n: f'updateRecipeProcess(recipeProcess: {{id: "step0", note: "n{n}"}}) {{ recipeProcess {{ id }} }}',
     (U, F, F, OK)),
    ("createRecipeFlow", "ana",
     lambda n: f'createRecipeFlow(recipeFlow: {{action: "work", resourceConformsTo: "steel", note: "f{n}", '
               'recipeInputOf: "step0", effortQuantity: {hasNumericalValue: "1", hasUnit: "hour"}}) '
               '{ recipeFlow { id } }', (U, OK, OK, OK)),
    ("createRecipeExchange", "ana",
     lambda n: f'createRecipeExchange(recipeExchange: {{name: "x{n}"}}) {{ recipeExchange {{ id }} }}',
     (U, OK, OK, OK)),
    ("createScenario", "ana", lambda n: f'createScenario(plan: {{name: "s{n}"}}) {{ scenario {{ id }} }}',
     (U, OK, OK, OK)),
    # a scenario is changed by an agent in its scope (here the co-op) or an admin
    ("updateScenario", "coop",
     lambda n: f'updateScenario(plan: {{id: "budget0", note: "n{n}"}}) {{ scenario {{ id }} }}', (U, F, OK, OK)),
    ("createScenarioDefinition", "ana",
     lambda n: f'createScenarioDefinition(plan: {{name: "d{n}"}}) {{ scenarioDefinition {{ id }} }}',
     (U, OK, OK, OK)),
    # a claim is written by a party to the event it is in reciprocity for (here Ana's work), or an admin; to anyone
    # else that event is as if it did not exist
    ("createClaim", "ana",
     lambda n: f'createClaim(claim: {{action: "work", triggeredBy: "ev-ana", note: "c{n}", '
               'effortQuantity: {hasNumericalValue: "1", hasUnit: "hour"}}) { claim { id } }', (U, B, OK, OK)),
    ("updateClaim", "ana",
     lambda n: f'updateClaim(claim: {{id: "claim0", note: "n{n}"}}) {{ claim {{ id }} }}', (U, F, OK, OK)),
    ("createSettlement", "ana",
     lambda n: f'createSettlement(settlement: {{settles: "claim0", settledBy: "ev-ana", note: "s{n}"}}) '
               '{ settlement { id } }', (U, F, OK, OK)),
    # the maker (here Ana) or an admin commits the steps
    ("createPlanFromRecipe", "ana",
     lambda n: f'createPlanFromRecipe(plan: {{output: "steel", quantity: "{n}", due: "2027-01-01T00:00:00Z", '
               'provider: "ana", receiver: "coop"}) { plan { id } }', (U, F, OK, OK)),
] + [
    (f"delete{noun}", "ana", lambda n, noun=noun: f'delete{noun}(revisionId: "x{n}")', (IMM, IMM, IMM, IMM))
    for noun in ("Intent", "Commitment", "Plan", "Agreement", "Fulfillment", "Satisfaction", "SpatialThing",
                 "RecipeProcess", "RecipeFlow", "RecipeExchange", "Scenario", "ScenarioDefinition", "Appreciation",
                 "Claim", "Settlement")
]

ADMIN = Principal("admin", Scope.ADMIN)
EQUATION: list[str] = []  # the id of the equation the fixture defines
RUNS: list[str] = []  # committed runs the fixture leaves for reversal attempts


def run(uow: UnitOfWork, principal: Principal, document: str, api: str = MAIN) -> str:
    result = schemas[api].execute_sync(document, context_value=Context(uow, principal))
    if result.errors:
        return str(result.errors[0].extensions["code"])  # type: ignore[index]
    return OK


def chain_length(uow: UnitOfWork) -> int:
    return ledger_size(uow)["chain"]


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
    planning = [
        'createIntent(intent: {action: "work", provider: "ana", name: "offer", id: "offer-ana"}) { intent { id } }',
        'createPlan(plan: {name: "Plan", id: "plan0"}) { plan { id } }',
        'createAgreement(agreement: {name: "Deal", id: "deal0"}) { agreement { id } }',
        'createCommitment(commitment: {action: "work", provider: "ana", receiver: "coop", plannedWithin: "plan0", '
        'clauseOf: "deal0", id: "c-ana", effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}}) '
        '{ commitment { id } }',
    ]
    for document in planning:
        assert run(uow, ADMIN, "mutation { " + document + " }") == OK, document
    published = 'createProposal(proposal: {name: "Offer", id: "prop-ana"}) { proposal { id } }'
    assert run(uow, Principal("ana", Scope.WRITE), "mutation { " + published + " }") == OK
    place = 'createSpatialThing(spatialThing: {name: "Workshop", id: "place0"}) { spatialThing { id } }'
    assert run(uow, ADMIN, "mutation { " + place + " }") == OK
    recipe = ['createRecipeProcess(recipeProcess: {name: "Cast", id: "step0"}) { recipeProcess { id } }',
              'createRecipeFlow(recipeFlow: {action: "produce", resourceConformsTo: "steel", recipeOutputOf: "step0", '
              'resourceQuantity: {hasNumericalValue: "1", hasUnit: "kilogram"}}) { recipeFlow { id } }']
    for document in recipe:
        assert run(uow, ADMIN, "mutation { " + document + " }") == OK, document
    budget = 'createScenario(plan: {name: "Budget", id: "budget0", inScopeOf: ["coop"]}) { scenario { id } }'
    assert run(uow, ADMIN, "mutation { " + budget + " }") == OK
    owed = [f'createEconomicEvent(event: {{action: "work", provider: "ana", receiver: "coop", hasPointInTime: {T}, '
            'id: "ev-ana", effortQuantity: {hasDecimalValue: "8", hasUnit: "hour"}}) { economicEvent { id } }',
            'createClaim(claim: {action: "work", triggeredBy: "ev-ana", id: "claim0", '
            'effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}}) { claim { id } }']
    for document in owed:
        assert run(uow, ADMIN, "mutation { " + document + " }") == OK, document
    membership = ('createAgentRelationship(relationship: {subject: "ana", object: "coop", relationship: "member", '
                  'since: "2026-01-01"}) { agentRelationship { id } }')
    assert run(uow, ADMIN, "mutation { " + membership + " }") == OK
    equation = schema.execute_sync('mutation { createValueEquation(name: "agm", buckets: [{name: "w", percent: "100", '
                                   'rules: [{action: "work", unit: "hour", rate: "1"}]}]) { valueEquation { id } } }',
                                   context_value=Context(uow, ADMIN))
    EQUATION[:] = [equation.data["createValueEquation"]["valueEquation"]["id"]]  # type: ignore[index]
    RUNS.clear()
    for year in range(1990, 1994):
        committed = schema.execute_sync(
            f'mutation {{ commitDividendRun(idempotencyKey: "y{year}", run: {{start: "{year}-01-01", '
            f'end: "{year}-12-31", surplus: "10.00", currency: "EUR", reserveRate: "0", cashRate: "1"}}) '
            '{ dividendRun { id } } }', context_value=Context(uow, ADMIN))
        RUNS.append(committed.data["commitDividendRun"]["dividendRun"]["id"])  # type: ignore[index]
    return uow


# What an update changes, by the kind of record (the main API names it by the revision it was read at).
UPDATE_KINDS = {
    "updatePerson": "agent", "updateOrganization": "agent", "updateAgentRelationshipRole": "agent_relationship_role",
    "updateAgentRelationship": "agent_relationship", "updateResourceSpecification": "resource_specification",
    "updateProcessSpecification": "process_specification", "updateUnit": "unit",
    "updateEconomicResource": "economic_resource", "updateProductBatch": "product_batch", "updateProcess": "process",
    "updateIntent": "intent", "updateCommitment": "commitment", "updatePlan": "plan", "updateAgreement": "agreement",
    "updateProposal": "proposal", "updateSpatialThing": "spatial_thing", "updateRecipeProcess": "recipe_process",
    "updateScenario": "scenario", "updateClaim": "claim",
}
DELETES_BY_REVISION = {"Person", "Organization", "AgentRelationship", "AgentRelationshipRole", "ResourceSpecification",
                       "ProcessSpecification", "Unit"}


def in_api(uow: UnitOfWork, api: str, name: str, document: str) -> str:
    """The legacy document as the main API asks it: `revisionId` (the record's newest) where 0.9 has it."""
    if api == LEGACY:
        return document
    if name in UPDATE_KINDS:
        named = re.search(r'\{id: "([^"]+)"', document)
        assert named is not None, document
        with uow.read() as tx:
            revision = tx.chain.latest(UPDATE_KINDS[name], [named.group(1)])[named.group(1)]
        return document.replace(named.group(0), f'{{revisionId: "{revision}"', 1)
    if name == "updateEconomicEvent" or name.removeprefix("delete") in DELETES_BY_REVISION:
        return document.replace("{id: ", "{revisionId: ").replace("(id: ", "(revisionId: ")
    return document


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(("name", "owner", "document", "expected"), CASES, ids=[c[0] for c in CASES])
def test_access_matrix(ledger_with_people: UnitOfWork, name: str, owner: str, document: Callable[[int], str],
                       expected: tuple[str, str, str, str], api: str) -> None:
    uow = ledger_with_people
    other = "bo"
    principals = (ANONYMOUS, Principal(other, Scope.WRITE), Principal(owner, Scope.WRITE), ADMIN)
    for principal, want in zip(principals, expected, strict=True):
        before = chain_length(uow)
        got = run(uow, principal, "mutation { " + in_api(uow, api, name, document(next(counter))) + " }", api)
        assert got == want, f"{name} as {principal}: {got}, expected {want}"
        assert (chain_length(uow) > before) == (want == OK), f"{name} as {principal} wrote {want!r}"


@pytest.mark.parametrize(("name", "owner", "document", "expected"), MAIN_CASES, ids=[c[0] for c in MAIN_CASES])
def test_access_matrix_of_planning(ledger_with_people: UnitOfWork, name: str, owner: str,
                                   document: Callable[[int], str], expected: tuple[str, str, str, str]) -> None:
    test_access_matrix(ledger_with_people, name, owner, document, expected, MAIN)


PRIVATE_READS = [
    # (query, expected for anonymous, bo (not a member), ana (member, self), admin)
    ('memberStatement(agent: "ana", start: "2026-01-01", end: "2026-12-31") { dividend capitalAccount }',
     (U, F, OK, OK)),
    ('dividendRuns(organization: "coop") { id distributed }', (U, F, OK, OK)),
    ('dividendPreview(run: {start: "2026-01-01", end: "2026-12-31", surplus: "100.00", currency: "EUR", '
     'reserveRate: "0", cashRate: "0"}) { distributed }', (U, F, F, OK)),
    ('valueEquations { name version }', (OK, OK, OK, OK)),
]


@pytest.mark.parametrize(("document", "expected"), PRIVATE_READS, ids=[q.split("(")[0].split()[0] for q, _ in
                                                                        PRIVATE_READS])
def test_private_reads(ledger_with_people: UnitOfWork, document: str, expected: tuple[str, str, str, str]) -> None:
    principals = (ANONYMOUS, Principal("bo", Scope.WRITE), Principal("ana", Scope.READ), ADMIN)
    for principal, want in zip(principals, expected, strict=True):
        assert run(ledger_with_people, principal, "{ " + document + " }") == want, (document, principal)
    single = f'{{ dividendRun(id: "{RUNS[0]}") {{ id }} }}'
    # a run the reader may not see answers as a missing one does: its existence does not leak
    assert [run(ledger_with_people, p, single) for p in principals] == [U, N, OK, OK]


def test_a_read_token_writes_nothing(ledger_with_people: UnitOfWork) -> None:
    document = CASES[14][2](1)
    assert run(ledger_with_people, Principal("ana", Scope.READ), "mutation { " + document + " }") == F


def test_my_agent_is_the_tokens_agent(ledger_with_people: UnitOfWork) -> None:
    result = schema.execute_sync("{ myAgent { id name } }",
                                 context_value=Context(ledger_with_people, Principal("ana", Scope.READ)))
    assert result.data == {"myAgent": {"id": "ana", "name": "Ana"}}
