"""Thousands of generated requests against the running server: never a 5xx, never a stack trace, and a
request that is refused writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import cli, report, running_server
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from valueflows.domain.actions import ACTIONS
from valueflows.store.tables import ledger as chain

AGENTS = ["ana", "bruno", "atelier", "agrimachines", "nobody", "", "ana' OR '1'='1", "../../etc/passwd"]
RESOURCES = ["steel-stock", "atelier-eur", "seed-drill-design", "ghost", "", "steel-stock; DROP TABLE agents"]
UNITS = ["hour", "kilogram", "EUR", "one", "furlong", "", "<script>alert(1)</script>"]
NASTY = st.one_of(
    st.text(max_size=40), st.sampled_from(["NaN", "Infinity", "-1", "1e309", "9" * 60, "0." + "1" * 40, "\x00",
                                           "\u202e", "' OR 1=1 --", "{{7*7}}", "${jndi:ldap://x}"]),
)
NUMBER = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**30, 10**30))
DATE = st.one_of(st.just("2026-06-01T10:00:00Z"), st.just("2026-06-01T10:00:00"), st.text(max_size=25),
                 st.just("9999-99-99T99:99:99Z"))


def measure() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"hasUnit": st.sampled_from(UNITS)}, optional={
        "hasNumericalValue": NUMBER, "hasDecimalValue": st.one_of(NASTY, st.decimals(allow_nan=False).map(str))})


EVENT = st.fixed_dictionaries(
    {"action": st.one_of(st.sampled_from(sorted(ACTIONS)), NASTY), "provider": st.sampled_from(AGENTS),
     "receiver": st.sampled_from(AGENTS)},
    optional={"resourceInventoriedAs": st.sampled_from(RESOURCES),
              "toResourceInventoriedAs": st.sampled_from(RESOURCES),
              "resourceQuantity": measure(), "effortQuantity": measure(), "hasPointInTime": DATE,
              "hasBeginning": DATE, "hasEnd": DATE, "note": NASTY, "corrects": NASTY, "inputOf": NASTY},
)
MUTATION = ("mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) "
            "{ economicEvent { id } } }")
QUERIES = st.one_of(
    st.text(max_size=200),
    st.builds(lambda n: "{ " + " ".join(f"a{i}: actions {{ id }}" for i in range(n)) + " }", st.integers(0, 80)),
    st.builds(lambda n: "{ economicEvents { edges { node { " + "triggeredBy { " * n + "id" + " }" * n + " } } } }",
              st.integers(0, 40)),
    st.sampled_from([
        "{ economicEvents(first: -1) { edges { cursor } } }", "{ agent(id: null) { id } }",
        "query { __schema { types { name } } }",
        'mutation { deleteEconomicEvent(id: "x") }', '{ economicEvent(id: "\\u0000") { id } }', "subscription { x }",
        '{ contributionReport(start: "x", end: "y") { totalHours } }']),
)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, str, Engine]]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    db = f"sqlite:///{workdir / 'ledger.db'}"
    assert cli("demo", "--json", "--db", db, cwd=workdir).returncode == 0
    token = json.loads(cli("token", "create", "--agent", "atelier", "--scope", "admin", "--json", "--db", db,
                           cwd=workdir).stdout)["token"]
    engine = create_engine(db)
    with running_server(workdir, "--db", db) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client, token, engine
    engine.dispose()
    report("fuzz", **SENT)


SENT = {"events": 0, "documents": 0, "bodies": 0, "refused": 0}  # requests sent by each test; refusals


def chain_length(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(chain)) or 0)


def check(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    body = response.json()
    assert isinstance(body, dict)
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error
    return body


SETTINGS = settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@SETTINGS
@given(event=EVENT)
def test_generated_events(target: tuple[httpx.Client, str, Engine], event: dict[str, Any]) -> None:
    client, token, engine = target
    before = chain_length(engine)
    body = check(client.post("/graphql", json={"query": MUTATION, "variables": {"e": event}},
                             headers={"Authorization": f"Bearer {token}"}))
    SENT["events"] += 1
    if body.get("errors"):
        SENT["refused"] += 1
        assert chain_length(engine) == before, (event, body)


@SETTINGS
@given(query=QUERIES, variables=st.one_of(st.none(), st.dictionaries(st.text(max_size=5), NASTY, max_size=3)))
def test_generated_documents(target: tuple[httpx.Client, str, Engine], query: str,
                             variables: dict[str, Any] | None) -> None:
    client, token, engine = target
    before = chain_length(engine)
    check(client.post("/graphql", json={"query": query, "variables": variables},
                      headers={"Authorization": f"Bearer {token}"}))
    SENT["documents"] += 1
    assert chain_length(engine) == before  # none of these documents is a valid write


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_generated_bodies(target: tuple[httpx.Client, str, Engine], raw: bytes) -> None:
    client, _, engine = target
    before = chain_length(engine)
    response = client.post("/graphql", content=raw, headers={"content-type": "application/json"})
    SENT["bodies"] += 1
    assert response.status_code < 500 and "Traceback" not in response.text
    assert chain_length(engine) == before
