"""Backing a node up and restoring it: a SQLite ledger through SQLite's online backup (a consistent copy while the
node serves), a PostgreSQL one through `pg_dump`'s custom format. A restore checks the whole hash chain of what it
is given before the target ledger accepts anything; a backup that does not verify is refused, naming the first
record that does not match."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.service.bootstrap import open_ledger
from valueflows.service.verify import VerifyReport
from valueflows.service.verify import verify as verify_chain
from valueflows.store import migrate
from valueflows.store.engine import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class Copied:
    path: Path
    records: int  # chain records in the copy
    head: str | None  # the chain's newest hash


def _refuse(field: str, message: str) -> RuleViolation:
    return RuleViolation([Problem(field, "invalid", message)])


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if parsed.database in (None, "", ":memory:"):
        raise _refuse("db", "an in-memory ledger has nothing to back up or restore into: give a file or a server")
    return Path(parsed.database)


def _libpq(url: str) -> tuple[str, str | None]:
    """A SQLAlchemy PostgreSQL URL as libpq takes it, and the schema its search_path names (if any)."""
    parsed = make_url(url)
    options = parsed.query.get("options", "")
    text_options = options if isinstance(options, str) else " ".join(options)
    schema = next((o.split("=", 1)[1] for o in text_options.split() if o.startswith("-csearch_path=")), None)
    plain = parsed.set(drivername="postgresql")
    return plain.render_as_string(hide_password=False), schema


@dataclass(frozen=True)
class Checked:
    report: VerifyReport
    head: str | None

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def first_fault(self) -> str:
        return str(self.report.first)


def _verified(url: str) -> Checked:
    uow = open_ledger(url)
    try:
        report = verify_chain(uow)
        with uow.read() as tx:
            head = tx.chain.head()
        return Checked(report, head[1] if head else None)
    finally:
        uow.engine.dispose()


def _report(copy_url: str, path: Path) -> Copied:
    checked = _verified(copy_url)
    if not checked.ok:
        raise _refuse("FILE", f"the copy does not verify: {checked.first_fault}")
    return Copied(path, checked.report.records, checked.head)


def backup(url: str, target: Path) -> Copied:
    """A consistent copy of the ledger at `url` in `target` (a new file), checked by verifying its chain."""
    if target.exists():
        raise _refuse("FILE", f"{target} already exists: back up into a new file")
    source = _sqlite_path(url)
    if source is not None:
        if not source.exists():
            raise _refuse("db", f"no ledger at {source}")
        _sqlite_copy(source, target, read_only=True)
        return _report(f"sqlite:///{target}", target)
    if shutil.which("pg_dump") is None:
        raise _refuse("db", "backing up PostgreSQL needs pg_dump (Debian: postgresql-client)")
    dsn, schema = _libpq(url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={dsn}"]
    if schema is not None:
        command.append(f"--schema={schema}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise _refuse("db", f"pg_dump failed: {(done.stderr.strip().splitlines() or ['no message'])[-1]}")
    uow = open_ledger(url)  # what the dump holds, as the ledger saw it when pg_dump began
    try:
        with uow.read() as tx:
            records, head = tx.chain.count(), tx.chain.head()
    finally:
        uow.engine.dispose()
    return Copied(target, records, head[1] if head else None)


def restore(source: Path, url: str) -> Copied:
    """The backup in `source` becomes the ledger at `url`, which must be empty (a new SQLite file, or a database
    schema without a ledger), once the backup's chain verifies; otherwise nothing is written."""
    if not source.is_file():
        raise _refuse("FILE", f"no file {source}")
    with source.open("rb") as f:
        magic = f.read(16)
    target = _sqlite_path(url)
    if magic.startswith(SQLITE_MAGIC):
        if target is None:
            raise _refuse("db", "a SQLite backup restores into a SQLite file; to move a ledger to PostgreSQL, "
                                "`valueflows export --format nt` it and `valueflows import` the file")
        return _restore_sqlite(source, target)
    if magic.startswith(PG_MAGIC):
        if target is not None:
            raise _refuse("db", "a PostgreSQL backup restores into PostgreSQL (give --db postgresql+psycopg://…)")
        return _restore_postgresql(source, url)
    raise _refuse("FILE", f"{source} is not a backup (a SQLite file or a pg_dump custom-format file)")


def _sqlite_copy(source: Path, target: Path, read_only: bool = False) -> None:
    """SQLite's online backup (a consistent copy while others write) into one self-contained file: no write-ahead
    log beside it that a file copy could leave behind."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True) if read_only else sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()


def _restore_sqlite(source: Path, target: Path) -> Copied:
    if target.exists() and target.stat().st_size > 0:
        raise _refuse("db", f"{target} already exists: restore into a new file (move the old one away first)")
    with tempfile.TemporaryDirectory() as scratch:  # verify a copy: the backup itself is never written to
        checked = Path(scratch) / "check.db"
        _sqlite_copy(source, checked)  # through SQLite: a write-ahead log beside the file is read too
        report = _verified(f"sqlite:///{checked}")
        if not report.ok:
            raise _refuse("FILE", f"the backup does not verify, nothing was restored: {report.first_fault}")
        _sqlite_copy(checked, target)
    return Copied(target, report.report.records, report.head)


def _restore_postgresql(source: Path, url: str) -> Copied:
    if shutil.which("pg_restore") is None:
        raise _refuse("db", "restoring PostgreSQL needs pg_restore (Debian: postgresql-client)")
    dsn, wanted = _libpq(url)
    contents = _pg(["pg_restore", "--list", str(source)]).splitlines()
    schema = next((line.split()[-3] for line in contents if " TABLE " in line and line.split()[-2] == "ledger"
                   and not line.startswith(";")), None)
    if schema is None:
        raise _refuse("FILE", f"{source} holds no ledger")
    if (wanted or "public") != schema:
        raise _refuse("db", f"the backup's ledger is in schema {schema!r}: give --db a search_path of {schema} "
                            f"(…?options=-csearch_path%3D{schema})")
    engine = make_engine(url)
    try:
        if migrate.has_ledger(engine, schema):
            raise _refuse("db", "that database already holds a ledger: restore into an empty one")
        schemas = inspect(engine).get_schema_names()
        with tempfile.TemporaryDirectory() as scratch_dir:
            listing = Path(scratch_dir) / "contents"
            # a schema that is already there is not created again (its objects are restored into it)
            kept = [line for line in contents if not (schema in schemas
                                                      and " SCHEMA " in line and line.split()[-2] == schema)]
            listing.write_text("\n".join(kept) + "\n", encoding="utf-8")
            report = _verified_in_scratch(source, url)
            if not report.ok:
                raise _refuse("FILE", f"the backup does not verify, nothing was restored: {report.first_fault}")
            _pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--use-list={listing}",
                 f"--dbname={dsn}", str(source)])
    finally:
        engine.dispose()
    return Copied(source, report.report.records, report.head)


def _verified_in_scratch(source: Path, url: str) -> Checked:
    """The backup restored into a database of its own and its chain verified there; the database is dropped."""
    scratch = f"vf_restore_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    scratch_url = make_url(url).set(database=scratch).render_as_string(hide_password=False)
    try:
        migrate.create_database(admin, scratch)
        _pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={_libpq(scratch_url)[0]}",
             str(source)])
        return _verified(scratch_url)
    finally:
        migrate.drop_database(admin, scratch)
        admin.dispose()


def _pg(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise _refuse("FILE", f"{command[0]} failed: {(done.stderr.strip().splitlines() or ['no message'])[-1]}")
    return done.stdout
