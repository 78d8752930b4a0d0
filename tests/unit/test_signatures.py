"""HTTP signatures: ours verify with an independent implementation (bovine) and with our own verifier, theirs
(bovine's draft-cavage, http-message-signatures' RFC 9421) verify with ours, and every way a request can be
forged, tampered with or replayed is refused with its reason."""

from __future__ import annotations

import asyncio
import email.utils
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bovine.crypto import build_validate_http_signature_raw
from bovine.crypto.http_signature import build_signature
from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms

from valueflows.federation.signatures import SignatureError, digest, key_id_of, sign, verify
from valueflows.service.federation import new_key_pair

INBOX = "https://coop.example/actors/atelier/inbox"
KEY_ID = "https://elsewhere.example/actors/farm#main-key"
BODY = b'{"type":"Follow","actor":"https://elsewhere.example/actors/farm"}'


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return new_key_pair()


@pytest.fixture(scope="module")
def other_keys() -> tuple[str, str]:
    return new_key_pair()


def test_a_signed_post_verifies(keys: tuple[str, str]) -> None:
    public, private = keys
    headers = sign("POST", INBOX, KEY_ID, private, BODY)
    assert headers["digest"] == digest(BODY) and "authorization" not in headers
    assert 'headers="(request-target) host date digest content-type"' in headers["signature"]
    found = verify("POST", INBOX, headers, BODY, public)
    assert (found.key_id, found.scheme) == (KEY_ID, "draft-cavage")
    assert key_id_of(headers) == KEY_ID


def test_a_signed_get_verifies(keys: tuple[str, str]) -> None:
    public, private = keys
    headers = sign("GET", "https://elsewhere.example/actors/farm", KEY_ID, private)
    assert verify("GET", "https://elsewhere.example/actors/farm", headers, b"", public).key_id == KEY_ID


@pytest.mark.parametrize(("tamper", "reason"), [
    (lambda h, b: (h, b + b" "), "Digest header does not match"),  # the body changed on the way
    (lambda h, b: ({**h, "digest": digest(b + b" ")}, b + b" "), "does not verify"),  # ... and its digest with it
    (lambda h, b: ({k: v for k, v in h.items() if k != "signature"}, b), "not signed"),
    (lambda h, b: ({k: v for k, v in h.items() if k != "date"}, b), "no Date"),
    (lambda h, b: ({**h, "date": email.utils.formatdate(usegmt=True)[:-4] + "XYZ"}, b), "not an HTTP date"),
    (lambda h, b: ({**h, "host": "coop.example:8443"}, b), "does not verify"),  # sent to another node
    (lambda h, b: ({**h, "signature": h["signature"].replace('algorithm="rsa-sha256"', 'algorithm="ed25519"')}, b),
     "algorithm"),
])
def test_tampered_requests_are_refused(keys: tuple[str, str], tamper: Any, reason: str) -> None:
    public, private = keys
    headers, body = tamper(sign("POST", INBOX, KEY_ID, private, BODY), BODY)
    with pytest.raises(SignatureError, match=reason):
        verify("POST", INBOX, headers, body, public)


def test_another_key_does_not_verify(keys: tuple[str, str], other_keys: tuple[str, str]) -> None:
    headers = sign("POST", INBOX, KEY_ID, other_keys[1], BODY)
    with pytest.raises(SignatureError, match="does not verify"):
        verify("POST", INBOX, headers, BODY, keys[0])


def test_a_replayed_or_early_request_is_refused(keys: tuple[str, str]) -> None:
    public, private = keys
    headers = sign("POST", INBOX, KEY_ID, private, BODY)
    now = datetime.now(UTC)
    assert verify("POST", INBOX, headers, BODY, public, now + timedelta(minutes=55)).key_id == KEY_ID
    for later in (timedelta(minutes=65), -timedelta(minutes=65)):
        with pytest.raises(SignatureError, match="more than an hour"):
            verify("POST", INBOX, headers, BODY, public, now + later)


def test_a_post_must_sign_its_digest(keys: tuple[str, str]) -> None:
    """A signature over the request line, host and date alone would let anyone swap the body."""
    public, private = keys
    from apsig.draft.sign import Signer
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private.encode(), password=None)
    headers = {k.lower(): v for k, v in Signer({}, key, "POST", INBOX, KEY_ID, BODY,  # type: ignore[arg-type]
                                               ["(request-target)", "host", "date"]).sign().items()}
    with pytest.raises(SignatureError, match="must cover digest"):
        verify("POST", INBOX, headers, BODY, public)


def test_bovine_verifies_our_signatures(keys: tuple[str, str]) -> None:
    """An independent implementation believes what we sign."""
    public, private = keys
    headers = sign("POST", INBOX, KEY_ID, private, BODY)

    async def key(key_id: str) -> CryptographicIdentifier | None:
        return CryptographicIdentifier.from_pem(public, "https://elsewhere.example/actors/farm") if (
            key_id == KEY_ID) else None

    async def body() -> bytes:
        return BODY

    validate = build_validate_http_signature_raw(key)
    assert asyncio.run(validate("post", INBOX, headers, body)) == "https://elsewhere.example/actors/farm"
    assert asyncio.run(validate("post", INBOX, {**headers, "digest": digest(b"{}")}, body)) is None


def test_we_verify_bovines_signatures(keys: tuple[str, str]) -> None:
    public, private = keys
    signature = (build_signature("coop.example", "post", "/actors/atelier/inbox")
                 .with_field("date", email.utils.formatdate(usegmt=True))
                 .with_field("digest", digest(BODY)))
    headers = {**signature.headers, "signature": signature.sign_for_http_draft(
        CryptographicSecret.from_pem(KEY_ID, private))}
    assert verify("POST", INBOX, headers, BODY, public).key_id == KEY_ID
    hs2019 = {**headers, "signature": headers["signature"].replace('algorithm="rsa-sha256"', 'algorithm="hs2019"')}
    assert verify("POST", INBOX, hs2019, BODY, public).key_id == KEY_ID  # the key says the algorithm


class _Keys(HTTPSignatureKeyResolver):
    def __init__(self, private: str) -> None:
        self.private = private

    def resolve_private_key(self, key_id: str) -> Any:
        from cryptography.hazmat.primitives import serialization
        return serialization.load_pem_private_key(self.private.encode(), password=None)

    def resolve_public_key(self, key_id: str) -> Any:  # pragma: no cover - signing only
        raise NotImplementedError


class _Request:
    def __init__(self, method: str, url: str, headers: dict[str, str]) -> None:
        self.method, self.url, self.headers = method, url, headers


def test_rfc9421_signatures_are_accepted(keys: tuple[str, str]) -> None:
    public, private = keys
    message = _Request("POST", INBOX, {"content-type": "application/activity+json"})
    HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_Keys(private)).sign(
        message, key_id=KEY_ID, created=datetime.now(UTC), body=BODY,
        covered_component_ids=("@method", "@target-uri", "content-digest"))
    headers = {k.lower(): v for k, v in message.headers.items()}
    found = verify("POST", INBOX, headers, BODY, public)
    assert (found.key_id, found.scheme) == (KEY_ID, "rfc9421")
    with pytest.raises(SignatureError, match="Content-Digest"):
        verify("POST", INBOX, headers, BODY + b" ", public)
    with pytest.raises(SignatureError, match="does not verify"):
        verify("POST", INBOX.replace("atelier", "farmhack"), headers, BODY, public)
