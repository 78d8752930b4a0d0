"""Keeping a node safe: `valueflows backup FILE` and `valueflows restore FILE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, JsonOption, app, refused
from valueflows.domain.errors import LedgerError
from valueflows.service import backup as backups
from valueflows.store.engine import DEFAULT_URL


def _said(copied: backups.Copied, as_json: bool, done: str) -> None:
    if as_json:
        typer.echo(json.dumps({"file": str(copied.path), "records": copied.records, "head": copied.head}))
    else:
        typer.echo(f"{done}: {copied.records} chain records, head {copied.head or '(empty)'}")


@app.command("backup")
def backup_command(
    file: Annotated[Path, typer.Argument(help="A new file to write the backup to.")],
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Back the ledger up while it serves: SQLite's online backup, or pg_dump for PostgreSQL; the copy's chain is
    verified."""
    try:
        copied = backups.backup(db, file)
    except LedgerError as exc:
        raise refused(exc, options={"db": "--db", "FILE": "FILE"}) from None
    _said(copied, as_json, f"backed up to {file}")


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup from `valueflows backup`.")],
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup into an empty ledger (a new SQLite file, or a PostgreSQL database without one), once its
    whole hash chain verifies; a backup that does not verify is refused and nothing is written."""
    try:
        copied = backups.restore(file, db)
    except LedgerError as exc:
        raise refused(exc, options={"db": "--db", "FILE": "FILE"}) from None
    _said(copied, as_json, f"restored {file}")
