"""Rollup: which processes stand behind a resource, through the resources they took in, recursively.

The value behind a resource includes the contributions to the processes that produced it, and to the processes
that produced their inputs, and so on. Pure: the graph is given as two maps (read from the events by the
service). A resource reached again along its own path is a cycle (a tool that helped make the machine that made
it); cycles are reported, and every process counts once, however many paths lead to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MAX_DEPTH = 10_000


@dataclass(frozen=True)
class Rollup:
    processes: list[str] = field(default_factory=list)  # in the order they were reached
    resources: list[str] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)  # each: resource, process, resource, ..., first resource


def rollup(resource: str, produced_by: Callable[[Iterable[str]], dict[str, list[str]]],
           inputs_of: Callable[[Iterable[str]], dict[str, list[str]]]) -> Rollup:
    """Walk back from `resource`.

    `produced_by(resources)` gives, for each resource, the processes that put it out; `inputs_of(processes)` the
    resources each process took in. Both take a batch so the service asks the database once per level.
    """
    processes: list[str] = []  # in the order they were reached
    resources: list[str] = []
    seen_resources: set[str] = set()
    seen_processes: set[str] = set()
    graph: dict[str, list[str]] = {}  # resource -> processes; process -> input resources
    frontier = [resource]
    depth = 0
    while frontier and depth < MAX_DEPTH:
        depth += 1
        fresh = [r for r in dict.fromkeys(frontier) if r not in seen_resources]
        seen_resources.update(fresh)
        resources.extend(fresh)
        makers = produced_by(fresh) if fresh else {}
        new_processes: list[str] = []
        for r in fresh:
            graph[r] = sorted(set(makers.get(r, [])))
            new_processes.extend(p for p in graph[r] if p not in seen_processes)
        new_processes = list(dict.fromkeys(new_processes))
        seen_processes.update(new_processes)
        processes.extend(new_processes)
        inputs = inputs_of(new_processes) if new_processes else {}
        frontier = []
        for p in new_processes:
            graph[p] = sorted(set(inputs.get(p, [])))
            frontier.extend(graph[p])
    return Rollup(processes, resources, _cycles(resource, graph))


def _cycles(start: str, graph: dict[str, list[str]]) -> list[list[str]]:
    """Back edges of a depth-first walk: each closes a cycle, reported as the path around it."""
    cycles: list[list[str]] = []
    path: list[str] = []
    on_path: set[str] = set()
    done: set[str] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, i = stack.pop()
        if i == 0:
            path.append(node)
            on_path.add(node)
        children = graph.get(node, [])
        if i < len(children):
            stack.append((node, i + 1))
            child = children[i]
            if child in on_path:
                cycles.append([*path[path.index(child):], child])
            elif child not in done:
                stack.append((child, 0))
            continue
        path.pop()
        on_path.discard(node)
        done.add(node)
    return cycles
