"""Running a node: `GET /healthz` says whether it can serve (database, migrations, chain), `GET /metrics` what it
has been doing, in Prometheus's text format, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.service.demo import seed_demo
from valueflows.service.queries import ledger_size
from valueflows.store.migrate import head_revision
from valueflows.store.uow import UnitOfWork


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


@pytest.mark.sql_store  # migrations and a database to break: the SQL stores
def test_healthz_says_whether_the_node_can_serve(uow: UnitOfWork) -> None:
    client = TestClient(create_app(uow), raise_server_exceptions=False)
    ok = client.get("/healthz")
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["migrations"] == {"current": head_revision(), "head": head_revision()}
    assert body["chain"]["length"] == ledger_size(uow)["chain"] and len(body["chain"]["head"]) == 64
    with uow.engine.begin() as conn:  # a schema left behind by an older release
        conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))
    behind = client.get("/healthz")
    assert behind.status_code == 503 and behind.json()["migrations"] == {"current": "0014", "head": head_revision()}
    with uow.engine.begin() as conn:  # a database that no longer holds the ledger
        conn.execute(text("DROP TABLE ledger"))
    broken = client.get("/healthz")
    assert broken.status_code == 503 and broken.json()["status"] == "failing"
    assert broken.json()["database"] != "ok" and "Traceback" not in broken.text


def test_metrics_count_requests_by_route_refusals_by_code_and_the_chain(uow: UnitOfWork) -> None:
    seed_demo(uow)
    client = TestClient(create_app(uow), raise_server_exceptions=False)
    for _ in range(3):
        assert client.get("/agents/ana").status_code == 200
    assert client.get("/agents/nobody-by-that-name").status_code == 404
    assert client.get("/events?frobnicate=1").status_code == 400
    assert client.post("/graphql", json={"query": "{ agentt { id } }"}).status_code == 200  # a validation error
    assert client.post("/graphql", json={"query": '{ economicEvent(id: "e") { id } }'},
                       headers={"authorization": "Bearer vf_forged"}).status_code == 401
    found = samples(client)
    requests = "valueflows_http_requests_total"
    assert found[(requests, (("method", "GET"), ("route", "/{collection}/{id:path}"), ("status", "200")))] == 3
    assert found[(requests, (("method", "GET"), ("route", "/{collection}/{id:path}"), ("status", "404")))] == 1
    assert found[(requests, (("method", "GET"), ("route", "/events"), ("status", "400")))] == 1
    refusals = {dict(labels)["code"]: v for (name, labels), v in found.items() if name == "valueflows_refusals_total"}
    assert refusals == {"NOT_FOUND": 1, "BAD_USER_INPUT": 1, "GRAPHQL_VALIDATION_FAILED": 1, "UNAUTHENTICATED": 1}
    assert found[("valueflows_try_again_total", ())] == 0
    assert found[("valueflows_chain_records", ())] == ledger_size(uow)["chain"]
    latency = ("valueflows_http_request_duration_seconds_count", (("route", "/{collection}/{id:path}"),))
    assert found[latency] == 4
    assert "nobody-by-that-name" not in client.get("/metrics").text  # routes by template, never the ids asked
