"""Reading N-Triples a line at a time, in flat memory: each record becomes a step (kind, IRI, request) as soon as
its block of triples is read.

The file must list a record's triples together (its blank-node measures right after it) and a record after the
records it refers to, as `valueflows export --format nt` writes it. Resources are held until the event that
brings them into being, which carries them (as through the API).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rdflib import BNode
from rdflib.term import Node

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.rules import receiving_side
from valueflows.linkeddata import rdf
from valueflows.linkeddata.parsing import SYNTAX, ImportError_, Terms, Triples, add_all
from valueflows.linkeddata.reader import CREATING, KIND_OF_CLASS, Reader, new_resource_input, record_step

Step = tuple[str, str, Any]  # kind, the record's IRI, the request its use case takes


_AT_LINE_1 = re.compile(r"^Parser error (?:at line 1 between columns|between line 1 column|at line 1 column) "
                        r"(\d+)[^:]*")


class _Blocks:
    """Collects triples into per-record blocks (one record's triples with its blank-node measures); `done` holds
    the finished blocks."""

    def __init__(self) -> None:
        self.current: Triples | None = None
        self.subject: Any = None
        self.done: list[tuple[Any, Triples]] = []

    def triple(self, s: Node, p: Node, o: Node) -> None:
        if not isinstance(s, BNode) and s != self.subject:
            if self.current is not None:
                self.done.append((self.subject, self.current))
            self.current, self.subject = Triples(), s
        if self.current is None:
            raise RuleViolation([Problem("file", "order", "a blank node before any record")])
        self.current.add(s, p, o)


class StreamReader:
    def __init__(self) -> None:
        self._blocks = _Blocks()
        self._terms = Terms(limit=4096)
        self._resources: dict[str, dict[str, Any]] = {}  # read, not yet brought into being by an event
        self._renamed: dict[str, str] = {}  # receiving sides the ledger names itself

    def feed(self, number: int, line: str) -> list[Step]:
        """The records whose blocks this line finished; a line that is not N-Triples is refused (naming it)."""
        try:
            add_all(self._blocks.triple, self._terms, line, SYNTAX["nt"])
        except ImportError_ as exc:  # the parser read this one line as line 1: keep its columns, say which line
            reason = _AT_LINE_1.sub(r"column \1", str(exc))
            raise RuleViolation([Problem(f"line {number}", "unreadable", f"not N-Triples: {reason}")]) from None
        steps = [self._step(*block) for block in self._blocks.done]
        self._blocks.done.clear()
        return [s for s in steps if s is not None]

    def finish(self) -> list[Step]:
        """The last record's step, once the file has ended."""
        if self._blocks.current is None:
            return []
        step = self._step(self._blocks.subject, self._blocks.current)
        self._blocks.current = None
        return [step] if step is not None else []

    def _step(self, subject: Any, graph: Triples) -> Step | None:
        kind = next((KIND_OF_CLASS.get(str(o)) for o in graph.objects(subject, rdf.TYPE) if str(o) in KIND_OF_CLASS),
                    None)
        if kind is None:
            return None
        reader = Reader(graph)
        request = record_step(reader, kind, subject)
        if reader.problems:
            raise RuleViolation(reader.problems)
        if kind == "economic_resource":
            self._resources[request["id"]] = request
            return None
        if request is None:
            return None
        if kind == "economic_event":
            request = self._event(request)
        return kind, str(subject), request

    def _event(self, request: Any) -> Any:
        renamed = self._renamed
        request = replace(request, **{ref: renamed[getattr(request, ref)] for ref in (
            "resource_inventoried_as", "to_resource_inventoried_as") if getattr(request, ref) in renamed})
        if request.action in CREATING and request.resource_inventoried_as in self._resources:
            held = self._resources.pop(request.resource_inventoried_as)
            return replace(request, new_resource=new_resource_input(held), resource_inventoried_as=None)
        if request.to_resource_inventoried_as in self._resources:  # the ledger makes the receiving side itself
            self._resources.pop(request.to_resource_inventoried_as)
            renamed[request.to_resource_inventoried_as] = receiving_side(request.id)
            return replace(request, to_resource_inventoried_as=None)
        return request
