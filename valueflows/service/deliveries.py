"""The outbox queue: activities waiting to reach other nodes' inboxes, kept in the store so a restart loses none.

Each (activity, inbox) is queued once. A delivery is tried when due; a 2xx answer delivers it; a refusal that
retrying cannot change (4xx other than 408 and 429) fails it at once; anything else (the peer down, 5xx, a
timeout) is tried again later, each wait longer (`BACKOFF`), and fails after the last. The receiving inbox
ignores an activity it already has, so a delivery tried twice (a worker killed between sending and noting it)
still counts once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from valueflows.domain import access
from valueflows.service.federation import PeerError, Peers, Signer, actor_url
from valueflows.store.ports import Delivery, UnitOfWork, WriteTx

BACKOFF = (timedelta(seconds=2), timedelta(seconds=10), timedelta(seconds=30), timedelta(minutes=2),
           timedelta(minutes=10), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=3),
           timedelta(hours=8), timedelta(hours=24))
MAX_ATTEMPTS = len(BACKOFF) + 1


def enqueue(tx: WriteTx, actor: str, activity: dict[str, Any], inboxes: Iterable[str]) -> int:
    """Queue `activity` (signed by our `actor`) for each inbox, once each, within the caller's transaction; how
    many were new."""
    body = json.dumps(activity, ensure_ascii=False, separators=(",", ":"))
    added = 0
    for inbox in dict.fromkeys(inboxes):
        added += tx.federation.enqueue(Delivery(uuid.uuid4().hex, str(activity["id"]), actor, inbox, body, 0,
                                                tx.now, tx.now))
    return added


@dataclass(frozen=True)
class Round:
    delivered: int
    retried: int
    failed: int


def _permanent(status: int) -> bool:
    return 400 <= status < 500 and status not in (408, 429)


def deliver_due(uow: UnitOfWork, peers: Peers, base: str, now: datetime | None = None, limit: int = 20) -> Round:
    """Try every delivery that is due (at most `limit`), each outcome noted as soon as it is known."""
    access.require_admin(uow.principal, "delivering activities")
    now = now or datetime.now(UTC)
    with uow.read() as tx:
        due = tx.federation.due(now, limit)
        keys = {d.actor: tx.actor_keys.get(d.actor) for d in due}
    delivered = retried = failed = 0
    for d in due:
        key = keys[d.actor]
        error: str
        if key is None:
            status, error = 0, f"no key for {d.actor}"
        else:
            try:
                status = peers.post(d.inbox, d.body.encode("utf-8"),
                                    Signer(actor_url(base, d.actor) + "#main-key", key.private_pem))
                error = f"{d.inbox} answered {status}"
            except PeerError as exc:
                status, error = 0, str(exc)
        attempts = d.attempts + 1
        with uow.write() as tx:
            if 200 <= status < 300:
                tx.federation.delivered(d.id, tx.now)
                delivered += 1
            elif _permanent(status) or attempts >= MAX_ATTEMPTS or key is None:
                tx.federation.failed(d.id, attempts, tx.now, error)
                failed += 1
            else:
                tx.federation.retry(d.id, attempts, now + BACKOFF[attempts - 1], error)
                retried += 1
    return Round(delivered, retried, failed)


@dataclass(frozen=True)
class Status:
    queued: int
    delivered: int
    failed: int
    recent: list[Delivery]  # the newest deliveries, newest first
    followers: int
    following: int


def status(uow: UnitOfWork) -> Status:
    """The queue, its failures and this node's peers: for its operator."""
    access.require_admin(uow.principal, "the federation status")
    with uow.read() as tx:
        counts = tx.federation.count_deliveries()
        recent = tx.federation.deliveries(20)
        names = tx.actor_keys.actors()
        followers = sum(len(tx.federation.followers(n)) for n in names)
        following = len(tx.federation.following())
    return Status(counts["queued"], counts["delivered"], counts["failed"], recent, followers, following)
