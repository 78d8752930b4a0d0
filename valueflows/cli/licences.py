"""Licences: list them, show one, check a use against one; obligations owed under them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from valueflows.cli.app import DbOption, JsonOption, app, day_of, fail, open_at, refused
from valueflows.domain.currencies import amount_text, money_text
from valueflows.domain.errors import LedgerError
from valueflows.domain.quantities import canonical
from valueflows.reciprocity.decide import Owed
from valueflows.reciprocity.facts import facts_from_json
from valueflows.reciprocity.policy import local
from valueflows.reciprocity.words import duty_words, fact_words, summary
from valueflows.service import clock
from valueflows.service.licences import check, policies, policy
from valueflows.service.obligations import ObligationView, obligations
from valueflows.store.engine import DEFAULT_URL

licence_app = typer.Typer(help="Licences as ODRL policies, and decisions on them.", no_args_is_help=True)
app.add_typer(licence_app, name="licence")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):

        return canonical(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@licence_app.command("list")
def licence_list(as_json: JsonOption = False) -> None:
    """Every licence the ledger knows."""
    found = policies()
    if as_json:
        typer.echo(json.dumps([{"id": p.id, "title": p.title, "source": p.source} for p in found.values()],
                              indent=2))
        return
    for p in found.values():
        typer.echo(f"{p.id:32} {p.title}")


@licence_app.command("show")
def licence_show(licence: Annotated[str, typer.Argument(help="SPDX id or LicenseRef-…")],
                 as_json: JsonOption = False) -> None:
    """What a licence allows, forbids and requires, clause by clause."""
    try:
        p = policy(licence)
    except LedgerError as exc:
        raise refused(exc) from None
    if as_json:
        typer.echo(json.dumps(p.document, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{p.title} ({p.id})\n{p.source}\n\n{p.summary}\n")
    for name, value in p.parameters.items():
        typer.echo(f"  {name}: {value}")
    for r in p.rules:
        actions = ", ".join(sorted(local(a) for a in r.actions))
        typer.echo(f"\n{r.kind} [{r.clause}] {actions}\n  {r.text}")
        for d in r.duties:
            typer.echo(f"  duty ({local(d.action)}): {d.text}")


@licence_app.command("check")
def licence_check(
    licence: Annotated[str, typer.Option("--licence", help="SPDX id or LicenseRef-…")],
    facts_file: Annotated[Path, typer.Option("--facts", metavar="FILE.json", help="The facts (keys: see README).")],
    as_json: JsonOption = False,
) -> None:
    """May someone with these facts make this use? Exit 0 if permitted, 3 if not, 4 if it needs more facts."""
    try:
        data = json.loads(facts_file.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise fail(f"cannot read {facts_file}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise fail(f"{facts_file} is not JSON: {exc}") from None
    try:
        found = policy(licence)
    except LedgerError as exc:
        raise fail(f"--licence: {exc} (see `valueflows licence list`)") from None
    try:
        decision = check(found.id, facts_from_json(_decimals_as_text(data)))
    except LedgerError as exc:
        raise refused(exc, f"{facts_file}: ") from None
    if as_json:
        typer.echo(json.dumps({
            "licence": decision.licence, "use": decision.use, "permitted": decision.permitted,
            "answer": decision.answer, "summary": summary(decision), "missing": decision.missing,
            "reasons": [vars(r) for r in decision.reasons],
            "duties": [_duty_json(d) | {"words": duty_words(d)} for d in decision.duties],
        }, indent=2, ensure_ascii=False))
    else:
        typer.echo(f"{decision.answer.upper()}: {summary(decision)}")
        for r in decision.reasons:
            facts = f" ({'; '.join(r.facts)})" if r.facts else ""
            typer.echo(f"  {r.outcome:15} {r.clause}{facts}")
        for m in decision.missing:
            typer.echo(f"  needs: {m}: {fact_words(m)}")
    raise typer.Exit(0 if decision.permitted else (4 if decision.permitted is None else 3))


def _duty_json(d: Owed) -> dict[str, Any]:
    """A duty as JSON, with the names GraphQL's LicenceDuty gives it; money with its currency's decimals."""
    def cash(value: Decimal | None) -> str | None:
        return None if value is None else money_text(value, d.currency) if d.currency else canonical(value)

    return {"action": d.action, "text": d.text, "applies": d.applies, "amount": cash(d.amount),
            "currency": d.currency, "due": _plain(d.due), "periodStart": _plain(d.period[0]) if d.period else None,
            "periodEnd": _plain(d.period[1]) if d.period else None, "workRate": cash(d.work_rate),
            "hours": _plain(d.hours), "minimumApplied": d.minimum_applied, "missing": list(d.missing)}


def _obligation_json(o: ObligationView) -> dict[str, Any]:
    unit = o.owed.unit or ""
    return {"claim": o.owed.id, "user": o.owed.provider, "steward": o.owed.receiver, "licence": o.owed.licence,
            "resource": o.owed.about_resource, "due": o.status.due.isoformat(),
            "amount": amount_text(o.status.amount, unit), "settled": amount_text(o.status.settled, unit),
            "outstanding": amount_text(o.status.outstanding, unit), "status": o.status.state,
            "currency": unit or None}


def _decimals_as_text(data: Any) -> Any:
    """JSON numbers were read as Decimal: hand them on as decimal text (integers stay integers)."""
    if isinstance(data, dict):
        return {k: _decimals_as_text(v) for k, v in data.items()}
    if isinstance(data, Decimal):
        return str(data)
    return data


@app.command("obligations")
def obligations_command(
    agent: Annotated[str | None, typer.Option("--agent", help="What this user owes.")] = None,
    steward: Annotated[str | None, typer.Option("--steward", help="What is owed to this steward.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Status on this day (today).")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only those not fulfilled.")] = False,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Obligations under copyfair licences, with their status (pending, fulfilled, overdue) on a day."""
    if agent is None and steward is None:
        raise fail("obligations needs --agent ID (what a user owes) or --steward ID (what is owed to a steward)")
    day = day_of(as_of, "--as-of") if as_of else clock.today()
    uow = open_at(db)
    try:
        found = obligations(uow, day, agent, steward, open_only)
    except LedgerError as exc:
        raise refused(exc) from None
    rows = [_obligation_json(o) for o in found]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo(f"no obligations as of {day}")
    for r in rows:
        typer.echo(f"{r['due']}  {r['status']:9} {r['user']} owes {r['steward']} {r['outstanding']} of "
                   f"{r['amount']} {r['currency']} ({r['licence']}, {r['resource']})")
