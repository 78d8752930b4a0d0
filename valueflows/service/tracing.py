"""Track and trace over many steps (vf-graphql 0.9's `track` and `trace`): from an event, a resource or a process,
the flows forward (where things went: `track`) or back (where they came from: `trace`), step by step through
events, resources and processes, breadth first, each item once, through what the reader may see.

One step is the core's (`domain/traces`): an event leads to the process it is an input to (or came out of) and to
the resource it made (or used); a resource to the events that took it further (or brought it about); a process to
its outputs (or its inputs).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from valueflows.domain import traces
from valueflows.domain.limits import MAX_PAGE
from valueflows.service.reading import Reading
from valueflows.store.ports import EventFilter

Item = tuple[str, Any]  # (kind, record): kind is economic_event, economic_resource or process


def follow(reading: Reading, kind: str, record: Any, forward: bool, limit: int = MAX_PAGE) -> list[Item]:
    """Up to `limit` items reached from `record`, nearest first (the record itself left out)."""
    seen = {(kind, record.id)}
    queue: deque[Item] = deque([(kind, record)])
    found: list[Item] = []
    while queue and len(found) < limit:
        for item in step(reading, *queue.popleft(), forward):
            key = (item[0], item[1].id)
            if key in seen:
                continue
            seen.add(key)
            found.append(item)
            queue.append(item)
            if len(found) == limit:
                break
    return found


def step(reading: Reading, kind: str, record: Any, forward: bool) -> list[Item]:
    """The items one flow away, in the order the core gives them (worked out once a request: the walks from many
    events of one process cross the same records)."""
    key = (kind, record.id, forward)
    if key not in reading.flows:
        reading.flows[key] = list(_step(reading, kind, record, forward))
    return reading.flows[key]


def _step(reading: Reading, kind: str, record: Any, forward: bool) -> Iterator[Item]:
    if kind == "economic_event":
        process, resource = traces.event_flow(record, forward)
        for next_kind, next_id in (("process", process), ("economic_resource", resource)):
            found = reading.get(next_kind, next_id)
            if found is not None:
                yield next_kind, found
    elif kind == "economic_resource":
        events = reading.resource_events(record.id)
        for event in (traces.track if forward else traces.trace)(events, record.id):
            yield "economic_event", event
    elif kind == "process":
        for event in reading.events(EventFilter(process=record.id)):
            if (event.output_of if forward else event.input_of) == record.id:
                yield "economic_event", event
