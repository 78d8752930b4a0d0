"""Every benchmark, one command: for each figure, the floor measured in the same run and their ratio, as a table
and as JSON (`bench/results.json`, not committed).

    python bench/run.py            # small sizes (a few minutes)
    python bench/run.py --full     # the sizes the issues name (an hour or more; generates 1,000,000-event ledgers)

Each benchmark runs in its own process, as `python bench/<name>.py`; a failing one is reported and the others
still run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
Row = tuple[str, str, str, str]  # what, ours, floor, ratio (ours vs floor, higher is better unless said)


def _last_json(stdout: str) -> Any:
    """A benchmark's JSON: its whole output, or its last line that is a JSON object."""
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        pass
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON in the benchmark's output")


def _record(r: Any) -> list[Row]:
    return [(f"record_event ({db}, {v['events']:,} events)", f"{v['usecase_per_s']:,.0f} ev/s",
             f"{v['floor_per_s']:,.0f} ev/s", f"{v['ratio']:.0%}") for db, v in r.items()]


def _graphql(r: Any) -> list[Row]:
    w, c = r["createEconomicEvent"], r["contributionReport"]
    return [(f"createEconomicEvent over HTTP ({w['requests']:,} requests)", f"{w['per_s']:,.0f} req/s",
             f"{w['floor_per_s']:,.0f} req/s", f"{w['ratio']:.0%}"),
            *([(f"createEconomicEvents over HTTP ({b['batch']} a request)", f"{b['events_per_s']:,.0f} ev/s",
                f"{b['single_per_s']:,.0f} ev/s one a request", f"{b['ratio']:.1f}x (aim 5x)")]
              if (b := r.get("createEconomicEvents")) else []),
            (f"contributionReport p99 ({c['events']:,} events)", f"{c['p99_ms']:.1f} ms", "aim < 50 ms",
             "ok" if c["p99_ms"] < 50 else "over")]


def _dividends(r: Any) -> list[Row]:
    rows: list[Row] = [
        (f"dividend preview, {name} ({r['database']}, {r['events']:,} events)", f"{v['ms']:,.0f} ms",
         f"{r['floor_ms']:,.0f} ms", f"{v['ours_over_floor']:.2f}x the floor (aim <= 3x"
         + (", held to it at 1,000,000 events)" if name == "caps" and r["events"] < 1_000_000 else ")"))
        for name, v in r["ops"].items()]
    if (p := r.get("report")) is not None:
        rows.append((f"contribution report, a year, p99 ({r['database']}, {r['events']:,} events, p50 "
                     f"{p['p50_ms']:.1f} ms)", f"{p['p99_ms']:.1f} ms", "aim < 50 ms",
                     "ok" if p["p99_ms"] < 50 else "over"))
    return rows


def _licences(r: Any) -> list[Row]:
    d, s = r["decisions"], r["status"]
    return [(f"licence decisions ({d['decisions']:,}, CopyFair)", f"{d['copyfair_per_s']:,}/s",
             f"{d['hand_coded_per_s']:,}/s hand-coded", f"{d['copyfair_vs_hand_coded']:.1%}"),
            (f"obligation status ({s['agents']:,} agents)", f"{s['status_ms']:,} ms", f"{s['floor_ms']:,} ms",
             f"{s['ours_over_floor']}x the floor")]


def _federation(r: Any) -> list[Row]:
    i, d = r["inbox"], r["latency"]
    return [(f"inbox, signed activities over HTTP ({i['activities']:,})", f"{i['per_s']:,}/s",
             f"{i['verify_floor_per_s']:,}/s verification alone", f"{i['vs_floor']:.1%}"),
            (f"delivery latency A -> B ({d['events']} events), p50 / p99", f"{d['p50_s']} / {d['p99_s']} s",
             "-", "-")]


def _linked(r: Any) -> list[Row]:
    rows: list[Row] = []
    for e in r["export"]:
        for fmt in ("jsonld", "nt", "turtle"):
            rows.append((f"export {fmt} ({e['events']:,} events)", f"{e[fmt]['ev_s']:,} ev/s",
                         f"{e['orjson_floor_ev_s']:,} ev/s orjson", f"{e[fmt]['vs_floor']:.0%} (aim 50%)"))
        rows.append((f"export jsonld peak memory ({e['events']:,} events)", f"{e['jsonld']['peak_mb']} MB",
                     "aim < 150 MB", "ok" if e["jsonld"]["peak_mb"] < 150 else "over"))
    i = r["import"]
    rows.append((f"import N-Triples ({i['events']:,} events)", f"{i['ev_s']:,} ev/s",
                 f"{i['executemany_floor_ev_s']:,} ev/s executemany", f"{i['vs_floor']:.1%} (aim 25%)"))
    return rows


def _planning(r: Any) -> list[Row]:
    return [(f"intents connection page p99 ({db}, {v['intents']:,} intents, p50 {v['page_p50_ms']} ms)",
             f"{v['page_p99_ms']} ms", f"{v['floor_p99_ms']} ms bare select",
             f"{v['ours_over_floor']}x the floor; aim < 50 ms: {'ok' if v['page_p99_ms'] < 50 else 'over'}")
            for db, v in r.items()]


def _recipes(r: Any) -> list[Row]:
    return [(f"plan from a {v['steps']}-step recipe, 100 units ({db}, {v['rows']} rows)", f"{v['plan_ms']} ms",
             f"{v['floor_ms']} ms bare Core insert", f"{v['vs_floor']:.1%} of the floor's speed")
            for db, v in r.items()]


def _growth(r: Any) -> list[Row]:
    """Per operation, time and memory at the largest size, beside the smallest as the floor; growth per 10x."""
    rows: list[Row] = []
    small, large = r["sizes"][0], r["sizes"][-1]
    for v in r["ops"].values():
        first, last = v["points"][0], v["points"][-1]
        t, m = v["time_growth_per_10x"], v["memory_growth_per_10x"]
        rows.append((f"{v['label']} time ({large:,} events; floor: {small:,})", f"{last['time']:,.4g} {v['unit']}",
                     f"{first['time']:,.4g} {v['unit']}", f"{t:.2f}x per 10x events" if t else "-"))
        rows.append((f"{v['label']} peak memory increase ({large:,}; floor: {small:,})",
                     f"{last['increase_mib']:,} MiB", f"{first['increase_mib']:,} MiB",
                     f"{m:.2f}x per 10x events" if m else "-"))
    return rows


BENCHES: list[tuple[str, list[str], Callable[[Any], list[Row]]]] = [
    ("bench_record", ["--json"], _record),
    ("bench_graphql", ["--json"], _graphql),
    ("bench_dividends", [], _dividends),
    ("bench_licences", [], _licences),
    ("bench_linked", [], _linked),
    ("bench_federation", [], _federation),
    ("bench_planning", [], _planning),
    ("bench_recipes", [], _recipes),
    ("growth", [], _growth),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the sizes the issues name")
    args = parser.parse_args()
    results: dict[str, Any] = {"full": args.full, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    rows: list[Row] = []
    for name, extra, table in BENCHES:
        command = [sys.executable, "-W", "ignore", str(HERE / f"{name}.py"), *extra, *(["--full"] if args.full else [])]
        print(f"running {name} …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = round(time.perf_counter() - start, 1)
        if done.returncode != 0:
            results[name] = {"error": done.stderr.strip().splitlines()[-1:] or ["failed"], "seconds": seconds}
            rows.append((name, "failed", "", (done.stderr.strip().splitlines() or ["?"])[-1][:60]))
            continue
        found = _last_json(done.stdout)
        results[name] = {"result": found, "seconds": seconds}
        rows.extend(table(found))
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'ours':>16}  {'floor':>28}  ratio")
    for what, ours, floor, ratio in rows:
        print(f"{what:<{width}}  {ours:>16}  {floor:>28}  {ratio}")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {HERE / 'results.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
