"""The real server, started with `valueflows serve` (uvicorn) on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from e2e_support import cli, running_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    workdir = tmp_path_factory.mktemp("serve")
    with running_server(workdir, "--demo") as base:
        made = cli("token", "create", "--agent", "bruno", "--scope", "read", "--json", cwd=workdir)
        assert made.returncode == 0, made.stderr
        yield base, {"authorization": f"Bearer {json.loads(made.stdout)['token']}"}


@pytest.fixture(scope="module")
def server(served: tuple[str, dict[str, str]]) -> str:
    return served[0]


def test_health_counts_the_demo_ledger(server: str) -> None:
    body = httpx.get(server + "/health").json()
    assert body["status"] == "ok" and body["records"]["economic_event"] > 150


def test_events_filter_and_paginate(served: tuple[str, dict[str, str]]) -> None:
    server, member = served  # another member of the co-op reads Ana's work
    first = httpx.get(server + "/events", params={"agent": "ana", "action": "work", "limit": 10},
                      headers=member).json()
    assert len(first["items"]) == 10 and {e["provider"] for e in first["items"]} == {"ana"}
    second = httpx.get(server + "/events", params={"agent": "ana", "action": "work", "limit": 10,
                                                   "after": first["next"]}, headers=member).json()
    assert {e["id"] for e in first["items"]}.isdisjoint({e["id"] for e in second["items"]})
    may = httpx.get(server + "/events", params={"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z",
                                                "action": "work", "limit": 500}, headers=member).json()
    assert may["items"] and all(e["hasPointInTime"].startswith("2026-05") for e in may["items"])
    # without a token, a person's work is not shown (the co-op has not published its members' contributions)
    assert httpx.get(server + "/events", params={"agent": "ana", "action": "work"}).json()["items"] == []


def test_resource_quantities_are_exact_decimal_text(server: str) -> None:
    steel = httpx.get(server + "/resources/steel-stock").json()
    assert (steel["accountingQuantity"], steel["unit"]) == ("220", "kilogram")  # 500 - 320 + 40
    account = httpx.get(server + "/resources/atelier-eur").json()
    assert account["accountingQuantity"] == "35700"  # 20000.00 + 14700.00 for drills + 1000.00 under the licence


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/events/no-such-event", 404, "NOT_FOUND"),
    ("/events?limit=0", 400, "BAD_USER_INPUT"),
    ("/events?limit=abc", 400, "BAD_USER_INPUT"),
    ("/events?from=yesterday", 400, "BAD_USER_INPUT"),
    ("/events?from=2026-01-01T00:00:00", 400, "BAD_USER_INPUT"),  # a date-time without a time zone
    ("/events?action=flyaway", 400, "BAD_USER_INPUT"),
    ("/events?corrected=yes", 400, "BAD_USER_INPUT"),
    ("/events?colour=red", 400, "BAD_USER_INPUT"),
    ("/export?since=2026-13-01", 400, "BAD_USER_INPUT"),
    ("/nothing-here", 404, "NOT_FOUND"),
])
def test_bad_requests_get_a_clear_error(server: str, path: str, status: int, code: str) -> None:
    response = httpx.get(server + path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code and "Traceback" not in response.text


def test_verify_over_http(server: str) -> None:
    answer = httpx.get(server + "/verify").json()
    assert answer["ok"] is True and answer["firstFault"] is None and answer["faults"] == []
    assert set(answer) == {"ok", "records", "firstFault", "faults"}


def test_refusals_of_a_filter_say_why(server: str) -> None:
    flyaway = httpx.get(server + "/events", params={"action": "flyaway"}).json()["error"]
    assert "'flyaway' is not a ValueFlows action" in flyaway["message"]
    assert flyaway["problems"] == [{"field": "action", "code": "unknown_action", "message": flyaway["problems"][0][
        "message"]}]
    unknown = httpx.get(server + "/events", params={"corrected": "yes", "colour": "red"}).json()["error"]
    assert {p["field"] for p in unknown["problems"]} == {"corrected", "colour"}
    assert "unknown query parameter 'colour'" in unknown["message"]


def test_a_plain_date_is_the_start_of_that_day_in_utc(served: tuple[str, dict[str, str]]) -> None:
    server, member = served
    by_day = httpx.get(server + "/events", params={"from": "2026-05-01", "to": "2026-06-01", "action": "work",
                                                   "limit": 500}, headers=member)
    by_time = httpx.get(server + "/events", params={"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z",
                                                    "action": "work", "limit": 500}, headers=member)
    assert by_day.status_code == 200 and by_day.json() == by_time.json() and by_day.json()["items"]
    since = httpx.get(server + "/export", params={"since": "2026-12-01", "format": "nt"})
    assert since.status_code == 200


def test_an_event_reads_the_same_over_rest_and_graphql(served: tuple[str, dict[str, str]]) -> None:
    server, member = served
    [rest] = httpx.get(server + "/events", params={"agent": "ana", "action": "work", "limit": 1},
                       headers=member).json()["items"]
    assert "seq" not in rest and isinstance(rest["sequence"], int)
    query = (f'{{ economicEvent(id: "{rest["id"]}") {{ sequence hasPointInTime effortQuantity {{ hasNumericalValue '
             f'hasDecimalValue hasUnit {{ id }} }} }} }}')
    graphql = httpx.post(server + "/graphql", json={"query": query}, headers=member).json()["data"]["economicEvent"]
    assert rest["sequence"] == graphql["sequence"]
    assert rest["hasPointInTime"] == graphql["hasPointInTime"] and rest["hasPointInTime"].endswith("Z")
    effort = rest["effortQuantity"]
    assert effort == {"hasNumericalValue": graphql["effortQuantity"]["hasNumericalValue"],
                      "hasDecimalValue": graphql["effortQuantity"]["hasDecimalValue"],
                      "hasUnit": graphql["effortQuantity"]["hasUnit"]["id"]}
    assert effort["hasNumericalValue"] == effort["hasDecimalValue"] and isinstance(effort["hasDecimalValue"], str)
    legacy = httpx.post(server + "/graphql/0.8", json={"query": query}, headers=member).json()["data"]
    assert legacy["economicEvent"]["effortQuantity"]["hasNumericalValue"] == float(effort["hasDecimalValue"])


def test_several_server_processes_serve_one_postgresql_ledger(tmp_path: Path, pg_schema_url: str) -> None:
    """`serve --workers 2`: two processes answer, and a write through one is read through any; SQLite refuses."""
    refused = cli("serve", "--workers", "2", cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.startswith("error: --workers:"), refused.stderr
    with running_server(tmp_path, "--db", pg_schema_url, "--workers", "2", "--demo") as base:
        def health(_: int) -> int:
            return httpx.get(base + "/healthz", timeout=30).status_code
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(health, range(40))) == {200}
        parent = subprocess.run(["pgrep", "-f", f"serve --port {base.rsplit(':', 1)[1]}"], capture_output=True,
                                text=True).stdout.split()
        children = subprocess.run(["pgrep", "-P", ",".join(parent)], capture_output=True, text=True).stdout.split()
        assert len(children) >= 2, (parent, children)  # uvicorn's supervisor and its two workers
        token = json.loads(cli("token", "create", "--agent", "atelier", "--scope", "admin", "--json", "--db",
                               pg_schema_url, cwd=tmp_path).stdout)["token"]
        made = httpx.post(base + "/graphql", headers={"authorization": f"Bearer {token}"}, timeout=30, json={
            "query": 'mutation { createPerson(person: {name: "Eva Lind", id: "eva"}) { agent { id } } }'}).json()
        assert made["data"]["createPerson"]["agent"]["id"] == "eva", made
        with ThreadPoolExecutor(8) as pool:  # whichever process answers, the write is there
            assert set(pool.map(lambda _: httpx.get(base + "/agents/eva", timeout=30).json()["name"],
                                range(20))) == {"Eva Lind"}


class _Proxy:
    """A TCP relay between the server and PostgreSQL: stopping it is the database going away for the server."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.running:
                client.close()
                return
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.running = False
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in its thread
        self.listener.close()
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def test_healthz_says_503_while_the_database_is_down(tmp_path: Path, pg_schema_url: str) -> None:
    proxy = _Proxy(("127.0.0.1", 5432))
    url = pg_schema_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert url != pg_schema_url
    with running_server(tmp_path, "--db", url, "--demo") as base:
        assert httpx.get(base + "/healthz", timeout=30).json()["status"] == "ok"
        proxy.stop()
        down = httpx.get(base + "/healthz", timeout=60)
        assert down.status_code == 503, down.text
        assert down.json()["status"] == "failing" and down.json()["database"] != "ok"
        assert "Traceback" not in down.text
        assert httpx.get(base + "/events", timeout=60).status_code == 503  # every door: try again, nothing half done
