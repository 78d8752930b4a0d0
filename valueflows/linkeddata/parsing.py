"""Reading a linked-data file into triples: N-Triples and Turtle parsed by pyoxigraph (Rust), JSON-LD expanded to
N-Quads by pyld (contexts from our own copies, nothing fetched) first; literals kept as written, every term
storable text. What the triples mean is `reader.py`'s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from valueflows.domain.rules import text_fault

SYNTAX = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "nquads": ox.RdfFormat.N_QUADS}


class ImportError_(ValueError):
    """The file cannot be read at all (not JSON, not Turtle, an unknown remote context)."""


_NOTHING: dict[Node, list[Node]] = {}


class Triples:
    """Triples looked up by subject, then predicate: all the reader asks of a graph (a whole file, or one record's
    block in a streaming import). A triple said twice is one triple, as in a graph."""

    __slots__ = ("_by", "_count")

    def __init__(self) -> None:
        self._by: dict[Node, dict[Node, list[Node]]] = {}
        self._count = 0

    def add(self, s: Node, p: Node, o: Node) -> None:
        said = self._by.get(s)
        if said is None:
            said = self._by[s] = {}
        found = said.get(p)
        if found is None:
            said[p] = [o]
        elif o not in found:
            found.append(o)
        else:
            return
        self._count += 1

    def said(self, subject: Node) -> dict[Node, list[Node]]:
        """What is said of `subject`: its predicates and their objects (not to be changed)."""
        return self._by.get(subject, _NOTHING)

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        return iter(self.said(subject).get(predicate, ()))

    def value(self, subject: Node, predicate: Node) -> Node | None:
        found = self.said(subject).get(predicate)
        return found[0] if found else None

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s, said in self._by.items() for o in said.get(predicate, ()))

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        s, p, o = triple
        return o in self.said(s).get(p, ())

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return ((s, p, o) for s, said in self._by.items() for p, found in said.items() for o in found)

    def __len__(self) -> int:
        return self._count


class Terms:
    """pyoxigraph's terms as rdflib's (the reader's), each distinct term converted and checked once: literals keep
    their lexical form ("1e5"^^xsd:decimal or "perhaps"^^xsd:boolean must reach our checks, not become 100000 or
    false), and every IRI and literal must be storable text (escapes can make NUL)."""

    __slots__ = ("_limit", "_seen")

    def __init__(self, limit: int | None = None) -> None:
        self._seen: dict[Any, Node] = {}
        self._limit = limit  # forget the terms seen when there are more (flat memory when streaming)

    def __call__(self, term: Any) -> Node:
        node = self._seen.get(term)
        if node is None:
            if self._limit is not None and len(self._seen) >= self._limit:
                self._seen.clear()
            node = self._seen[term] = self._convert(term)
        return node

    @staticmethod
    def _convert(term: Any) -> Node:
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        fault = text_fault(term.value) if isinstance(term, ox.NamedNode | ox.Literal) else "is a quoted triple"
        if fault is not None:
            raise ImportError_(fault)
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def add_all(triples: Triples, terms: Terms, source: str, syntax: ox.RdfFormat) -> None:
    """Parse `source` into `triples`; a syntax error names the line and column, a value that cannot be stored its
    subject and predicate."""
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: name where it is
        start = source.rfind("\n", 0, exc.start) + 1
        end = source.find("\n", exc.start)
        line = source[start:end if end >= 0 else None]
        if syntax is ox.RdfFormat.TURTLE:
            raise ImportError_(f"line {source.count(chr(10), 0, start) + 1}: {text_fault(line)}") from None
        subject, predicate, value = [*line.split(" ", 2), "", ""][:3]  # a line of N-Triples or N-Quads
        raise ImportError_(f"{subject} {predicate}: the value {text_fault(value.lstrip(chr(34)))}") from None
    add = triples.add
    quad = None
    try:
        for quad in ox.parse(data, format=syntax):
            add(terms(quad.subject), terms(quad.predicate), terms(quad.object))
    except SyntaxError as exc:
        if syntax is not ox.RdfFormat.N_QUADS:
            raise ImportError_(exc.msg) from None
        # N-Quads that pyld made of a JSON-LD document: its lines mean nothing to the user; name the statement
        lines = source.split("\n")
        said = lines[exc.lineno - 1] if exc.lineno and 0 < exc.lineno <= len(lines) else ""
        subject, predicate = [*said.split(" ", 2), "", ""][:2]
        raise ImportError_(f"{subject} {predicate}: {exc.msg.split(': ', 1)[-1]}") from None
    except ImportError_ as exc:
        assert quad is not None
        raise ImportError_(f"{quad.subject} {quad.predicate}: the value {exc}") from None


def parse(data: str, fmt: str, document_loader: Any) -> Triples:
    """The triples of a file. JSON-LD goes through pyld (contexts from `document_loader`, nothing fetched); the
    graphs of a JSON-LD dataset are read as one."""
    triples = Triples()
    if fmt == "jsonld":
        try:
            document = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ImportError_(f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    try:
        if fmt == "jsonld":
            from pyld import jsonld  # loaded when a JSON-LD file is read, not with every command

            nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": document_loader})
            add_all(triples, Terms(), nquads, SYNTAX["nquads"])
        else:
            add_all(triples, Terms(), data, SYNTAX[fmt])
    except ImportError_ as exc:
        raise ImportError_(f"not valid {fmt}: {exc}") from None
    except Exception as exc:  # pyld raises many kinds; the innermost message says what is wrong
        raise ImportError_(f"not valid {fmt}: {_innermost(exc)}") from None
    return triples


def _innermost(exc: BaseException) -> str:
    """pyld wraps the cause of a failure (an unknown context, say) in layers of JsonLdError: find it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(getattr(current, "message", "") or current)
        if text:
            message = text.splitlines()[0]
        cause = getattr(current, "cause", None)  # pyld's own link, else Python's (raised from, or during)
        current = cause if isinstance(cause, BaseException) else (current.__cause__ or current.__context__)
    return message
