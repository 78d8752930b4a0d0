"""Relations between records that are worked out rather than stored: which resources are at a stage, which
processes an agent took part in, which plans it has promised in, which plan a process is in, which events went
unplanned. Read through the access policy (a `Reading`), so each holds only what the reader may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from valueflows.domain import traces
from valueflows.service import filters
from valueflows.service.reading import Reading
from valueflows.store.ports import EventFilter


def resources_at_stage(reading: Reading, specification: str) -> list[Any]:
    """Resources whose stage is this process specification: they last came out of a process based on it."""
    processes = {p.id for p in reading.where("process", based_on=specification)}
    outputs = {e.resource_inventoried_as for pid in sorted(processes)
               for e in reading.events(EventFilter(process=pid)) if e.output_of == pid}
    return [r for r in reading.get_many("economic_resource", sorted(o for o in outputs if o))
            if traces.stage(reading.resource_events(r.id)) in processes]


def processes_of(reading: Reading, agent: str, search: str | None = None,
                 finished: bool | None = None) -> list[Any]:
    """Processes in which the agent provided or received a flow, in id order."""
    ids = {p for e in reading.events(EventFilter(agent=agent)) for p in (e.input_of, e.output_of) if p}
    keep = filters.processes(search, finished)
    return [p for p in reading.get_many("process", sorted(ids)) if keep is None or keep(p)]


def plans_of(reading: Reading, agent: str, search: str | None = None) -> list[Any]:
    """Plans in which the agent made or received a commitment, in id order; with `search`, in name or note."""
    promised = reading.where("commitment", provider=agent) + reading.where("commitment", receiver=agent)
    ids = sorted({i for c in promised for i in (c.planned_within, c.independent_demand_of) if i})
    return [plan for plan in reading.get_many("plan", ids)
            if search is None or search.casefold() in f"{plan.name} {plan.note or ''}".casefold()]


def plan_of_process(reading: Reading, process: str) -> Any | None:
    """The plan a process's commitments are planned within (the first, if they name several)."""
    flows = reading.where("commitment", input_of=process) + reading.where("commitment", output_of=process)
    plans = sorted({c.planned_within for c in flows if c.planned_within})
    return reading.get("plan", plans[0]) if plans else None


def unplanned(reading: Reading, events: Iterable[Any]) -> list[Any]:
    """Those of these events that fulfil no commitment (as far as the reader may see the fulfilments)."""
    events = list(events)
    planned = reading.fulfilling([e.id for e in events])
    return [e for e in events if e.id not in planned]
