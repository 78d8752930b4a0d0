"""API tokens: created for an agent with a scope, shown once, stored as a SHA-256 hash, revocable.

A token reads `vf_<id>_<secret>`: the id finds the row, the secret is checked against its hash.

A one-time sign-in link carries a token of its own kind: it is good for nothing but opening a browser session, once,
within 15 minutes (using it revokes it, in the transaction that opens the session, so two tabs racing with the
same link open one session). The session is a token that expires after 12 hours.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from valueflows.domain import access
from valueflows.domain.access import ANONYMOUS, Principal, Scope, Unauthenticated
from valueflows.domain.errors import NotFound, violation
from valueflows.store.ports import TokenRow, UnitOfWork

TOKEN = re.compile(r"^vf_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")
LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class TokenInfo:
    id: str
    agent: str
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None
    note: str | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(uow: UnitOfWork, agent_id: str, scope: str, note: str | None = None) -> tuple[TokenInfo, str]:
    """Returns the token's description and the token itself (the only time it is shown)."""
    access.require_admin(uow.principal, "creating a token")
    try:
        chosen = Scope(scope)
    except ValueError:
        raise violation("scope", "unknown_scope", f"{scope!r} is not one of read, write, admin") from None
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with uow.write() as tx:
        if not tx.agents.exists(agent_id):
            raise NotFound(f"no agent with id {agent_id!r}")
        tx.tokens.add(TokenRow(token_id, agent_id, chosen.value, _hash(secret), tx.now, None, note))
        now = tx.now
    return TokenInfo(token_id, agent_id, chosen, now, None, note), f"vf_{token_id}_{secret}"


def _scope(scope: str) -> Scope:
    try:
        return Scope(scope)
    except ValueError:
        raise violation("scope", "unknown_scope", f"{scope!r} is not one of read, write, admin") from None


def create_sign_in_link(uow: UnitOfWork, agent_id: str, scope: str = "write") -> tuple[TokenInfo, str, datetime]:
    """A one-time sign-in link's token for `agent_id` (admins): the token, shown once, and when it expires."""
    access.require_admin(uow.principal, "creating a sign-in link")
    chosen = _scope(scope)
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with uow.write() as tx:
        if not tx.agents.exists(agent_id):
            raise NotFound(f"no agent with id {agent_id!r}")
        expires = tx.now + LINK_LIFETIME
        tx.tokens.add(TokenRow(token_id, agent_id, chosen.value, _hash(secret), tx.now, None, "sign-in link", "link",
                               expires))
        now = tx.now
    return TokenInfo(token_id, agent_id, chosen, now, None, "sign-in link"), f"vf_{token_id}_{secret}", expires


def open_session(uow: UnitOfWork, link: str) -> tuple[Principal, str, datetime]:
    """Use a sign-in link: it is revoked and a browser session opened, in one transaction; the session's
    principal, its token and when it expires. A link that is unknown, forged, used or expired is refused."""
    match = TOKEN.match(link.strip())
    if match is None:
        raise Unauthenticated("this is not a sign-in link this server issued")
    with uow.write() as tx:
        row = tx.tokens.get(match.group(1))
        if row is None or row.kind != "link" or not hmac.compare_digest(row.secret_hash, _hash(match.group(2))):
            raise Unauthenticated("this is not a sign-in link this server issued")
        if row.expires_at is not None and row.expires_at <= tx.now:
            raise Unauthenticated("this sign-in link has expired: ask for a new one")
        if row.revoked_at is not None or not tx.tokens.revoke(row.id, tx.now):
            raise Unauthenticated("this sign-in link was already used: ask for a new one")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        expires = tx.now + SESSION_LIFETIME
        tx.tokens.add(TokenRow(token_id, row.agent, row.scope, _hash(secret), tx.now, None,
                               f"browser session from sign-in link {row.id}", "session", expires))
    return Principal(row.agent, Scope(row.scope)), f"vf_{token_id}_{secret}", expires


def authenticate(uow: UnitOfWork, authorization: str | None) -> Principal:
    """The principal an `Authorization` header speaks for; no header is anonymous, a bad one is refused."""
    if not authorization:
        return ANONYMOUS
    kind, _, token = authorization.partition(" ")
    match = TOKEN.match(token.strip()) if kind.lower() == "bearer" else None
    if match is None:
        raise Unauthenticated("the Authorization header is not `Bearer vf_…` with a token this server issued")
    with uow.read() as tx:
        row = tx.tokens.get(match.group(1))
    if (row is None or row.revoked_at is not None or row.kind == "link"
            or not hmac.compare_digest(row.secret_hash, _hash(match.group(2)))):
        raise Unauthenticated("this token is unknown or revoked")
    if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
        raise Unauthenticated("this session has expired: sign in again")
    return Principal(agent=row.agent, scope=Scope(row.scope))


def end_session(uow: UnitOfWork, token: str) -> bool:
    """Sign a browser out: the session a sign-in link opened is revoked (an API token used to sign in is not: it
    is the member's to keep). True if a session ended."""
    match = TOKEN.match(token.strip())
    if match is None:
        return False
    with uow.write() as tx:
        row = tx.tokens.get(match.group(1))
        if row is None or row.kind != "session" or not hmac.compare_digest(row.secret_hash, _hash(match.group(2))):
            return False
        return tx.tokens.revoke(row.id, tx.now)


def revoke_token(uow: UnitOfWork, token_id: str) -> None:
    access.require_admin(uow.principal, "revoking a token")
    with uow.write() as tx:
        done = tx.tokens.revoke(token_id, tx.now)
    if not done:
        raise NotFound(f"no active token with id {token_id!r}")


def list_tokens(uow: UnitOfWork) -> list[TokenInfo]:
    access.require_admin(uow.principal, "listing tokens")
    with uow.read() as tx:
        rows = tx.tokens.all()
    return [TokenInfo(r.id, r.agent, Scope(r.scope), r.created_at, r.revoked_at, r.note) for r in rows]
