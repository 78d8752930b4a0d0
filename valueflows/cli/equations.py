"""Value equations: add a version from a file, list them."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from valueflows.accounting.equations import ValueEquation, equation_from_json, equation_to_json
from valueflows.cli.app import (
    DbOption,
    JsonOption,
    NoteOption,
    app,
    fail,
    open_at,
    refused,
)
from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.domain.quantities import canonical
from valueflows.service import equations
from valueflows.store.engine import DEFAULT_URL


def _equation_row(e: ValueEquation) -> dict[str, Any]:

    return {"id": e.id, "name": e.name, "version": e.version, "note": e.note, "buckets": equation_to_json(e.buckets)}


@app.command("equation-add")
def equation_add(
    name: Annotated[str, typer.Argument(help="The equation's name; an existing name gets a new version.")],
    file: Annotated[Path, typer.Argument(help="JSON file: a list of buckets (name, percent, of, rules).")],
    note: NoteOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Add a value equation (or a new version of NAME) from a JSON file of buckets."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text, parse_float=Decimal)  # "0.1" stays exactly 0.1
    except json.JSONDecodeError as exc:
        raise fail(f"{file} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    try:
        buckets = equation_from_json(data)
    except RuleViolation as exc:
        raise refused(exc, f"{file}: ") from None
    try:
        created = equations.create_equation(open_at(db), name, buckets, note).record
    except RuleViolation as exc:  # the name is the argument NAME; everything else is in the file
        raise refused(RuleViolation([replace(p, field="NAME") if p.field == "name" else p for p in exc.problems]),
                       f"{file}: ") from None
    except LedgerError as exc:
        raise refused(exc) from None
    if as_json:
        typer.echo(json.dumps(_equation_row(created)))
    else:
        typer.echo(f"equation {created.name} version {created.version}: {created.id}")


@app.command("equation-list")
def equation_list(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """List value equations, every version, with their buckets and rules."""
    found = equations.list_equations(open_at(db))
    if as_json:
        typer.echo(json.dumps([_equation_row(e) for e in found]))
        return
    if not found:
        typer.echo("no value equations (runs without --equation divide by hours worked)")
    for e in found:
        typer.echo(f"{e.name} version {e.version}  {e.id}" + (f"  ({e.note})" if e.note else ""))
        for bucket in e.buckets:
            rules = "; ".join(r.label() for r in bucket.rules)
            typer.echo(f"  {bucket.name}: {canonical(bucket.percent)}% of {bucket.of}: {rules}")
