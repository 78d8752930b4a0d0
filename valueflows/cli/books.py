"""Closing an organization's books: `close`, and `closed` to list its closed periods."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, JsonOption, KeyOption, NoteOption, app, day_of, open_at, refused
from valueflows.domain.errors import LedgerError
from valueflows.domain.periods import closed_by_books
from valueflows.service import books
from valueflows.store.engine import DEFAULT_URL

OrgRequired = Annotated[str, typer.Option("--org", metavar="ID", help="The organization (agent id).")]


@app.command()
def close(
    org: OrgRequired,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="Last day to close, included (YYYY-MM-DD).")],
    note: NoteOption = None,
    key: KeyOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Close an organization's books through a day that is over: events on or before it, and corrections of them,
    are refused from then on; what was missed is recorded as a prior-period adjustment. (A committed dividend run
    closes its own period.)"""
    through = day_of(to, "--to")
    uow = open_at(db)
    try:
        done = books.close_books(uow, books.CloseRequest(org, through, note), key)
    except LedgerError as exc:
        raise refused(exc) from None
    period = closed_by_books(done.record)
    if as_json:
        typer.echo(json.dumps({"organization": period.organization, "start": None, "end": period.end.isoformat(),
                               "closedBy": period.by, "replayed": done.replayed}))
        return
    typer.echo(("already closed (same key): " if done.replayed else "closed: ") + f"{org} {period}")


@app.command()
def closed(org: OrgRequired, db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """An organization's closed periods: by its dividend runs in force and by `close`."""
    uow = open_at(db)
    try:
        periods = books.closed_periods_of(uow, org)
    except LedgerError as exc:
        raise refused(exc) from None
    if as_json:
        typer.echo(json.dumps([{"organization": p.organization, "start": p.start.isoformat() if p.start else None,
                                "end": p.end.isoformat(), "closedBy": p.by} for p in periods]))
        return
    if not periods:
        typer.echo(f"{org}: no closed period")
    for p in periods:
        typer.echo(f"{org}: {p}")
