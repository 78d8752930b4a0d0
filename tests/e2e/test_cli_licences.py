"""`valueflows licence list|show|check` and `valueflows obligations`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from e2e_support import cli


def facts(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_licence_commands(tmp_path: Path) -> None:
    listed = cli("licence", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0 and "PPL" in {x["id"] for x in json.loads(listed.stdout)}
    shown = cli("licence", "show", "LicenseRef-CopyFair-1.0", cwd=tmp_path)
    assert shown.returncode == 0 and "§3 Reciprocity" in shown.stdout and "3 %" in shown.stdout

    sale = facts(tmp_path, "sale.json", '{"legalForm": "company", "headcount": 240, "use": "sell", '
                                        '"revenue": 12000.00, "currency": "EUR", "date": "2026-08-10"}')
    yes = cli("licence", "check", "--licence", "LicenseRef-CopyFair-1.0", "--facts", sale, "--json", cwd=tmp_path)
    assert yes.returncode == 0, yes.stderr
    answer = json.loads(yes.stdout)
    pay = next(d for d in answer["duties"] if d["action"] == "compensate")
    assert (answer["permitted"], pay["amount"], pay["due"], pay["hours"]) == (True, "360.00", "2026-10-30", "7.25")
    # the names GraphQL's LicenceDuty gives them, money with its currency's decimals
    assert {"workRate", "minimumApplied", "periodStart", "periodEnd", "words"} <= set(pay)
    assert "work_rate" not in pay and pay["workRate"] == "50.00"

    big = facts(tmp_path, "big.json", '{"use": "sell", "groupHeadcount": 100, "groupRevenue": "10", '
                                      '"revenueCurrency": "USD"}')
    no = cli("licence", "check", "--licence", "PolyForm-Small-Business-1.0.0", "--facts", big, cwd=tmp_path)
    assert no.returncode == 3 and no.stdout.startswith("NOT PERMITTED") and "groupHeadcount is 100, not under 100" in \
        no.stdout
    vague = facts(tmp_path, "vague.json", '{"use": "sell", "legalForm": "company"}')
    maybe = cli("licence", "check", "--licence", "LicenseRef-CopyFair-1.0", "--facts", vague, cwd=tmp_path)
    assert maybe.returncode == 4 and "needs: headcount" in maybe.stdout

    for bad, message in (("{not json", "is not JSON"), ('{"headcont": 3}', "headcont: not a fact we know"),
                         ('{"headcount": "many"}', "headcount: a whole number")):
        path = facts(tmp_path, "bad.json", bad)
        refused = cli("licence", "check", "--licence", "PPL", "--facts", path, cwd=tmp_path)
        assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr
        assert refused.stderr.count("\n") == 1
    unknown = cli("licence", "check", "--licence", "GPL-9.0", "--facts", sale, cwd=tmp_path)
    assert unknown.returncode == 2 and "no licence 'GPL-9.0'" in unknown.stderr

    assert cli("init", cwd=tmp_path).returncode == 0
    none = cli("obligations", "--agent", "agrimachines", "--as-of", "2026-12-31", cwd=tmp_path)
    assert none.returncode == 0 and "no obligations" in none.stdout
