"""Dividends, value equations, member statements and contribution reports.

These commands work on the database directly, as the co-op's administrator does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import typer

from valueflows.cli.app import (
    CsvOption,
    DbOption,
    FromOption,
    JsonOption,
    KeyOption,
    NoteOption,
    OrgOption,
    ToOption,
    app,
    console,
    day_of,
    fail,
    money,
    new_table,
    number,
    open_at,
    refused,
    write_csv,
)
from valueflows.domain.chain import plain
from valueflows.domain.currencies import money_text
from valueflows.domain.errors import LedgerError
from valueflows.service import dividends
from valueflows.service.dividend_views import preview_json, run_csv, run_json, statement_json
from valueflows.service.dividends import CommittedRun, agent_names
from valueflows.store.engine import DEFAULT_URL
from valueflows.store.ports import UnitOfWork


def _named(uow: UnitOfWork, make: Callable[[dict[str, str]], dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """A run's view with the display names of its members, excluded contributors and organization."""
    bare = make({})
    ids = ([a["agent"] for a in bare["allocations"]] + [x["agent"] for x in bare["excluded"]]
           + [bare["organization"]])
    names = agent_names(uow, ids)
    return make(names), names


def _print_run(view: dict[str, Any], names: dict[str, str]) -> None:
    """The run (or preview) as the meeting sees it: members, then where every unit of the surplus went."""
    cur = view["currency"]
    org = names.get(view["organization"], view["organization"])
    if view["basis"] == "hours":
        basis = "hours worked"
    elif isinstance(view["equation"], dict):
        basis = f"equation {view['equation']['name']} v{view['equation']['version']}"
    else:
        basis = f"equation {view['equation']}"
    status = f"run {view['id']}" if view["committed"] else "preview, nothing written"
    title = f"Dividends of {org}, {view['from']}..{view['to']}, {basis} ({status})"
    table = new_table(title, ["member", "points", "share of\ndividend", f"dividend\n({cur})", "cash", "retained"],
                      range(1, 6))
    totals = [Decimal(0), Decimal(0), Decimal(0)]
    for a in view["allocations"]:
        table.add_row(a["name"], a["points"], a["shareOfDividend"], money(a["dividend"], cur), money(a["cash"], cur),
                      money(a["retained"], cur))
        for i, k in enumerate(("dividend", "cash", "retained")):
            totals[i] += Decimal(a[k])
    table.add_section()
    table.add_row("members", "", "", *(money(t, cur) for t in totals))
    console().print(table)
    width = max(len(money(view[k], cur)) for k in ("reserve", "distributed", "undistributed", "surplus"))
    typer.echo(f"reserve        {money(view['reserve'], cur):>{width}} {cur} (rate {view['reserveRate']})")
    typer.echo(f"distributed    {money(view['distributed'], cur):>{width}} {cur} (cash rate {view['cashRate']})")
    typer.echo(f"undistributed  {money(view['undistributed'], cur):>{width}} {cur}")
    for line in view["undistributedDetail"]:
        where = f"{line['bucket']}: " if line["bucket"] else ""
        typer.echo(f"  - {where}{line['reason']}: {line['amount']} {cur}")
    typer.echo(f"surplus        {money(view['surplus'], cur):>{width}} {cur}")
    if view["adjustments"]:
        typer.echo("adjustments for earlier periods (counted in this run):")
        for x in view["adjustments"]:
            kind = f" of {x['kind']}" if x["kind"] else ""
            typer.echo(f"  - {x['name']}: {x['action']}{kind}, {x['quantity']} {x['unit']} (about {x['priorPeriods']})")
    if view["excluded"]:
        typer.echo("not counted (contributed while not a member):")
        for x in view["excluded"]:
            kind = f" of {x['kind']}" if x["kind"] else ""
            events = f"{x['events']} event" + ("" if str(x["events"]) == "1" else "s")
            typer.echo(f"  - {x['name']}: {x['action']}{kind}, {x['quantity']} {x['unit']} ({events})")


@app.command("dividends")
def dividends_command(
    start: FromOption,
    end: ToOption,
    surplus: Annotated[str, typer.Option("--surplus", metavar="AMOUNT", help="The surplus to divide, e.g. 12000.00.")],
    currency: Annotated[str, typer.Option("--currency", metavar="CODE", help="Its currency, e.g. EUR.")],
    reserve: Annotated[str, typer.Option("--reserve", metavar="RATE",
                                         help="Rate kept as reserve, between 0 and 1, e.g. 0.25.")],
    cash: Annotated[str, typer.Option("--cash", metavar="RATE", help=(
        "Rate of each dividend paid in cash (the rest goes to the capital account), e.g. 0.5."))],
    equation: Annotated[str | None, typer.Option("--equation", metavar="NAME", help=(
        "Value equation (name: its newest version, or id); by default hours worked."))] = None,
    org: OrgOption = None,
    commit: Annotated[bool, typer.Option("--commit", help="Write the run; without it, a preview.")] = False,
    key: KeyOption = None,
    note: NoteOption = None,
    csv_file: CsvOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Preview the annual dividend, or write it with --commit --key KEY."""
    if commit and not key:
        raise fail("--commit needs --key KEY, an idempotency key: the same key again returns the first run")
    if key and not commit:
        raise fail("--key is only used with --commit (without --commit nothing is written)")
    rate = " (a rate is a decimal between 0 and 1, e.g. 0.25)"
    first, last, amount = day_of(start, "--from"), day_of(end, "--to"), number(surplus, "--surplus")
    reserve_rate, cash_rate = number(reserve, "--reserve", rate), number(cash, "--cash", rate)


    request = dividends.RunRequest(first, last, amount, currency.strip(), reserve_rate, cash_rate, equation, org, note)
    uow = open_at(db)
    committed: CommittedRun | None = None
    try:
        if commit:
            assert key is not None
            done = committed = dividends.commit(uow, request, key)
            view, names = _named(uow, lambda n: run_json(done, n))
        else:
            result = dividends.preview(uow, request)
            view, names = _named(uow, lambda n: preview_json(result, n))
    except LedgerError as exc:
        raise refused(exc) from None
    if csv_file is not None:
        write_csv(csv_file, run_csv(view))
    if as_json:
        if committed is not None:
            view["replayed"] = committed.replayed
        typer.echo(json.dumps(view))
        return
    _print_run(view, names)
    if committed is not None:
        typer.echo(f"already committed (same key): run {committed.run.id}" if committed.replayed
                   else f"committed: run {committed.run.id}")


@app.command("dividend-reverse")
def dividend_reverse(
    run_id: Annotated[str, typer.Argument(help="The run to cancel (see `dividend-runs`).")],
    key: KeyOption = None,
    note: NoteOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Cancel a committed run with a compensating run (every figure negated); the run itself never changes."""
    if not key:
        raise fail("dividend-reverse needs --key KEY, an idempotency key: the same key again returns the first "
                    "reversal")

    uow = open_at(db)
    try:
        done = dividends.reverse(uow, run_id, key, note)
        view, _names = _named(uow, lambda n: run_json(done, n))
    except LedgerError as exc:
        raise refused(exc) from None
    if as_json:
        view["replayed"] = done.replayed
        typer.echo(json.dumps(view))
    elif done.replayed:
        typer.echo(f"already reversed (same key): run {done.run.id} cancels run {run_id}")
    else:
        r = done.run
        typer.echo(f"reversed: run {r.id} cancels run {run_id} ({money(r.distributed, r.currency)} {r.currency} "
                   f"distributed, {len(done.claims)} claims)")


def _run_row(r: Any) -> dict[str, Any]:

    return {"id": r.id, "organization": r.organization, "from": r.period_start.isoformat(),
            "to": r.period_end.isoformat(), "currency": r.currency, "surplus": money_text(r.surplus, r.currency),
            "reserve": money_text(r.reserve, r.currency), "distributed": money_text(r.distributed, r.currency),
            "undistributed": money_text(r.undistributed, r.currency), "basis": r.basis, "equation": r.equation,
            "reverses": r.reverses, "createdAt": plain(r.created_at), "note": r.note}


@app.command("dividend-runs")
def dividend_runs(org: OrgOption = None, db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """List committed dividend runs and their reversals, oldest first."""
    rows = [_run_row(r) for r in dividends.runs(open_at(db), org)]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    if not rows:
        typer.echo("no dividend runs")
    for r in rows:  # one line each, ids whole: they are what `dividend-show` and `dividend-reverse` take
        cur = r["currency"]
        typer.echo(f"{r['id']}  {r['organization']}  {r['from']}..{r['to']}  surplus {money(r['surplus'], cur)} {cur}"
                   f"  distributed {money(r['distributed'], cur)} {cur}"
                   + (f"  reverses {r['reverses']}" if r["reverses"] else ""))


@app.command("dividend-show")
def dividend_show(
    run_id: Annotated[str, typer.Argument(help="The run (see `dividend-runs`).")],
    csv_file: CsvOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """A committed run: members, reserve, what stays undistributed, and what it read of the ledger."""
    uow = open_at(db)
    try:
        found = dividends.read_run(uow, run_id)
        view, names = _named(uow, lambda n: run_json(found, n))
    except LedgerError as exc:
        raise refused(exc) from None
    view["reversedBy"] = dividends.reversal_of(uow, run_id, found.run.organization)
    if csv_file is not None:
        write_csv(csv_file, run_csv(view))
    if as_json:
        typer.echo(json.dumps(view))
        return
    _print_run(view, names)
    if view["reverses"]:
        typer.echo(f"this run cancels run {view['reverses']}")
    if view["reversedBy"]:
        typer.echo(f"cancelled by run {view['reversedBy']}")
    typer.echo(f"read {view['eventsRead']} events (digest {view['eventsDigest']}) up to ledger record "
               f"#{view['ledgerSequence']} ({view['ledgerHash']})")


@app.command()
def statement(
    agent: Annotated[str, typer.Argument(help="The member (agent id).")],
    start: FromOption,
    end: ToOption,
    org: OrgOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """One member's period: hours, dividends (cash and retained) and capital account."""
    first, last = day_of(start, "--from"), day_of(end, "--to")

    uow = open_at(db)
    try:
        found = dividends.statement(uow, agent, first, last, org)
    except LedgerError as exc:
        raise refused(exc) from None
    view = statement_json(found)
    if as_json:
        typer.echo(json.dumps(view))
        return
    names = dividends.agent_names(uow, [agent, found.organization])
    cur = view["currency"]
    spans = ", ".join(f"since {m['since']}" + (f" until {m['until']}" if m["until"] else "")
                      for m in view["memberships"]) or "never"
    typer.echo(f"{names.get(agent, agent)} ({agent}) at {names.get(found.organization, found.organization)}, "
               f"{view['from']}..{view['to']}")
    typer.echo(f"member: {spans}")
    typer.echo(f"hours: {view['hours']} of {view['totalHours']} (share of hours {view['shareOfHours']})")
    for o in view["otherContributions"]:
        kind = f" of {o['kind']}" if o["kind"] else ""
        typer.echo(f"  also: {o['action']}{kind}, {o['quantity']} {o['unit']}")
    for x in view["adjustments"]:
        kind = f" of {x['kind']}" if x["kind"] else ""
        typer.echo(f"  adjustment for earlier periods ({x['priorPeriods']}): {x['action']}{kind}, "
                   f"{x['quantity']} {x['unit']}")
    if view["dividends"]:
        table = new_table(f"Dividends ({cur})", ["run", "dividend", "cash", "retained"], range(1, 4))
        table.columns[0].min_width = max(len(line["run"]) for line in view["dividends"])  # ids whole
        for line in view["dividends"]:
            table.add_row(line["run"], money(line["dividend"], cur), money(line["cash"], cur),
                          money(line["retained"], cur))
        table.add_section()
        table.add_row("total", money(view["dividend"], cur), money(view["cash"], cur), money(view["retained"], cur))
        console().print(table)
        for line in view["dividends"]:
            if line["reverses"]:
                typer.echo(f"run {line['run']} cancels run {line['reverses']}")
    else:
        typer.echo("no dividend runs for this period")
    typer.echo(f"capital account: {money(view['capitalAccount'], cur)} {cur}" if cur else
               "capital account: none yet (no dividend run)")
