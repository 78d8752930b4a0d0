"""The main API's lists are Relay connections (vf-graphql 0.9): windows forward and backward from cursors, page
info that tells whether there is more, filters, and only what the reader may see; the legacy API keeps its plain
lists. On SQLite, PostgreSQL and the memory store."""

from __future__ import annotations

from typing import Any

import pytest

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy, schema
from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.service.demo import seed_demo
from valueflows.store.ports import UnitOfWork

ADMIN = Principal(agent=None, scope=Scope.ADMIN)


def run(uow: UnitOfWork, query: str, principal: Principal = ADMIN, api: Any = schema, **variables: Any) -> Any:
    result = api.execute_sync(query, variable_values=variables, context_value=Context(uow, principal))
    assert not result.errors, [e.formatted for e in result.errors]
    return result.data


def error(uow: UnitOfWork, query: str) -> dict[str, Any]:
    result = schema.execute_sync(query, context_value=Context(uow, ADMIN))
    assert result.errors, result.data
    return dict(result.errors[0].formatted)


AGENTS = """query($first: Int, $after: String, $last: Int, $before: String) {
  agents(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id } }
    pageInfo { startCursor endCursor hasPreviousPage hasNextPage pageLimit totalCount }
  }
}"""


@pytest.fixture
def demo(uow: UnitOfWork) -> UnitOfWork:
    seed_demo(uow)
    return uow


def ids(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in connection["edges"]]


def test_forward_and_backward_windows_cover_the_list_once(demo: UnitOfWork) -> None:
    everyone = ids(run(demo, AGENTS)["agents"])
    assert everyone == sorted(everyone) and len(everyone) >= 6
    forward: list[str] = []
    after = None
    while True:
        page = run(demo, AGENTS, first=2, after=after)["agents"]
        info = page["pageInfo"]
        assert info["pageLimit"] == 2 and info["totalCount"] is None
        assert info["hasPreviousPage"] is (after is not None)
        assert [e["cursor"] for e in page["edges"]] == ids(page)
        forward += ids(page)
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert forward == everyone
    backward: list[str] = []
    before = None
    while True:
        page = run(demo, AGENTS, last=3, before=before)["agents"]
        backward = ids(page) + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        before = page["pageInfo"]["startCursor"]
    assert backward == everyone
    middle = run(demo, AGENTS, first=10, after=everyone[0], before=everyone[-1])["agents"]
    assert ids(middle) == everyone[1:-1]


def test_an_empty_list_and_a_bad_slice(uow: UnitOfWork) -> None:
    empty = run(uow, AGENTS)["agents"]
    assert empty["edges"] == [] and empty["pageInfo"]["startCursor"] is None
    assert empty["pageInfo"]["hasNextPage"] is False and empty["pageInfo"]["pageLimit"] == 100
    both = error(uow, "{ agents(first: 1, last: 1) { edges { cursor } } }")
    assert both["extensions"]["code"] == "BAD_USER_INPUT" and "not both" in both["message"]
    zero = error(uow, "{ units(first: 0) { edges { cursor } } }")
    assert "first is between 1 and 1000" in zero["message"]
    cursor = error(uow, '{ economicEvents(after: "not-a-cursor") { edges { cursor } } }')
    assert cursor["extensions"]["code"] == "BAD_USER_INPUT" and "after" in cursor["message"]


def test_people_organizations_and_relationships(demo: UnitOfWork) -> None:
    people = run(demo, "{ people { edges { node { __typename id } } } }")["people"]
    organizations = run(demo, "{ organizations(first: 1) { edges { node { __typename id } } "
                              "pageInfo { hasNextPage } } }")["organizations"]
    assert {e["node"]["__typename"] for e in people["edges"]} == {"Person"}
    assert [e["node"]["__typename"] for e in organizations["edges"]] == ["Organization"]
    assert organizations["pageInfo"]["hasNextPage"] is True
    relationships = run(demo, "{ agentRelationships { edges { node { id relationship { id } } } } }")
    roles = {e["node"]["relationship"]["id"] for e in relationships["agentRelationships"]["edges"]}
    assert "member" in roles  # memberships are relationships with the role 'member'
    every = ids(relationships["agentRelationships"])
    halves = run(demo, "{ agentRelationships(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }")
    assert ids(halves["agentRelationships"]) == every[:2]
    assert halves["agentRelationships"]["pageInfo"]["hasNextPage"] is (len(every) > 2)


EVENTS = """query($first: Int, $after: String, $filter: EconomicEventFilterParams) {
  economicEvents(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id action { id } provider { id } note } }
    pageInfo { endCursor hasNextPage }
  }
}"""


def test_events_in_ledger_order_filtered_and_as_the_reader_may_see_them(demo: UnitOfWork) -> None:
    every = run(demo, EVENTS, first=1000)["economicEvents"]["edges"]
    paged: list[dict[str, Any]] = []
    after = None
    while True:
        page = run(demo, EVENTS, first=7, after=after)["economicEvents"]
        paged += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [e["node"]["id"] for e in paged] == [e["node"]["id"] for e in every]
    assert [int(e["cursor"]) for e in every] == sorted(int(e["cursor"]) for e in every)
    work = run(demo, EVENTS, first=1000, filter={"action": ["work"], "providerId": ["ana", "bruno"]})
    found = work["economicEvents"]["edges"]
    assert found and {(e["node"]["action"]["id"], e["node"]["provider"]["id"] in ("ana", "bruno")) for e in found} == {
        ("work", True)}
    assert len(found) == sum(1 for e in every if e["node"]["action"]["id"] == "work"
                             and e["node"]["provider"]["id"] in ("ana", "bruno"))
    # An anonymous reader sees no person's work for an organization that keeps contributions to its members.
    anonymous = run(demo, EVENTS, ANONYMOUS, first=1000)["economicEvents"]["edges"]
    assert len(anonymous) < len(every)
    assert not {e["node"]["id"] for e in anonymous if e["node"]["action"]["id"] == "work"
                and e["node"]["provider"]["id"] in ("ana", "bruno")}
    small = run(demo, EVENTS, ANONYMOUS, first=2)["economicEvents"]
    assert len(small["edges"]) == 2 and small["pageInfo"]["hasNextPage"] is True


def test_processes_filtered(demo: UnitOfWork) -> None:
    every = run(demo, "{ processes { edges { node { id name finished } } } }")["processes"]["edges"]
    assert every
    name = every[0]["node"]["name"]
    word = name.split()[0].upper()
    found = run(demo, "query($s: String) { processes(filter: {searchString: $s}) { edges { node { id name } } } }",
                s=word)["processes"]["edges"]
    assert found and all(word.casefold() in e["node"]["name"].casefold() for e in found)
    finished = run(demo, "{ processes(filter: {finished: true}) { edges { node { finished } } } }")
    assert all(e["node"]["finished"] for e in finished["processes"]["edges"])


def test_the_legacy_api_keeps_its_lists(demo: UnitOfWork) -> None:
    agents = run(demo, "{ agents(limit: 3) { id } }", api=legacy)["agents"]
    assert [a["id"] for a in agents] == ids(run(demo, AGENTS, first=3)["agents"])
    assert legacy.execute_sync("{ agents { edges { cursor } } }", context_value=Context(demo, ADMIN)).errors
