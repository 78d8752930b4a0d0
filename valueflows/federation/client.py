"""Talking to other nodes over HTTP (httpx): signed GETs of their documents, signed POSTs to their inboxes."""

from __future__ import annotations

import json
from typing import Any

import httpx

from valueflows.federation.documents import ACTIVITY_JSON
from valueflows.federation.signatures import sign
from valueflows.service.federation import PeerError, Signer

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_DOCUMENT = 1_000_000  # bytes: an actor or a WebFinger answer larger than this is refused
USER_AGENT = "valueflows (ActivityPub)"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class HttpPeers:
    """What `service.federation.Peers` asks for, over HTTP."""

    def fetch(self, url: str, signer: Signer | None) -> dict[str, Any]:
        headers = {"user-agent": USER_AGENT, "accept": ACCEPT}
        if signer is not None:
            headers.update(sign("GET", url, signer.key_id, signer.private_pem, accept=ACCEPT))
        try:
            with httpx.stream("GET", url, headers=headers, timeout=TIMEOUT, follow_redirects=True) as answer:
                if answer.status_code != 200:
                    raise PeerError(f"GET {url}: {answer.status_code}")
                body = b""
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT:
                        raise PeerError(f"GET {url}: larger than {MAX_DOCUMENT} bytes")
        except httpx.HTTPError as exc:
            raise PeerError(f"GET {url}: {exc.__class__.__name__}: {exc}") from None
        try:
            found = json.loads(body)
        except ValueError:
            raise PeerError(f"GET {url}: not JSON") from None
        if not isinstance(found, dict):
            raise PeerError(f"GET {url}: not a JSON object")
        return found

    def post(self, inbox: str, body: bytes, signer: Signer) -> int:
        headers = {"user-agent": USER_AGENT, **sign("POST", inbox, signer.key_id, signer.private_pem, body)}
        try:
            return httpx.post(inbox, content=body, headers=headers, timeout=TIMEOUT).status_code
        except httpx.HTTPError as exc:
            raise PeerError(f"POST {inbox}: {exc.__class__.__name__}: {exc}") from None
