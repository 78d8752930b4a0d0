"""HTTP signatures as the fediverse makes them: draft-cavage (Mastodon's: RSA-SHA256 over `(request-target)`,
`host`, `date`, and on a POST the `digest` of the body), and RFC 9421 (HTTP Message Signatures, with
`Content-Digest`), accepted too. The cryptography is the libraries' (apsig for draft-cavage, http-message-signatures
for RFC 9421); what is ours is what we require of a signature before we believe it:

- it covers the request line, the host and the date, and on a POST the digest of the body, which must match it;
- its date is within `MAX_SKEW` of now (a replayed or pre-dated request is refused);
- it verifies with the key of the actor it names (the caller fetches that key).
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from apsig.draft.sign import Signer
from apsig.draft.verify import Verifier
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from http_message_signatures import (
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)

MAX_SKEW = timedelta(hours=1)  # Mastodon refuses a date more than an hour ahead or 65 minutes behind
ACTIVITY_JSON = "application/activity+json"
_PARAM = re.compile(r'\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)')
_KEYID_9421 = re.compile(r'keyid="([^"]*)"')


class SignatureError(Exception):
    """A request we do not believe: says why, in words a peer's operator can act on."""


@dataclass(frozen=True)
class SignedBy:
    key_id: str
    scheme: str  # "draft-cavage" | "rfc9421"


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def sign(method: str, url: str, key_id: str, private_pem: str, body: bytes | None = None,
         accept: str = ACTIVITY_JSON) -> dict[str, str]:
    """The headers that sign this request as Mastodon signs its own: a GET over its request line, host, date and
    accept; a POST over its request line, host, date, digest and content type."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey), "actors sign with RSA keys"
    post = method.upper() != "GET"
    headers = {"content-type": ACTIVITY_JSON} if post else {"accept": accept}
    covered = ["(request-target)", "host", "date", *(["digest", "content-type"] if post else ["accept"])]
    signed = Signer(headers, key, method.upper(), url, key_id, body or b"", covered).sign()
    signed.pop("Authorization", None)  # the fediverse reads `Signature`; one header says it once
    return {str(k).lower(): str(v) for k, v in signed.items()}


def _digest_matches(header: str, body: bytes) -> bool:
    """Whether one of the header's digests is the body's SHA-256 (the algorithm's name in any case)."""
    want = digest(body).split("=", 1)[1]
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "sha-256" and value == want:
            return True
    return False


def key_id_of(headers: Mapping[str, str]) -> str:
    """The key a request says it is signed with (the actor's key URL); SignatureError when it is not signed."""
    if "signature-input" in headers:
        found = _KEYID_9421.search(headers["signature-input"])
        if found:
            return found.group(1)
        raise SignatureError("Signature-Input names no keyid")
    if "signature" not in headers:
        raise SignatureError("the request is not signed: send a Signature header (draft-cavage) or "
                             "Signature-Input and Signature (RFC 9421)")
    key_id = _params(headers["signature"]).get("keyId")
    if not key_id:
        raise SignatureError("the Signature header names no keyId")
    return key_id


def _params(header: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _PARAM.finditer(header)}


def _date(headers: Mapping[str, str], now: datetime) -> None:
    raw = headers.get("date")
    if raw is None:
        raise SignatureError("the request has no Date header")
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        raise SignatureError(f"Date {raw!r} is not an HTTP date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if abs(now - when) > MAX_SKEW:
        raise SignatureError(f"Date {raw} is more than an hour from this node's clock: refused as stale or early")


def verify(method: str, url: str, headers: Mapping[str, str], body: bytes, public_pem: str,
           now: datetime | None = None) -> SignedBy:
    """Believe the request or raise SignatureError. `headers` with lower-case names; `url` as the request came."""
    now = now or datetime.now(UTC)
    headers = {k.lower(): v for k, v in headers.items()}
    if "signature-input" in headers:
        return _verify_9421(method, url, headers, body, public_pem, now)
    key_id = key_id_of(headers)
    params = _params(headers["signature"])
    covered = params.get("headers", "date").lower().split()
    post = method.upper() != "GET"
    required = ["(request-target)", "host", "date", *(["digest"] if post else [])]
    missing = [h for h in required if h not in covered]
    if missing:
        raise SignatureError(f"the signature must cover {', '.join(missing)}")
    _date(headers, now)
    if (post or body) and not _digest_matches(headers.get("digest", ""), body):
        raise SignatureError("the Digest header does not match the body (SHA-256)")
    algorithm = params.get("algorithm", "hs2019")
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"signature algorithm {algorithm!r}: this node verifies rsa-sha256 (and hs2019 with "
                             "an RSA key)")
    if algorithm == "hs2019" or "algorithm" not in params:  # hs2019: the key says the algorithm; ours are RSA
        params["algorithm"] = "rsa-sha256"
        headers["signature"] = ",".join(f'{k}="{v}"' for k, v in params.items())
    try:
        # The digest was matched above, its algorithm's name in any case as RFC 3230 allows (bovine sends
        # `sha-256=`); apsig would compare the header to its own `SHA-256=` spelling, so it is given no body and
        # checks the signature alone, over the Digest header as it came.
        found = Verifier(public_pem, method.upper(), url, headers, b"", clock_skew=int(MAX_SKEW.total_seconds()))
        verified = found.verify()
    except (ValueError, KeyError) as exc:
        raise SignatureError(f"the signature cannot be read: {exc}") from None
    if verified is None:
        raise SignatureError(f"the signature does not verify with the key of {key_id}")
    return SignedBy(key_id, "draft-cavage")


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, key_id: str, public_pem: str) -> None:
        self.key_id, self.public_pem = key_id, public_pem

    def resolve_public_key(self, key_id: str) -> Any:
        if key_id != self.key_id:
            raise InvalidSignature(f"unknown keyid {key_id}")
        return serialization.load_pem_public_key(self.public_pem.encode("ascii"))

    def resolve_private_key(self, key_id: str) -> Any:  # pragma: no cover - we only verify with it
        raise NotImplementedError


@dataclass
class _Message:
    method: str
    url: str
    headers: dict[str, str]


def _verify_9421(method: str, url: str, headers: dict[str, str], body: bytes, public_pem: str,
                 now: datetime) -> SignedBy:
    key_id = key_id_of(headers)
    post = method.upper() != "GET"
    if post:
        found = headers.get("content-digest", "")
        want = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"
        if want not in [part.strip() for part in found.split(",")]:
            raise SignatureError("the Content-Digest header does not match the body (sha-256)")
    algorithm = algorithms.RSA_PSS_SHA512 if 'alg="rsa-pss-sha512"' in headers["signature-input"] else (
        algorithms.RSA_V1_5_SHA256)
    verifier = HTTPMessageVerifier(signature_algorithm=algorithm, key_resolver=_OneKey(key_id, public_pem))
    verifier.max_clock_skew = MAX_SKEW
    required = ("@method", "@target-uri", *(["content-digest"] if post else []))
    try:
        results = verifier.verify(_Message(method.upper(), url, headers), max_age=MAX_SKEW,
                                  require_components=required)
    except InvalidSignature as exc:
        raise SignatureError(f"the signature does not verify: {exc}") from None
    created = results[0].parameters.get("created") if results else None
    if created is not None and abs(now - datetime.fromtimestamp(int(created), UTC)) > MAX_SKEW:
        raise SignatureError("the signature was created more than an hour from this node's clock")
    return SignedBy(key_id, "rfc9421")


def host_of(url: str) -> str:
    return urlsplit(url).netloc
