"""GraphQL over real HTTP against `valueflows serve`, on SQLite and PostgreSQL: tokens, events of each action,
read-back, corrections, idempotent retries, limits, and errors that never leak internals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import cli, running_server

from valueflows.api.graphql_http import MAX_BODY


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir: Path = tmp_path_factory.mktemp("gql")
    sqlite = f"sqlite:///{workdir / 'ledger.db'}"
    db = sqlite if request.param == "sqlite" else request.getfixturevalue("pg_schemas")()
    assert cli("demo", "--json", "--db", db, cwd=workdir).returncode == 0
    tokens = {}
    for name, agent, scope in (("admin", "atelier", "admin"), ("ana", "ana", "write"), ("bruno", "bruno", "write"),
                               ("reader", "chloe", "read")):
        made = cli("token", "create", "--agent", agent, "--scope", scope, "--json", "--db", db, cwd=workdir)
        assert made.returncode == 0, made.stderr
        tokens[name] = json.loads(made.stdout)["token"]
    with running_server(workdir, "--db", db) as base:
        yield {"base": base, "tokens": tokens}


def gql(server: dict[str, Any], query: str, token: str | None = None, **variables: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server['tokens'][token]}"} if token else {}
    return httpx.post(server["base"] + "/graphql", json={"query": query, "variables": variables},
                      headers=headers, timeout=30)


def data(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


RECORD = """mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams, $k: String) {
  createEconomicEvent(event: $e, newInventoriedResource: $r, idempotencyKey: $k) {
    economicEvent { id action { id } sequence } economicResource { id onhandQuantity { hasDecimalValue } }
    replayed } }"""


def test_work_recorded_by_its_worker_and_read_back(server: dict[str, Any]) -> None:
    event = {"action": "work", "provider": "ana", "receiver": "atelier", "hasPointInTime": "2026-12-01T17:00:00Z",
             "effortQuantity": {"hasDecimalValue": "6.25", "hasUnit": "hour"}, "resourceConformsTo": "design-work",
             "note": "e2e work"}
    first = data(gql(server, RECORD, "ana", e=event, k="e2e-work-1"))["createEconomicEvent"]
    again = data(gql(server, RECORD, "ana", e=event, k="e2e-work-1"))["createEconomicEvent"]
    assert again["replayed"] and again["economicEvent"] == first["economicEvent"]
    read_back = ('query($id: ID!) { economicEvent(id: $id) { provider { name } '
                 'effortQuantity { hasNumericalValue hasDecimalValue hasUnit { symbol } } } }')
    read = data(gql(server, read_back, "ana", id=first["economicEvent"]["id"]))
    assert read["economicEvent"] == {"provider": {"name": "Ana Duval"}, "effortQuantity": {
        "hasNumericalValue": "6.25", "hasDecimalValue": "6.25", "hasUnit": {"symbol": "h"}}}
    # another member sees it too; anonymous readers do not (a person's work is private to the co-op)
    assert data(gql(server, read_back, "reader", id=first["economicEvent"]["id"])) == read
    assert data(gql(server, read_back, None, id=first["economicEvent"]["id"])) == {"economicEvent": None}
    assert code(gql(server, RECORD, "bruno", e=event)) == "FORBIDDEN"
    assert code(gql(server, RECORD, "reader", e=event)) == "FORBIDDEN"
    assert code(gql(server, RECORD, None, e=event)) == "UNAUTHENTICATED"


def test_every_action_over_http(server: dict[str, Any]) -> None:
    t = "2026-12-02T10:00:00Z"
    admin = "admin"
    data(gql(server, 'mutation { createProcess(process: {name: "E2E repair", id: "e2e-repair"}) { process { id } } }',
             admin))

    def rec(action: str, **fields: Any) -> dict[str, Any]:
        fields.setdefault("provider", "atelier")
        fields.setdefault("receiver", "atelier")
        new = fields.pop("new", None)
        return data(gql(server, RECORD, admin, e={"action": action, "hasPointInTime": t, **fields}, r=new))

    kg = {"hasDecimalValue": "2", "hasUnit": "kilogram"}
    stock = rec("raise", resourceQuantity={"hasDecimalValue": "100", "hasUnit": "kilogram"},
                new={"name": "E2E steel", "conformsTo": "steel"})["createEconomicEvent"]["economicResource"]["id"]
    for action, extra in (("produce", {"outputOf": "e2e-repair"}), ("consume", {"inputOf": "e2e-repair"}),
                          ("lower", {}), ("cite", {"inputOf": "e2e-repair"}), ("move", {}),
                          ("transfer", {"receiver": "ana"}), ("transferAllRights", {"receiver": "ana"}),
                          ("transferCustody", {"receiver": "ana"})):
        rec(action, resourceInventoriedAs=stock, resourceQuantity=kg, **extra)
    for a, b in (("accept", "modify"), ("accept", "pass"), ("accept", "fail"), ("pickup", "dropoff"),
                 ("combine", "separate")):
        rec(a, resourceInventoriedAs=stock, resourceQuantity=kg, inputOf="e2e-repair")
        rec(b, resourceInventoriedAs=stock, resourceQuantity=kg, outputOf="e2e-repair")
    rec("use", resourceInventoriedAs=stock, effortQuantity={"hasDecimalValue": "1", "hasUnit": "hour"})
    rec("work", provider="ana", effortQuantity={"hasDecimalValue": "1", "hasUnit": "hour"})
    rec("deliverService", provider="ana", resourceConformsTo="design-work",
        resourceQuantity={"hasDecimalValue": "1", "hasUnit": "one"})
    rec("copy", resourceQuantity={"hasDecimalValue": "1", "hasUnit": "one"},
        new={"name": "E2E copy", "conformsTo": "design"})
    left = data(gql(server, 'query($id: ID!) { economicResource(id: $id) { accountingQuantity { hasDecimalValue } '
                            'onhandQuantity { hasDecimalValue } } }', id=stock))["economicResource"]
    # 100 +2 -2 -2 (produce, consume, lower); move -2; transfer -2; rights -2 (accounting); custody -2 (onhand)
    assert left == {"accountingQuantity": {"hasDecimalValue": "92"}, "onhandQuantity": {"hasDecimalValue": "92"}}


def test_corrections_over_http(server: dict[str, Any]) -> None:
    e = {"action": "work", "provider": "ana", "receiver": "atelier", "hasPointInTime": "2026-12-03T17:00:00Z",
         "effortQuantity": {"hasDecimalValue": "8", "hasUnit": "hour"}}
    wrong = data(gql(server, RECORD, "ana", e=e))["createEconomicEvent"]["economicEvent"]["id"]
    fixed = data(gql(server, RECORD, "ana", e={**e, "corrects": wrong,
                                               "effortQuantity": {"hasDecimalValue": "6", "hasUnit": "hour"}}))
    again = gql(server, RECORD, "ana", e={**e, "corrects": wrong})
    assert code(again) == "BAD_USER_INPUT" and "already corrected" in again.json()["errors"][0]["message"]
    seen = data(gql(server, 'query($id: ID!) { economicEvent(id: $id) { correctedBy { id } } }', "ana", id=wrong))
    assert seen["economicEvent"]["correctedBy"]["id"] == fixed["createEconomicEvent"]["economicEvent"]["id"]
    page = data(gql(server, '{ events(filter: {agent: "ana", start: "2026-12-03T00:00:00Z"}) { items { id } } }',
                    "ana"))
    assert wrong not in {x["id"] for x in page["events"]["items"]}


def test_http_level_refusals(server: dict[str, Any]) -> None:
    base = server["base"] + "/graphql"
    too_big = httpx.post(base, content=b'{"query": "' + b"x" * (MAX_BODY + 1) + b'"}',
                         headers={"content-type": "application/json"})
    assert too_big.status_code == 413 and too_big.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    broken = httpx.post(base, content=b'{"query": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not JSON" in broken.json()["errors"][0]["message"]
    not_utf8 = httpx.post(base, content=b'{"query": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert not_utf8.status_code == 400
    wrong_type = httpx.post(base, content=b"query=1", headers={"content-type": "application/x-www-form-urlencoded"})
    assert wrong_type.status_code == 415
    bad_token = httpx.post(base, json={"query": "{ actions { id } }"}, headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401 and bad_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    page = httpx.get(base, headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    deep = "{ economicEvents { edges { node { " + "triggeredBy { " * 20 + "id" + " }" * 20 + " } } } }"
    assert code(gql(server, deep)) == "GRAPHQL_VALIDATION_FAILED"
    too_many = gql(server, "{ economicEvents(first: 100000) { edges { node { id } } } }").json()["errors"][0]
    assert too_many["extensions"]["code"] == "BAD_USER_INPUT" and "first is between 1 and 1000" in too_many["message"]
    both = gql(server, "{ economicEvents(first: 1, last: 1) { edges { node { id } } } }").json()["errors"][0]
    assert both["extensions"]["code"] == "BAD_USER_INPUT" and "not both" in both["message"]
    legacy = httpx.post(base + "/0.8", json={"query": "{ economicEvents(limit: 100000) { id } }"}).json()
    assert legacy["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert httpx.get(base + "/0.8", headers={"accept": "text/html"}).status_code == 200


def test_the_example_operations_run_against_the_demo(server: dict[str, Any]) -> None:
    examples = (Path(__file__).resolve().parents[2] / "graphql" / "examples.graphql").read_text()

    def run(name: str, **variables: Any) -> Any:
        response = httpx.post(server["base"] + "/graphql", timeout=30, headers={
            "Authorization": f"Bearer {server['tokens']['admin']}"},
            json={"query": examples, "operationName": name, "variables": variables})
        return data(response)

    recorded = run("RecordWork", key="examples-record-work")["createEconomicEvent"]["economicEvent"]["id"]
    corrected = run("CorrectWork", wrong=recorded)["createEconomicEvent"]["economicEvent"]
    assert (corrected["corrects"]["id"], corrected["resourceConformsTo"]["id"]) == (recorded, "design-work")
    assert corrected["note"].startswith("seed drill hopper")
    assert run("ProduceDesign")["createEconomicEvent"]["economicResource"]["licence"] == "CERN-OHL-S-2.0"
    assert run("EventsOfAnAgent")["events"]["items"]
    report = run("ContributionReport")["contributionReport"]
    assert {c["agent"]["id"] for c in report["contributors"]} >= {"ana", "bruno", "chloe", "dario"}
    resource = run("Resource")["economicResource"]
    assert resource["accountingQuantity"]["hasDecimalValue"] and resource["previous"]
    traced = {x["id"] for x in resource["trace"] if x["__typename"] == "EconomicEvent"}
    assert {e["id"] for e in resource["previous"]} <= traced  # one step back is where many steps back begin
    assert len(run("Members")["organization"]["members"]) == 4
    assert run("CreateMembership")["createAgentRelationship"]["agentRelationship"]["subject"]["name"] == (
        "Farm Hack Network")
    assert len(run("Members")["organization"]["members"]) == 5
    closed = run("CloseBooks")["closeBooks"]["closedPeriod"]
    assert (closed["start"], closed["end"]) == (None, "2026-01-31")
    assert run("AdjustPriorPeriod")["createEconomicEvent"]["economicEvent"]["priorPeriod"] == "2026-01-20"
    assert [p["end"] for p in run("ClosedPeriods")["closedPeriods"]] == ["2026-01-31"]
    assert {x["agent"]["id"] for x in report["exchanges"]} == {"agrimachines"}
    # plan and trade
    request = run("RequestSeedDrills")["createIntent"]["intent"]
    assert request["receiver"]["name"] == "Farm Hack Network" and len(request["revisionId"]) == 64
    assert run("RequestSeedDrills")["createIntent"]["intent"] == request  # the key makes a retry harmless
    assert run("OfferSeedDrills")["createIntent"]["intent"]["availableQuantity"] == {"hasNumericalValue": "5"}
    assert run("WorkshopPlace")["createSpatialThing"]["spatialThing"]["lat"] == "45.1885"
    proposal = run("ProposeSeedDrills")["createProposal"]["proposal"]
    assert proposal["eligibleLocation"] == {"name": "Atelier Commun workshop"}
    assert run("PublishOffer")["proposeIntent"]["proposedIntent"]["reciprocal"] is False
    run("AskPriceInReturn")
    assert run("PublishPrice")["proposeIntent"]["proposedIntent"]["reciprocal"] is True
    offers = [e["node"] for e in run("Offers")["offers"]["edges"]]
    assert [(o["id"], [i["id"] for i in o["primaryIntents"]]) for o in offers] == [("proposal-drills",
                                                                                    ["offer-drills"])]
    assert offers[0]["reciprocalIntents"][0]["resourceQuantity"] == {"hasNumericalValue": "2400.00",
                                                                     "hasUnit": {"id": "EUR"}}
    listed = run("OffersAndRequests")["intents"]
    assert {e["node"]["id"] for e in listed["edges"]} == {"request-val-drills", "offer-drills", "price-drill"}
    assert run("AgreeOnSeedDrills")["createAgreement"]["agreement"]["id"] == "deal-val-drills"
    assert run("PromiseSeedDrills")["createCommitment"]["commitment"]["clauseOf"]["name"] == "3 seed drills for the Val"
    assert run("SatisfyRequest")["createSatisfaction"]["satisfaction"]["satisfiedBy"]["id"] == "promise-val-drills"
    progress = run("RequestProgress")["intent"]["progress"]
    assert progress == {"planned": "3", "done": "3", "remaining": "0", "complete": True, "unit": {"id": "one"}}
    # the build, planned from the recipe, worked on, and the drills delivered at the farm
    assert run("FarmPlace")["createSpatialThing"]["spatialThing"]["name"] == "Ferme du Val"
    planned = run("PlanSeedDrills")["createPlanFromRecipe"]["plan"]
    assembly = next(p for p in planned["processes"] if p["name"] == "Assemble the seed drill")
    assert assembly["hasEnd"] == "2027-03-01T00:00:00Z"
    work = next(c for c in assembly["committedInputs"] if c["action"]["id"] == "work")
    assert work["effortQuantity"] == {"hasNumericalValue": "30"}
    day = run("AssemblyWork", process=assembly["id"])["createEconomicEvent"]["economicEvent"]["id"]
    assert run("FulfilWork", commitment=work["id"], event=day)["createFulfillment"]["fulfillment"]["fulfills"][
        "progress"] == {"planned": "30", "done": "8", "remaining": "22"}
    delivered = run("DeliverDrills")["createEconomicEvent"]["economicEvent"]
    assert delivered["toLocation"] == {"name": "Ferme du Val"}
    assert delivered["toResourceInventoriedAs"]["currentLocation"] == {"name": "Ferme du Val"}
    assert run("FulfilPromise")["createFulfillment"]["fulfillment"]["fulfills"]["progress"] == {
        "planned": "3", "done": "3", "remaining": "0", "complete": True}
    assert run("WithdrawProposal", revision=proposal["revisionId"])["deleteProposal"] is True
    assert run("Offers")["offers"]["edges"] == []
