"""Following flows through resources and processes (ValueFlows trace and track), over events already read.

Pure functions of events: which events brought a resource about and which took it further, where an event's flow
comes from and goes to, which processes come before and after one, the stage and state a resource is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from valueflows.domain.actions import ACTIONS, Effect, InputOutput
from valueflows.domain.model import EconomicEvent

VERDICTS = ("pass", "fail")


def brings_into(event: EconomicEvent, resource: str) -> bool:
    """Whether the event brought quantity into the resource (or created it): what `trace` follows back."""
    if event.to_resource_inventoried_as == resource:
        return True
    action = ACTIONS[event.action]
    return action.input_output is InputOutput.OUTPUT or action.resource_effect is Effect.INCREMENT


def trace(events: Iterable[EconomicEvent], resource: str) -> list[EconomicEvent]:
    """The events (of this resource) that brought it about or added to it, in ledger order."""
    return [e for e in events if brings_into(e, resource)]


def track(events: Iterable[EconomicEvent], resource: str) -> list[EconomicEvent]:
    """The events (of this resource) that took it further: used, consumed, passed on."""
    return [e for e in events if not brings_into(e, resource)]


def stage(events: Sequence[EconomicEvent]) -> str | None:
    """The process the resource last came out of (its specification is the resource's stage)."""
    outputs = [e for e in events if e.output_of]
    return outputs[-1].output_of if outputs else None


def state(events: Sequence[EconomicEvent]) -> str | None:
    """`pass` or `fail`, from the last such event of the resource."""
    verdicts = [e for e in events if e.action in VERDICTS]
    return verdicts[-1].action if verdicts else None


def event_flow(event: EconomicEvent, forward: bool) -> tuple[str | None, str | None]:
    """Where an event's flow goes next (`forward`: the process it is input to, or the resource it made) or came from
    (the process that put it out, or the resource it used), as (process, resource)."""
    process = event.input_of if forward else event.output_of
    is_output = event.output_of is not None or ACTIONS[event.action].resource_effect is Effect.INCREMENT
    resource = event.resource_inventoried_as if forward == is_output else None
    return process, resource


def linked_processes(process: str, of_resources: Iterable[EconomicEvent], forward: bool) -> list[str]:
    """Processes after this one (`forward`: they took in a resource it put out) or before it (they put out a
    resource it took in), in the order met. `of_resources`: the events of the resources it put out (or took in),
    resource by resource (`resources_of`), each in ledger order."""
    found: list[str] = []
    for e in of_resources:
        other = e.input_of if forward else e.output_of
        if other and other != process and other not in found:
            found.append(other)
    return found


def resources_of(process: str, own: Iterable[EconomicEvent], forward: bool) -> list[str]:
    """The resources a process put out (`forward`) or took in, sorted."""
    return sorted({e.resource_inventoried_as for e in own if e.resource_inventoried_as
                   and (e.output_of if forward else e.input_of) == process})


def working_agents(events: Iterable[EconomicEvent]) -> list[str]:
    """Who worked in these events, in the order first met."""
    return list(dict.fromkeys(e.provider for e in events if e.action == "work"))
