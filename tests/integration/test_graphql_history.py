"""History in the main API: every record's revisions (`meta`) and the record as one of them recorded it
(`revision(revisionId)`), read through the access policy. On SQLite, PostgreSQL and the memory store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gql_support import ADMIN, FARM, run

from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.domain.chain import canonical_json, facts, restored
from valueflows.domain.recipes import PlanRequest
from valueflows.service import recipes
from valueflows.service.demo import seed_demo
from valueflows.store.ports import RECORD_KINDS, UnitOfWork

META = ("meta { previousRevisionsCount futureRevisionsCount retrievedRevision { id time author { id } } "
        "latestRevision { id } previousRevision { id } }")


def _revise(uow: UnitOfWork, revision: str, name: str) -> str:
    done = run(uow, f'''mutation {{ updateIntent(intent: {{revisionId: "{revision}", name: "{name}"}})
        {{ intent {{ revisionId }} }} }}''', FARM)
    return str(done["updateIntent"]["intent"]["revisionId"])


def test_a_record_s_revisions_and_each_as_it_was(network: UnitOfWork) -> None:
    uow = network
    first = run(uow, '''mutation { createIntent(intent: {action: "transfer", receiver: "farm", name: "2 seed drills",
        resourceQuantity: {hasNumericalValue: "2", hasUnit: "one"}}) { intent { id revisionId } } }''',
                FARM)["createIntent"]["intent"]
    second = _revise(uow, first["revisionId"], "3 seed drills")
    third = _revise(uow, second, "3 seed drills for the Val")
    now = run(uow, f'{{ intent(id: "{first["id"]}") {{ name revisionId {META} }} }}', ANONYMOUS)["intent"]
    assert now["name"] == "3 seed drills for the Val" and now["revisionId"] == third
    meta = now["meta"]
    assert (meta["previousRevisionsCount"], meta["futureRevisionsCount"]) == (2, 0)
    assert meta["retrievedRevision"]["id"] == meta["latestRevision"]["id"] == third
    assert meta["previousRevision"] == {"id": second} and meta["retrievedRevision"]["author"] is None
    assert meta["retrievedRevision"]["time"].endswith("Z")

    back = run(uow, f'''{{ intent(id: "{first["id"]}") {{ revision(revisionId: "{first["revisionId"]}") {{
        id name revisionId resourceQuantity {{ hasNumericalValue }} {META} }} }} }}''')["intent"]["revision"]
    assert back["name"] == "2 seed drills" and back["resourceQuantity"] == {"hasNumericalValue": "2"}
    assert back["revisionId"] == third  # revisionId names the record's newest revision, wherever it is read
    assert (back["meta"]["previousRevisionsCount"], back["meta"]["futureRevisionsCount"]) == (0, 2)
    assert back["meta"]["retrievedRevision"]["id"] == first["revisionId"] and back["meta"]["previousRevision"] is None
    middle = run(uow, f'''{{ intent(id: "{first["id"]}") {{ revision(revisionId: "{second}") {{ name
        {META} }} }} }}''')["intent"]["revision"]
    assert middle["name"] == "3 seed drills" and middle["meta"]["futureRevisionsCount"] == 1

    other = run(uow, '''mutation { createPlan(plan: {name: "Drills"}) { plan { revisionId } } }''')
    foreign = other["createPlan"]["plan"]["revisionId"]
    nothing = run(uow, f'''{{ intent(id: "{first["id"]}") {{ a: revision(revisionId: "{foreign}") {{ id }}
        b: revision(revisionId: "{"0" * 64}") {{ id }} }} }}''')["intent"]
    assert nothing == {"a": None, "b": None}  # a revision of another record, or of none


def test_history_of_agents_memberships_resources_and_events(network: UnitOfWork) -> None:
    uow = network
    person = run(uow, '{ person(id: "ana") { revisionId } }')["person"]["revisionId"]
    run(uow, f'mutation {{ updatePerson(person: {{revisionId: "{person}", name: "Ana Duval"}}) {{ agent {{ id }} }} }}')
    ana = run(uow, f'''{{ person(id: "ana") {{ name revision(revisionId: "{person}") {{ __typename name
        meta {{ futureRevisionsCount }} }} }} agent(id: "ana") {{ ... on Person {{ revision(revisionId:
        "{person}") {{ name }} }} }} }}''')
    assert ana["person"]["name"] == "Ana Duval"
    assert ana["person"]["revision"] == {"__typename": "Person", "name": "Ana", "meta": {"futureRevisionsCount": 1}}
    assert ana["agent"]["revision"] == {"name": "Ana"}

    member = run(uow, '''{ agent(id: "ana") { relationships { edges { node { id revisionId relationship { id }
        meta { previousRevisionsCount } } } } } }''')["agent"]["relationships"]["edges"][0]["node"]
    assert member["relationship"] == {"id": "member"} and member["meta"]["previousRevisionsCount"] == 0
    run(uow, f'''mutation {{ updateAgentRelationship(relationship: {{revisionId: "{member["revisionId"]}",
        until: "2026-12-31"}}) {{ agentRelationship {{ id }} }} }}''')
    ended = run(uow, f'''{{ agentRelationship(id: "{member["id"]}") {{ meta {{ previousRevisionsCount }}
        revision(revisionId: "{member["revisionId"]}") {{ id relationship {{ id }} }} }} }}''')["agentRelationship"]
    assert ended == {"meta": {"previousRevisionsCount": 1},
                     "revision": {"id": member["id"], "relationship": {"id": "member"}}}

    made = run(uow, '''mutation { createEconomicEvent(event: {action: "raise", provider: "atelier", receiver:
        "atelier", hasPointInTime: "2026-03-01T09:00:00Z", resourceQuantity: {hasNumericalValue: "4", hasUnit:
        "one"}}, newInventoriedResource: {name: "Drills", conformsTo: "seed-drill", id: "drills"})
        { economicEvent { id revisionId } economicResource { revisionId } } }''')["createEconomicEvent"]
    resource = made["economicResource"]["revisionId"]
    run(uow, f'''mutation {{ updateEconomicResource(resource: {{revisionId: "{resource}", note: "in the barn"}})
        {{ economicResource {{ id }} }} }}''')
    drills = run(uow, f'''{{ economicResource(id: "drills") {{ note revision(revisionId: "{resource}") {{ note
        onhandQuantity {{ hasNumericalValue }} }} }} economicEvent(id: "{made["economicEvent"]["id"]}") {{
        {META} revision(revisionId: "{made["economicEvent"]["revisionId"]}") {{ id }} }} }}''')
    # quantities are derived from the events: an earlier revision shows them as they are now
    assert drills["economicResource"] == {"note": "in the barn", "revision": {
        "note": None, "onhandQuantity": {"hasNumericalValue": "4"}}}
    event = drills["economicEvent"]
    assert event["meta"]["previousRevisionsCount"] == 0 and event["meta"]["futureRevisionsCount"] == 0
    assert event["revision"] == {"id": made["economicEvent"]["id"]}  # an event has one revision: it never changes


def test_a_private_record_s_history_is_as_private_as_the_record(network: UnitOfWork) -> None:
    uow = network
    promise = run(uow, '''mutation { createCommitment(commitment: {action: "work", provider: "ana", receiver: "atelier",
        effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}}) { commitment { id revisionId } } }''',
                  Principal("ana", Scope.WRITE))["createCommitment"]["commitment"]
    document = f'''{{ commitment(id: "{promise["id"]}") {{ id revision(revisionId: "{promise["revisionId"]}")
        {{ id }} }} }}'''
    seen: dict[str, Any] = run(uow, document, ADMIN)
    assert seen["commitment"]["revision"] == {"id": promise["id"]}
    assert run(uow, document, ANONYMOUS)["commitment"] is None  # a person's promise of work is hers and the co-op's


def test_every_record_is_restored_from_its_chain_record_as_it_is(uow: UnitOfWork) -> None:
    """`restored` inverts `facts` for every kind of record the demo and a plan from its recipe write (what a
    revision shows is what the chain recorded, field by field)."""
    seed_demo(uow)
    recipes.plan(uow, PlanRequest("seed-drill", "3", datetime(2027, 3, 1, tzinfo=UTC), "atelier", "farmhack"))
    seen: dict[str, int] = {}
    with uow.read() as tx:
        for kind in RECORD_KINDS:
            for record in tx.records(kind).stream():
                assert restored(record, canonical_json(facts(record))) == record, (kind, record)
                seen[kind] = seen.get(kind, 0) + 1
    assert {"agent", "membership", "economic_event", "economic_resource", "claim", "recipe_flow", "plan", "process",
            "commitment", "unit"} <= set(seen)
