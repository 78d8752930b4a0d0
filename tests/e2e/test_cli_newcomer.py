"""The command line as a newcomer meets it: a command run in the wrong directory, a missing option, a wrong licence
id, the demo on a ledger of one's own, an import by its file's extension, and closing the books."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from e2e_support import cli as run

from valueflows.domain.inputs import AgentInput
from valueflows.service import records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.queries import ledger_size

READING = [
    ("export",), ("verify",), ("contributions", "--from", "2026-01-01", "--to", "2026-12-31"),
    ("dividends", "--from", "2026-01-01", "--to", "2026-12-31", "--surplus", "100", "--currency", "EUR",
     "--reserve", "0", "--cash", "1"),
    ("statement", "ana", "--from", "2026-01-01", "--to", "2026-12-31"), ("obligations", "--agent", "ana"),
    ("token", "list"), ("token", "create", "--agent", "ana", "--scope", "read"), ("closed", "--org", "atelier"),
    ("equation-list",), ("dividend-runs",),
]


def one_error_line(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, (result.returncode, stderr)  # type: ignore[attr-defined]
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and "Usage" not in stderr and "╭" not in stderr
    return str(stderr)


@pytest.mark.parametrize("command", READING, ids=lambda c: " ".join(c[:2]))
def test_a_command_in_a_directory_without_a_ledger_says_so_and_creates_nothing(tmp_path: Path,
                                                                               command: tuple[str, ...]) -> None:
    message = one_error_line(run(*command, cwd=tmp_path))
    assert f"no ledger at {tmp_path / 'valueflows.db'}" in message and "valueflows init" in message
    assert list(tmp_path.iterdir()) == []


def test_init_starts_a_ledger_the_other_commands_then_read(tmp_path: Path) -> None:
    started = run("init", cwd=tmp_path)
    assert started.returncode == 0 and started.stdout.startswith(f"new ledger at {tmp_path / 'valueflows.db'}")
    again = run("init", "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["created"] is False
    assert run("verify", cwd=tmp_path).stdout.startswith("ok:")


@pytest.mark.parametrize(("args", "names"), [
    (("close", "--org", "atelier"), "Missing option '--to'"),
    (("dividends", "--from", "2026-01-01"), "Missing option"),
    (("licence", "check", "--licence", "MIT"), "Missing option '--facts'"),
    (("frobnicate",), "No such command 'frobnicate'"),
    (("verify", "--colour"), "No such option"),
])
def test_a_usage_error_is_one_error_line(tmp_path: Path, args: tuple[str, ...], names: str) -> None:
    assert names in one_error_line(run(*args, cwd=tmp_path))


def test_errors_name_the_flag_at_fault(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text('{"legalForm": "company", "use": "sell"}', encoding="utf-8")
    unknown = one_error_line(run("licence", "check", "--licence", "MIT", "--facts", str(facts), cwd=tmp_path))
    assert unknown.startswith("error: --licence: no licence 'MIT'") and "licence list" in unknown
    assert "facts.json" not in unknown
    assert run("init", cwd=tmp_path).returncode == 0
    neither = one_error_line(run("obligations", cwd=tmp_path))
    assert "--agent" in neither and "--steward" in neither
    report = run("contributions", "--from", "2026-01-01", "--to", "2026-12-31", cwd=tmp_path)
    assert report.returncode == 0 and "dividend" not in report.stdout + report.stderr


def test_the_demo_refuses_a_ledger_holding_other_data_and_writes_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'mine.db'}"
    uow = open_ledger(db)
    records.create_agent(uow, AgentInput("Ana Lopez", "Person", id="ana"))
    before = ledger_size(uow)
    message = one_error_line(run("demo", "--db", db, cwd=tmp_path))
    assert "already holds other data" in message and "'ana'" in message and "--db" in message
    assert ledger_size(uow) == before
    uow.engine.dispose()


def test_import_knows_a_file_by_its_extension(tmp_path: Path) -> None:
    assert run("demo", "--json", cwd=tmp_path).returncode == 0
    for name, fmt in (("ledger.turtle", "turtle"), ("ledger.jsonld", "jsonld")):
        assert run("export", "--format", fmt, "-o", name, cwd=tmp_path).returncode == 0
        target = f"sqlite:///{tmp_path / (name + '.db')}"
        done = run("import", name, "--db", target, "--json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["written"]["economic_event"] > 150
    (tmp_path / "ledger.txt").write_text("", encoding="utf-8")
    unknown = one_error_line(run("import", "ledger.txt", cwd=tmp_path))
    assert "--format" in unknown and ".turtle" in unknown


def test_closing_the_books_from_the_command_line(tmp_path: Path) -> None:
    assert run("demo", "--json", cwd=tmp_path).returncode == 0
    early = one_error_line(run("close", "--org", "atelier", "--to", "2031-01-01", cwd=tmp_path))
    assert "--to" in early and "has not ended" in early
    done = run("close", "--org", "atelier", "--to", "2026-06-30", "--note", "first half", "--key", "h1",
               cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("closed: atelier through 2026-06-30"), done.stderr
    assert run("close", "--org", "atelier", "--to", "2026-06-30", "--note", "first half", "--key", "h1",
               cwd=tmp_path).stdout.startswith("already closed (same key)")
    [period] = json.loads(run("closed", "--org", "atelier", "--json", cwd=tmp_path).stdout)
    assert (period["start"], period["end"]) == (None, "2026-06-30")
    assert run("verify", cwd=tmp_path).returncode == 0


def test_a_coop_starts_its_own_node_and_adds_its_people(tmp_path: Path) -> None:
    """From nothing to a co-op with an admin: `init --org --admin`, then people and memberships from the command
    line; each refusal is one line naming the flag, and a refused start leaves no ledger behind."""
    from valueflows.domain.access import Scope
    from valueflows.service.tokens import authenticate

    refused = one_error_line(run("init", "--org", "Atelier Commun", "--admin", "Ana Duval", "--legal-form", "coop",
                                 cwd=tmp_path))
    assert refused.startswith("error: --legal-form:") and list(tmp_path.iterdir()) == []
    assert "--org and --admin" in one_error_line(run("init", "--org", "Atelier Commun", cwd=tmp_path))
    started = run("init", "--org", "Atelier Commun", "--admin", "Ana Duval", "--since", "2026-01-01", "--json",
                  cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    answer = json.loads(started.stdout)
    assert (answer["organization"], answer["admin"]) == ("atelier-commun", "ana-duval")
    uow = open_ledger(f"sqlite:///{tmp_path / 'valueflows.db'}")
    principal = authenticate(uow, f"Bearer {answer['token']}")
    assert (principal.agent, principal.scope) == ("ana-duval", Scope.ADMIN)
    again = one_error_line(run("init", "--org", "Other", "--admin", "Someone", cwd=tmp_path))
    assert "already has 2 agents" in again and "valueflows agent add" in again
    assert run("agent", "add", "Chloé Martin", cwd=tmp_path).stdout.startswith("added Chloé Martin (chloe-martin, ")
    assert "--type" in one_error_line(run("agent", "add", "Farm", "--type", "farm", cwd=tmp_path))
    added = run("member", "add", "chloe-martin", "--org", "atelier-commun", "--since", "2026-04-01", cwd=tmp_path)
    assert added.stdout.startswith("chloe-martin is a member of atelier-commun since 2026-04-01"), added.stderr
    assert "nobody" in one_error_line(run("member", "add", "nobody", "--org", "atelier-commun", cwd=tmp_path))
    ended = run("member", "end", "chloe-martin", "--org", "atelier-commun", "--until", "2026-08-31", cwd=tmp_path)
    assert ended.stdout.startswith("chloe-martin's membership of atelier-commun ends on 2026-08-31"), ended.stderr
    assert "no membership" in one_error_line(run("member", "end", "chloe-martin", "--org", "atelier-commun",
                                                 "--until", "2026-10-01", cwd=tmp_path))
    with uow.read() as tx:
        spans = [(m.member, m.since.isoformat(), m.until.isoformat() if m.until else None)
                 for m in tx.records("membership").stream()]
    assert sorted(spans) == [("ana-duval", "2026-01-01", None), ("chloe-martin", "2026-04-01", "2026-08-31")]
    uow.engine.dispose()
