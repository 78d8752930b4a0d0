"""Linked data: export the ledger (and, later, import one)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, app, fail, open_at, progress_bar, refused
from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.domain.instants import parse_instant
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
            start = parse_instant(since, "--since")
        except RuleViolation as exc:
            raise refused(exc) from None
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
    base: Annotated[str, typer.Option(
        "--base", help="The server the file was exported from: a JSON-LD @context of {base}/context.jsonld is read "
                       "as the ledger's context.")] = DEFAULT_BASE,
    db: DbOption = DEFAULT_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Import a ledger file whole or not at all (every record through the ledger's rules); again is a no-op."""
    extensions = {".jsonld": "jsonld", ".json": "jsonld", ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt"}
    chosen = fmt or extensions.get(file.suffix.lower())
    if chosen not in FORMATS:
        raise fail(f"--format: {file.name} does not end in .jsonld, .json, .ttl, .turtle or .nt; say which format "
                   f"it is in (jsonld, turtle or nt)")
    if not file.is_file():
        raise fail(f"cannot read {file}: no such file")
    uow = open_at(db, create=True)  # importing an export into a new ledger restores it
    with progress_bar(as_json) as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done + 1, total=total)

        try:
            if chosen == "nt":  # streamed, record by record: flat memory however large the file
                with file.open(encoding="utf-8") as lines:
                    result = import_stream(uow, lines, lambda n: progress.update(task, completed=n))
            else:
                result = import_data(uow, file.read_text(encoding="utf-8"), chosen, step, (base,))
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
