"""Records as linked-data documents: one record, many (a page, the whole ledger) written one by one, and a licence's
ODRL policy, in JSON-LD, Turtle or N-Triples. Pure formatting: nothing here reads the store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import rdflib

from valueflows.domain.planning import Satisfaction
from valueflows.domain.quantities import Measure
from valueflows.linkeddata import rdf
from valueflows.linkeddata.contexts import document_loader, local_context
from valueflows.reciprocity.policy import POLICY_CONTEXT, Policy

FORMATS = {"jsonld": "application/ld+json", "turtle": "text/turtle", "nt": "application/n-triples"}


@dataclass(frozen=True, slots=True)
class SaidSatisfaction:
    """A satisfaction as linked data says it: what satisfies the intent is an event or a commitment, two kinds of
    record with IRIs of their own, so each has its property."""

    id: str
    satisfies: str
    by_event: str | None
    by_commitment: str | None
    resource_quantity: Measure | None
    effort_quantity: Measure | None
    note: str | None


def said_satisfaction(s: Satisfaction, by_event: bool) -> SaidSatisfaction:
    return SaidSatisfaction(s.id, s.satisfies, s.satisfied_by if by_event else None,
                            None if by_event else s.satisfied_by, s.resource_quantity, s.effort_quantity, s.note)


def render(kind: str, found: Any, fmt: str, base: str) -> str:
    """One record as a whole document in `fmt`."""
    if fmt == "nt":
        return rdf.ntriples(kind, found, base)
    if fmt == "turtle":
        return rdf.turtle_prefixes() + rdf.turtle(kind, found, base)
    return json.dumps({"@context": rdf.ledger_context()["@context"], **rdf.jsonld_node(kind, found, base)},
                      ensure_ascii=False, indent=2) + "\n"


def policy_document(policy: Policy) -> str:
    """A licence's ODRL policy as JSON-LD with its context inline (nothing to fetch)."""
    document = dict(policy.document)
    if document.get("@context") == POLICY_CONTEXT:
        document["@context"] = local_context(POLICY_CONTEXT)["@context"]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def policy_rdf(policy: Policy, fmt: str) -> str:
    """A licence's ODRL policy as Turtle or N-Triples (expanded by pyld, written by rdflib)."""
    from pyld import jsonld  # loaded when a document is expanded, not with every command

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


