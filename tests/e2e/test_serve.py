"""The real server, started with `valueflows serve` (uvicorn) on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_cli import VALUEFLOWS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir: Path = tmp_path_factory.mktemp("serve")
    port = _free_port()
    proc = subprocess.Popen([VALUEFLOWS, "serve", "--demo", "--port", str(port)], cwd=workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_health_counts_the_demo_ledger(server: str) -> None:
    body = httpx.get(server + "/health").json()
    assert body["status"] == "ok" and body["records"]["economic_event"] > 150


def test_events_filter_and_paginate(server: str) -> None:
    first = httpx.get(server + "/events", params={"agent": "ana", "action": "work", "limit": 10}).json()
    assert len(first["items"]) == 10 and {e["provider"] for e in first["items"]} == {"ana"}
    second = httpx.get(server + "/events", params={"agent": "ana", "action": "work", "limit": 10,
                                                   "after": first["next"]}).json()
    assert {e["id"] for e in first["items"]}.isdisjoint({e["id"] for e in second["items"]})
    may = httpx.get(server + "/events", params={"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z",
                                                "action": "work", "limit": 500}).json()
    assert may["items"] and all(e["hasPointInTime"].startswith("2026-05") for e in may["items"])


def test_resource_quantities_are_exact_decimal_text(server: str) -> None:
    steel = httpx.get(server + "/resources/steel-stock").json()
    assert (steel["accountingQuantity"], steel["unit"]) == ("220", "kilogram")  # 500 - 320 + 40
    account = httpx.get(server + "/resources/atelier-eur").json()
    assert account["accountingQuantity"] == "34700"  # 20000.00 + 14700.00


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/events/no-such-event", 404, "NOT_FOUND"),
    ("/events?limit=0", 400, "BAD_USER_INPUT"),
    ("/events?limit=abc", 400, "BAD_USER_INPUT"),
    ("/events?from=2026-01-01", 400, "BAD_USER_INPUT"),
    ("/nothing-here", 404, "NOT_FOUND"),
])
def test_bad_requests_get_a_clear_error(server: str, path: str, status: int, code: str) -> None:
    response = httpx.get(server + path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code and "Traceback" not in response.text


def test_verify_over_http(server: str) -> None:
    assert httpx.get(server + "/verify").json()["ok"] is True
