"""Linked data: one record in RDF, and the whole ledger (or a period of it) streamed out.

Records are read in the order that puts what a record refers to before it, a few thousand rows at a time, and
written one by one: memory stays flat however large the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from valueflows.domain import access
from valueflows.domain.model import AgentRelationshipRole
from valueflows.linkeddata import rdf
from valueflows.linkeddata.vocabulary import EXPORT_ORDER
from valueflows.store.ports import UnitOfWork, WriteTx
from valueflows.store.within import WithinTransaction

FORMATS = {"jsonld": "application/ld+json", "turtle": "text/turtle", "nt": "application/n-triples"}


def _use_cases() -> dict[str, Callable[..., Any]]:
    from valueflows.service import ledger, records

    return {"unit": records.create_unit, "agent": records.create_agent,
            "agent_relationship_role": records.create_role, "agent_relationship": records.create_relationship,
            "membership": records.create_membership, "resource_specification": records.create_specification,
            "process_specification": records.create_process_specification, "product_batch": records.create_batch,
            "process": records.create_process, "economic_event": ledger.record_event, "claim": records.import_claim}


def render(kind: str, found: Any, fmt: str, base: str) -> str:
    """One record as a whole document in `fmt`."""
    if fmt == "nt":
        return rdf.ntriples(kind, found, base)
    if fmt == "turtle":
        return rdf.turtle_prefixes() + rdf.turtle(kind, found, base)
    import json

    return json.dumps({"@context": rdf.ledger_context()["@context"], **rdf.jsonld_node(kind, found, base)},
                      ensure_ascii=False, indent=2) + "\n"


def policy_document(policy: Any) -> str:
    """A licence's ODRL policy as JSON-LD with its context inline (nothing to fetch)."""
    import json

    from valueflows.linkeddata.contexts import local_context
    from valueflows.reciprocity.policy import POLICY_CONTEXT

    document = dict(policy.document)
    if document.get("@context") == POLICY_CONTEXT:
        document["@context"] = local_context(POLICY_CONTEXT)["@context"]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def policy_rdf(policy: Any, fmt: str) -> str:
    """A licence's ODRL policy as Turtle or N-Triples (expanded by pyld, written by rdflib)."""
    import json

    import rdflib
    from pyld import jsonld

    from valueflows.linkeddata.contexts import document_loader

    nquads = jsonld.to_rdf(json.loads(policy_document(policy)),
                           {"format": "application/n-quads", "documentLoader": document_loader})
    graph = rdflib.Graph().parse(data=nquads, format="nt")
    for prefix, namespace in (("odrl", "http://www.w3.org/ns/odrl/2/"), ("cc", "http://creativecommons.org/ns#"),
                              ("dcterms", "http://purl.org/dc/terms/"), ("vfl", rdf.VFL)):
        graph.bind(prefix, namespace)
    return graph.serialize(format="turtle" if fmt == "turtle" else "nt")


def render_many(found: Iterable[tuple[str, Any]], fmt: str, base: str) -> Iterator[str]:
    """Records as one document in `fmt`, written one by one (a page of a collection, or the whole ledger)."""
    if fmt == "turtle":
        yield rdf.turtle_prefixes()
    elif fmt == "jsonld":
        yield rdf.jsonld_document_start()
    for i, (kind, one) in enumerate(found):
        if fmt == "nt":
            yield rdf.ntriples(kind, one, base)
        elif fmt == "turtle":
            yield rdf.turtle(kind, one, base)
        else:
            yield rdf.jsonld_item(kind, one, base, i == 0)
    if fmt == "jsonld":
        yield rdf.JSONLD_END


def records(uow: UnitOfWork, since: datetime | None = None) -> Iterator[tuple[str, Any]]:
    """Every record, referenced before referring; with `since`, only events (and their claims) from then on."""
    with uow.read() as tx:
        for kind in EXPORT_ORDER:
            found = tx.events.since(since) if kind == "economic_event" else tx.records(kind).stream()
            for one in found:
                yield kind, one


def export(uow: UnitOfWork, fmt: str, base: str, since: datetime | None = None) -> Iterator[str]:
    """The ledger as text chunks in `fmt` (jsonld, turtle or nt)."""
    return render_many(records(uow, since), fmt, base)


# -- import -----------------------------------------------------------------------------------------------------

@dataclass
class Imported:
    written: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0  # records already there, identical (or replayed: the same file imported again)

    def write(self, w: WriteTx, inner: WithinTransaction, kind: str, subject: str, request: Any) -> None:
        """One imported record through its use case; a refusal names the record's IRI."""
        from valueflows.domain.errors import LedgerError, Problem, RuleViolation

        try:
            if kind in ("unit", "agent_relationship_role") and _same_as_stored(w, kind, request):
                self.unchanged += 1
                return
            done = _use_cases()[kind](inner, request, f"import:{kind}:{request.id}")
        except RuleViolation as exc:
            raise RuleViolation([Problem(f"<{subject}> {p.field}", p.code, p.message)
                                 for p in exc.problems]) from None
        except LedgerError as exc:
            raise RuleViolation([Problem(f"<{subject}>", exc.code.lower(), str(exc))]) from None
        if getattr(done, "replayed", False):
            self.unchanged += 1
        else:
            self.written[kind] = self.written.get(kind, 0) + 1


def may_import(uow: UnitOfWork) -> None:
    """Importing a ledger file is for admins (asked before a door reads a large body, and again by the import)."""
    access.require_admin(uow.principal, "importing a ledger file")


def import_data(uow: UnitOfWork, data: str, fmt: str, on_record: Callable[[int, int], None] | None = None) -> Imported:
    """Import a file whole or not at all: every record through the same rules as the API, in one transaction.

    Ids are kept and used as idempotency keys, so importing the same file again writes nothing. Any problem
    (a malformed file, a record the rules refuse) names the record's IRI, the property and why; nothing is written.
    """
    may_import(uow)
    from valueflows.domain.errors import Problem, RuleViolation
    from valueflows.linkeddata.contexts import document_loader
    from valueflows.linkeddata.reader import ImportError_, parse, plan

    if fmt not in FORMATS:
        raise RuleViolation([Problem("format", "unknown_format", f"one of {', '.join(FORMATS)}")])
    try:
        steps = plan(parse(data, fmt, document_loader))
    except ImportError_ as exc:
        raise RuleViolation([Problem("file", "unreadable", str(exc))]) from None
    if steps.problems:
        raise RuleViolation(steps.problems)
    result = Imported()
    with uow.write() as w:
        inner = WithinTransaction(w, uow.principal)
        for i, (kind, subject, request) in enumerate(steps.steps):
            if on_record is not None:
                on_record(i, len(steps.steps))
            result.write(w, inner, kind, subject, request)
    return result


def _same_as_stored(w: WriteTx, kind: str, request: Any) -> bool:
    """Standard records every ledger starts with (units, the member role) are already there: identical is fine."""
    stored = w.records(kind).get(request.id)
    if stored is None:
        return False
    if kind == "agent_relationship_role":
        request = AgentRelationshipRole(request.id, request.role_label, request.inverse_role_label, request.note)
    return bool(stored == request)


# -- streaming import (N-Triples in record order, as `export` writes it) -----------------------------------------

def import_stream(uow: UnitOfWork, lines: Iterable[str], on_record: Callable[[int], None] | None = None) -> Imported:
    """Import N-Triples read line by line, in flat memory: each record is written as soon as its block is read.

    The file must list a record's triples together (its blank-node measures right after it) and a record after
    the records it refers to, as `valueflows export --format nt` writes it; resources are held until the event
    that creates them. Whole or nothing, like `import_data`, in one transaction."""
    may_import(uow)
    from rdflib import BNode, Graph
    from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

    from valueflows.domain.errors import Problem, RuleViolation
    from valueflows.linkeddata.reader import (
        CREATING,
        KIND_OF_CLASS,
        ImportError_,
        Reader,
        _new_resource,
        _record_step,
        check_terms,
        literals_as_written,
    )

    result = Imported()
    count = 0
    resources: dict[str, dict[str, Any]] = {}  # read, not yet brought into being by an event
    renamed: dict[str, str] = {}

    class Blocks:
        """Collects triples into per-record graphs; `done` holds finished blocks."""

        def __init__(self) -> None:
            self.current: Graph | None = None
            self.subject: Any = None
            self.done: list[tuple[Any, Graph]] = []

        def triple(self, s: Any, p: Any, o: Any) -> None:
            try:
                check_terms([(s, p, o)])
            except ImportError_ as exc:
                raise RuleViolation([Problem("file", "unreadable", str(exc))]) from None
            if not isinstance(s, BNode) and s != self.subject:
                if self.current is not None:
                    self.done.append((self.subject, self.current))
                self.current, self.subject = Graph(), s
            if self.current is None:
                raise RuleViolation([Problem("file", "order", "a blank node before any record")])
            self.current.add((s, p, o))

    blocks = Blocks()
    parser = W3CNTriplesParser(sink=blocks)  # type: ignore[arg-type]

    def write(w: WriteTx, inner: WithinTransaction, subject: Any, graph: Any) -> None:
        nonlocal count
        kind = next((KIND_OF_CLASS.get(str(o)) for o in graph.objects(subject, rdf.TYPE)
                     if str(o) in KIND_OF_CLASS), None)
        if kind is None:
            return
        reader = Reader(graph)
        step = _record_step(reader, kind, subject)
        if reader.problems:
            raise RuleViolation(reader.problems)
        if kind == "economic_resource":
            resources[step["id"]] = step
            return
        if step is None:
            return
        request = step
        if kind == "economic_event":
            request = replace(request, **{ref: renamed[getattr(request, ref)] for ref in (
                "resource_inventoried_as", "to_resource_inventoried_as") if getattr(request, ref) in renamed})
            if request.action in CREATING and request.resource_inventoried_as in resources:
                held = resources.pop(request.resource_inventoried_as)
                request = replace(request, new_resource=_new_resource(held), resource_inventoried_as=None)
            elif request.to_resource_inventoried_as in resources:  # the ledger makes the receiving side itself
                resources.pop(request.to_resource_inventoried_as)
                renamed[request.to_resource_inventoried_as] = f"{request.id}.to"
                request = replace(request, to_resource_inventoried_as=None)
        result.write(w, inner, kind, str(subject), request)
        count += 1
        if on_record is not None:
            on_record(count)

    with uow.write() as w:
        inner = WithinTransaction(w, uow.principal)
        for number, line in enumerate(lines, 1):
            try:
                with literals_as_written():
                    parser.parsestring(line)
            except RuleViolation:
                raise
            except Exception as exc:  # rdflib's parse errors
                raise RuleViolation([Problem(f"line {number}", "unreadable", f"not N-Triples: {exc}")]) from None
            while blocks.done:
                write(w, inner, *blocks.done.pop(0))
        if blocks.current is not None:
            write(w, inner, blocks.subject, blocks.current)
    return result
