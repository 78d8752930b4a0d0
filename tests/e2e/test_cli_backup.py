"""Backing a node up and restoring it from the command line, on SQLite (online backup) and PostgreSQL (pg_dump):
the restored ledger verifies and holds what the original held; a backup that does not verify is refused and
nothing is written; each refusal is one line naming what is at fault."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from e2e_support import cli as run
from sqlalchemy import create_engine, text


def ok(*args: str, cwd: Path) -> str:
    done = run(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def error(*args: str, cwd: Path) -> str:
    done = run(*args, cwd=cwd)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def test_a_sqlite_node_is_backed_up_and_restored(tmp_path: Path) -> None:
    ok("demo", cwd=tmp_path)
    made = json.loads(ok("backup", "copy.db", "--json", cwd=tmp_path))
    assert made["records"] > 200 and len(made["head"]) == 64
    assert "already exists" in error("backup", "copy.db", cwd=tmp_path)
    restored = json.loads(ok("restore", "copy.db", "--db", "sqlite:///restored.db", "--json", cwd=tmp_path))
    assert (restored["records"], restored["head"]) == (made["records"], made["head"])
    assert ok("verify", "--db", "sqlite:///restored.db", cwd=tmp_path).startswith("ok:")
    original = ok("export", "--format", "nt", cwd=tmp_path)
    assert ok("export", "--format", "nt", "--db", "sqlite:///restored.db", cwd=tmp_path) == original
    assert "already exists" in error("restore", "copy.db", "--db", "sqlite:///restored.db", cwd=tmp_path)
    with sqlite3.connect(tmp_path / "copy.db") as tampered:  # someone edits history in the backup
        tampered.execute("UPDATE economic_events SET note = 'nothing happened' "
                         "WHERE id = (SELECT min(id) FROM economic_events)")
    refused = error("restore", "copy.db", "--db", "sqlite:///other.db", cwd=tmp_path)
    assert "does not verify, nothing was restored" in refused and "economic_event" in refused
    assert not (tmp_path / "other.db").exists()
    (tmp_path / "notes.txt").write_text("not a ledger", encoding="utf-8")
    assert "not a backup" in error("restore", "notes.txt", "--db", "sqlite:///other.db", cwd=tmp_path)


def test_a_postgresql_node_is_backed_up_and_restored(tmp_path: Path, pg_schema_url: str) -> None:
    schema = pg_schema_url.rsplit("%3D", 1)[1]
    ok("demo", "--db", pg_schema_url, cwd=tmp_path)
    original = ok("export", "--format", "nt", "--db", pg_schema_url, cwd=tmp_path)
    made = json.loads(ok("backup", "ledger.dump", "--db", pg_schema_url, "--json", cwd=tmp_path))
    assert "already holds a ledger" in error("restore", "ledger.dump", "--db", pg_schema_url, cwd=tmp_path)
    admin = create_engine(pg_schema_url.split("?")[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the database is lost; the schema is made again, empty
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    restored = json.loads(ok("restore", "ledger.dump", "--db", pg_schema_url, "--json", cwd=tmp_path))
    assert (restored["records"], restored["head"]) == (made["records"], made["head"])
    assert ok("export", "--format", "nt", "--db", pg_schema_url, cwd=tmp_path) == original
    with admin.connect() as conn:  # history edited in the database, then backed up, then lost
        conn.execute(text(f'UPDATE "{schema}".economic_events SET note = $$nothing$$ '
                          f'WHERE id = (SELECT min(id) FROM "{schema}".economic_events)'))
    ok("backup", "tampered.dump", "--db", pg_schema_url, cwd=tmp_path)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    refused = error("restore", "tampered.dump", "--db", pg_schema_url, cwd=tmp_path)
    assert "does not verify, nothing was restored" in refused
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
                           {"s": schema}) == 0
        assert conn.scalar(text("SELECT count(*) FROM pg_database WHERE datname LIKE 'vf_restore_%'")) == 0
    assert "schema" in error("restore", "ledger.dump", "--db", pg_schema_url.replace(schema, "elsewhere"),
                             cwd=tmp_path)
    admin.dispose()
