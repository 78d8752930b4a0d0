"""Licence decisions per second, and obligation status for many agents, each beside a floor measured in the same
run.

1. Decisions: a mixed batch of checks over every licence in `licences/` (random users and uses, boundaries
   included), through the decision engine (policies compiled once into evaluators), reading each decision's
   answer and amount owed. Floor: the same CopyFair checks hand-coded as Python if/else, returning the answer
   and the amount (what a decision costs with no policy to read): the ratio is the price of keeping every figure
   in data. A decision's words (reasons, duties, missing facts) are worked out when read: `explained_per_s` is
   the rate when every decision is also explained.
2. Obligation status: N agents, each owing the steward one or two quarterly obligations and having paid some of
   it in money or work; time to compute every agent's status as of a day (`obligations(steward=...)`), on a day
   after the payments (the settlement each payment's transaction keeps holds: `service.settling`). Floor: one
   GROUP BY query summing each agent's claims and payments, fetched (no FIFO settlement, no dates).
   `status_worked_out_ms`: the same on a day before the last payments, when the statuses are worked out from the
   payments made by then.

    python bench/bench_licences.py           # 20,000 decisions; 2,000 agents
    python bench/bench_licences.py --full    # 100,000 decisions; 10,000 agents
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from valueflows.domain.inputs import AgentInput, EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.domain.model import EconomicClaim, EconomicEvent
from valueflows.domain.quantities import Measure
from valueflows.reciprocity.decide import decide
from valueflows.reciprocity.facts import USES, Facts
from valueflows.service import ledger, licences, obligations, records, settling
from valueflows.service.bootstrap import open_ledger
from valueflows.store.mapping import event_row, row_of
from valueflows.store.tables import claims, economic_events

LEGAL = ["worker_coop", "consumer_coop", "nonprofit", "company", "individual", None]


def random_facts(rng: random.Random) -> Facts:
    return Facts(
        legal_form=rng.choice(LEGAL), worker_owned=rng.choice([True, False, None]),
        surplus_to_worker_owners=rng.choice([True, False, None]), headcount=rng.choice([1, 9, 10, 99, 100, 240, None]),
        group_headcount=rng.choice([99, 100, 5000, None]), group_revenue=rng.choice(
            [Decimal("999999.99"), Decimal(1000000), None]), revenue_currency=rng.choice(["USD", "EUR"]),
        use=rng.choice(USES), commercial=rng.choice([True, False, None]), production=rng.choice([True, False]),
        adapted=rng.choice([True, False]), revenue=Decimal(rng.randint(0, 50000)), currency="EUR",
        date=date(2026, 1, 1) + timedelta(days=rng.randint(0, 2000)))


def hand_coded_copyfair(f: Facts) -> tuple[bool | None, Decimal | None]:
    """CopyFair with its figures in code: the floor."""
    if f.use != "sell" and not f.commercial:
        return True, None
    exempt = f.legal_form in ("worker_coop", "multi_stakeholder_coop", "consumer_coop", "nonprofit") or (
        f.headcount is not None and f.headcount < 10)
    if exempt:
        return True, None
    if f.headcount is None:
        return None, None
    owed = max((f.revenue or Decimal(0)) * Decimal("0.03"), Decimal(100)).quantize(Decimal("0.01"))
    return True, owed


def bench_decisions(n: int, rounds: int) -> dict[str, Any]:
    rng = random.Random(7)
    policies = list(licences.policies().values())
    batch = [(rng.choice(policies), random_facts(rng)) for _ in range(n)]
    copyfair = licences.policy("LicenseRef-CopyFair-1.0")
    cf_batch = [f for _, f in batch]
    ours, ours_cf, floor, explained = [], [], [], []
    for _ in range(rounds):
        t = time.perf_counter()
        for policy, f in batch:
            d = decide(policy, f)
            d.permitted, d.compensation  # noqa: B018 - what the floor returns
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        for f in cf_batch:
            d = decide(copyfair, f)
            d.permitted, d.compensation  # noqa: B018
        ours_cf.append(time.perf_counter() - t)
        t = time.perf_counter()
        for f in cf_batch[: n // 10]:
            decide(copyfair, f).words()
        explained.append((time.perf_counter() - t) * 10)
        t = time.perf_counter()
        for f in cf_batch:
            hand_coded_copyfair(f)
        floor.append(time.perf_counter() - t)
    mixed, cf, hand, words = (n / statistics.median(x) for x in (ours, ours_cf, floor, explained))
    return {"decisions": n, "mixed_per_s": round(mixed), "copyfair_per_s": round(cf),
            "hand_coded_per_s": round(hand), "copyfair_vs_hand_coded": round(cf / hand, 4),
            "explained_per_s": round(words)}


def build_obligations(url: str, agents: int) -> Any:
    """A steward, `agents` firms each with one or two quarterly obligations, some paid in money or work."""
    uow = open_ledger(url)
    records.create_agent(uow, AgentInput("Atelier", "Organization", legal_form="worker_coop", id="atelier"))
    records.create_specification(uow, SpecificationInput("Design", id="design"))
    ledger.record_event(uow, EventInput("raise", "atelier", "atelier", resource_quantity=MeasureInput("1", "one"),
                                        has_point_in_time=datetime(2026, 1, 2, tzinfo=UTC),
                                        new_resource=NewResourceInput("Design", conforms_to="design", id="design-1",
                                                                      licence="LicenseRef-CopyFair-1.0")))
    rng = random.Random(11)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    claim_rows, event_rows, agent_rows = [], [], []
    seq = 1_000_000
    for i in range(agents):
        firm = f"firm-{i}"
        agent_rows.append({"id": firm, "name": f"Firm {i}", "type": "Organization", "legal_form": "company",
                           "headcount": 50, "classified_as": []})
        for quarter in range(rng.choice([1, 2])):
            start = date(2026, 1 + 3 * quarter, 1)
            claim = EconomicClaim(
                id=str(uuid.uuid4()), action="transfer", provider=firm, receiver="atelier", created=now,
                resource_quantity=Measure(Decimal(rng.randint(100, 900)), "EUR"),
                resource_classified_as=(obligations.OBLIGATION,), due=datetime.combine(
                    start + timedelta(days=120), datetime.min.time(), UTC), licence="LicenseRef-CopyFair-1.0",
                about_resource="design-1", period_start=start, period_end=start + timedelta(days=89),
                basis={"useDay": start.isoformat(), "workRate": "50.00", "revenue": "1000"},
                agreed_in=licences.agreement("LicenseRef-CopyFair-1.0"))
            claim_rows.append(row_of(claim))
        if rng.random() < 0.6:
            seq += 1
            paid_work = rng.random() < 0.5
            event = EconomicEvent(
                id=str(uuid.uuid4()), action="work" if paid_work else "transfer", provider=firm, receiver="atelier",
                effort_quantity=Measure(Decimal(rng.randint(1, 10)), "hour") if paid_work else None,
                resource_quantity=None if paid_work else Measure(Decimal(rng.randint(50, 600)), "EUR"),
                has_point_in_time=now - timedelta(days=rng.randint(0, 200)), seq=seq,
                agreed_in=licences.agreement("LicenseRef-CopyFair-1.0"))
            event_rows.append(event_row(event))
    from valueflows.store.tables import agents as agent_table

    with uow.engine.begin() as conn:  # bench data only: rows go straight in (no chain, no rules)
        conn.execute(insert(agent_table), agent_rows)
        conn.execute(insert(claims), claim_rows)
        if event_rows:
            conn.execute(insert(economic_events), event_rows)
    with uow.write() as tx:  # what recording them through the ledger keeps: each pair's settlement
        settling.resettle(tx, settling.by_pair(tx.claims.owed(steward="atelier")))
    return uow


def bench_status(url: str, agents: int, rounds: int) -> dict[str, Any]:
    t = time.perf_counter()
    uow = build_obligations(url, agents)
    built = time.perf_counter() - t
    day = date(2026, 11, 1)
    floor_query_claims = (select(claims.c.provider, func.sum(claims.c.resource_quantity_value))
                          .where(claims.c.receiver == "atelier").group_by(claims.c.provider))
    e = economic_events
    floor_query_paid = (select(e.c.provider, func.sum(e.c.resource_quantity_value), func.sum(e.c.effort_quantity_value))
                        .where(e.c.receiver == "atelier").group_by(e.c.provider))
    ours, floor, worked = [], [], []
    count = 0
    for _ in range(rounds):
        t = time.perf_counter()
        count = len(obligations.obligations(uow, day, steward="atelier"))
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        obligations.obligations(uow, date(2026, 6, 1), steward="atelier")  # before most pairs' last payment
        worked.append(time.perf_counter() - t)
        t = time.perf_counter()
        with uow.engine.connect() as conn:
            conn.execute(floor_query_claims).all()
            conn.execute(floor_query_paid).all()
        floor.append(time.perf_counter() - t)
    uow.engine.dispose()
    o, f = statistics.median(ours), statistics.median(floor)
    return {"agents": agents, "obligations": count, "setup_s": round(built, 1), "status_ms": round(o * 1000, 1),
            "status_worked_out_ms": round(statistics.median(worked) * 1000, 1),
            "floor_ms": round(f * 1000, 1), "ours_over_floor": round(o / f, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100,000 decisions and 10,000 agents")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    decisions = bench_decisions(100_000 if args.full else 20_000, args.rounds)
    print(f"decisions: {decisions['decisions']:,} mixed over {len(licences.policies())} licences: "
          f"{decisions['mixed_per_s']:,}/s; CopyFair only {decisions['copyfair_per_s']:,}/s vs hand-coded "
          f"{decisions['hand_coded_per_s']:,}/s (ratio {decisions['copyfair_vs_hand_coded']}); with their words "
          f"{decisions['explained_per_s']:,}/s")
    with tempfile.TemporaryDirectory() as tmp:
        status = bench_status(f"sqlite:///{Path(tmp) / 'bench.db'}", 10_000 if args.full else 2_000, args.rounds)
    print(f"obligation status: {status['agents']:,} agents, {status['obligations']:,} obligations: "
          f"{status['status_ms']} ms vs GROUP BY floor {status['floor_ms']} ms ({status['ours_over_floor']}x); "
          f"on a day before most payments (worked out) {status['status_worked_out_ms']} ms")
    print(json.dumps({"bench": "licences", "decisions": decisions, "status": status}))


if __name__ == "__main__":
    main()
