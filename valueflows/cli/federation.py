"""Federation from the command line: follow another node's actor, list followers, see the delivery queue, choose
which nodes may deliver."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, JsonOption, app, console, fail, new_table, open_at, refused
from valueflows.domain.errors import LedgerError
from valueflows.service import deliveries, federation, following, inbox
from valueflows.store.engine import DEFAULT_URL
from valueflows.store.ports import UnitOfWork

federation_app = typer.Typer(help="ActivityPub: the delivery queue, and which nodes may deliver.",
                             no_args_is_help=True)
app.add_typer(federation_app, name="federation")

AsOption = Annotated[str, typer.Option("--as", metavar="ACTOR", help="Which of this node's actors: `node` (the "
                                                                    "default) or an organization's id.")]


@app.command()
def follow(
    account: Annotated[str, typer.Argument(help="name@host (WebFinger) or the URL of another node's actor.")],
    by: AsOption = federation.NODE,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Ask to follow another node's actor (a Follow, delivered by the running server); followed once it accepts."""
    from valueflows.federation.client import HttpPeers  # deferred: only this command talks to other nodes

    uow = open_at(db)
    try:
        asked = following.follow(uow, HttpPeers(), federation.public_url(uow), account, by)
    except LedgerError as exc:
        raise refused(exc, options={"account": "ACCOUNT", "actor": "--as"}) from None
    f = asked.follow
    if as_json:
        typer.echo(json.dumps({"actor": f.actor, "follows": f.other, "state": f.state, "activity": f.follow_id,
                               "queued": asked.queued}))
        return
    typer.echo(f"{f.actor} asked to follow {f.other} ({f.state})" if asked.queued else
               f"{f.actor} already follows {f.other} ({f.state})")


@app.command()
def followers(by: AsOption = federation.NODE, db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """Who follows one of this node's actors (and whom it follows)."""
    uow = open_at(db)
    try:
        found = following.followers(uow, by)
        follows = following.following(uow, by)
    except LedgerError as exc:
        raise refused(exc, options={"actor": "--as"}) from None
    if as_json:
        typer.echo(json.dumps({"followers": [{"actor": f.other, "since": f.since.isoformat()} for f in found],
                               "following": [{"actor": f.other, "state": f.state, "since": f.since.isoformat(),
                                              "activity": f.follow_id} for f in follows]}))
        return
    table = new_table(f"{by}: followers and following", ["", "actor", "state", "since"])
    for f in found:
        table.add_row("follower", f.other, "accepted", f.since.isoformat(timespec="seconds"))
    for f in follows:
        table.add_row("following", f.other, f.state, f.since.isoformat(timespec="seconds"))
    console().print(table)


@federation_app.command("actor")
def actor_command(
    person: Annotated[str, typer.Argument(help="The person's id.")],
    stop: Annotated[bool, typer.Option("--stop", help="Stop being an actor (the outbox goes away).")] = False,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """A person chooses to be an ActivityPub actor of this node (publishing what anyone may see of its records)."""
    uow = open_at(db)
    try:
        name = federation.publish_as_actor(uow, person, not stop)
    except LedgerError as exc:
        raise refused(exc, options={"person": "PERSON"}) from None
    url = None if name is None else federation.actor_url(_base(uow), name)  # a path until the node has served
    if as_json:
        typer.echo(json.dumps({"person": person, "actor": url}))
    elif url is None:
        typer.echo(f"{person} is not an actor of this node any more")
    else:
        typer.echo(f"{person} is an actor of this node: {url}")


def _base(uow: UnitOfWork) -> str:
    try:
        return federation.public_url(uow)
    except LedgerError:
        return ""


@federation_app.command("status")
def status(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """The delivery queue (queued, delivered, failed, the newest with their last error) and this node's peers."""
    uow = open_at(db)
    found = deliveries.status(uow)
    if as_json:
        typer.echo(json.dumps({
            "queued": found.queued, "delivered": found.delivered, "failed": found.failed,
            "followers": found.followers, "following": found.following,
            "recent": [{"activity": d.activity_id, "inbox": d.inbox, "attempts": d.attempts,
                        "state": "delivered" if d.delivered_at else "failed" if d.failed_at else "queued",
                        "nextAt": d.next_at.isoformat(), "lastError": d.last_error} for d in found.recent]}))
        return
    typer.echo(f"deliveries: {found.queued} queued, {found.delivered} delivered, {found.failed} failed; "
               f"{found.followers} followers, following {found.following}")
    for d in found.recent:
        state = "delivered" if d.delivered_at else "failed" if d.failed_at else f"queued (next {d.next_at:%H:%M:%S})"
        typer.echo(f"  {state}: {d.activity_id} -> {d.inbox} ({d.attempts} attempts)"
                   + (f": {d.last_error}" if d.last_error and not d.delivered_at else ""))


def _hosts(raw: str | None) -> list[str] | None:
    return [h.strip() for h in raw.split(",") if h.strip()] if raw is not None else None


@federation_app.command("hosts")
def hosts(
    allow: Annotated[str | None, typer.Option(help="Only these nodes may deliver (comma-separated hosts; '' for "
                                                   "any).")] = None,
    block: Annotated[str | None, typer.Option(help="These nodes may not deliver (comma-separated hosts).")] = None,
    db: DbOption = DEFAULT_URL,
) -> None:
    """Choose which nodes' deliveries the inboxes take."""
    if allow is None and block is None:
        raise fail("federation hosts needs --allow HOSTS or --block HOSTS")
    inbox.set_hosts(open_at(db), _hosts(allow), _hosts(block))
    typer.echo("hosts saved")


@federation_app.command("received")
def received(
    origin: Annotated[str | None, typer.Option(help="Only what this actor (its URL) published.")] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Records other nodes published to this one (from the actors it follows), the newest first."""
    found = following.received(open_at(db), origin)
    if as_json:
        typer.echo(json.dumps([{"id": r.id, "type": r.type, "origin": r.origin, "activity": r.activity_id,
                                "keyId": r.key_id, "receivedAt": r.received_at.isoformat(),
                                "record": json.loads(r.document)} for r in found]))
        return
    for r in found:
        typer.echo(f"{r.received_at:%Y-%m-%d %H:%M} {r.type} {r.id} (from {r.origin})")
