"""The `valueflows` command line: the Typer app, and what every command shares (options, errors, output)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Typer carries its own copy of Click (hence typer>=0.29 in pyproject.toml): its usage errors are these.
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from valueflows.domain.currencies import money_text
from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.domain.quantities import canonical, parse_decimal
from valueflows.service.bootstrap import open_any
from valueflows.store.ports import UnitOfWork as Ledger

app = typer.Typer(help="An open ledger for commons-based production (ValueFlows).", no_args_is_help=True,
                  pretty_exceptions_enable=False)

DbOption = Annotated[str, typer.Option("--db", envvar="VALUEFLOWS_DB",
                                       help="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://…")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def open_at(db: str, write_wait: float | None = None, create: bool = False) -> Ledger:
    """The ledger at --db (`memory://`: a new one in memory, gone when the command ends). Only the commands that
    start a ledger (`init`, `demo`, `serve`, `import`) create a SQLite file that is not there: any other command
    run in the wrong directory says so instead of answering from a new, empty ledger."""
    if not create:
        missing = missing_sqlite_file(db)
        if missing is not None:
            raise fail(f"no ledger at {missing}; run `valueflows init` (or `valueflows demo`) first, "
                       f"or pass --db")
    try:
        return open_any(db) if write_wait is None else open_any(db, write_wait)
    except Exception as exc:  # the database could not be opened or migrated: say why in one line
        raise fail(f"cannot open the ledger at {db}: {str(exc).splitlines()[0]}") from None


def missing_sqlite_file(db: str) -> Path | None:
    """The file a sqlite URL names, if it does not exist."""
    try:
        url = make_url(db)
    except ArgumentError:
        return None  # open_any says what is wrong with it
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    return None if path.exists() else path.resolve()


# -- shared by the commands -------------------------------------------------------------------------------------

FromOption = Annotated[str, typer.Option("--from", metavar="DATE", help="First day of the period (YYYY-MM-DD).")]
ToOption = Annotated[str, typer.Option("--to", metavar="DATE", help="Last day of the period, included (YYYY-MM-DD).")]
OrgOption = Annotated[str | None, typer.Option(
    "--org", metavar="ID", help="The organization (agent id); by default the only organization that has members.")]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note kept with the record.")]
KeyOption = Annotated[str | None, typer.Option(
    "--key", metavar="KEY", help="Idempotency key: the same key again returns the first result and writes nothing.")]
CsvOption = Annotated[Path | None, typer.Option("--csv", metavar="FILE", help="Also write the table to this CSV file.")]

# The service names a field as the API does; on the command line it is an option.
_OPTIONS = {"from": "--from", "to": "--to", "end": "--to", "surplus": "--surplus", "reserve": "--reserve",
            "cash": "--cash", "currency": "--currency", "equation": "--equation", "organization": "--org",
            "idempotencyKey": "--key", "receiver": "--org", "process": "--process", "resource": "--resource"}


def refused(exc: LedgerError, prefix: str = "", options: dict[str, str] | None = None) -> typer.Exit:
    """A refusal as one line; every problem is named by the option (or the file's field) at fault (`options`: the
    command's own names of fields, where they differ from the usual ones)."""
    if isinstance(exc, RuleViolation):
        named = _OPTIONS | (options or {})
        text = "; ".join(f"{named.get(p.field, p.field)}: {p.message}" for p in exc.problems)
    else:
        text = str(exc)
    return fail(prefix + " ".join(text.split()))


def day_of(text: str, option: str) -> date:
    """A calendar date written YYYY-MM-DD, nothing else."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError as exc:
            raise fail(f"{option}: {text!r} is not a date (YYYY-MM-DD): {exc}") from None
    raise fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)")


def number(text: str, option: str, hint: str = "") -> Decimal:
    """Decimal text as written (never through a float); exponents, NaN and infinities are refused."""
    number, problem = parse_decimal(text, option, allow_negative=True)
    if problem is not None or number is None:
        raise fail(f"{problem}{hint}")
    return number


def money(value: str | Decimal, currency: str | None) -> str:

    return money_text(value, currency) if currency else canonical(Decimal(value))


def progress_bar(quiet: bool = False) -> Progress:
    """A progress bar on stderr, shown only to a person at a terminal: stdout stays the command's answer alone."""
    err = Console(stderr=True)
    return Progress(transient=True, console=err, disable=quiet or not err.is_terminal)


def console() -> Any:

    # Names are data, not markup: "[b]" or ":smile:" in a name is printed as written.
    return Console(markup=False, emoji=False, highlight=False, soft_wrap=False)


def new_table(title: str, columns: list[str], numeric: range | tuple[int, ...] = ()) -> Any:
    """A rich table; the `numeric` columns are right-aligned and never wrapped. Its title is printed now, as one
    plain line (a table's own title would wrap, splitting ids)."""

    typer.echo(title)
    table = Table()
    for i, column in enumerate(columns):
        table.add_column(column, justify="right" if i in numeric else "left", no_wrap=i in numeric)
    return table


def write_csv(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {path}", err=True)




def main() -> None:
    """Console entry point: a usage error (a missing or unknown option) is one `error:` line and exit 2, an
    unexpected failure one line and exit 1, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:  # `valueflows` alone, or a group without its command: the help
        if exc.format_message():  # Typer's rich help has printed itself already
            typer.echo(exc.format_message())
        raise SystemExit(2) from None
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "valueflows"
        typer.echo(f"error: {exc.format_message()} (see `{command} --help`)", err=True)
        raise SystemExit(2) from None
    except typer.Abort:
        typer.echo("error: interrupted", err=True)
        raise SystemExit(130) from None
    except Exception as exc:  # anything a command did not turn into a clear error itself
        typer.echo(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unexpected failure'}",
                   err=True)
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)
