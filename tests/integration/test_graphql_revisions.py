"""Every record of the main API has a `revisionId` (vf-graphql 0.9): the hash of the chain record holding its
newest version, which changes when the record does and names exactly one version."""

from __future__ import annotations

from typing import Any

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy, schema
from valueflows.domain.access import Principal, Scope
from valueflows.service.demo import seed_demo
from valueflows.store.ports import UnitOfWork

ADMIN = Principal(agent=None, scope=Scope.ADMIN)


def run(uow: UnitOfWork, query: str, api: Any = schema) -> Any:
    result = api.execute_sync(query, context_value=Context(uow, ADMIN))
    assert not result.errors, [e.formatted for e in result.errors]
    return result.data


def chain_hashes(uow: UnitOfWork, kind: str, record_id: str) -> list[str]:
    with uow.read() as tx:
        return [r.hash for r in tx.chain.stream() if r.kind == kind and r.record_id == record_id]


def test_revision_ids_are_the_newest_chain_hash_of_each_record(uow: UnitOfWork) -> None:
    seed_demo(uow)
    data = run(
        uow,
        """{
      agent(id: "ana") { revisionId }
      unit(id: "hour") { revisionId }
      economicEvents(first: 3) { edges { node { id revisionId } } }
      agentRelationships(first: 3) { edges { node { id revisionId relationship { id revisionId } } } }
    }""",
    )
    assert data["agent"]["revisionId"] == chain_hashes(uow, "agent", "ana")[-1]
    assert data["unit"]["revisionId"] == chain_hashes(uow, "unit", "hour")[-1]
    events = [e["node"] for e in data["economicEvents"]["edges"]]
    assert [e["revisionId"] for e in events] == [chain_hashes(uow, "economic_event", e["id"])[-1] for e in events]
    relationships = [e["node"] for e in data["agentRelationships"]["edges"]]
    assert all(len(r["revisionId"]) == 64 for r in relationships)
    assert len({r["revisionId"] for r in relationships}) == len(relationships)

    before = data["agent"]["revisionId"]
    run(uow, 'mutation { updatePerson(person: {id: "ana", note: "hopper design"}) { agent { id } } }', legacy)
    after = run(uow, '{ agent(id: "ana") { revisionId note } }')["agent"]
    assert after["note"] == "hopper design" and after["revisionId"] != before
    assert chain_hashes(uow, "agent", "ana")[-2:] == [before, after["revisionId"]]


def refused(uow: UnitOfWork, query: str) -> dict[str, Any]:
    result = schema.execute_sync(query, context_value=Context(uow, ADMIN))
    assert result.errors, result.data
    return dict(result.errors[0].formatted)


def chain_size(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def test_an_update_names_the_revision_it_changes_and_a_stale_one_is_refused(uow: UnitOfWork) -> None:
    seed_demo(uow)
    first = run(uow, '{ unit(id: "hour") { revisionId label } }')["unit"]["revisionId"]
    changed = run(
        uow,
        f'mutation {{ updateUnit(unit: {{revisionId: "{first}", label: "hour of work"}}) '
        "{ unit { id label revisionId } } }",
    )["updateUnit"]["unit"]
    assert (changed["id"], changed["label"]) == ("hour", "hour of work") and changed["revisionId"] != first
    assert changed["revisionId"] == chain_hashes(uow, "unit", "hour")[-1]

    size = chain_size(uow)  # a second update from the same (now stale) reading is refused and writes nothing
    stale = refused(
        uow, f'mutation {{ updateUnit(unit: {{revisionId: "{first}", label: "heure"}}) {{ unit {{ id }} }} }}'
    )
    assert stale["extensions"]["code"] == "CONFLICT" and changed["revisionId"] in stale["message"]
    assert chain_size(uow) == size
    assert run(uow, '{ unit(id: "hour") { label } }')["unit"]["label"] == "hour of work"

    unknown = refused(
        uow, f'mutation {{ updateUnit(unit: {{revisionId: "{"0" * 64}", label: "x"}}) {{ unit {{ id }} }} }}'
    )
    assert unknown["extensions"]["code"] == "NOT_FOUND"
    other_kind = run(uow, '{ agent(id: "ana") { revisionId } }')["agent"]["revisionId"]
    wrong = refused(
        uow, f'mutation {{ updateUnit(unit: {{revisionId: "{other_kind}", label: "x"}}) {{ unit {{ id }} }} }}'
    )
    assert wrong["extensions"]["code"] == "NOT_FOUND" and "unit" in wrong["message"]
    malformed = refused(uow, 'mutation { updateUnit(unit: {revisionId: "ana", label: "x"}) { unit { id } } }')
    assert malformed["extensions"]["code"] == "BAD_USER_INPUT"
    empty = refused(uow, 'mutation { updateUnit(unit: {revisionId: "", label: "x"}) { unit { id } } }')
    assert empty["extensions"]["code"] == "BAD_USER_INPUT" and "revisionId" in empty["message"]
    assert chain_size(uow) == size


def test_updates_by_revision_on_every_kind_of_the_main_api(uow: UnitOfWork) -> None:
    seed_demo(uow)
    ana = run(uow, '{ agent(id: "ana") { revisionId } }')["agent"]["revisionId"]
    person = run(
        uow,
        f'mutation {{ updatePerson(person: {{revisionId: "{ana}", note: "designer"}}) '
        "{ agent { id note revisionId } } }",
    )["updatePerson"]["agent"]
    assert (person["id"], person["note"]) == ("ana", "designer")
    relationships = run(
        uow, "{ agentRelationships(first: 1000) { edges { node { id revisionId relationship { id } } } } }"
    )["agentRelationships"]["edges"]
    membership = next(e["node"] for e in relationships if e["node"]["relationship"]["id"] == "member")
    ended = run(
        uow,
        f'mutation {{ updateAgentRelationship(relationship: {{revisionId: "{membership["revisionId"]}", '
        'until: "2027-06-30"}) { agentRelationship { id revisionId } } }',
    )
    assert ended["updateAgentRelationship"]["agentRelationship"]["id"] == membership["id"]
    process = run(uow, "{ processes(first: 1) { edges { node { id revisionId } } } }")["processes"]["edges"][0]["node"]
    done = run(
        uow,
        f'mutation {{ updateProcess(process: {{revisionId: "{process["revisionId"]}", finished: true}}) '
        "{ process { id finished } } }",
    )["updateProcess"]["process"]
    assert done == {"id": process["id"], "finished": True}
    deleted = refused(uow, f'mutation {{ deletePerson(revisionId: "{person["revisionId"]}") }}')
    assert deleted["extensions"]["code"] == "IMMUTABLE"
    missing = refused(
        uow,
        'mutation { updateProcessSpecification(processSpecification: {name: "x"}) { processSpecification { id } } }',
    )
    assert missing["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # revisionId is required in the main API


def test_the_legacy_api_has_no_revision_ids(uow: UnitOfWork) -> None:
    seed_demo(uow)
    assert legacy.execute_sync('{ agent(id: "ana") { revisionId } }', context_value=Context(uow, ADMIN)).errors
