"""The contribution report: who contributed what in a period."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import typer

from valueflows.cli.app import (
    CsvOption,
    DbOption,
    FromOption,
    JsonOption,
    ToOption,
    app,
    console,
    day_of,
    fail,
    new_table,
    open_at,
    refused,
    write_csv,
)
from valueflows.domain.currencies import amount_text
from valueflows.domain.errors import LedgerError
from valueflows.domain.quantities import canonical
from valueflows.service import dividends
from valueflows.service.dividend_views import contributions_csv, contributions_json
from valueflows.service.reports import ReportScope
from valueflows.service.reports import contributions as report_of
from valueflows.store.engine import DEFAULT_URL


@app.command()
def contributions(
    start: FromOption,
    end: ToOption,
    org: Annotated[str | None, typer.Option("--org", metavar="ID",
                                            help="Only flows this organization received (agent id).")] = None,
    resource: Annotated[str | None, typer.Option(
        "--resource", metavar="ID", help="Flows of this resource and inputs to every process behind it.")] = None,
    process: Annotated[str | None, typer.Option("--process", metavar="ID", help="Only inputs to this process.")] = None,
    equation: Annotated[str | None, typer.Option(
        "--equation", metavar="NAME", help="Also each contributor's points under this value equation.")] = None,
    csv_file: CsvOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Who contributed what in a period: hours (by kind of work), share of hours, other flows.

    Without --org, --resource or --process: what the only organization that has members received."""


    first, last = day_of(start, "--from"), day_of(end, "--to")
    if last == date.max:
        raise fail(f"--to: {last} is the last day a date can name; choose an earlier end")
    low = datetime.combine(first, time(0), UTC)
    high = datetime.combine(last + timedelta(days=1), time(0), UTC)
    uow = open_at(db)
    try:
        asked = ReportScope(low, high, receiver=org, process=process, resource=resource)
        report = report_of(uow, asked, equation)
    except LedgerError as exc:
        raise refused(exc) from None
    receiver = report.receiver
    names = dividends.agent_names(uow, [c.agent for c in report.contributors] + [x.agent for x in report.exchanges]
                                  + ([receiver] if receiver else []))
    if csv_file is not None:
        write_csv(csv_file, contributions_csv(report, names))
    if as_json:
        typer.echo(json.dumps(contributions_json(report, names)))
        return

    scope = [f"received by {names.get(receiver, receiver)}" if receiver else "",
             f"for resource {resource}" if resource else "", f"into process {process}" if process else ""]
    title = f"Contributions, {first}..{last}" + "".join(f", {s}" for s in scope if s)
    if not report.contributors:
        typer.echo(f"{title}: none")
        return
    columns = ["contributor", "hours", "share of\nhours", "hours by kind", "other contributions"] + (
        [f"points ({equation})"] if equation else [])
    table = new_table(title, columns, (1, 2, 5))
    for c in report.contributors:
        kinds = "\n".join(f"{k or 'unspecified'} {canonical(v)}" for k, v in c.hours_by_kind.items())
        other = "\n".join(f"{o.action}{f' of {o.kind}' if o.kind else ''} {amount_text(o.quantity, o.unit)} {o.unit}"
                          for o in c.other)
        points = [canonical(c.points)] if equation and c.points is not None else ([""] if equation else [])
        table.add_row(names.get(c.agent, c.agent), canonical(c.hours), canonical(c.share), kinds, other, *points)
    table.add_section()
    table.add_row("total", canonical(report.total_hours), "", "", "", *([""] if equation else []))
    console().print(table)
    for u in report.unconverted_effort:
        typer.echo(f"work not in time units (not in the hours): {canonical(u.quantity)} {u.unit}")
    if report.processes:
        typer.echo(f"processes behind {resource}: {', '.join(report.processes)}")
    for cycle in report.cycles:
        typer.echo(f"cycle met on the way back: {' -> '.join(cycle)}")
    if report.exchanges:
        typer.echo("exchanges, not contributions (flows agreed in or realizing an agreement: sales, licences):")
        for x in report.exchanges:
            kind = f" of {x.kind}" if x.kind else ""
            amount = f"{amount_text(x.quantity, x.unit)} {x.unit}"
            typer.echo(f"  - {names.get(x.agent, x.agent)}: {x.action}{kind}, {amount}")
