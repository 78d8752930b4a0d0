"""People and memberships from the command line: `valueflows agent add`, `valueflows member add|end`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, JsonOption, app, day_of, fail, open_at, refused
from valueflows.domain.errors import LedgerError
from valueflows.domain.model import Membership
from valueflows.service import clock, node
from valueflows.store.engine import DEFAULT_URL

agent_app = typer.Typer(help="People and organizations.", no_args_is_help=True)
member_app = typer.Typer(help="Memberships of people in a co-op (what dividends and statements turn on).",
                         no_args_is_help=True)
app.add_typer(agent_app, name="agent")
app.add_typer(member_app, name="member")


@agent_app.command("add")
def agent_add(
    name: Annotated[str, typer.Argument(help="The agent's name.")],
    kind: Annotated[str, typer.Option("--type", help="person or organization.")] = "person",
    legal_form: Annotated[str | None, typer.Option(
        "--legal-form", help="An organization's: worker_coop, multi_stakeholder_coop, consumer_coop, nonprofit, "
                             "company or individual.")] = None,
    agent_id: Annotated[str | None, typer.Option("--id", help="Its id (by default from its name).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the record.")] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Add a person or an organization."""
    types = {"person": "Person", "organization": "Organization"}
    if kind.lower() not in types:
        raise fail(f"--type: {kind!r} is not person or organization")
    try:
        agent = node.add_agent(open_at(db), name, types[kind.lower()], legal_form, agent_id, note)
    except LedgerError as exc:
        raise refused(exc, options={"legalForm": "--legal-form", "id": "--id", "name": "NAME", "note": "--note"}
                      ) from None
    if as_json:
        typer.echo(json.dumps({"id": agent.id, "name": agent.name, "type": agent.type.value}))
    else:
        typer.echo(f"added {agent.name} ({agent.id}, {kind.lower()})")


PersonArgument = Annotated[str, typer.Argument(help="The person's id.")]
OrganizationOption = Annotated[str, typer.Option("--org", metavar="ID", help="The organization's id.")]


def _membership(m: Membership) -> dict[str, str | None]:
    """A membership as `--json` says it, whichever command wrote it."""
    return {"id": m.id, "member": m.member, "organization": m.organization, "since": m.since.isoformat(),
            "until": m.until.isoformat() if m.until else None}


@member_app.command("add")
def member_add(
    member: PersonArgument,
    org: OrganizationOption,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="First day (today by default).")
                     ] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Make a person a member of an organization from a day."""
    first = day_of(since, "--since") if since is not None else clock.today()
    try:
        m = node.add_member(open_at(db), member, org, first)
    except LedgerError as exc:
        raise refused(exc, options={"member": "MEMBER", "organization": "--org", "since": "--since"}) from None
    if as_json:
        typer.echo(json.dumps(_membership(m)))
    else:
        typer.echo(f"{m.member} is a member of {m.organization} since {m.since.isoformat()} (membership {m.id})")


@member_app.command("end")
def member_end(
    member: PersonArgument,
    org: OrganizationOption,
    until: Annotated[str | None, typer.Option(
        "--until", metavar="DATE", help="The last day the membership counts (today by default).")] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """End a person's membership of an organization on a day (the last day it counts)."""
    last = day_of(until, "--until") if until is not None else clock.today()
    try:
        m = node.end_member(open_at(db), member, org, last)
    except LedgerError as exc:
        raise refused(exc, options={"until": "--until"}) from None
    if as_json:
        typer.echo(json.dumps(_membership(m)))
    else:
        typer.echo(f"{m.member}'s membership of {m.organization} ends on {last.isoformat()}")
