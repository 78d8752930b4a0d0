"""Reading a linked-data file into triples: JSON-LD (through pyld, contexts from our own copies, nothing fetched),
Turtle or N-Triples, literals kept as written, every term storable text. What the triples mean is `reader.py`'s."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import rdflib
from rdflib.term import Node

from valueflows.domain.rules import text_fault


@contextmanager
def literals_as_written() -> Iterator[None]:
    """Keep literals as written while parsing: "1e5"^^xsd:decimal or "perhaps"^^xsd:boolean must reach our checks,
    not be turned into 100000 or false. rdflib's switch is global and other libraries (pySHACL) set it back, so
    it is set around each parse rather than once at import."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


class ImportError_(ValueError):
    """The file cannot be read at all (not JSON, not Turtle, an unknown remote context)."""


def parse(data: str, fmt: str, document_loader: Any) -> rdflib.Graph:
    """The triples of a file. JSON-LD goes through pyld (contexts from `document_loader`, nothing fetched)."""
    from pyld import jsonld  # loaded when a file is read, not with every command

    graph = rdflib.Graph()
    try:
        with literals_as_written():
            if fmt == "jsonld":
                document = json.loads(data)
                nquads = jsonld.to_rdf(document, {"format": "application/n-quads",
                                                  "documentLoader": document_loader})
                dataset = rdflib.Dataset()
                dataset.parse(data=nquads, format="nquads")
                for s, p, o, _ in dataset.quads():
                    graph.add((s, p, o))
            else:
                graph.parse(data=data, format={"turtle": "turtle", "nt": "nt"}[fmt])
    except json.JSONDecodeError as exc:
        raise ImportError_(f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except Exception as exc:  # rdflib and pyld raise many kinds; the innermost message says what is wrong
        raise ImportError_(f"not valid {fmt}: {_innermost(exc)}") from None
    check_terms(graph)
    return graph


def check_terms(triples: Iterable[tuple[Node, Node, Node]]) -> None:
    """Every IRI and literal must be storable text (escapes can make NUL or lone surrogates)."""
    for triple in triples:
        for term in triple:
            fault = text_fault(str(term))
            if fault is not None:
                raise ImportError_(f"<{triple[0]}> <{triple[1]}>: the value {fault}")


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
