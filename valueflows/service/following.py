"""Following actors of other nodes: found by their account (WebFinger) or URL, asked with a Follow (queued like
every delivery), followed once they Accept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from valueflows.domain import access
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.service import deliveries
from valueflows.service.federation import NODE, PeerError, Peers, actor, actor_url
from valueflows.service.inbox import fetch_actor
from valueflows.store.ports import Follow, ReceivedRecord, UnitOfWork

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _scheme(host: str) -> str:
    """https everywhere but on this machine (where test and development nodes speak plain http)."""
    return "http" if host.split(":")[0] in LOCAL_HOSTS or host.startswith("[::1]") else "https"


def resolve(uow: UnitOfWork, peers: Peers, base: str, account: str) -> str:
    """The actor URL of `name@host` (WebFinger), or `account` itself when it is a URL."""
    if account.startswith(("https://", "http://")):
        return account
    name, _, host = account.removeprefix("acct:").removeprefix("@").rpartition("@")
    if not name or not host:
        raise RuleViolation([Problem("account", "not_an_account", f"{account!r}: give name@host or an actor's URL")])
    url = f"{_scheme(host)}://{host}/.well-known/webfinger?resource={quote(f'acct:{name}@{host}')}"
    try:
        found = peers.fetch(url, None)
    except PeerError as exc:
        raise RuleViolation([Problem("account", "not_found", f"{account}: {exc}")]) from None
    links = found.get("links") if isinstance(found.get("links"), list) else []
    for link in links or []:
        if isinstance(link, dict) and link.get("rel") == "self" and isinstance(link.get("href"), str) and (
                "activity+json" in str(link.get("type")) or "activitystreams" in str(link.get("type"))):
            return str(link["href"])
    raise RuleViolation([Problem("account", "not_an_actor", f"{account} has no ActivityPub actor")])


@dataclass(frozen=True)
class Asked:
    follow: Follow
    queued: bool  # False: already asked, nothing new queued


def follow(uow: UnitOfWork, peers: Peers, base: str, account: str, by: str = NODE) -> Asked:
    """Our actor `by` asks to follow `account` (name@host or an actor URL)."""
    access.require_admin(uow.principal, "following another node's actor")
    actor(uow, by)
    url = resolve(uow, peers, base, account)
    try:
        target = fetch_actor(uow, peers, base, url)
    except PeerError as exc:  # unreachable now: an actor already known is followed as known (delivered later)
        with uow.read() as tx:
            known_actor = tx.federation.remote_actor(url)
        if known_actor is None:
            raise RuleViolation([Problem("account", "unreachable", f"{account}: {exc}")]) from None
        target = known_actor
    if urlsplit(target.id).netloc == urlsplit(base).netloc:
        raise RuleViolation([Problem("account", "ours", f"{target.id} is an actor of this node")])
    me = actor_url(base, by)
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{me}#follows/{uuid.uuid4().hex}",
                "type": "Follow", "actor": me, "object": target.id}
    with uow.write() as tx:
        known = next((f for f in tx.federation.following(by) if f.other == target.id), None)
        if known is not None and known.state != "rejected":
            return Asked(known, False)
        asked = Follow(by, target.id, str(activity["id"]), "pending", tx.now)
        tx.federation.follow(asked)
        deliveries.enqueue(tx, by, activity, [target.inbox])
    return Asked(asked, True)


def followers(uow: UnitOfWork, name: str = NODE) -> list[Follow]:
    access.require_admin(uow.principal, "listing followers")
    actor(uow, name)
    with uow.read() as tx:
        return tx.federation.followers(name)


def following(uow: UnitOfWork, name: str | None = None) -> list[Follow]:
    access.require_admin(uow.principal, "listing what this node follows")
    with uow.read() as tx:
        return tx.federation.following(name)


def received(uow: UnitOfWork, origin: str | None = None, limit: int = 100) -> list[ReceivedRecord]:
    """Records other nodes' actors published to this node, the newest first."""
    access.require_admin(uow.principal, "reading what other nodes published")
    with uow.read() as tx:
        return tx.federation.received_records(origin, limit)
