"""Plan from a recipe: a 50-step recipe (each step consumes what the step before it makes, 2 kg of steel and an
hour of work) planned for 100 units, through the use case (`recipes.plan`: the recipe read, the plan exploded,
checked, written and chained in one transaction). Beside it, the floor measured in the same run: the same rows
(the plan, its processes and its commitments) inserted by bare SQLAlchemy Core in one transaction.

    python bench/bench_recipes.py            # 50 steps, 100 units, 10 plans on SQLite and PostgreSQL
    python bench/bench_recipes.py --full     # 30 plans
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from valueflows.domain.inputs import AgentInput, MeasureInput, SpecificationInput
from valueflows.domain.recipes import PlanRequest, RecipeFlowInput, RecipeProcessInput
from valueflows.service import recipes, records
from valueflows.service.bootstrap import open_ledger
from valueflows.store.mapping import row_of
from valueflows.store.tables import commitments, plans, processes
from valueflows.store.uow import UnitOfWork

sys.path.insert(0, str(Path(__file__).parent))
from bench_record import schema_url  # a benchmark beside this one: its throwaway databases

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STEPS = 50
UNITS = "100"
DUE = datetime(2027, 6, 1, tzinfo=UTC)


def write_recipe(uow: UnitOfWork) -> None:
    records.create_agent(uow, AgentInput("Atelier", "Organization", id="atelier"))
    records.create_agent(uow, AgentInput("Farm", "Organization", id="farm"))
    records.create_specification(uow, SpecificationInput("Steel", id="steel", default_unit_of_resource="kilogram"))
    records.create_specification(uow, SpecificationInput("Work", id="work"))
    for i in range(1, STEPS + 1):
        records.create_specification(uow, SpecificationInput(f"Part {i}", id=f"part-{i}",
                                                             default_unit_of_resource="one"))
        recipes.create_recipe_process(uow, RecipeProcessInput(f"Step {i}", "4", "hour", id=f"step-{i}"))
        flows = [RecipeFlowInput("produce", f"part-{i}", MeasureInput("1", "one"), recipe_output_of=f"step-{i}"),
                 RecipeFlowInput("consume", "steel", MeasureInput("2", "kilogram"), recipe_input_of=f"step-{i}"),
                 RecipeFlowInput("work", "work", effort_quantity=MeasureInput("1", "hour"),
                                 recipe_input_of=f"step-{i}")]
        if i > 1:
            flows.append(RecipeFlowInput("consume", f"part-{i - 1}", MeasureInput("1", "one"),
                                         recipe_input_of=f"step-{i}"))
        for flow in flows:
            recipes.create_recipe_flow(uow, flow)


def measure(uow: UnitOfWork, runs: int) -> dict[str, Any]:
    ours: list[float] = []
    made = None
    for _ in range(runs):
        start = time.perf_counter()
        made = recipes.plan(uow, PlanRequest(f"part-{STEPS}", UNITS, DUE, "atelier", "farm")).made
        ours.append(time.perf_counter() - start)
    assert made is not None
    rows = 1 + len(made.processes) + len(made.commitments)
    floor: list[float] = []
    for n in range(runs):  # the same rows again, under other ids, by bare Core
        suffix = f"-floor-{n}"
        plan = dict(row_of(made.plan), id=made.plan.id + suffix)
        steps = [dict(row_of(p), id=p.id + suffix) for p in made.processes]
        promised = [dict(row_of(c), id=c.id + suffix, planned_within=plan["id"],
                         independent_demand_of=plan["id"] if c.independent_demand_of else None,
                         input_of=c.input_of + suffix if c.input_of else None,
                         output_of=c.output_of + suffix if c.output_of else None) for c in made.commitments]
        start = time.perf_counter()
        with uow.engine.begin() as conn:
            conn.execute(insert(plans), [plan])
            conn.execute(insert(processes), steps)
            conn.execute(insert(commitments), promised)
        floor.append(time.perf_counter() - start)
    median, bare = statistics.median(ours), statistics.median(floor)
    return {"steps": len(made.processes), "commitments": len(made.commitments), "rows": rows, "plans": runs,
            "plan_ms": round(median * 1000, 1), "floor_ms": round(bare * 1000, 2),
            "rows_per_s": round(rows / median), "vs_floor": round(bare / median, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()
    runs = 30 if args.full else 10
    out: dict[str, Any] = {}
    for database, base in (("sqlite", "sqlite"), ("postgresql", args.pg)):
        url, drop = schema_url(base, "recipes")
        uow = open_ledger(url)
        try:
            write_recipe(uow)
            out[database] = measure(uow, runs)
        finally:
            uow.engine.dispose()
            drop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
