"""Two nodes in one process, joined: what one fetches or posts reaches the other's app, signed as over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from valueflows.federation import documents
from valueflows.federation.signatures import sign
from valueflows.linkeddata.rdf import ledger_context
from valueflows.service import deliveries, following, publishing, remote_fulfilments, remote_payments
from valueflows.service.federation import PeerError, Signer
from valueflows.store.ports import UnitOfWork


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


CONTEXTS = Path(__file__).parent.parent / "fixtures" / "contexts"


def context_loader(*ours: str) -> Callable[..., dict[str, Any]]:
    """A pyld document loader with the contexts our documents name, from where a fediverse server would have them:
    ActivityStreams' and the security vocabulary's as their publishers package them (tests/fixtures/contexts), ours
    (at each node's `/context.jsonld` in `ours`) as the node serves it. Nothing is fetched."""
    served = {"https://www.w3.org/ns/activitystreams": CONTEXTS / "activitystreams.jsonld",
              "https://w3id.org/security/v1": CONTEXTS / "security-v1.jsonld"}

    def load(url: str, options: Any = None) -> dict[str, Any]:
        document = ledger_context() if url in ours else json.loads(served[url].read_text())
        return {"contextUrl": None, "documentUrl": url, "document": document}
    return load


def undefined(expanded: Any) -> list[str]:
    """Terms no context defines: ActivityStreams' context maps them to `_:` IRIs (its @vocab) instead of dropping
    them, so a consumer would read nothing it could use."""
    found: list[str] = []
    if isinstance(expanded, list):
        for item in expanded:
            found += undefined(item)
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if key.startswith("_:"):
                found.append(key)
            found += undefined(value)
            if key == "@type":
                found += [t for t in (value if isinstance(value, list) else [value]) if str(t).startswith("_:")]
    return found


A, B = "http://127.0.0.1:8101", "http://127.0.0.1:8102"  # two nodes reached through the Wire, not a socket


@dataclass
class Nodes:
    a: UnitOfWork
    b: UnitOfWork
    wire: Wire

    def flush(self) -> None:
        """Every node does what its server's worker does (publishes, mirrors, tells payments and fulfilments to
        other nodes, delivers) until nothing is left to deliver."""
        for _ in range(8):
            for uow, base in ((self.a, A), (self.b, B)):
                publishing.publish_new(uow, base, documents.activity)
                following.mirror_new(uow, self.wire, base)
                remote_payments.deliver_payments(uow, base)
                remote_fulfilments.deliver_fulfilments(uow, base)
            done = [deliveries.deliver_due(self.a, self.wire, A), deliveries.deliver_due(self.b, self.wire, B)]
            assert not any(d.failed or d.retried for d in done), [
                (d.activity_id, d.last_error) for u in (self.a, self.b) for d in deliveries.status(u).recent
                if d.last_error]
            if not any(d.delivered for d in done):
                return
        raise AssertionError("deliveries did not settle")
