"""The `valueflows` command line: the Typer app, and what every command shares (options, errors, output)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.domain.quantities import canonical, parse_decimal
from valueflows.service.bootstrap import open_any
from valueflows.service.dividend_views import fixed
from valueflows.store.ports import UnitOfWork as Ledger

app = typer.Typer(help="An open ledger for commons-based production (ValueFlows).", no_args_is_help=True,
                  pretty_exceptions_enable=False)

DbOption = Annotated[str, typer.Option("--db", envvar="VALUEFLOWS_DB",
                                       help="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://…")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def open_at(db: str, write_wait: float | None = None) -> Ledger:
    """The ledger at --db (`memory://`: a new one in memory, gone when the command ends)."""
    try:
        return open_any(db) if write_wait is None else open_any(db, write_wait)
    except Exception as exc:  # the database could not be opened or migrated: say why in one line
        raise fail(f"cannot open the ledger at {db}: {str(exc).splitlines()[0]}") from None


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


def refused(exc: LedgerError, prefix: str = "") -> typer.Exit:
    """A refusal as one line; every problem is named by the option (or the file's field) at fault."""
    if isinstance(exc, RuleViolation):
        text = "; ".join(f"{_OPTIONS.get(p.field, p.field)}: {p.message}" for p in exc.problems)
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

    return fixed(value, currency) if currency else canonical(Decimal(value))


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
    """Console entry point: an unexpected failure is one line on stderr and exit 1, never a traceback."""
    try:
        app()
    except Exception as exc:  # anything a command did not turn into a clear error itself
        typer.echo(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unexpected failure'}",
                   err=True)
        raise SystemExit(1) from None
