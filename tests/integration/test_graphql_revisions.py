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
    data = run(uow, """{
      agent(id: "ana") { revisionId }
      unit(id: "hour") { revisionId }
      economicEvents(first: 3) { edges { node { id revisionId } } }
      agentRelationships(first: 3) { edges { node { id revisionId relationship { id revisionId } } } }
    }""")
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


def test_the_legacy_api_has_no_revision_ids(uow: UnitOfWork) -> None:
    seed_demo(uow)
    assert legacy.execute_sync('{ agent(id: "ana") { revisionId } }', context_value=Context(uow, ADMIN)).errors
