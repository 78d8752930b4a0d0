"""Two ValueFlows apps, as hREA-style clients write them (named operations, fragments, variables, Relay paging,
updates by revisionId), against the real server over HTTP on SQLite and PostgreSQL:

- an offers-and-requests marketplace: a workshop publishes an offer with the price it asks in return, a farm
  publishes a request; both are listed page by page, by agent, as offers and as requests; a proposal is revised by
  the revision read (a stale one is refused) and withdrawn;
- a planning tool: a plan for three seed drills from the design's recipe, its processes with their committed inputs
  and outputs, the members' work recorded and linked to what it fulfils, and how far each promise is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import cli, running_server

MEASURE = """
fragment MeasureFields on Measure { hasNumericalValue hasUnit { id label } }
"""
PROPOSAL_FRAGMENTS = MEASURE + """
fragment IntentFields on Intent {
  id revisionId name action { id } finished
  provider { id name } receiver { id name }
  resourceConformsTo { id name } resourceQuantity { ...MeasureFields } availableQuantity { ...MeasureFields }
}
fragment ProposalFields on Proposal {
  id revisionId name note created hasBeginning hasEnd unitBased
  eligibleLocation { id name lat long mappableAddress }
  primaryIntents { ...IntentFields }
  reciprocalIntents { ...IntentFields }
  publishedTo { id proposedTo { id name } }
}
"""
COMMITMENT_FRAGMENTS = MEASURE + """
fragment CommitmentFields on Commitment {
  id revisionId action { id } due finished
  resourceConformsTo { id } resourceQuantity { ...MeasureFields } effortQuantity { ...MeasureFields }
  progress { planned done remaining over complete }
}
"""

MARKETPLACE = PROPOSAL_FRAGMENTS + """
mutation CreateLocation($location: SpatialThingCreateParams!) {
  createSpatialThing(spatialThing: $location) { spatialThing { id name } }
}
mutation CreateOffer($intent: IntentCreateParams!) { createIntent(intent: $intent) { intent { ...IntentFields } } }
mutation CreateProposal($proposal: ProposalCreateParams!) {
  createProposal(proposal: $proposal) { proposal { ...ProposalFields } }
}
mutation ProposeIntent($publishedIn: ID!, $publishes: ID!, $reciprocal: Boolean) {
  proposeIntent(publishedIn: $publishedIn, publishes: $publishes, reciprocal: $reciprocal) {
    proposedIntent { id reciprocal publishedIn { id } publishes { id } }
  }
}
mutation ProposeTo($proposed: ID!, $proposedTo: ID!) {
  proposeTo(proposed: $proposed, proposedTo: $proposedTo) { proposedTo { id } }
}
query ListProposals($first: Int, $after: String) {
  proposals(first: $first, after: $after) {
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    edges { cursor node { ...ProposalFields } }
  }
}
query ListOffers { offers(first: 50) { edges { node { id name } } } }
query ListRequests { requests(first: 50) { edges { node { id name } } } }
query AgentProposals($id: ID!) {
  agent(id: $id) { id name proposals(first: 50) { edges { node { id name } } }
                   proposalsTo(first: 50) { edges { node { id } } } }
}
query ListIntents($first: Int, $after: String) {
  intents(first: $first, after: $after) { pageInfo { endCursor hasNextPage } edges { node { ...IntentFields } } }
}
query GetProposal($id: ID!) { proposal(id: $id) { ...ProposalFields } }
mutation UpdateProposal($proposal: ProposalUpdateParams!) {
  updateProposal(proposal: $proposal) { proposal { ...ProposalFields } }
}
mutation DeleteProposal($revisionId: ID!) { deleteProposal(revisionId: $revisionId) }
"""

PLANNER = COMMITMENT_FRAGMENTS + """
mutation PlanFromRecipe($plan: PlanFromRecipeParams!, $key: String) {
  createPlanFromRecipe(plan: $plan, idempotencyKey: $key) { plan { id revisionId name due } }
}
query GetPlan($id: ID!) {
  plan(id: $id) {
    id name due
    independentDemands { ...CommitmentFields receiver { id } }
    processes {
      id name hasBeginning hasEnd
      committedInputs { ...CommitmentFields }
      committedOutputs { ...CommitmentFields }
    }
  }
}
mutation RecordWork($event: EconomicEventCreateParams!, $key: String) {
  createEconomicEvent(event: $event, idempotencyKey: $key) { economicEvent { id } }
}
mutation Fulfil($fulfillment: FulfillmentCreateParams!) {
  createFulfillment(fulfillment: $fulfillment) { fulfillment { id fulfills { id } fulfilledBy { id } } }
}
query GetCommitment($id: ID!) { commitment(id: $id) { ...CommitmentFields fulfilledBy { id } } }
"""


class Client:
    """What an app's GraphQL client does: one document of named operations, variables, a bearer token."""

    def __init__(self, base: str, document: str, token: str | None) -> None:
        self.base, self.document = base, document
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def raw(self, operation: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(self.base + "/graphql", headers=self.headers, timeout=30, json={
            "query": self.document, "operationName": operation, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def __call__(self, operation: str, **variables: Any) -> Any:
        body = self.raw(operation, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def refused(self, operation: str, **variables: Any) -> str:
        body = self.raw(operation, **variables)
        assert body.get("errors"), body
        return str(body["errors"][0]["extensions"]["code"])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def node(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir: Path = tmp_path_factory.mktemp("clients")
    sqlite = f"sqlite:///{workdir / 'ledger.db'}"
    db = sqlite if request.param == "sqlite" else request.getfixturevalue("pg_schemas")()
    assert cli("demo", "--json", "--db", db, cwd=workdir).returncode == 0
    tokens = {}
    for agent in ("atelier", "farmhack", "ana", "bruno"):
        made = cli("token", "create", "--agent", agent, "--scope", "write", "--json", "--db", db, cwd=workdir)
        assert made.returncode == 0, made.stderr
        tokens[agent] = json.loads(made.stdout)["token"]
    with running_server(workdir, "--db", db) as base:
        yield {"base": base, "tokens": tokens}


def edges(connection: dict[str, Any]) -> list[Any]:
    return [e["node"] for e in connection["edges"]]


def test_an_offers_and_requests_marketplace(node: dict[str, Any]) -> None:
    atelier = Client(node["base"], MARKETPLACE, node["tokens"]["atelier"])
    farm = Client(node["base"], MARKETPLACE, node["tokens"]["farmhack"])
    visitor = Client(node["base"], MARKETPLACE, None)

    place = atelier("CreateLocation", location={"name": "Atelier Commun", "lat": "45.1885", "long": "5.7245"})
    offer = atelier("CreateProposal", proposal={
        "name": "Seed drills, built to order", "unitBased": True, "hasBeginning": "2026-11-01T00:00:00Z",
        "eligibleLocation": place["createSpatialThing"]["spatialThing"]["id"]})["createProposal"]["proposal"]
    drill = atelier("CreateOffer", intent={
        "action": "transfer", "provider": "atelier", "name": "A seed drill", "resourceConformsTo": "seed-drill",
        "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": "one"},
        "availableQuantity": {"hasNumericalValue": "5", "hasUnit": "one"}})["createIntent"]["intent"]
    price = atelier("CreateOffer", intent={
        "action": "transfer", "receiver": "atelier", "name": "Its price",
        "resourceQuantity": {"hasNumericalValue": "2400.00", "hasUnit": "EUR"}})["createIntent"]["intent"]
    atelier("ProposeIntent", publishedIn=offer["id"], publishes=drill["id"])
    atelier("ProposeIntent", publishedIn=offer["id"], publishes=price["id"], reciprocal=True)
    atelier("ProposeTo", proposed=offer["id"], proposedTo="farmhack")

    request = farm("CreateProposal", proposal={"name": "Wanted: 3 seed drills for the Val"})["createProposal"][
        "proposal"]
    wanted = farm("CreateOffer", intent={
        "action": "transfer", "receiver": "farmhack", "name": "3 seed drills", "resourceConformsTo": "seed-drill",
        "resourceQuantity": {"hasNumericalValue": "3", "hasUnit": "one"}})["createIntent"]["intent"]
    farm("ProposeIntent", publishedIn=request["id"], publishes=wanted["id"])

    # anyone pages through what is published, one proposal a page, with every field an app shows
    seen, after = [], None
    while True:
        page = visitor("ListProposals", first=1, after=after)["proposals"]
        seen += edges(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    by_id = {p["id"]: p for p in seen}
    assert set(by_id) >= {offer["id"], request["id"]}
    shown = by_id[offer["id"]]
    assert [i["name"] for i in shown["primaryIntents"]] == ["A seed drill"]
    assert shown["reciprocalIntents"][0]["resourceQuantity"] == {"hasNumericalValue": "2400.00",
                                                                 "hasUnit": {"id": "EUR", "label": "euro"}}
    assert shown["eligibleLocation"]["lat"] == "45.1885" and shown["publishedTo"][0]["proposedTo"]["id"] == "farmhack"
    assert offer["id"] in {p["id"] for p in edges(visitor("ListOffers")["offers"])}
    assert {p["id"] for p in edges(visitor("ListRequests")["requests"])} >= {request["id"]}
    assert offer["id"] not in {p["id"] for p in edges(visitor("ListRequests")["requests"])}
    farm_view = visitor("AgentProposals", id="farmhack")["agent"]
    assert [p["id"] for p in edges(farm_view["proposals"])] == [request["id"]]
    assert [p["id"] for p in edges(farm_view["proposalsTo"])] == [offer["id"]]
    intents = visitor("ListIntents", first=100)["intents"]
    assert {drill["id"], price["id"], wanted["id"]} <= {i["id"] for i in edges(intents)}

    # revised by the revision read; a client holding an older one is told to read again
    renamed = atelier("UpdateProposal", proposal={"revisionId": offer["revisionId"], "name": "Seed drills, 2027",
                                                  "hasEnd": "2027-12-31T00:00:00Z"})["updateProposal"]["proposal"]
    assert renamed["name"] == "Seed drills, 2027" and renamed["unitBased"] is True
    assert atelier.refused("UpdateProposal", proposal={"revisionId": offer["revisionId"], "note": "late"}) == (
        "CONFLICT")
    assert farm.refused("UpdateProposal", proposal={"revisionId": renamed["revisionId"], "name": "mine"}) == (
        "FORBIDDEN")

    # the farm withdraws its request once it is met
    assert farm("DeleteProposal", revisionId=request["revisionId"])["deleteProposal"] is True
    assert visitor("GetProposal", id=request["id"])["proposal"] is None
    assert request["id"] not in {p["id"] for p in edges(visitor("ListRequests")["requests"])}
    assert farm.refused("DeleteProposal", revisionId=request["revisionId"]) == "NOT_FOUND"


def test_a_planning_tool_plans_from_the_recipe_and_follows_the_work(node: dict[str, Any]) -> None:
    atelier = Client(node["base"], PLANNER, node["tokens"]["atelier"])
    ana = Client(node["base"], PLANNER, node["tokens"]["ana"])
    made = atelier("PlanFromRecipe", key="val-drills", plan={
        "output": "seed-drill", "quantity": "3", "due": "2027-03-01T12:00:00Z", "provider": "atelier",
        "receiver": "farmhack", "name": "3 seed drills for the Val"})["createPlanFromRecipe"]["plan"]
    assert atelier("PlanFromRecipe", key="val-drills", plan={
        "output": "seed-drill", "quantity": "3", "due": "2027-03-01T12:00:00Z", "provider": "atelier",
        "receiver": "farmhack", "name": "3 seed drills for the Val"})["createPlanFromRecipe"]["plan"] == made
    assert ana.refused("PlanFromRecipe", plan={
        "output": "seed-drill", "quantity": "1", "due": "2027-03-01T12:00:00Z", "provider": "atelier",
        "receiver": "farmhack"}) == "FORBIDDEN"  # a member's own token does not commit the co-op

    plan = atelier("GetPlan", id=made["id"])["plan"]
    assert [d["receiver"]["id"] for d in plan["independentDemands"]] == ["farmhack"]
    steps = {p["name"]: p for p in plan["processes"]}
    assert set(steps) == {"Weld the frame", "Assemble the seed drill"}
    assembly = steps["Assemble the seed drill"]
    work = next(c for c in assembly["committedInputs"] if c["action"]["id"] == "work")
    assert work["effortQuantity"] == {"hasNumericalValue": "30", "hasUnit": {"id": "hour", "label": "hour"}}
    assert work["progress"] == {"planned": "30", "done": "0", "remaining": "30", "over": "0", "complete": False}
    outputs = [(c["resourceConformsTo"]["id"], c["resourceQuantity"]["hasNumericalValue"])
               for c in assembly["committedOutputs"]]
    assert outputs == [("seed-drill", "3")]

    # Ana works on the assembly, twice; each day's work fulfils part of the co-op's promise
    for day, hours in (("2027-02-27", "12"), ("2027-02-28", "21")):
        event = ana("RecordWork", key=f"ana-assembly-{day}", event={
            "action": "work", "provider": "ana", "receiver": "atelier", "inputOf": assembly["id"],
            "resourceConformsTo": "fabrication-work", "hasPointInTime": f"{day}T17:00:00Z",
            "effortQuantity": {"hasNumericalValue": hours, "hasUnit": "hour"}})["createEconomicEvent"]["economicEvent"]
        linked = ana("Fulfil", fulfillment={"fulfills": work["id"], "fulfilledBy": event["id"]})
        assert linked["createFulfillment"]["fulfillment"]["fulfills"]["id"] == work["id"]
    followed = atelier("GetCommitment", id=work["id"])["commitment"]
    assert followed["progress"] == {"planned": "30", "done": "33", "remaining": "0", "over": "3", "complete": True}
    assert len(followed["fulfilledBy"]) == 2
    # the farm follows the plan made for it: how far the co-op's promise is, not which member worked when
    farm = Client(node["base"], PLANNER, node["tokens"]["farmhack"])
    outside = farm("GetCommitment", id=work["id"])["commitment"]
    assert outside["progress"]["complete"] is True and outside["fulfilledBy"] == []
    bruno = Client(node["base"], PLANNER, node["tokens"]["bruno"])  # a member sees the co-op's work
    assert len(bruno("GetCommitment", id=work["id"])["commitment"]["fulfilledBy"]) == 2
