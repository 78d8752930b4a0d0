"""Linked data: export the ledger (and, later, import one)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from valueflows.cli.app import DbOption, app, fail, open_at
from valueflows.domain.errors import LedgerError
from valueflows.service.linked import FORMATS, export, import_data, import_stream
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
    if fmt not in FORMATS:
        raise fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if not base.startswith(("http://", "https://")):
        raise fail(f"--base: {base!r} is not an http(s) URL")
    start = None
    if since is not None:
        try:
            start = (datetime.fromisoformat(since.replace("Z", "+00:00")) if "T" in since
                     else datetime.combine(date.fromisoformat(since), datetime.min.time(), UTC))
        except ValueError:
            raise fail(f"--since: {since!r} is not an ISO 8601 date or date-time") from None
        if start.utcoffset() is None:
            raise fail("--since: a date-time needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    uow = open_at(db)
    target = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for chunk in export(uow, fmt, base, start):
            target.write(chunk)
    except OSError as exc:
        raise fail(f"cannot write: {exc.strerror or exc}") from None
    finally:
        if output:
            target.close()


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A JSON-LD, Turtle or N-Triples file.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="jsonld, turtle or nt; by default from the file's extension.")] = None,
    db: DbOption = DEFAULT_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Import a ledger file whole or not at all (every record through the ledger's rules); again is a no-op."""
    extensions = {".jsonld": "jsonld", ".json": "jsonld", ".ttl": "turtle", ".nt": "nt"}
    chosen = fmt or extensions.get(file.suffix.lower())
    if chosen not in FORMATS:
        raise fail(f"--format: say which format {file.name} is in (jsonld, turtle or nt)")
    if not file.is_file():
        raise fail(f"cannot read {file}: no such file")
    uow = open_at(db)
    with Progress(transient=True, disable=as_json) as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done + 1, total=total)

        try:
            if chosen == "nt":  # streamed, record by record: flat memory however large the file
                with file.open(encoding="utf-8") as lines:
                    result = import_stream(uow, lines, lambda n: progress.update(task, completed=n))
            else:
                result = import_data(uow, file.read_text(encoding="utf-8"), chosen, step)
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise fail(f"{file} is not UTF-8 text") from None
        except LedgerError as exc:
            problems = getattr(exc, "problems", None)
            shown = "; ".join(str(p) for p in problems[:5]) if problems else str(exc)
            more = f" (and {len(problems) - 5} more)" if problems and len(problems) > 5 else ""
            raise fail(f"{file.name}: nothing imported: {shown}{more}") from None
    if as_json:
        typer.echo(json.dumps({"written": result.written, "unchanged": result.unchanged}))
        return
    written = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result.written.items()) or "nothing new"
    typer.echo(f"imported {file.name}: {written}; {result.unchanged} already there")
