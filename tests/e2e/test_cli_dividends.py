"""`valueflows dividends …`, `dividend-*`, `statement`, `equation-*` and `contributions`, run as an administrator runs
them: the real command in a subprocess, on a SQLite copy of the demo co-op (plus a guest who is not a member)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from e2e_support import cli
from sqlalchemy import func, select

from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput
from valueflows.service import ledger, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.demo import seed_demo
from valueflows.store.tables import ledger as chain

YEAR = ["--from", "2026-01-01", "--to", "2026-12-31"]
TERMS = [*YEAR, "--surplus", "12000.00", "--currency", "EUR", "--reserve", "0.25", "--cash", "0.5"]
MEMBERS = {"ana": "Ana Duval", "bruno": "Bruno Keller", "chloe": "Chloé Martin", "dario": "Dario Rossi"}


class Ledger:
    """A copy of the seeded SQLite file, and the real `valueflows` command pointed at it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cli(*args, "--db", self.url, cwd=self.path.parent)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def many(self, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
        """Independent commands at once (each is a new process: most of its time is starting Python)."""
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(lambda args: self.run(*args), commands))

    def outputs(self, *commands: list[str]) -> list[str]:
        results = self.many(*commands)
        assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
        return [r.stdout for r in results]

    def count(self) -> int:
        """Records in the hash chain: every write appends to it."""
        uow = open_ledger(self.url)
        try:
            with uow.read() as conn:
                return int(conn.execute(select(func.count()).select_from(chain)).scalar_one())
        finally:
            uow.engine.dispose()


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo co-op, seeded once, and a guest's 30 hours of work: not a member, so not counted."""
    path = tmp_path_factory.mktemp("seeded") / "ledger.db"
    uow = open_ledger(f"sqlite:///{path}")
    seed_demo(uow)
    records.create_agent(uow, AgentInput(name="Gil Guest", type="Person", id="guest"))
    ledger.record_event(uow, EventInput("work", "guest", "atelier", effort_quantity=MeasureInput("30", "hour"),
                                        resource_conforms_to="fabrication-work",
                                        has_point_in_time=datetime(2026, 6, 2, 9, tzinfo=UTC)))
    uow.engine.dispose()
    return path


@pytest.fixture
def db(seeded_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    for suffix in ("", "-wal", "-shm"):
        source = seeded_file.with_name(seeded_file.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / (seeded_file.name + suffix))
    yield Ledger(tmp_path / seeded_file.name)


def adds_up(view: dict[str, Any]) -> None:
    """Every unit of the surplus is somewhere: dividends + reserve + undistributed = surplus; cash + retained."""
    dividends = sum((D(a["dividend"]) for a in view["allocations"]), D(0))
    assert dividends + D(view["reserve"]) + D(view["undistributed"]) == D(view["surplus"])
    assert dividends == D(view["distributed"])
    assert all(D(a["cash"]) + D(a["retained"]) == D(a["dividend"]) for a in view["allocations"])


def csv_adds_up(text: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["agent", "name", "points", "share of the dividend"] and rows[0][4] == "dividend (EUR)"
    by_label = {row[1]: row for row in rows[1:]}
    members = [row for row in rows[1:] if row[0]]
    total = sum((D(row[4]) for row in members), D(0))
    assert total + D(by_label["reserve"][4]) + D(by_label["undistributed"][4]) == D(by_label["surplus"][4])
    return by_label


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return result.stderr


def test_preview_shows_members_and_figures_and_writes_nothing(db: Ledger) -> None:
    before = db.count()
    machine, table = db.outputs(["dividends", *TERMS, "--json"], ["dividends", *TERMS])
    view = json.loads(machine)
    assert view["committed"] is False and view["basis"] == "hours" and view["organization"] == "atelier"
    adds_up(view)
    assert (view["surplus"], view["reserve"], view["distributed"]) == ("12000.00", "3000.00", "9000.00")
    assert {a["agent"]: a["name"] for a in view["allocations"]} == MEMBERS
    assert [(x["agent"], x["quantity"]) for x in view["excluded"]] == [("guest", "30")]
    assert "preview, nothing written" in table
    for a in view["allocations"]:  # each member's row: name, dividend, cash, retained, as money
        row = next(line for line in table.splitlines() if a["name"] in line)
        assert all(f"{D(a[k]):.2f}" in row for k in ("dividend", "cash", "retained")), row
    assert "reserve         3000.00 EUR" in table and "surplus        12000.00 EUR" in table
    assert "undistributed      0.00 EUR" in table
    assert "Gil Guest: work of fabrication-work, 30 hour (1 event)" in table  # not counted: he is not a member
    assert db.count() == before


def test_commit_replay_show_reverse_and_statement(db: Ledger, tmp_path: Path) -> None:
    first = db.ok("dividends", *TERMS, "--commit", "--key", "agm-2026", "--note", "AGM")
    run_id = first.strip().splitlines()[-1].removeprefix("committed: run ")
    assert first.startswith(f"Dividends of Atelier Commun, 2026-01-01..2026-12-31, hours worked (run {run_id})\n")
    written = db.count()
    again, shown = db.outputs(["dividends", *TERMS, "--commit", "--key", "agm-2026", "--note", "AGM"],
                              ["dividend-show", run_id, "--json", "--csv", str(tmp_path / "run.csv")])
    assert again.strip().splitlines()[-1] == f"already committed (same key): run {run_id}"
    assert db.count() == written  # the same key again writes nothing
    view = json.loads(shown)
    assert view["id"] == run_id and view["committed"] and view["note"] == "AGM" and view["reversedBy"] is None
    adds_up(view)
    rows = csv_adds_up((tmp_path / "run.csv").read_text(encoding="utf-8"))
    assert {rows[name][0] for name in MEMBERS.values()} == set(MEMBERS)
    assert rows["surplus"][4] == "12000.00" and rows["reserve"][4] == "3000.00"

    reversal = db.json("dividend-reverse", run_id, "--key", "undo", "--note", "wrong surplus")
    assert reversal["reverses"] == run_id and D(reversal["distributed"]) == -D(view["distributed"])
    statement, runs = db.outputs(["statement", "ana", *YEAR], ["dividend-runs"])
    assert "Ana Duval (ana) at Atelier Commun" in statement
    assert f"run {reversal['id']} cancels run {run_id}" in statement
    assert "capital account: 0.00 EUR" in statement
    lines = runs.splitlines()
    assert lines[0].startswith(f"{run_id}  atelier  2026-01-01..2026-12-31  surplus 12000.00 EUR")
    assert lines[1].startswith(reversal["id"]) and lines[1].endswith(f"reverses {run_id}")
    listed = db.json("dividend-runs")  # money and times as on every other door
    assert (listed[0]["surplus"], listed[1]["distributed"]) == ("12000.00", "-" + view["distributed"])
    assert listed[0]["createdAt"].endswith("Z")


def test_an_equation_from_a_file_then_a_run_by_it(db: Ledger, tmp_path: Path) -> None:
    equation = tmp_path / "agm.json"
    equation.write_text(json.dumps([
        {"name": "work", "percent": "60", "of": "total", "rules": [
            {"action": "work", "unit": "hour", "rate": "2", "resourceConformsTo": "design-work", "cap": "1000.00"},
            {"action": "work", "unit": "hour", "rate": "1"}]},
        {"name": "materials", "percent": "100", "of": "remaining", "rules": [
            {"action": "transfer", "unit": "kilogram", "rate": 0.5}]}]))  # a JSON number is read exactly too
    added = db.json("equation-add", "agm", str(equation), "--note", "voted at the AGM")
    assert (added["name"], added["version"]) == ("agm", 1)
    assert added["buckets"][1]["rules"][0]["rate"] == "0.5"
    run, listed = db.outputs(["dividends", *TERMS, "--equation", "agm", "--json"], ["equation-list"])
    view = json.loads(run)
    assert view["basis"] == "equation" and view["equation"] == {"id": added["id"], "name": "agm", "version": 1}
    adds_up(view)
    bruno = next(a for a in view["allocations"] if a["agent"] == "bruno")
    assert {line["bucket"] for line in bruno["explanation"]} == {"work", "materials"}  # his 40 kg of steel count
    assert f"agm version 1  {added['id']}  (voted at the AGM)" in listed
    assert "work of design-work: 2 points per hour, capped at 1000 per claim" in listed


def test_contributions_table_and_csv(db: Ledger, tmp_path: Path) -> None:
    table = db.ok("contributions", *YEAR, "--csv", str(tmp_path / "contributions.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "contributions.csv").read_text(encoding="utf-8"))))
    work = [r for r in rows if r["action"] == "work"]
    assert sum((D(r["quantity"]) for r in work), D(0)) == D("1685")  # the members' 1655 hours, the guest's 30
    assert {r["agent"] for r in work} == {*MEMBERS, "guest"}
    assert ("bruno", "transfer", "steel", "kilogram", "40") in {
        (r["agent"], r["action"], r["kind"], r["unit"], r["quantity"]) for r in rows}
    assert "received by Atelier Commun" in table and "1685" in table
    assert all(name in table for name in [*MEMBERS.values(), "Gil Guest"])


def test_refusals_are_one_clear_error_line_and_write_nothing(db: Ledger, tmp_path: Path) -> None:
    def terms(**changes: str) -> list[str]:
        args = dict(zip(TERMS[::2], TERMS[1::2], strict=True))
        args.update({f"--{k}": v for k, v in changes.items()})
        return ["dividends", *(x for kv in args.items() for x in kv)]

    files = {
        "not-json": "[{'name': 'work'}]",
        "bad-rate": '[{"name": "w", "percent": "50", "rules": [{"action": "work", "unit": "hour", "rate": "2x"}]}]',
        "bad-action": '[{"name": "w", "percent": "50", "rules": [{"action": "wark", "unit": "hour", "rate": 1}]}]',
    }
    for name, text in files.items():
        (tmp_path / f"{name}.json").write_text(text)
    cases = [
        ([*terms(), "--commit"], "--commit needs --key KEY"),
        (terms(surplus="1e3"), "--surplus: '1e3' is not plain decimal text (no exponents)"),
        (terms(surplus="abc"), "--surplus: 'abc' is not a decimal number"),
        (terms(**{"from": "2026-13-01"}), "--from: '2026-13-01' is not a date (YYYY-MM-DD)"),
        (terms(reserve="1.5", to="2025-12-31", currency="XYZ"),  # every problem the service finds, on one line
         "--currency: 'XYZ' is not an ISO 4217 currency code (EUR, USD, CHF, ...); "
         "--to: the period ends before it begins; --reserve: the reserve rate is between 0 and 1 (e.g. 0.25)"),
        (["equation-add", "eq", str(tmp_path / "not-json.json")], "not-json.json is not JSON: "),
        (["equation-add", "eq", str(tmp_path / "bad-rate.json")],
         "bad-rate.json: buckets[0].rules[0].rate: '2x' is not a decimal number"),
        (["equation-add", "eq", str(tmp_path / "bad-action.json")],
         "bad-action.json: buckets[0].rules[0].action: 'wark' is not a ValueFlows action"),
    ]
    before = db.count()
    for (_, expected), result in zip(cases, db.many(*(args for args, _ in cases)), strict=True):
        assert expected in one_error_line(result)
    assert db.count() == before


def test_contributions_with_points_under_an_equation(db: Ledger, tmp_path: Path) -> None:
    report = db.json("contributions", *YEAR, "--equation", "hours")
    points = {c["agent"]: D(c["points"]) for c in report["contributors"]}
    hours = {c["agent"]: D(c["hours"]) for c in report["contributors"]}
    assert points["bruno"] == hours["bruno"] and points["bruno"] > 0  # the hours basis: a point an hour
    db.ok("contributions", *YEAR, "--equation", "hours", "--csv", str(tmp_path / "points.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "points.csv").read_text(encoding="utf-8"))))
    assert {r["points"] for r in rows if r["agent"] == "bruno"} == {str(points["bruno"])}
