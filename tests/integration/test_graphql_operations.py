"""Every reference query and mutation, run through the schema against the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse
from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy as schema
from valueflows.domain.access import Principal, Scope
from valueflows.store.uow import UnitOfWork

ADMIN = Principal(agent=None, scope=Scope.ADMIN)
REFERENCE_QUERIES = {
    "myAgent", "agent", "agents", "organization", "organizations", "person", "people", "agentRelationship",
    "agentRelationships", "agentRelationshipRole", "agentRelationshipRoles", "action", "actions",
    "resourceSpecification", "resourceSpecifications", "processSpecification", "processSpecifications", "unit",
    "units", "economicEvent", "economicEvents", "economicEventsFiltered", "economicResource", "economicResources",
    "productBatch", "productBatches", "process", "processes",
}
REFERENCE_MUTATIONS = {
    f"{verb}{noun}" for verb in ("create", "update", "delete")
    for noun in ("Person", "Organization", "AgentRelationship", "AgentRelationshipRole", "ResourceSpecification",
                 "ProcessSpecification", "Unit", "EconomicEvent", "ProductBatch", "Process")
} | {"updateEconomicResource", "deleteEconomicResource"}


class Client:
    def __init__(self, uow: UnitOfWork, principal: Principal = ADMIN) -> None:
        self.uow = uow
        self.principal = principal
        self.called: set[str] = set()

    def _run(self, query: str, variables: dict[str, Any] | None) -> Any:
        try:
            definitions = parse(query).definitions
        except GraphQLSyntaxError:
            definitions = ()
        for node in definitions:
            if isinstance(node, OperationDefinitionNode):
                self.called |= {s.name.value for s in node.selection_set.selections}  # type: ignore[attr-defined]
        return schema.execute_sync(query, variable_values=variables, context_value=Context(self.uow, self.principal))

    def ok(self, query: str, **variables: Any) -> Any:
        result = self._run(query, variables)
        assert not result.errors, [e.formatted for e in result.errors]
        return result.data

    def error(self, query: str, **variables: Any) -> dict[str, Any]:
        result = self._run(query, variables)
        assert result.errors, result.data
        return dict(result.errors[0].formatted)


@pytest.fixture
def client(uow: UnitOfWork) -> Client:
    return Client(uow)


def test_every_reference_operation_against_the_store(client: Client) -> None:
    c = client
    # agents
    ana = c.ok('mutation { createPerson(person: {name: "Ana", note: "designer", id: "ana"}) { agent { id name } } }')
    assert ana["createPerson"]["agent"] == {"id": "ana", "name": "Ana"}
    c.ok('mutation { updatePerson(person: {id: "ana", image: "https://example.org/ana.png"}) { agent { image } } }')
    coop = c.ok('''mutation { createOrganization(organization: {name: "Atelier", id: "coop", legalForm: "worker_coop",
        workerOwned: true, surplusToWorkerOwners: true, headcount: 4, annualRevenue: "180000.00",
        revenueCurrency: "EUR", classifiedAs: ["https://example.org/coop"]}) {
        agent { id legalForm headcount annualRevenue classifiedAs revenueCurrency { id } } } }''')
    assert coop["createOrganization"]["agent"]["annualRevenue"] == "180000"
    assert c.ok('mutation { updateOrganization(organization: {id: "coop", headcount: 5}) '
                '{ agent { headcount legalForm } } }')["updateOrganization"]["agent"] == {
        "headcount": 5, "legalForm": "worker_coop"}
    c.ok('mutation { createOrganization(organization: {name: "Buyer SA", id: "buyer", legalForm: "company"}) '
         '{ agent { id } } }')
    for mutation in ("deletePerson", "deleteOrganization"):
        assert c.error(f'mutation {{ {mutation}(id: "ana") }}')["extensions"]["code"] == "IMMUTABLE"

    # relationships
    c.ok('mutation { createAgentRelationshipRole(agentRelationshipRole: {roleLabel: "supplies", '
         'inverseRoleLabel: "is supplied by", id: "supplier"}) { agentRelationshipRole { id } } }')
    c.ok('mutation { updateAgentRelationshipRole(agentRelationshipRole: {id: "supplier", note: "materials"}) '
         '{ agentRelationshipRole { note } } }')
    member = c.ok('mutation { createAgentRelationship(relationship: {subject: "ana", object: "coop", '
                  'relationship: "member", since: "2024-01-01", id: "m-ana"}) '
                  '{ agentRelationship { id relationship { roleLabel } object { name } } } }')
    assert member["createAgentRelationship"]["agentRelationship"]["relationship"]["roleLabel"] == "is member of"
    c.ok('mutation { createAgentRelationship(relationship: {subject: "buyer", object: "coop", '
         'relationship: "supplier", id: "r1"}) { agentRelationship { id } } }')
    c.ok('mutation { updateAgentRelationship(relationship: {id: "r1", note: "steel"}) '
         '{ agentRelationship { note } } }')
    ended = c.ok('mutation { updateAgentRelationship(relationship: {id: "m-ana", until: "2026-06-30"}) '
                 '{ agentRelationship { id } } }')
    assert ended["updateAgentRelationship"]["agentRelationship"]["id"] == "m-ana"
    assert c.error('mutation { deleteAgentRelationship(id: "r1") }')["extensions"]["code"] == "IMMUTABLE"
    assert c.error('mutation { deleteAgentRelationshipRole(id: "supplier") }')["extensions"]["code"] == "IMMUTABLE"

    # knowledge and measurement
    c.ok('mutation { createUnit(unit: {label: "week", symbol: "wk", id: "week", dimension: "time"}) '
         '{ unit { id dimension } } }')
    c.ok('mutation { updateUnit(unit: {id: "week", symbol: "w"}) { unit { symbol } } }')
    assert c.error('mutation { deleteUnit(id: "week") }')["extensions"]["code"] == "IMMUTABLE"
    c.ok('mutation { createResourceSpecification(resourceSpecification: {name: "Steel", id: "steel", '
         'defaultUnitOfResource: "kilogram"}) { resourceSpecification { id defaultUnitOfResource { id } } } }')
    c.ok('mutation { updateResourceSpecification(resourceSpecification: {id: "steel", note: "S235"}) '
         '{ resourceSpecification { note } } }')
    c.ok('mutation { createResourceSpecification(resourceSpecification: {name: "Design work", id: "design"}) '
         '{ resourceSpecification { id } } }')
    assert c.error('mutation { deleteResourceSpecification(id: "steel") }')["extensions"]["code"] == "IMMUTABLE"
    c.ok('mutation { createProcessSpecification(processSpecification: {name: "Welding", id: "welding"}) '
         '{ processSpecification { id } } }')
    c.ok('mutation { updateProcessSpecification(processSpecification: {id: "welding", note: "MIG"}) '
         '{ processSpecification { note } } }')
    assert c.error('mutation { deleteProcessSpecification(id: "welding") }')["extensions"]["code"] == "IMMUTABLE"

    # observation
    c.ok('mutation { createProductBatch(productBatch: {batchNumber: "B-1", id: "b1"}) { productBatch { id } } }')
    c.ok('mutation { updateProductBatch(productBatch: {id: "b1", productionDate: "2026-05-01T00:00:00Z"}) '
         '{ productBatch { productionDate } } }')
    assert c.error('mutation { deleteProductBatch(id: "b1") }')["extensions"]["code"] == "IMMUTABLE"
    c.ok('mutation { createProcess(process: {name: "Build frames", id: "build", basedOn: "welding", '
         'hasBeginning: "2026-05-04T08:00:00Z"}) { process { id basedOn { name } } } }')
    c.ok('mutation { updateProcess(process: {id: "build", finished: true}) { process { finished } } }')
    assert c.error('mutation { deleteProcess(id: "build") }')["extensions"]["code"] == "IMMUTABLE"

    raised = c.ok('''mutation { createEconomicEvent(
        event: {action: "raise", provider: "coop", receiver: "coop", hasPointInTime: "2026-05-01T09:00:00Z",
                resourceQuantity: {hasNumericalValue: 500, hasUnit: "kilogram"}},
        newInventoriedResource: {name: "Steel stock", conformsTo: "steel", id: "stock", lot: "b1"},
        idempotencyKey: "raise-stock") {
        economicEvent { id action { id resourceEffect } resourceQuantity { hasNumericalValue hasDecimalValue } }
        economicResource { id onhandQuantity { hasDecimalValue hasUnit { symbol } } lot { batchNumber } } } }''')
    assert raised["createEconomicEvent"]["economicResource"]["onhandQuantity"]["hasDecimalValue"] == "500"
    consumed = c.ok('''mutation { createEconomicEvent(event: {action: "consume", provider: "coop", receiver: "coop",
        inputOf: "build", resourceInventoriedAs: "stock", hasPointInTime: "2026-05-05T09:00:00Z",
        resourceQuantity: {hasDecimalValue: "0.1", hasUnit: "kilogram"}}) {
        economicEvent { id } economicResource { accountingQuantity { hasDecimalValue } } } }''')
    assert consumed["createEconomicEvent"]["economicResource"]["accountingQuantity"]["hasDecimalValue"] == "499.9"
    work = c.ok('''mutation { createEconomicEvent(event: {action: "work", provider: "ana", receiver: "coop",
        inputOf: "build", resourceConformsTo: "design", hasPointInTime: "2026-05-05T17:00:00Z",
        effortQuantity: {hasNumericalValue: 7.5, hasUnit: "hour"}, note: "frame jig"}) { economicEvent { id } } }''')
    work_id = work["createEconomicEvent"]["economicEvent"]["id"]
    c.ok('''mutation { createEconomicEvent(event: {action: "produce", provider: "coop", receiver: "coop",
        outputOf: "build", hasPointInTime: "2026-05-06T17:00:00Z",
        resourceQuantity: {hasNumericalValue: 4, hasUnit: "one"}},
        newInventoriedResource: {name: "Frames", conformsTo: "design", id: "frames"}) { economicEvent { id } } }''')
    assert c.error(f'mutation {{ updateEconomicEvent(event: {{id: "{work_id}", note: "x"}}) '
                   '{ economicEvent { id } } }')["extensions"]["code"] == "IMMUTABLE"
    assert c.error(f'mutation {{ deleteEconomicEvent(id: "{work_id}") }}')["extensions"]["code"] == "IMMUTABLE"
    c.ok('mutation { updateEconomicResource(resource: {id: "stock", note: "in the shed"}) '
         '{ economicResource { note onhandQuantity { hasDecimalValue } } } }')
    assert c.error('mutation { deleteEconomicResource(id: "stock") }')["extensions"]["code"] == "IMMUTABLE"

    # queries
    data = c.ok('''query($event: ID!) {
      myAgent { id }
      agent(id: "ana") { name ... on Person { id } relationships { relationship { id } } roles { id }
                         economicEvents(filter: {action: "work", searchString: "JIG"}) { id note } }
      agents(limit: 10) { id }
      organization(id: "coop") { classifiedAs members { member { id } since until }
                                 inventoriedEconomicResources { id } relationshipsAsObject { id } }
      organizations { id }
      person(id: "ana") { memberships { organization { id } } relationshipsAsSubject { id } }
      people { id }
      agentRelationship(id: "r1") { subject { id } object { id } relationship { id } note }
      agentRelationships { id }
      agentRelationshipRole(id: "supplier") { roleLabel inverseRoleLabel }
      agentRelationshipRoles { id }
      action(id: "accept") { pairsWith inputOutput onhandEffect }
      actions { id }
      resourceSpecification(id: "steel") { conformingResources { id } }
      resourceSpecifications { id }
      processSpecification(id: "welding") { name note }
      processSpecifications { id }
      unit(id: "hour") { label symbol om2 }
      units(limit: 50) { id }
      economicEvent(id: $event) { provider { name } receiver { name } inputOf { id } trace { __typename }
                                track { __typename } deletable correctedBy { id } }
      economicEvents(limit: 2) { id }
      economicEventsFiltered(providerId: "ana", startDate: "2026-05-01T00:00:00Z") { id }
      economicResource(id: "frames") { stage { id } trace { id } primaryAccountable { id } conformsTo { id } }
      economicResources { id }
      productBatch(id: "b1") { batchNumber productionDate }
      productBatches { id }
      process(id: "build") { inputs { id } outputs { id } workingAgents { id } basedOn { id } nextProcesses { id }
                             previousProcesses { id } unplannedEconomicEvents(action: "work") { id } }
      processes { id }
    }''', event=work_id)
    assert data["myAgent"] is None
    assert data["agent"]["economicEvents"] == [{"id": work_id, "note": "frame jig"}]
    assert data["organization"]["members"] == [{"member": {"id": "ana"}, "since": "2024-01-01",
                                                "until": "2026-06-30"}]
    assert data["action"] == {"pairsWith": "modify", "inputOutput": "input", "onhandEffect": "decrement"}
    assert len(data["actions"]) == 21
    assert data["economicEvent"]["provider"]["name"] == "Ana" and data["economicEvent"]["deletable"] is False
    assert data["economicEvent"]["track"] == [{"__typename": "Process"}]
    assert data["economicResource"]["stage"] == {"id": "welding"}
    assert data["economicEventsFiltered"] == [{"id": work_id}]
    assert {e["id"] for e in data["process"]["inputs"]} >= {work_id}
    assert data["process"]["workingAgents"] == [{"id": "ana"}]

    assert c.called >= REFERENCE_QUERIES | REFERENCE_MUTATIONS, sorted(
        (REFERENCE_QUERIES | REFERENCE_MUTATIONS) - c.called)


def test_bad_input_is_a_coded_error_and_writes_nothing(client: Client) -> None:
    c = client
    c.ok('mutation { createOrganization(organization: {name: "Coop", id: "coop"}) { agent { id } } }')
    before = c.ok("{ economicEvents { id } }")
    err = c.error('''mutation { createEconomicEvent(event: {action: "work", provider: "coop", receiver: "ghost",
        hasPointInTime: "2026-05-05T17:00:00Z", effortQuantity: {hasNumericalValue: -2, hasUnit: "hour"}}) {
        economicEvent { id } } }''')
    assert err["extensions"]["code"] == "BAD_USER_INPUT"
    assert {p["code"] for p in err["extensions"]["problems"]} == {"unknown_agent", "negative"}
    assert "Traceback" not in str(err)
    precise = c.error('''mutation { createEconomicEvent(event: {action: "work", provider: "coop", receiver: "coop",
        hasPointInTime: "2026-05-05T17:00:00Z", effortQuantity: {hasNumericalValue: 0.12345678901234567,
        hasUnit: "hour"}}) { economicEvent { id } } }''')
    assert precise["extensions"]["problems"][0]["code"] == "too_precise"
    assert c.error('{ economicEvent(id: 1) { nope } }')["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert c.error('{ economicEvent(id: ')["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    bad_decimal = c.error('mutation($q: Decimal) { createEconomicEvent(event: {action: "work", provider: "coop", '
                          'receiver: "coop", hasPointInTime: "2026-05-05T17:00:00Z", effortQuantity: '
                          '{hasDecimalValue: $q, hasUnit: "hour"}}) { economicEvent { id } } }', q="1e400")
    assert bad_decimal["extensions"]["code"] in ("BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED")
    assert c.ok("{ economicEvents { id } }") == before


def test_one_mutation_per_request_so_a_request_is_whole_or_nothing(client: Client) -> None:
    before = client.ok("{ agents { id } }")
    err = client.error('mutation { a: createPerson(person: {name: "A", id: "a"}) { agent { id } } '
                       'b: createPerson(person: {name: "", id: "b"}) { agent { id } } }')
    assert err["extensions"]["code"] == "BAD_USER_INPUT" and "one mutation per request" in err["message"]
    assert client.ok("{ agents { id } }") == before


def test_limits_refuse_deep_and_wide_documents(client: Client) -> None:
    deep = "{ economicEvents { " + "triggeredBy { " * 14 + "id" + " }" * 14 + " } }"
    assert "exceeds maximum operation depth" in client.error(deep)["message"]
    aliases = "{ " + " ".join(f"a{i}: actions {{ id }}" for i in range(40)) + " }"
    assert "aliases" in client.error(aliases)["message"]
