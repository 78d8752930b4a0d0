"""Planning from the command line: `plan-from-recipe` makes a plan for N units of a specification from its recipe."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from valueflows.cli.app import DbOption, JsonOption, KeyOption, NoteOption, app, open_at, refused
from valueflows.domain.chain import plain
from valueflows.domain.errors import LedgerError
from valueflows.domain.instants import parse_instant
from valueflows.domain.recipes import PlanRequest
from valueflows.service import recipes
from valueflows.store.engine import DEFAULT_URL

OPTIONS = {f: f"--{f}" for f in ("output", "quantity", "due", "provider", "receiver", "name", "note")}


@app.command("plan-from-recipe")
def plan_from_recipe(
    output: Annotated[str, typer.Option("--output", metavar="SPEC", help="The resource specification to make.")],
    quantity: Annotated[str, typer.Option("--quantity", metavar="N", help="How many (decimal text).")],
    due: Annotated[str, typer.Option("--due", metavar="WHEN", help="When it is due (ISO 8601, or YYYY-MM-DD).")],
    provider: Annotated[str, typer.Option("--provider", metavar="ID", help="Who makes it (agent id).")],
    receiver: Annotated[str, typer.Option("--receiver", metavar="ID", help="Who receives it (agent id).")],
    name: Annotated[str | None, typer.Option("--name", metavar="TEXT", help="The plan's name.")] = None,
    note: NoteOption = None,
    key: KeyOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Plan N units of a specification from its recipe: a process per step and a commitment per flow, scaled to N
    and scheduled backwards from the due time, in one transaction (the operator acts as an admin)."""
    uow = open_at(db)
    try:
        when = parse_instant(due, "--due")
        made = recipes.plan(uow, PlanRequest(output, quantity, when, provider, receiver, name, note), key)
    except LedgerError as exc:
        raise refused(exc, options=OPTIONS) from None
    if made.made is None:
        typer.echo(json.dumps({"plan": made.plan_id, "replayed": True}) if as_json
                   else f"already planned (same key): plan {made.plan_id}")
        return
    plan, processes, commitments = made.made.plan, made.made.processes, made.made.commitments
    if as_json:
        typer.echo(json.dumps({
            "plan": plan.id, "name": plan.name, "due": plain(plan.due), "replayed": False,
            "processes": [{"id": p.id, "name": p.name, "hasBeginning": plain(p.has_beginning),
                           "hasEnd": plain(p.has_end)} for p in processes],
            "commitments": [{"id": c.id, "action": c.action, "resourceConformsTo": c.resource_conforms_to,
                             "quantity": plain(c.quantity), "inputOf": c.input_of, "outputOf": c.output_of,
                             "independentDemandOf": c.independent_demand_of, "due": plain(c.due)}
                            for c in commitments]}))
        return
    typer.echo(f"plan {plan.id}: {plan.name}, due {plain(plan.due)}")
    for p in processes:
        typer.echo(f"  process {p.name}: {plain(p.has_beginning)} → {plain(p.has_end)}")
        for c in commitments:
            if p.id in (c.input_of, c.output_of) and c.quantity is not None:
                side = "in " if c.input_of == p.id else "out"
                typer.echo(f"    {side} {c.action} {c.quantity.has_numerical_value:f} {c.quantity.has_unit} "
                           f"{c.resource_conforms_to}")
