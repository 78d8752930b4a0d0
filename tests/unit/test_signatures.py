"""HTTP signatures: ours follow draft-cavage (checked against the draft's signing string, rebuilt in the test) and
verify with our own verifier; signatures made by the draft's text and by http-message-signatures (RFC 9421)
verify with ours; every way a request can be forged, tampered with or replayed is refused with its reason."""

from __future__ import annotations

import base64
import email.utils
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
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


def _signing_string(method: str, path: str, headers: dict[str, str], covered: list[str]) -> bytes:
    """The draft-cavage signing string, built from the draft's text (the oracle here, not the code under test)."""
    lines = [f"(request-target): {method.lower()} {path}" if h == "(request-target)" else f"{h}: {headers[h]}"
             for h in covered]
    return "\n".join(lines).encode("utf-8")


def test_our_signatures_follow_the_draft(keys: tuple[str, str]) -> None:
    """Checked against the draft itself: the signing string rebuilt from the headers, RSA-SHA256 (PKCS#1 v1.5)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public, private = keys
    headers = sign("POST", INBOX, KEY_ID, private, BODY)
    params = dict(re.findall(r'(\w+)="([^"]*)"', headers["signature"]))
    assert (params["keyId"], params["algorithm"]) == (KEY_ID, "rsa-sha256")
    covered = params["headers"].split()
    key = serialization.load_pem_public_key(public.encode())
    key.verify(base64.b64decode(params["signature"]),  # type: ignore[union-attr, call-arg]
               _signing_string("POST", "/actors/atelier/inbox", headers, covered),
               padding.PKCS1v15(), hashes.SHA256())  # type: ignore[arg-type]
    assert headers["digest"] == "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()


def test_we_verify_signatures_made_by_the_draft(keys: tuple[str, str]) -> None:
    """A request signed by following the draft by hand (as another server would) verifies; hs2019 too."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public, private = keys
    key = serialization.load_pem_private_key(private.encode(), password=None)
    # the digest's algorithm in either case (RFC 3230: names are case-insensitive; bovine sends `sha-256=`)
    for spelled in (digest(BODY), digest(BODY).replace("SHA-256=", "sha-256=")):
        headers = {"host": "coop.example", "date": email.utils.formatdate(usegmt=True), "digest": spelled}
        covered = ["(request-target)", "host", "date", "digest"]
        signature = base64.b64encode(key.sign(  # type: ignore[union-attr, call-arg]
            _signing_string("POST", "/actors/atelier/inbox", headers, covered),
            padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[arg-type]
        for algorithm in ("rsa-sha256", "hs2019"):
            headers["signature"] = (f'keyId="{KEY_ID}",algorithm="{algorithm}",headers="{" ".join(covered)}",'
                                    f'signature="{signature}"')
            assert verify("POST", INBOX, headers, BODY, public).key_id == KEY_ID
            with pytest.raises(SignatureError, match="Digest"):
                verify("POST", INBOX, headers, BODY + b" ", public)


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
