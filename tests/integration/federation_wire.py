"""Two nodes in one process, joined: what one fetches or posts reaches the other's app, signed as over HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from valueflows.federation.signatures import sign
from valueflows.service.federation import PeerError, Signer


class Wire:
    """The two nodes joined: what one fetches or posts reaches the other's app, signed as over HTTP."""

    def __init__(self) -> None:
        self.clients: dict[str, TestClient] = {}
        self.fetched: list[str] = []

    def _client(self, url: str) -> TestClient:
        found = self.clients.get(urlsplit(url).netloc)
        if found is None:
            raise PeerError(f"{url}: unreachable")
        return found

    def fetch(self, url: str, signer: Signer | None) -> dict[str, Any]:
        self.fetched.append(url)
        headers = sign("GET", url, signer.key_id, signer.private_pem) if signer else {}
        answer = self._client(url).get(url, headers=headers)
        if answer.status_code != 200:
            raise PeerError(f"GET {url}: {answer.status_code}")
        found: dict[str, Any] = answer.json()
        return found

    def post(self, inbox: str, body: bytes, signer: Signer) -> int:
        headers = sign("POST", inbox, signer.key_id, signer.private_pem, body)
        return self._client(inbox).post(inbox, content=body, headers=headers).status_code
