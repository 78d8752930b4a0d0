"""The installed `valueflows` command, run as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from e2e_support import cli as run
from sqlalchemy import create_engine, text


def test_demo_then_verify_on_the_default_sqlite_file(tmp_path: Path) -> None:
    first = run("demo", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    seeded = json.loads(first.stdout)
    assert (tmp_path / "valueflows.db").exists()
    assert seeded["written"] > 150 and seeded["records"]["economic_event"] > 150
    again = json.loads(run("demo", "--json", cwd=tmp_path).stdout)
    assert again["written"] == 0 and again["records"] == seeded["records"]  # idempotent
    ok = run("verify", cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")


def test_verify_fails_and_names_the_tampered_record(tmp_path: Path) -> None:
    assert run("demo", "--json", cwd=tmp_path).returncode == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'valueflows.db'}")
    with engine.begin() as conn:
        seq, event_id = conn.execute(text(
            "SELECT seq, id FROM economic_events WHERE action = 'work' ORDER BY seq LIMIT 1 OFFSET 5")).one()
        conn.execute(text("UPDATE economic_events SET effort_quantity_value = '99' WHERE id = :i"), {"i": event_id})
    engine.dispose()
    result = run("verify", cwd=tmp_path)
    assert result.returncode == 1
    assert f"record #{seq} (economic_event {event_id})" in result.stderr
    machine = json.loads(run("verify", "--json", cwd=tmp_path).stdout)
    assert machine["ok"] is False and event_id in machine["faults"][0]
    # the same shape as GET /verify
    assert set(machine) == {"ok", "records", "firstFault", "faults"} and event_id in machine["firstFault"]


def test_demo_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    result = run("demo", "--json", "--db", pg_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert run("verify", "--db", pg_url, cwd=tmp_path).returncode == 0


def test_a_bad_database_url_is_one_line_and_non_zero(tmp_path: Path) -> None:
    result = run("verify", "--db", "mysql://nowhere/x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot open the ledger") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_an_organization_publishes_its_members_contributions_from_the_command_line(tmp_path: Path) -> None:
    assert run("demo", "--json", cwd=tmp_path).returncode == 0
    shown = run("visibility", "atelier", cwd=tmp_path)
    assert shown.returncode == 0 and "atelier: members' contributions are members" in shown.stdout
    published = run("visibility", "atelier", "public", "--json", cwd=tmp_path)
    assert json.loads(published.stdout) == {"organization": "atelier", "contributions": "public"}
    for bad, message in ((("atelier", "everyone"), "`members` or `public`"), (("ana", "public"), "organization"),
                         (("nobody",), "no agent with id 'nobody'")):
        refused = run("visibility", *bad, cwd=tmp_path)
        assert refused.returncode == 2 and message in refused.stderr and refused.stderr.count("\n") == 1, refused
    back = run("visibility", "atelier", "members", cwd=tmp_path)
    assert back.returncode == 0 and "members" in back.stdout
    assert run("verify", cwd=tmp_path).returncode == 0


def test_a_plan_from_the_seed_drills_recipe(tmp_path: Path) -> None:
    assert run("demo", "--json", cwd=tmp_path).returncode == 0
    args = ("plan-from-recipe", "--output", "seed-drill", "--quantity", "3", "--due", "2027-03-01",
            "--provider", "atelier", "--receiver", "farmhack", "--key", "val-drills", "--json")
    made = json.loads(run(*args, cwd=tmp_path).stdout)
    assert [p["name"] for p in made["processes"]] == ["Assemble the seed drill", "Weld the frame"]
    assert made["processes"][0]["hasEnd"] == "2027-03-01T00:00:00Z"
    steel = sorted(c["quantity"]["hasNumericalValue"] for c in made["commitments"]
                   if c["resourceConformsTo"] == "steel")
    assert steel == ["36", "84"]  # 12 kg a drill in assembly, 28 kg a frame
    cited = [c["quantity"] for c in made["commitments"] if c["action"] == "cite"]
    assert cited == [{"hasNumericalValue": "1", "hasUnit": "one"}]  # the design is cited once
    demand = [c for c in made["commitments"] if c["independentDemandOf"]]
    assert demand == [{**demand[0], "action": "transfer", "resourceConformsTo": "seed-drill"}]
    again = json.loads(run(*args, cwd=tmp_path).stdout)
    assert again == {"plan": made["plan"], "replayed": True}
    bad = run("plan-from-recipe", "--output", "plough", "--quantity", "x", "--due", "2027-03-01", "--provider",
              "atelier", "--receiver", "nobody", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "--receiver: no agent" in bad.stderr and "--quantity:" in bad.stderr and "--output:" in bad.stderr
    assert run("verify", cwd=tmp_path).returncode == 0
