"""Serving, the demo, tokens, the schema and `verify`."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from valueflows.cli.app import (
    DbOption,
    JsonOption,
    app,
    day_of,
    fail,
    missing_sqlite_file,
    open_at,
    progress_bar,
    refused,
)
from valueflows.domain.chain import plain
from valueflows.domain.errors import LedgerError
from valueflows.domain.model import AgentType, ContributionVisibility
from valueflows.service import clock, federation, node, queries, records
from valueflows.service.bootstrap import open_any
from valueflows.service.demo import demo_steps, seed_demo
from valueflows.service.queries import ledger_size
from valueflows.service.tokens import create_sign_in_link, create_token, list_tokens, revoke_token
from valueflows.service.verify import report_json
from valueflows.service.verify import verify as run_verify
from valueflows.store.engine import DEFAULT_URL


def _seed(uow, quiet: bool) -> int:  # type: ignore[no-untyped-def]


    with progress_bar(quiet) as progress:
        task = progress.add_task("Seeding the demo co-op", total=len(demo_steps()))
        return seed_demo(uow, lambda: progress.advance(task))



@app.command()
def serve(
    db: DbOption = DEFAULT_URL,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Seed the demo co-op first (idempotent).")] = False,
    graphiql_assets: Annotated[Path | None, typer.Option(
        help="Serve GraphiQL's scripts from this local copy (see `valueflows graphiql-assets`), not the CDN.")] = None,
    write_wait: Annotated[float, typer.Option(
        min=0.1, help="Seconds a write waits for the writers' lock before the client is told to try again.")] = 30.0,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="Server processes (more than one needs PostgreSQL).")] = 1,
    public_url: Annotated[str | None, typer.Option(
        "--public-url", metavar="URL", help="Where other nodes reach this one (federation), when not at "
        "http://HOST:PORT: e.g. https://atelier.example behind a proxy.")] = None,
) -> None:
    """Start the HTTP service (and the delivery of activities to other nodes)."""
    # deferred on purpose: the web stack (uvicorn, starlette, strawberry) takes half a second to load
    import uvicorn

    from valueflows.api.app import create_app

    if workers > 1 and not db.startswith("postgresql"):
        raise fail("--workers: more than one server process needs PostgreSQL (a SQLite ledger has one writer at a "
                   "time); use --workers 1, or --db postgresql+psycopg://…")
    uow = open_at(db, write_wait, create=True)
    if demo:
        written = _seed(uow, quiet=False)
        typer.echo(f"demo co-op ready ({written} new records)")
    url = public_url or f"http://{host}:{port}"
    if not url.startswith(("https://", "http://")):
        raise fail(f"--public-url {url!r}: give the URL other nodes reach this one at (https://…)")
    federation.set_public_url(uow, url)
    if graphiql_assets is not None and not graphiql_assets.is_dir():
        raise fail(f"no directory {graphiql_assets}")
    if workers > 1:  # each process opens the ledger itself (uvicorn starts them from the factory)
        os.environ.update({SERVE_DB: db, SERVE_WAIT: str(write_wait),
                           SERVE_ASSETS: str(graphiql_assets) if graphiql_assets else ""})  # each delivers too
        uvicorn.run("valueflows.cli.core:served_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info")
        return
    app = create_app(uow, graphiql_assets, deliver_every=DELIVER_EVERY)
    # What the server holds from start to stop (modules, both GraphQL schemas) is moved out of the collector's
    # reach: a full collection then scans only what requests make (one took ~70 ms at a page of 100 intents).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="info")


SERVE_DB, SERVE_WAIT, SERVE_ASSETS = "VALUEFLOWS_SERVE_DB", "VALUEFLOWS_SERVE_WRITE_WAIT", "VALUEFLOWS_SERVE_ASSETS"
DELIVER_EVERY = 1.0  # seconds between rounds of deliveries when the queue is empty


def served_app() -> Any:
    """The app of one of `serve --workers N`'s processes, from what `serve` put in the environment."""
    from valueflows.api.app import create_app

    assets = os.environ.get(SERVE_ASSETS) or None
    uow = open_any(os.environ[SERVE_DB], float(os.environ[SERVE_WAIT]))
    return create_app(uow, Path(assets) if assets else None, deliver_every=DELIVER_EVERY)


@app.command("graphiql-assets")
def graphiql_assets_command(directory: Annotated[Path, typer.Argument(help="Where to put them.")]) -> None:
    """Fetch GraphiQL's scripts with npm into DIRECTORY, for `serve --graphiql-assets` on a closed network."""
    from valueflows.api.graphiql import fetch_assets  # deferred: only this command needs the web stack

    directory.mkdir(parents=True, exist_ok=True)
    try:
        fetched = fetch_assets(directory)
    except (RuntimeError, OSError) as exc:
        raise fail(str(exc)) from None
    typer.echo(f"fetched {', '.join(fetched)} into {directory}")


@app.command()
def init(
    db: DbOption = DEFAULT_URL,
    org: Annotated[str | None, typer.Option(
        "--org", metavar="NAME", help="Start a co-op's node: its organization's name (the ledger must be empty).",
    )] = None,
    legal_form: Annotated[str, typer.Option(
        "--legal-form", help="worker_coop, multi_stakeholder_coop, consumer_coop, nonprofit, company or individual.",
    )] = "worker_coop",
    admin: Annotated[str | None, typer.Option(
        "--admin", metavar="NAME", help="With --org: the first member's name; an admin token is printed once.")] = None,
    org_id: Annotated[str | None, typer.Option("--org-id", help="The organization's id (by default from its name).")
                      ] = None,
    admin_id: Annotated[str | None, typer.Option("--admin-id", help="The first member's id (by default from the name).")
                        ] = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="DATE", help="With --org: the first member's first day (YYYY-MM-DD; today by default).")
                     ] = None,
    as_json: JsonOption = False,
) -> None:
    """Start a ledger at --db (creating the SQLite file), with the standard units, actions and roles. Running it
    on an existing ledger only brings its schema up to date. With --org and --admin, an empty ledger becomes a
    co-op's node: the organization, its first member and an admin token for them, all at once or nothing."""
    if (org is None) != (admin is None):
        raise fail("--org and --admin go together: the organization and its first member (an admin)")
    first_day = day_of(since, "--since") if since is not None else clock.today()
    missing = missing_sqlite_file(db)
    uow = open_at(db, create=True)
    started = None
    if org is not None and admin is not None:
        try:
            started = node.start(uow, org, legal_form, admin, first_day, org_id, admin_id)
        except LedgerError as exc:
            if missing is not None:  # the file this command made for a node it then refused: nothing is left
                engine = getattr(uow, "engine", None)  # a SQLite file: the SQL store
                if engine is not None:
                    engine.dispose()
                for path in (missing, *(missing.with_name(missing.name + s) for s in ("-wal", "-shm"))):
                    path.unlink(missing_ok=True)
            raise refused(exc, options={"org": "--org", "legalForm": "--legal-form", "name": "--org",
                                        "id": "--org-id"}) from None
    actors = federation.ensure_keys(uow)
    sizes = ledger_size(uow)
    if as_json:
        typer.echo(json.dumps({"created": missing is not None, "records": sizes, "newKeys": actors, **({
            "organization": started.organization.id, "admin": started.admin.id,
            "membership": started.membership.id, "token": started.secret} if started else {})}))
        return
    where = str(missing) if missing is not None else db
    typer.echo(f"{'new ledger' if missing is not None else 'ledger up to date'} at {where}: "
               f"{sum(sizes.values())} records")
    if started is not None:
        o, a = started.organization, started.admin
        typer.echo(f"{o.name} ({o.id}, {o.legal_form.value if o.legal_form else legal_form}): first member "
                   f"{a.name} ({a.id}) since {first_day.isoformat()}")
        typer.echo(f"admin token for {a.id} (shown once, keep it safe):")
        typer.echo(started.secret)
    if actors:
        typer.echo(f"federation keys (RSA-2048) made for: {', '.join(actors)}")


@app.command()
def demo(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """Seed a realistic open-hardware co-op: members, a company, designs under licences, work, uses, sales."""
    uow = open_at(db, create=True)
    try:
        written = _seed(uow, quiet=as_json)
    except LedgerError as exc:
        raise fail(str(exc)) from None
    sizes = ledger_size(uow)
    if as_json:
        typer.echo(json.dumps({"written": written, "records": sizes}))
    else:
        typer.echo(f"demo co-op ready: {written} new records; the ledger holds {sizes['economic_event']} events, "
                   f"{sizes['agent']} agents, {sizes['economic_resource']} resources")


token_app = typer.Typer(help="API tokens for the GraphQL door.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    agent: Annotated[str, typer.Option("--agent", help="The agent the token speaks for.")],
    scope: Annotated[str, typer.Option("--scope", help="read, write or admin.")],
    note: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    try:
        info, token = create_token(open_at(db), agent, scope, note)
    except LedgerError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps({"id": info.id, "agent": info.agent, "scope": info.scope.value, "token": token}))
    else:
        typer.echo(token)
        typer.echo(f"(token {info.id} for {info.agent}, scope {info.scope.value}: shown once, keep it safe)", err=True)


@app.command("login-link")
def login_link(
    agent: Annotated[str, typer.Option("--agent", metavar="ID", help="Who the link signs in.")],
    scope: Annotated[str, typer.Option("--scope", help="read, write or admin.")] = "write",
    base_url: Annotated[str, typer.Option("--base-url", help="The node's address as members reach it.")] =
        "http://127.0.0.1:8000",
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """A one-time sign-in link for a member's browser: valid 15 minutes, good once (send it to them)."""
    if not base_url.startswith(("http://", "https://")):
        raise fail(f"--base-url: {base_url!r} is not an http:// or https:// address")
    try:
        info, link, expires = create_sign_in_link(open_at(db), agent, scope)
    except LedgerError as exc:
        raise fail(str(exc)) from None
    url = f"{base_url.rstrip('/')}/session/link/{link}"
    if as_json:
        typer.echo(json.dumps({"id": info.id, "agent": info.agent, "scope": info.scope.value, "url": url,
                               "expiresAt": plain(expires)}))
    else:
        typer.echo(url)
        typer.echo(f"(sign-in link for {info.agent}, scope {info.scope.value}: good once, until "
                   f"{expires:%H:%M} UTC)", err=True)


@token_app.command("list")
def token_list(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """List tokens (never their secrets)."""
    rows = [{"id": t.id, "agent": t.agent, "scope": t.scope.value, "createdAt": plain(t.created_at),
             "revokedAt": plain(t.revoked_at) if t.revoked_at else None, "note": t.note}
            for t in list_tokens(open_at(db))]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for r in rows:
        typer.echo(f"{r['id']}  {r['agent']:<20} {r['scope']:<6} {'revoked' if r['revokedAt'] else 'active'}")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (from `token list`).")],
                 db: DbOption = DEFAULT_URL) -> None:
    """Revoke a token: it stops working at once."""
    try:
        revoke_token(open_at(db), token_id)
    except LedgerError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"revoked {token_id}")


@app.command()
def schema(
    api: Annotated[str, typer.Option(help="main: the API at /graphql (vf-graphql 0.9); 0.8: the legacy API at "
                                          "/graphql/0.8 (vf-graphql 0.8.5)")] = "main",
) -> None:
    """Print the GraphQL schema (SDL) an API of the server answers to."""
    from valueflows.api.gql.schema import sdl  # deferred: strawberry takes half a second to load
    from valueflows.api.gql.versions import APIS, MAIN

    version = MAIN if api == "main" else api
    if version not in APIS:
        raise fail(f"--api {api}: say main, {' or '.join(APIS)}")
    typer.echo(sdl(version), nl=False)


@app.command()
def verify(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """Recompute the hash chain; name the first record that does not match (exit 1)."""
    report = run_verify(open_at(db))
    first = report.first
    if as_json:
        typer.echo(json.dumps(report_json(report)))
    elif first is None:
        typer.echo(f"ok: {report.records} records, chain intact")
    else:
        typer.echo(f"FAILED at {first}", err=True)
        count = len(report.faults) + len(report.quantity_faults)
        if count > 1:
            typer.echo(f"({count - 1} more faults)", err=True)
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def visibility(
    organization: Annotated[str, typer.Argument(help="The organization's id.")],
    choice: Annotated[str | None, typer.Argument(
        help="`members` (its members and admins; the default) or `public` (everyone); leave out to see it.")] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Who sees what an organization's members did for it (hours of work, services, uses)."""
    uow = open_at(db)
    try:
        if choice is None:
            found = queries.get_record(uow, "agent", organization)
            if found.type is not AgentType.ORGANIZATION:
                raise fail(f"{organization!r} is a person: only an organization publishes contributions")
        else:
            if choice not in {v.value for v in ContributionVisibility}:
                raise fail(f"the visibility is `members` or `public`, not {choice!r}")
            found = records.set_contribution_visibility(uow, organization, choice).record
    except LedgerError as exc:
        raise fail(str(exc)) from None
    shown = (found.contributions or ContributionVisibility.MEMBERS).value
    if as_json:
        typer.echo(json.dumps({"organization": organization, "contributions": shown}))
        return
    who = "everyone" if shown == "public" else "the person, the organization's members and admins"
    typer.echo(f"{organization}: members' contributions are {shown} (seen by {who})")
