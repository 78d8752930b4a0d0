"""How time and memory grow with the size of the ledger: recording events, the contribution report, JSON-LD export.

Three operations, each measured on ledgers of 10,000 and 100,000 events (and 1,000,000 with --full):

- record: `ledger.record_event`, the use case behind `createEconomicEvent`, records work events (members to
  "coop", spread over 2026) onto the N events already there. Time per event: each round records `RECORD_BATCH`
  events and the figure is the median of `--rounds` rounds, after a warm-up of `RECORD_WARMUP` events. It works
  on a copy of the cached ledger in a temporary directory, so the cache stays as generated.
- report: `reports.contributions`, the service behind the GraphQL `contributionReport` and
  `valueflows contributions --org coop --from 2026-01-01 --to 2026-12-31`: what "coop" received in 2026. Time per
  report: the median of `--rounds` rounds, after one warm-up. An untimed check afterwards: the report counts
  every event of the period.
- export: `linked.export(uow, "jsonld", ...)`, the generator consumed chunk by chunk and nothing kept. Time for
  the whole ledger: the median of 3 rounds (one round from `EXPORT_ONE_ROUND_FROM` events).

Memory: each (size, operation) runs in a child process of its own (this script with the hidden `--one OP N`), so
measurements do not share a heap. The child imports, opens the ledger, reads its resident set size from
/proc/self/status, then runs the operation (warm-up included) and reports its peak RSS (VmHWM, the high-water
mark of its own memory since it started) and the increase of that peak over the RSS read before: what the
operation itself needed. Linux only. (Not getrusage's ru_maxrss: Linux carries the parent's high-water mark into a
child through fork and exec, so a large parent would hide the child's own peak.)

Growth per 10x of size: (figure at the largest size / figure at the smallest) ** (1 / log10(largest / smallest)).
About 1 for a figure that does not depend on the ledger's size (what recording and a streaming export's memory
should show), 10 for one proportional to it (the time of a whole export), more than 10 for worse than linear.

The ledgers are the ones `bench_dividends.py` generates (N work events of 200 members and 3 guests for "coop"
over 2026, cached as /tmp/valueflows-bench-dividends-v<version>-<N>.db; generated here first if missing, which
takes ~80 s at 1,000,000). Their bulk rows have no hash chain: fine for timings, `verify` would fail.
The results are printed as a table, then as one JSON object (the last line), and plotted with matplotlib (time
and peak memory against ledger size) to bench/growth.svg.

    python bench/growth.py                   # 10,000 and 100,000 events (about a minute)
    python bench/growth.py --full            # and 1,000,000 (about 3 minutes, most of it exporting)
    python bench/growth.py --plot out.svg    # the plot elsewhere (png works too)
    python bench/growth.py --no-plot         # no plot (matplotlib not needed)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_dividends import MEMBERS, SPECS, ledger_path, sqlite_ledger

from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.service import ledger, linked
from valueflows.service.bootstrap import open_ledger
from valueflows.service.reports import ReportScope, contributions
from valueflows.store.uow import UnitOfWork

HERE = Path(__file__).resolve().parent
SIZES, FULL_SIZES = [10_000, 100_000], [10_000, 100_000, 1_000_000]
BASE = "https://ledger.example.org"
PERIOD = ReportScope(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), receiver="coop")
RECORD_BATCH, RECORD_WARMUP = 500, 50
EXPORT_ROUNDS, EXPORT_ONE_ROUND_FROM = 3, 1_000_000
MIB = 1024  # VmRSS and VmHWM are in KiB


@dataclass(frozen=True)
class Op:
    name: str
    label: str  # for the table, the plot and bench/run.py
    unit: str  # of the time figure
    scale: float  # seconds to that unit


OPS = {op.name: op for op in (
    Op("record", "record_event", "ms/event", 1000),
    Op("report", "contribution report", "ms", 1000),
    Op("export", "export JSON-LD", "s", 1),
)}


# -- one measurement (in the child process) -----------------------------------------------------------------------

def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux): VmRSS (now), VmHWM (its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


def rss_kib() -> int:
    """The resident set size now."""
    return status_kib("VmRSS")


def work_events(n: int, seed: int) -> Iterator[EventInput]:
    """Work like the generated ledger's: a member gives 0.25 to 8 hours of one kind of work to coop in 2026."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(n):
        yield EventInput("work", f"m{rng.randrange(MEMBERS):03d}", "coop", resource_conforms_to=rng.choice(SPECS),
                         effort_quantity=MeasureInput(str(rng.randrange(1, 33) / 4), "hour"),
                         has_point_in_time=start + timedelta(seconds=rng.randrange(365 * 86400)))


def time_record(uow: UnitOfWork, rounds: int) -> list[float]:
    """Seconds per recorded event, one figure per round."""
    for event in work_events(RECORD_WARMUP, seed=-1):
        ledger.record_event(uow, event)
    samples = []
    for r in range(rounds):
        batch = list(work_events(RECORD_BATCH, seed=r))
        start = time.perf_counter()
        for event in batch:
            ledger.record_event(uow, event)
        samples.append((time.perf_counter() - start) / RECORD_BATCH)
    return samples


def time_report(uow: UnitOfWork, rounds: int) -> list[float]:
    """Seconds per report, one figure per round."""
    contributions(uow, PERIOD)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        contributions(uow, PERIOD)
        samples.append(time.perf_counter() - start)
    return samples


def time_export(uow: UnitOfWork, rounds: int) -> list[float]:
    """Seconds per whole export, one figure per round; the chunks are counted and dropped."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        written = 0
        for chunk in linked.export(uow, "jsonld", BASE):
            written += len(chunk)
        samples.append(time.perf_counter() - start)
        assert written > 0
    return samples


def check_report(uow: UnitOfWork, n: int) -> None:
    """Untimed: the report counts every event of the period (the generated ones and those recorded)."""
    from sqlalchemy import func, select

    from valueflows.store.tables import economic_events as e

    with uow.read() as conn:
        expected = conn.execute(select(func.count()).where(
            e.c.receiver == "coop", e.c.happened_at >= PERIOD.start, e.c.happened_at < PERIOD.end)).scalar_one()
    counted = sum(c.events for c in contributions(uow, PERIOD).contributors)
    assert counted == expected, (n, counted, expected)


@contextmanager
def ledger_for(op: str, n: int) -> Iterator[UnitOfWork]:
    """The cached ledger of n events; for recording, a copy of it (with its WAL, if one was left)."""
    source = ledger_path(n)
    if op != "record":
        uow = open_ledger(f"sqlite:///{source}")
        yield uow
        uow.engine.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="valueflows-growth-") as tmp:
        copy = Path(tmp) / source.name
        shutil.copy(source, copy)
        if Path(f"{source}-wal").exists():
            shutil.copy(f"{source}-wal", f"{copy}-wal")
        uow = open_ledger(f"sqlite:///{copy}")
        yield uow
        uow.engine.dispose()


def measure_one(op: str, n: int, rounds: int) -> dict[str, Any]:
    """One (operation, size), in this process: its time figures and what its peak memory was."""
    timers: dict[str, Callable[[UnitOfWork, int], list[float]]] = {
        "record": time_record, "report": time_report, "export": time_export}
    with ledger_for(op, n) as uow:
        before = rss_kib()
        peak_before = status_kib("VmHWM")
        samples = timers[op](uow, rounds)
        peak = status_kib("VmHWM")
        if op == "report":
            check_report(uow, n)
    if peak_before > before + 4 * MIB:
        print(f"warning: {op} at {n:,}: the process peaked at {peak_before / MIB:.0f} MiB before the operation "
              f"(RSS then {before / MIB:.0f} MiB), so the increase is an upper bound", file=sys.stderr)
    return {"op": op, "events": n, "rounds": len(samples), "samples_s": samples,
            "time": statistics.median(samples) * OPS[op].scale, "before_mib": round(before / MIB, 1),
            "peak_mib": round(peak / MIB, 1), "increase_mib": round((peak - before) / MIB, 1)}


# -- the run (in the parent) --------------------------------------------------------------------------------------

def in_child(op: str, n: int, rounds: int) -> dict[str, Any]:
    command = [sys.executable, "-W", "ignore", str(Path(__file__).resolve()), "--one", op, str(n),
               "--rounds", str(rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{op} at {n:,} events failed (exit {done.returncode})")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def per_10x(small: float, large: float, sizes: list[int]) -> float | None:
    """The factor a figure grows by per 10x of ledger size, between the smallest and the largest size."""
    if small <= 0 or large <= 0:
        return None
    return float((large / small) ** (1 / math.log10(sizes[-1] / sizes[0])))


def growth_table(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    head = f"{'operation':<21}{'events':>11}{'time':>11}  {'unit':<9}{'rounds':>7}{'RSS before':>12}" \
           f"{'peak RSS':>10}{'increase':>10}"
    lines = [head, "-" * len(head)]
    for name, found in results["ops"].items():
        op = OPS[name]
        for p in found["points"]:
            lines.append(f"{op.label:<21}{p['events']:>11,}{p['time']:>11.4g}  {op.unit:<9}{p['rounds']:>7}"
                         f"{p['before_mib']:>8.1f} MiB{p['peak_mib']:>6.1f} MiB{p['increase_mib']:>6.1f} MiB")
        t, m = found["time_growth_per_10x"], found["memory_growth_per_10x"]
        lines.append(f"{'':<21}{'per 10x':>11}{f'{t:.2f}x' if t else '-':>11}  {'':<9}{'':>7}{'':>12}{'':>10}"
                     f"{f'{m:.2f}x' if m else '-':>10}")
    lines.append(f"growth per 10x between {sizes[0]:,} and {sizes[-1]:,} events: 1x flat, 10x linear, more: worse")
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    sizes = results["sizes"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    fig.suptitle(f"valueflows: cost against ledger size (SQLite, {sizes[0]:,} to {sizes[-1]:,} events)")
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    for name, found in results["ops"].items():
        op, points = OPS[name], found["points"]
        x = [p["events"] for p in points]
        ms = [p["time"] / op.scale * 1000 for p in points]
        line, = left.plot(x, ms, marker="o", label=f"{op.label} ({'per event' if name == 'record' else 'whole'})")
        for xi, yi, p in zip(x, ms, points, strict=True):
            left.annotate(f"{p['time']:.3g} {op.unit}", (xi, yi), textcoords="offset points", xytext=(4, 6),
                          fontsize=8, color=line.get_color())
        right.plot(x, [p["increase_mib"] for p in points], marker="o", color=line.get_color(),
                   label=f"{op.label}: increase during it")
        right.plot(x, [p["peak_mib"] for p in points], marker=".", linestyle="--", color=line.get_color(),
                   alpha=0.6, label=f"{op.label}: peak of the process")
    export = results["ops"].get("export")
    if export:  # a guide: what growing in proportion to the ledger looks like
        first = export["points"][0]
        ms0 = first["time"] / OPS["export"].scale * 1000
        left.plot(sizes, [ms0 * n / first["events"] for n in sizes], color="grey", linestyle=":", linewidth=1,
                  label="proportional to size (guide)")
    left.set_yscale("log")
    left.set_title("Time (median of rounds)")
    left.set_ylabel("time (ms, log scale)")
    right.set_title("Peak memory (RSS, one process per point)")
    right.set_ylabel("MiB")
    right.set_ylim(bottom=0)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xticks(sizes)
        ax.xaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda _v, _p: ""))
        ax.set_xlabel("events in the ledger (log scale)")
        ax.margins(x=0.12)
        ax.grid(True, which="major", alpha=0.3)
    left.legend(fontsize=8, loc="upper left")
    right.legend(fontsize=8, loc="center right")
    left.yaxis.set_major_formatter(plain)
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help=f"add {FULL_SIZES[-1]:,} events")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of recording and of the report (default 5)")
    parser.add_argument("--plot", type=Path, default=HERE / "growth.svg", metavar="PATH",
                        help="where to write the plot (default bench/growth.svg)")
    parser.add_argument("--no-plot", action="store_true", help="no plot")
    parser.add_argument("--one", nargs=2, metavar=("OP", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds = max(1, args.rounds)
    if args.one:
        op, n = args.one[0], int(args.one[1])
        if op == "export":
            rounds = 1 if n >= EXPORT_ONE_ROUND_FROM else EXPORT_ROUNDS
        print(json.dumps(measure_one(op, n, rounds)))
        return
    drawing = not args.no_plot
    if drawing and importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot", file=sys.stderr)
        drawing = False
    sizes = FULL_SIZES if args.full else SIZES
    generation = {}
    for n in sizes:
        _, meta = sqlite_ledger(n, regenerate=False)
        generation[n] = meta
        print(f"ledger of {n:,} events: generated in {meta['generation_s']:.1f} s"
              + (" (cached file)" if meta["cached"] else ""), file=sys.stderr, flush=True)
    started = time.perf_counter()
    results: dict[str, Any] = {"sizes": sizes, "ops": {}}
    for name in OPS:
        points = []
        for n in sizes:
            print(f"{name} at {n:,} events …", file=sys.stderr, flush=True)
            found = in_child(name, n, rounds)
            found.pop("op")
            points.append(found)
        results["ops"][name] = {
            "label": OPS[name].label, "unit": OPS[name].unit, "points": points,
            "time_growth_per_10x": per_10x(points[0]["time"], points[-1]["time"], sizes),
            "memory_growth_per_10x": per_10x(points[0]["increase_mib"], points[-1]["increase_mib"], sizes),
        }
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["generation_s"] = {str(n): round(m["generation_s"], 1) for n, m in generation.items()}
    print(growth_table(results))
    print(f"{results['seconds']:.0f} s in all (ledger generation not counted)")
    if drawing:
        plot(results, args.plot)
        results["plot"] = str(args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    print(json.dumps({"bench": "growth", **results}))


if __name__ == "__main__":
    main()
