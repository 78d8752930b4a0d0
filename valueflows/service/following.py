"""Following actors of other nodes: found by their account (WebFinger) or URL, asked with a Follow (queued like
every delivery), followed once they Accept; what they published before is then fetched from their outboxes."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from valueflows.domain import access
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.service import deliveries
from valueflows.service.federation import NODE, PeerError, Peers, actor, actor_url, linked, signer
from valueflows.service.inbox import fetch_actor, keep_published
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


MIRROR_PAGES = 20  # outbox pages fetched from a newly followed actor (its newest records first)


def _mirror_key(other: str) -> str:
    return "mirrored:" + hashlib.sha256(other.encode("utf-8")).hexdigest()[:30]


def mirror_new(uow: UnitOfWork, peers: Peers, base: str) -> int:
    """For each actor followed (accepted) and not mirrored yet: fetch what its outbox holds (at most `MIRROR_PAGES`
    pages, the GETs signed by our node's actor) and keep its records as a delivery would, never over one a delivery
    brought; how many records were kept. An outbox that cannot be fetched is tried again next time."""
    access.require_admin(uow.principal, "mirroring followed actors")
    with uow.read() as tx:
        todo = {f.other for f in tx.federation.following() if f.state == "accepted"
                and tx.federation.setting(_mirror_key(f.other)) is None}
        known = {other: tx.federation.remote_actor(other) for other in todo}
    kept = 0
    for other, remote in known.items():
        outbox = linked(json.loads(remote.document).get("outbox")) if remote is not None else None
        items: list[tuple[str, dict[str, Any], str]] = []
        try:
            if outbox is not None:
                page_url = linked(peers.fetch(outbox, signer(uow, base, NODE)).get("first"))
                for _ in range(MIRROR_PAGES):
                    if page_url is None:
                        break
                    page = peers.fetch(page_url, signer(uow, base, NODE))
                    for activity in page.get("orderedItems") or []:
                        if (isinstance(activity, dict) and activity.get("type") in ("Create", "Update")
                                and isinstance(activity.get("object"), dict) and isinstance(activity.get("id"), str)):
                            items.append((activity["id"], activity["object"], page_url))
                    page_url = linked(page.get("next"))
        except PeerError:
            continue
        newest: dict[str, tuple[str, dict[str, Any], str]] = {}
        for item in items:  # newest first: a record's newest version is the one kept
            newest.setdefault(str(item[1].get("id")), item)
        with uow.write() as tx:
            for activity_id, record, page_url in newest.values():
                try:
                    kept += keep_published(tx, activity_id, record, other, page_url, newer=False) == "recorded"
                except (RuleViolation, access.Forbidden):
                    continue  # not this actor's to publish: left out, as a delivery of it would be refused
            tx.federation.set_setting(_mirror_key(other), tx.now.isoformat())
    return kept


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
