"""Run the reliability tests and write their figures into the README's "Reliability" section.

    python bench/reliability.py            # run them (about 4 minutes), print the figures, update README.md
    python bench/reliability.py --print    # run them and print the section; README.md is left alone

The tests are ordinary pytest tests (CI runs them with everything else); here they run on their own with
VALUEFLOWS_RELIABILITY_REPORT set, so each writes what it counted (requests sent, writes acknowledged and found
after the kills, refusals) to a JSON file. The section between `<!-- reliability:begin -->` and
`<!-- reliability:end -->` in README.md is rewritten from that file; nothing else in the README changes.
The figures are also kept in bench/reliability.json (not committed). Nothing is written if a test fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/e2e/test_crash_safety.py",
    "tests/e2e/test_concurrent_writers.py",
    "tests/e2e/test_hostile_input.py",
    "tests/e2e/test_graphql_fuzz.py",
    "tests/integration/test_linked_import.py::test_malformed_input_is_refused_whole",
]
BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"


def run_tests() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        env = {**os.environ, "VALUEFLOWS_RELIABILITY_REPORT": str(out)}
        status = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
                                 cwd=ROOT, env=env)
        if status != 0:
            sys.exit(f"the reliability tests failed (pytest exit {status}); README.md is unchanged")
        return dict(json.loads(out.read_text()))


def _n(value: int) -> str:
    return f"{value:,}"


def section(f: dict[str, Any]) -> str:
    sys.path.insert(0, str(ROOT / "tests"))
    from malformed_linked import MALFORMED  # the cases the import tests share

    rows = []
    for db, name in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        c = f[f"crash_{db}"]
        rows.append((
            f"Crash safety, {name}",
            f"{c['kills']} SIGKILLs of the server at random moments while {c['writers']} clients wrote "
            f"({_n(c['requests'])} requests). Acknowledged writes: {_n(c['acknowledged'])}; present after the "
            f"restarts: {_n(c['present'])}, each once and whole; `verify` passes. {c['in_doubt']} requests were in "
            f"doubt (sent, no answer); {c['in_doubt_committed']} of them had been written before the kill, and "
            "their retry with the same idempotency key returned that write."))
    k = f["concurrency_postgresql"]
    rows.append((
        "Many writers, PostgreSQL",
        f"{k['writers']} clients through {k['servers']} server processes on one database, {_n(k['writes'])} writes "
        f"moving stock both ways between two resources and into a third: {_n(k['written'])} written once, "
        f"{k['retries']} busy answers (`TRY_AGAIN`) retried, no other error; every quantity equals the sum of its "
        f"events; the chain has no gap or fork ({k['seconds']} s)."))
    rows.append((
        "Busy ledger (both databases)",
        "A write that waits longer than `--write-wait` for the writers' lock gets `TRY_AGAIN` (GraphQL; 503 with "
        "Retry-After on the REST routes) and writes nothing; reads go on; the same request then succeeds once."))
    z = f["fuzz"]
    rows.append((
        "GraphQL fuzz (SQLite)",
        f"{_n(z['events'] + z['documents'] + z['bodies'])} generated requests: {_n(z['events'])} event "
        f"mutations ({_n(z['refused'])} refused), {_n(z['documents'])} documents, {_n(z['bodies'])} raw bodies. "
        "No 5xx, no stack trace; a refused request wrote nothing."))
    for db, name in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        h = f[f"hostile_{db}"]
        rows.append((
            f"Hostile input, {name}",
            f"{h['oversized']} oversized bodies, URLs and headers; {h['documents']} deep, wide or recursive "
            f"documents (fragment bombs included); {h['numbers']} huge or malformed numbers; {h['encodings']} "
            f"invalid UTF-8, NUL and lone-surrogate inputs; {h['malformed_linked_data']} malformed linked-data "
            f"files over HTTP. Injection: {_n(h['injection_requests'])} requests putting {h['injection_strings']} "
            "attack strings (SQL, markup, templates, paths, CRLF, RDF syntax, a 3,000-character string) into the "
            "String, ID and URI fields of every mutation (SQL and markup into each, the others in turn, three to a "
            f"field): {_n(h['injection_refused'])} refused with a clear error, "
            f"{_n(h['injection_accepted_as_text'])} accepted as plain text (kept exactly, every export still "
            f"parses, shown escaped on the {h['html_pages_checked']} record pages checked). Nothing written by a "
            "refusal; the server stayed up."))
    rows.append((
        "Malformed linked data (service, both databases)",
        f"{len(MALFORMED)} files (broken syntax, remote contexts, dangling references, bad numbers, cycles, "
        "planning records that break their rules, "
        "text no database can store, …): each refused whole with the record, property and reason."))
    table = "\n".join(f"| {what} | {figures} |" for what, figures in rows)
    return (f"{BEGIN}\nFigures from `python bench/reliability.py`, {date.today().isoformat()}, on "
            f"{platform.system()} with {os.cpu_count()} cores (Python {platform.python_version()}).\n\n"
            f"| what | figures |\n|---|---|\n{table}\n{END}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--print", action="store_true", help="print the section; leave README.md alone")
    args = parser.parse_args()
    figures = run_tests()
    (ROOT / "bench" / "reliability.json").write_text(json.dumps(figures, indent=2, sort_keys=True))
    text = section(figures)
    print(text)
    if args.print:
        return
    readme = ROOT / "README.md"
    current = readme.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(current):
        sys.exit(f"README.md has no {BEGIN} … {END} section to update")
    readme.write_text(pattern.sub(lambda _: text, current))
    print("README.md updated")


if __name__ == "__main__":
    main()
