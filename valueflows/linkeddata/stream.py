"""Reading N-Triples as they come (the parser takes the lines a chunk at a time), in flat memory: each record
becomes a step (kind, IRI, request) as soon as its block of triples is read.

The file must list a record's triples together (its blank-node measures right after it) and a record after the
records it refers to, as `valueflows export --format nt` writes it. Resources are held until the event that
brings them into being, which carries them (as through the API).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Node

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.rules import receiving_side
from valueflows.linkeddata import rdf
from valueflows.linkeddata.parsing import ImportError_, Terms, Triples
from valueflows.linkeddata.reader import CREATING, KIND_OF_CLASS, Reader, new_resource_input, record_step

Step = tuple[str, str, Any]  # kind, the record's IRI, the request its use case takes


class _Lines(io.RawIOBase):
    """Lines of text as the bytes a parser reads (a lone surrogate becomes bytes that are not UTF-8, which the
    parser refuses naming the line)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            line = next(self._lines, None)
            if line is None:
                return 0
            self._left = line.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


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

    def steps(self, lines: Iterable[str]) -> Iterator[Step]:
        """Each record's step as soon as its block is read (the parser reads the lines a chunk at a time); a line
        that is not N-Triples is refused, naming it and the column."""
        blocks, terms = self._blocks, self._terms
        try:
            for quad in ox.parse(io.BufferedReader(_Lines(lines), 1 << 16), format=ox.RdfFormat.N_TRIPLES):
                try:
                    blocks.triple(terms(quad.subject), terms(quad.predicate), terms(quad.object))
                except ImportError_ as exc:  # a value no database can store
                    raise RuleViolation([Problem("file", "unreadable",
                                                 f"{quad.subject} {quad.predicate}: the value {exc}")]) from None
                if blocks.done:
                    yield from self._finished()
        except SyntaxError as exc:
            reason = exc.msg.split(": ", 1)[-1]
            raise RuleViolation([Problem(f"line {exc.lineno}", "unreadable",
                                         f"not N-Triples: column {exc.offset}: {reason}")]) from None
        except MemoryError as exc:  # the parser's own bound on one term (16 MiB), not the machine's memory
            if "buffer maximal size" not in str(exc):
                raise
            raise RuleViolation([Problem("file", "unreadable", f"not N-Triples: a term is too long ({exc})")]
                                ) from None
        yield from self._finished()
        if blocks.current is not None:  # the last record, once the file has ended
            step = self._step(blocks.subject, blocks.current)
            blocks.current = None
            if step is not None:
                yield step

    def _finished(self) -> Iterator[Step]:
        held, self._blocks.done = self._blocks.done, []
        for block in held:
            step = self._step(*block)
            if step is not None:
                yield step

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
