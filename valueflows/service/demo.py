"""A realistic open-hardware co-op to explore the ledger with.

"Atelier Commun" is a worker co-op of four members that designs farm tools under open licences and builds
them locally; "Farm Hack Network" (a non-profit) stewards the commons; "AgriMachines SA" is a large company
that cites a design and buys seed drills. Every write carries an idempotency key, so seeding twice is a no-op.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from valueflows.domain.errors import LedgerError
from valueflows.domain.inputs import (
    AgentInput,
    EventInput,
    MeasureInput,
    MembershipInput,
    NewResourceInput,
    ProcessInput,
    SpecificationInput,
)
from valueflows.domain.recipes import RecipeFlowInput, RecipeProcessInput
from valueflows.domain.records import DESIGN
from valueflows.service import ledger, licences, obligations, recipes, records
from valueflows.service.obligations import UseRequest
from valueflows.store.ports import UnitOfWork

YEAR = 2026
MEMBERS = ("ana", "bruno", "chloe", "dario")
SALE = "sale-seed-drills-2026"  # the agreement the drills and their payment realize: an exchange, not a contribution
# (idempotency key, use case, request): every step is a plain use-case call.
Step = tuple[str, Callable[[UnitOfWork, Any, str | None], Any], Any]


def _t(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=UTC)


def _setup() -> Iterator[Step]:
    """(key, use case, request) for for the agents, memberships, specifications, resources and processes."""
    agents = [
        AgentInput("Ana Duval", "Person", id="ana"),
        AgentInput("Bruno Keller", "Person", id="bruno"),
        AgentInput("Chloé Martin", "Person", id="chloe"),
        AgentInput("Dario Rossi", "Person", id="dario"),
        AgentInput("Atelier Commun", "Organization", legal_form="worker_coop", worker_owned=True,
                   surplus_to_worker_owners=True, headcount=4, annual_revenue="180000.00", revenue_currency="EUR",
                   id="atelier"),
        AgentInput("Farm Hack Network", "Organization", legal_form="nonprofit", headcount=3, id="farmhack"),
        AgentInput("Agri Holding AG", "Organization", legal_form="company", headcount=900,
                   annual_revenue="210000000.00", revenue_currency="EUR", id="agri-holding"),
        AgentInput("AgriMachines SA", "Organization", legal_form="company", worker_owned=False, headcount=240,
                   annual_revenue="38000000.00", revenue_currency="EUR", group="agri-holding", id="agrimachines"),
    ]
    for a in agents:
        yield f"demo:agent:{a.id}", records.create_agent, a
    memberships = [
        MembershipInput("ana", "atelier", date(2022, 1, 1), id="m-ana"),
        MembershipInput("bruno", "atelier", date(2023, 6, 1), id="m-bruno"),
        MembershipInput("chloe", "atelier", date(YEAR, 4, 1), id="m-chloe"),  # joined mid-year
        MembershipInput("dario", "atelier", date(2021, 3, 1), date(YEAR, 8, 31), id="m-dario"),  # left mid-year
    ]
    for m in memberships:
        yield f"demo:membership:{m.id}", records.create_membership, m
    specs = [
        SpecificationInput("Open hardware design", id="design", default_unit_of_resource="one",
                           default_unit_of_effort="hour", resource_classified_as=(DESIGN,)),
        SpecificationInput("Design work", id="design-work"),
        SpecificationInput("Fabrication work", id="fabrication-work"),
        SpecificationInput("Steel", id="steel", default_unit_of_resource="kilogram"),
        SpecificationInput("Euro account", id="eur-account", default_unit_of_resource="EUR"),
        SpecificationInput("Seed drill", id="seed-drill", default_unit_of_resource="one"),
        SpecificationInput("Welding station", id="welder", default_unit_of_resource="one",
                           default_unit_of_effort="hour"),
        SpecificationInput("Seed drill frame", id="drill-frame", default_unit_of_resource="one"),
    ]
    for s in specs:
        yield f"demo:spec:{s.id}", records.create_specification, s
    processes = [
        ProcessInput("Design the seed drill v2", id="p-design-drill", has_beginning=_t(1, 5)),
        ProcessInput("Build seed drills, batch 1", id="p-build-drills", has_beginning=_t(5, 4)),
    ]
    for p in processes:
        yield f"demo:process:{p.id}", records.create_process, p
    yield from _recipe()


def _recipe() -> Iterator[Step]:
    """The seed drill's recipe, as the design carries it: weld a frame (a day), then assemble the drill (two days),
    40 kg of steel and 16 hours of fabrication work a drill; `plan-from-recipe` scales and schedules it."""
    steps = [
        RecipeProcessInput("Weld the frame", "1", "day", id="rp-weld-frame"),
        RecipeProcessInput("Assemble the seed drill", "2", "day", id="rp-assemble-drill"),
    ]
    for s in steps:
        yield f"demo:recipe:{s.id}", recipes.create_recipe_process, s

    def flow(action: str, spec: str, qty: str, unit: str, step: str, output: bool = False) -> RecipeFlowInput:
        measure = MeasureInput(qty, unit)
        effort = unit == "hour"
        return RecipeFlowInput(action, spec, None if effort else measure, measure if effort else None,
                               recipe_output_of=step if output else None, recipe_input_of=None if output else step,
                               id=f"rf-{step.removeprefix('rp-')}-{action}-{spec}")

    flows = [
        flow("consume", "steel", "28", "kilogram", "rp-weld-frame"),
        flow("work", "fabrication-work", "6", "hour", "rp-weld-frame"),
        flow("use", "welder", "4", "hour", "rp-weld-frame"),
        flow("produce", "drill-frame", "1", "one", "rp-weld-frame", output=True),
        flow("cite", "design", "1", "one", "rp-assemble-drill"),
        flow("consume", "drill-frame", "1", "one", "rp-assemble-drill"),
        flow("consume", "steel", "12", "kilogram", "rp-assemble-drill"),
        flow("work", "fabrication-work", "10", "hour", "rp-assemble-drill"),
        flow("produce", "seed-drill", "1", "one", "rp-assemble-drill", output=True),
    ]
    for f in flows:
        yield f"demo:recipe:{f.id}", recipes.create_recipe_flow, f


def _raise(provider: str, qty: str, unit: str, name: str, spec: str, rid: str, when: datetime,
           licence: str | None = None) -> EventInput:
    return EventInput("raise", provider, provider, resource_quantity=MeasureInput(qty, unit), has_point_in_time=when,
                      new_resource=NewResourceInput(name, conforms_to=spec, id=rid, licence=licence))


def _events() -> list[EventInput]:
    e: list[EventInput] = [
        _raise("farmhack", "1", "one", "Roller-crimper design", "design", "roller-crimper", _t(1, 2), "CC-BY-SA-4.0"),
        _raise("atelier", "1", "one", "Tool carrier design", "design", "tool-carrier", _t(1, 2), "CERN-OHL-S-2.0"),
        _raise("atelier", "500", "kilogram", "Steel stock", "steel", "steel-stock", _t(1, 3)),
        _raise("atelier", "20000.00", "EUR", "Atelier Commun current account", "eur-account", "atelier-eur",
               _t(1, 3)),
        _raise("agrimachines", "500000.00", "EUR", "AgriMachines account", "eur-account", "agrimachines-eur",
               _t(1, 3)),
        _raise("atelier", "1", "one", "Welding station", "welder", "welder", _t(1, 3)),
    ]
    rng = random.Random(YEAR)
    # Design work through the spring, fabrication from May; some members join or leave mid-year.
    for week in range(1, 45):
        day = date(YEAR, 1, 5) + timedelta(weeks=week)
        for member in MEMBERS:
            if (member == "chloe" and day < date(YEAR, 4, 1)) or (member == "dario" and day > date(YEAR, 8, 31)):
                continue
            kind, process = ("design-work", "p-design-drill") if day.month < 5 else ("fabrication-work",
                                                                                      "p-build-drills")
            hours = Decimal(rng.randint(8, 32)) / 2
            e.append(EventInput("work", member, "atelier", effort_quantity=MeasureInput(str(hours), "hour"),
                                resource_conforms_to=kind, input_of=process,
                                has_point_in_time=datetime(day.year, day.month, day.day, 17, tzinfo=UTC)))
    e += [
        EventInput("cite", "farmhack", "atelier", resource_inventoried_as="roller-crimper",
                   resource_quantity=MeasureInput("1", "one"), input_of="p-design-drill", has_point_in_time=_t(2, 1)),
        EventInput("produce", "atelier", "atelier", resource_quantity=MeasureInput("1", "one"),
                   output_of="p-design-drill", has_point_in_time=_t(4, 30),
                   new_resource=NewResourceInput("Seed drill v2 design", conforms_to="design", id="seed-drill-design",
                                                 licence="LicenseRef-CopyFair-1.0")),
        EventInput("cite", "atelier", "atelier", resource_inventoried_as="seed-drill-design",
                   resource_quantity=MeasureInput("1", "one"), input_of="p-build-drills", has_point_in_time=_t(5, 4)),
        EventInput("consume", "atelier", "atelier", resource_inventoried_as="steel-stock",
                   resource_quantity=MeasureInput("320", "kilogram"), input_of="p-build-drills",
                   has_point_in_time=_t(6, 15)),
        EventInput("use", "atelier", "atelier", resource_inventoried_as="welder",
                   effort_quantity=MeasureInput("64", "hour"), input_of="p-build-drills", has_point_in_time=_t(6, 30)),
        EventInput("produce", "atelier", "atelier", resource_quantity=MeasureInput("8", "one"),
                   output_of="p-build-drills", has_point_in_time=_t(9, 30),
                   new_resource=NewResourceInput("Seed drills, batch 1", conforms_to="seed-drill", id="drills-batch-1",
                                                 licence="LicenseRef-CopyFair-1.0")),
        # A material contribution: Bruno brings 40 kg of his own steel.
        _raise("bruno", "40", "kilogram", "Bruno's steel offcuts", "steel", "bruno-steel", _t(5, 20)),
        EventInput("transfer", "bruno", "atelier", resource_inventoried_as="bruno-steel",
                   to_resource_inventoried_as="steel-stock", resource_quantity=MeasureInput("40", "kilogram"),
                   has_point_in_time=_t(5, 21), note="material contribution"),
        # Sales: three seed drills to AgriMachines, paid in euros.
        EventInput("transfer", "atelier", "agrimachines", resource_inventoried_as="drills-batch-1",
                   resource_quantity=MeasureInput("3", "one"), has_point_in_time=_t(10, 12), note="sale",
                   realization_of=SALE),
        EventInput("transfer", "agrimachines", "atelier", resource_inventoried_as="agrimachines-eur",
                   to_resource_inventoried_as="atelier-eur", resource_quantity=MeasureInput("14700.00", "EUR"),
                   has_point_in_time=_t(10, 20), note="payment for three seed drills", realization_of=SALE),
    ]
    return e


def _licensed_uses() -> list[Step]:
    """AgriMachines (240 people) builds and sells seed drills from the CopyFair design: it owes the commons a
    share of that revenue each quarter, and pays part of the third quarter's obligation late."""
    return [
        ("demo:use:q3", obligations.record_use, UseRequest(
            "seed-drill-design", "agrimachines", "sell", revenue=Decimal("48000.00"), currency="EUR",
            day=date(YEAR, 8, 14), note="seed drills built from the design, sold in Q3")),
        ("demo:use:q4", obligations.record_use, UseRequest(
            "seed-drill-design", "agrimachines", "sell", revenue=Decimal("2500.00"), currency="EUR",
            day=date(YEAR, 10, 20), note="seed drills built from the design, sold in Q4")),
        ("demo:pay:q3", ledger.record_event, EventInput(
            "transfer", "agrimachines", "atelier", resource_inventoried_as="agrimachines-eur",
            to_resource_inventoried_as="atelier-eur", resource_quantity=MeasureInput("1000.00", "EUR"),
            has_point_in_time=_t(11, 10), note="towards the CopyFair obligation",
            agreed_in=licences.agreement("LicenseRef-CopyFair-1.0"))),
    ]


def demo_steps() -> list[Step]:
    return (list(_setup()) + [(f"demo:event:{i}", ledger.record_event, e) for i, e in enumerate(_events())]
            + _licensed_uses())


def seed_demo(uow: UnitOfWork, on_step: Callable[[], None] = lambda: None) -> int:
    """Write the demo co-op; returns how many steps wrote something new. A ledger whose records already use the
    demo's ids for something else is refused before anything is written."""
    with uow.read() as tx:
        taken = [key.removeprefix("demo:agent:") for key, _use, _request in demo_steps()
                 if key.startswith("demo:agent:") and tx.agents.get(key.removeprefix("demo:agent:")) is not None
                 and tx.keys.find(key) is None]
    if taken:
        raise LedgerError(f"this ledger already holds other data (agents {', '.join(map(repr, taken))} are not the "
                          f"demo's): seed the demo into a new ledger, e.g. --db sqlite:///demo.db")
    written = 0
    for key, use_case, request in demo_steps():
        result = use_case(uow, request, key)
        written += not getattr(result, "replayed", False)
        on_step()
    return written
