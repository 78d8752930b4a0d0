"""Linked data: export the ledger (and, later, import one)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, _fail, _open, app
from valueflows.store.engine import DEFAULT_URL

DEFAULT_BASE = "http://127.0.0.1:8000"


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", help="jsonld, turtle or nt (N-Triples).")] = "jsonld",
    since: Annotated[str | None, typer.Option(
        "--since", metavar="DATE-TIME", help="Only events from then on (ISO 8601 with a time zone, or a date).",
    )] = None,
    base: Annotated[str, typer.Option(
        "--base", help="The base URL records' IRIs are under (the server's address).")] = DEFAULT_BASE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of to stdout.")] = None,
    db: DbOption = DEFAULT_URL,
) -> None:
    """Write the whole ledger (or a period of it) as linked data, streamed: memory stays flat."""
    from datetime import UTC, date, datetime

    from valueflows.service.linked import FORMATS, export

    if fmt not in FORMATS:
        raise _fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if not base.startswith(("http://", "https://")):
        raise _fail(f"--base: {base!r} is not an http(s) URL")
    start = None
    if since is not None:
        try:
            start = (datetime.fromisoformat(since.replace("Z", "+00:00")) if "T" in since
                     else datetime.combine(date.fromisoformat(since), datetime.min.time(), UTC))
        except ValueError:
            raise _fail(f"--since: {since!r} is not an ISO 8601 date or date-time") from None
        if start.utcoffset() is None:
            raise _fail("--since: a date-time needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    uow = _open(db)
    target = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for chunk in export(uow, fmt, base, start):
            target.write(chunk)
    except OSError as exc:
        raise _fail(f"cannot write: {exc.strerror or exc}") from None
    finally:
        if output:
            target.close()
