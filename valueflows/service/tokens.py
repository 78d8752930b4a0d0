"""API tokens: created for an agent with a scope, shown once, stored as a SHA-256 hash, revocable.

A token reads `vf_<id>_<secret>`: the id finds the row, the secret is checked against its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from valueflows.domain import access
from valueflows.domain.access import ANONYMOUS, Principal, Scope, Unauthenticated
from valueflows.domain.errors import NotFound, violation
from valueflows.store.ports import TokenRow, UnitOfWork

TOKEN = re.compile(r"^vf_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")


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
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_hash, _hash(match.group(2))):
        raise Unauthenticated("this token is unknown or revoked")
    return Principal(agent=row.agent, scope=Scope(row.scope))


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
