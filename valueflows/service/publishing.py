"""Publishing to followers: each public record that concerns one of our actors, recorded after it was first
followed, is queued as an activity to every follower (once per inbox: a node's shared inbox when it has one).

How far each actor has published is kept beside the queue (`published:<actor>`), moved in the same transaction
as the deliveries it queued, so a record is queued once even if the server stops mid-round. Records from before
an actor's first follower are not pushed: its outbox has them, newest first, for whoever wants the history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from valueflows.domain import access
from valueflows.service import deliveries
from valueflows.service.federation import Actor, OutboxItem, actor, public_item, warm
from valueflows.service.reading import Reading
from valueflows.store.ports import UnitOfWork

BATCH = 50
Build = Callable[[Actor, OutboxItem, str], dict[str, Any]]  # an activity's document (federation.documents)


def mark_key(name: str) -> str:
    return f"published:{name}"


def publish_new(uow: UnitOfWork, base: str, build: Build) -> int:
    """Queue what each followed actor published since last time (at most `BATCH` records an actor a round); how
    many activities were queued."""
    access.require_admin(uow.principal, "publishing to followers")
    public = Reading(uow.acting_as(access.ANONYMOUS))
    with uow.read() as tx:
        followed = {name: tx.federation.followers(name) for name in tx.actor_keys.actors()}
        marks = {name: tx.federation.setting(mark_key(name)) for name in followed}
    queued = 0
    for name, follows in followed.items():
        mark = marks[name]
        if not follows or mark is None:
            continue
        me = actor(uow, name)
        with uow.read() as tx:
            found = tx.chain.published(None if name == "node" else name, None, BATCH, after=int(mark))
            inboxes = []
            for f in follows:
                remote = tx.federation.remote_actor(f.other)
                if remote is not None:
                    inboxes.append(remote.shared_inbox or remote.inbox)
        if not found:
            continue
        warm(public, found)
        agent = None if name == "node" else name
        activities = [build(me, item, base) for item in (public_item(public, p, agent) for p in found)
                      if item is not None]
        with uow.write() as tx:
            if tx.federation.setting(mark_key(name)) != mark:
                continue  # another worker published these meanwhile
            for activity in activities:
                queued += deliveries.enqueue(tx, name, activity, inboxes)
            tx.federation.set_setting(mark_key(name), str(found[-1].seq))
    return queued
