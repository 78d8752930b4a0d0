"""What arrives at this node's inboxes: who sent it (their key, fetched and kept), and what it does here.

The door verifies each delivery's HTTP signature with the sender's key (`sender`) before anything is read; then
`receive` keeps the activity under its id, once (a second delivery of the same activity changes nothing), and
acts on it in the same transaction:

- Follow of one of our actors: the sender follows it, and an Accept is queued back;
- Undo of that Follow: it no longer does;
- Accept or Reject of a Follow one of our actors sent: what we follow is accepted, or not;
- Create or Update from an actor one of ours follows: its record is kept, read-only, under its own IRI, with the
  actor it came from and the key that signed the delivery (never mixed with this ledger's own records);
- Offer of a use of one of our designs, and Create of a payment towards what such a use owes: decided and
  recorded by the steward's side of reciprocity (`stewarding`); Accept or Reject of a use one of our agents
  declared: noted, with the obligation kept (`declarations`);
- anything else is kept as received (what later parts of federation act on).

An activity must be the signer's own (its `actor` is the actor whose key signed the delivery).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from valueflows.domain import access
from valueflows.domain.access import Forbidden
from valueflows.domain.errors import NotFound, Problem, RuleViolation
from valueflows.domain.model import is_actor
from valueflows.service import declarations, deliveries, remote_fulfilments, stewarding, trading
from valueflows.service.federation import NODE, PeerError, Peers, actor, actor_url, local_name, signer
from valueflows.service.publishing import mark_key
from valueflows.store.ports import Follow, Received, ReceivedRecord, RemoteActor, UnitOfWork, WriteTx

ALLOWED_HOSTS = "allowed_hosts"  # node settings: comma-separated hosts; when set, only they may deliver
BLOCKED_HOSTS = "blocked_hosts"  # node settings: comma-separated hosts that may not deliver


def _hosts(raw: str | None) -> set[str]:
    return {h.strip().lower() for h in (raw or "").split(",") if h.strip()}


def may_deliver(uow: UnitOfWork, key_id: str) -> None:
    """Forbidden when the node the key belongs to is blocked, or not among the allowed ones."""
    host = urlsplit(key_id).netloc.lower()
    with uow.read() as tx:
        allowed, blocked = (_hosts(tx.federation.setting(ALLOWED_HOSTS)),
                            _hosts(tx.federation.setting(BLOCKED_HOSTS)))
    if host in blocked or (allowed and host not in allowed):
        raise Forbidden(f"this node does not take deliveries from {host}")


def set_hosts(uow: UnitOfWork, allowed: list[str] | None = None, blocked: list[str] | None = None) -> None:
    access.require_admin(uow.principal, "choosing which nodes may deliver")
    with uow.write() as tx:
        if allowed is not None:
            tx.federation.set_setting(ALLOWED_HOSTS, ",".join(allowed))
        if blocked is not None:
            tx.federation.set_setting(BLOCKED_HOSTS, ",".join(blocked))


def remote_actor_from(document: dict[str, Any], url: str, at: datetime) -> RemoteActor:
    """An actor document as we keep it; RuleViolation when it is not one we can deliver to and verify."""
    key = document.get("publicKey")
    if isinstance(key, list):
        key = key[0] if key else None
    ok = (isinstance(document.get("id"), str) and isinstance(document.get("inbox"), str) and isinstance(key, dict)
          and isinstance(key.get("id"), str) and isinstance(key.get("publicKeyPem"), str))
    if not ok:
        raise RuleViolation([Problem("actor", "not_an_actor", f"{url} is not an actor with an inbox and a key")])
    assert isinstance(key, dict)
    if document["id"].split("#")[0] != url.split("#")[0]:
        raise RuleViolation([Problem("actor", "wrong_id", f"{url} says it is {document['id']}")])
    if key.get("owner", document["id"]) != document["id"]:
        raise RuleViolation([Problem("actor", "wrong_owner", f"the key of {url} belongs to {key.get('owner')}")])
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    return RemoteActor(document["id"], document["inbox"], shared if isinstance(shared, str) else None, key["id"],
                       key["publicKeyPem"], json.dumps(document, ensure_ascii=False), at)


def fetch_actor(uow: UnitOfWork, peers: Peers, base: str, url: str) -> RemoteActor:
    """Fetch an actor's document (the GET signed by our node's actor, as servers that check fetches require) and
    keep it."""
    document = peers.fetch(url, signer(uow, base, NODE))
    found = remote_actor_from(document, url, datetime.now(UTC))
    with uow.write() as tx:
        tx.federation.keep_remote_actor(found)
    return found


def sender(uow: UnitOfWork, peers: Peers, base: str, key_id: str, refresh: bool = False) -> RemoteActor:
    """The actor a delivery's key belongs to: as kept, else (or when `refresh`: its key may have changed)
    fetched from the key's URL."""
    if not refresh:
        with uow.read() as tx:
            known = tx.federation.remote_actor_by_key(key_id)
        if known is not None:
            return known
    try:
        found = fetch_actor(uow, peers, base, key_id.split("#")[0])
    except PeerError as exc:
        raise NotFound(f"the key {key_id} could not be fetched: {exc}") from None
    if found.key_id != key_id:
        raise NotFound(f"{found.id} does not publish the key {key_id}")
    return found


@dataclass(frozen=True)
class Outcome:
    activity: str
    done: str  # "followed", "unfollowed", "accepted", "rejected", "kept", "duplicate"


def _object_id(activity: dict[str, Any]) -> str | None:
    found = activity.get("object")
    if isinstance(found, dict):
        found = found.get("id")
    return found if isinstance(found, str) else None


def receive(uow: UnitOfWork, base: str, recipient: str | None, activity: Any, by: RemoteActor) -> Outcome:
    """Keep and act on an activity `by` delivered (its signature already verified) to `recipient`'s inbox (None:
    the shared inbox); all of it in one transaction, or nothing."""
    if not isinstance(activity, dict):
        raise RuleViolation([Problem("body", "not_an_activity", "an activity is a JSON object")])
    activity_id, kind, author = activity.get("id"), activity.get("type"), activity.get("actor")
    if isinstance(author, dict):
        author = author.get("id")
    if not isinstance(activity_id, str) or not isinstance(kind, str):
        raise RuleViolation([Problem("body", "not_an_activity", "an activity has an id and a type")])
    if author != by.id:
        raise Forbidden(f"the activity's actor ({author}) is not the actor whose key signed it ({by.id})")
    if recipient is not None:
        actor(uow, recipient)  # NotFound for an inbox of no actor
    with uow.read() as tx:  # a delivery seen before costs a read, not a turn at the writers' lock
        if tx.federation.received(activity_id) is not None:
            return Outcome(activity_id, "duplicate")
    try:
        with uow.write() as tx:
            if tx.federation.received(activity_id) is not None:
                return Outcome(activity_id, "duplicate")
            tx.federation.receive(Received(activity_id, by.id, kind[:40], recipient, tx.now,
                                           json.dumps(activity, ensure_ascii=False)))
            done = _act(uow, tx, base, kind, activity, by)
    except IntegrityError:  # the same activity, delivered twice at once: the other delivery kept it
        return Outcome(activity_id, "duplicate")
    return Outcome(activity_id, done)


def keep_published(tx: WriteTx, activity_id: str, record: dict[str, Any], origin: str, vouched_by: str,
                   newer: bool = True) -> str:
    """A record published by `origin`, an actor one of ours follows, kept read-only as it came, with what vouched
    for it (the key that signed its delivery, or the outbox page it was fetched from); from an actor not followed,
    not kept. About another node's records, or another actor's, refused. Not `newer` (fetched from an outbox), it
    does not replace what a delivery brought."""
    if not any(f.other == origin and f.state != "rejected" for f in tx.federation.following()):
        return "kept"  # not followed: the activity is kept as received, its record is not ours to keep
    record_id, record_type = record.get("id"), record.get("type")
    if not isinstance(record_id, str) or not isinstance(record_type, str):
        raise RuleViolation([Problem("object", "no_id", "a published record has an id and a type")])
    if urlsplit(record_id).netloc != urlsplit(origin).netloc:
        raise Forbidden(f"{origin} publishes the records of its own node, not {record_id}")
    known = tx.federation.received_record(record_id)
    if known is not None and known.origin != origin:
        raise Forbidden(f"{record_id} was published by {known.origin}, not {origin}")
    if known is not None and not newer:
        return "kept"
    tx.federation.keep_record(ReceivedRecord(record_id, origin, record_type[:80],
                                             json.dumps(record, ensure_ascii=False), activity_id, vouched_by, tx.now))
    return "recorded"


def _act(uow: UnitOfWork, tx: WriteTx, base: str, kind: str, activity: dict[str, Any], by: RemoteActor) -> str:
    target = _object_id(activity)
    if kind == "Follow":
        name = local_name(base, target or "")
        agent = tx.agents.get(name) if name is not None and name != NODE else None
        if name is None or (name != NODE and (agent is None or not is_actor(agent))):
            raise RuleViolation([Problem("object", "not_our_actor", f"{target} is not an actor of this node")])
        tx.federation.add_follower(Follow(name, by.id, str(activity["id"]), "accepted", tx.now))
        if tx.federation.setting(mark_key(name)) is None:  # its first follower: publish from here on
            head = tx.chain.head()
            tx.federation.set_setting(mark_key(name), str(head[0] if head else 0))
        me = actor_url(base, name)
        which = hashlib.sha256(str(activity["id"]).encode("utf-8")).hexdigest()[:32]
        accept = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{me}#accepts/follows/{which}",
                  "type": "Accept", "actor": me, "object": activity}
        deliveries.enqueue(tx, name, accept, [by.inbox])
        return "followed"
    inner = activity.get("object") if isinstance(activity.get("object"), dict) else {}
    assert isinstance(inner, dict)
    if kind == "Undo" and inner.get("type") == "Follow":
        name = local_name(base, _object_id(inner) or "")
        if name is not None:
            tx.federation.remove_follower(name, by.id)
        return "unfollowed"
    if kind == "Offer" and inner.get("type") == "EconomicEvent" and inner.get("action") in stewarding.USE_ACTIONS:
        return stewarding.offered_use(uow, tx, base, activity, by)
    if kind == "Offer" and inner.get("type") in ("Agreement", "Commitment"):
        return trading.offered(uow, tx, base, activity, by)
    if kind == "Create" and remote_fulfilments.is_fulfilment(inner):
        return remote_fulfilments.received(uow, tx, base, inner, by)
    if kind == "Update" and remote_fulfilments.is_fulfilment(inner):
        return remote_fulfilments.revised(uow, tx, base, inner, by)
    if kind == "Create" and stewarding.is_payment(inner):
        return stewarding.payment(uow, tx, base, inner, by)
    if kind in ("Create", "Update") and inner:
        return keep_published(tx, str(activity["id"]), inner, by.id, by.key_id)
    if kind in ("Accept", "Reject") and target is not None:
        ours = tx.federation.following_by_activity(target)
        if ours is not None and ours.other == by.id:
            tx.federation.follow(ours._replace(state="accepted" if kind == "Accept" else "rejected"))
            return "accepted" if kind == "Accept" else "rejected"
        answer = declarations.answered(tx, target, activity, by) or trading.answered(tx, base, target, activity, by)
        if answer is not None:
            return answer
    return "kept"
