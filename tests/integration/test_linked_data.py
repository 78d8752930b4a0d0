"""Linked data out, on SQLite and PostgreSQL: every record type as N-Triples, Turtle and JSON-LD, and the three
say the same graph (rdflib parses the first two; pyld expands the third with our context, offline)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from valueflows.domain.inputs import BatchInput, ProcessSpecificationInput, RelationshipInput, RoleInput
from valueflows.linkeddata.contexts import document_loader
from valueflows.linkeddata.rdf import ledger_context
from valueflows.linkeddata.vocabulary import CLASSES, ORGANIZATION, PERSON, VF, VFL
from valueflows.service import linked, records
from valueflows.service.demo import seed_demo
from valueflows.store.uow import UnitOfWork

BASE = "https://ledger.example.org"


def graph(text: str, fmt: str) -> rdflib.Graph:
    if fmt == "jsonld":
        nquads = jsonld.to_rdf(json.loads(text), {"format": "application/n-quads", "documentLoader": document_loader})
        return rdflib.Graph().parse(data=nquads, format="nt")
    return rdflib.Graph().parse(data=text, format={"nt": "nt", "turtle": "turtle"}[fmt])


def test_every_record_type_says_the_same_graph_in_every_format(uow: UnitOfWork) -> None:
    seed_demo(uow)
    records.create_role(uow, RoleInput("mentor", id="mentor"))
    records.create_relationship(uow, RelationshipInput("ana", "bruno", "mentor", id="ana-mentors-bruno"))
    records.create_process_specification(uow, ProcessSpecificationInput("Welding", id="welding"))
    records.create_batch(uow, BatchInput("B-2026-1", id="batch-1",
                                         production_date=datetime(2026, 9, 30, tzinfo=UTC)))
    graphs = {fmt: graph("".join(linked.export(uow, fmt, BASE)), fmt) for fmt in linked.FORMATS}
    assert isomorphic(graphs["nt"], graphs["turtle"]) and isomorphic(graphs["nt"], graphs["jsonld"])
    g = graphs["nt"]
    types = Counter(str(o) for o in g.objects(None, rdflib.RDF.type))
    for cls in [*CLASSES.values(), PERSON, ORGANIZATION]:
        assert types[cls] > 0, cls
    event = next(s for s in g.subjects(rdflib.RDF.type, rdflib.URIRef(VF + "EconomicEvent"))
                 if (s, rdflib.URIRef(VF + "action"), rdflib.URIRef(VF + "produce")) in g)
    assert str(event).startswith(BASE + "/events/")
    quantity = g.value(event, rdflib.URIRef(VF + "resourceQuantity"))
    value = g.value(quantity, rdflib.URIRef(VF + "hasNumericalValue"))
    assert value.datatype == rdflib.XSD.decimal
    agri = rdflib.URIRef(BASE + "/agents/agrimachines")
    assert g.value(agri, rdflib.URIRef(VFL + "headcount")).toPython() == 240
    assert (agri, rdflib.RDF.type, rdflib.URIRef(ORGANIZATION)) in g
    obligations = [c for c in g.subjects(rdflib.RDF.type, rdflib.URIRef(VF + "Claim"))
                   if (c, rdflib.URIRef(VFL + "licence"), rdflib.Literal("LicenseRef-CopyFair-1.0")) in g]
    assert len(obligations) == 2  # the demo's Q3 and Q4 obligations
    assert {str(g.value(c, rdflib.URIRef(VF + "provider"))) for c in obligations} == {str(agri)}


def test_a_period_exports_its_events_only(uow: UnitOfWork) -> None:
    seed_demo(uow)
    since = datetime(2026, 10, 1, tzinfo=UTC)
    g = graph("".join(linked.export(uow, "nt", BASE, since)), "nt")
    times = [datetime.fromisoformat(str(t).replace("Z", "+00:00"))
             for t in g.objects(None, rdflib.URIRef(VF + "hasPointInTime"))]
    assert times and min(times) >= since


def test_the_published_context_file_is_the_one_the_code_builds() -> None:
    from valueflows.data import data_dir

    published = json.loads((data_dir("vocab") / "ledger-context.jsonld").read_text(encoding="utf-8"))
    assert published == ledger_context()


def test_the_export_conforms_to_the_shapes_and_the_shapes_catch_faults(uow: UnitOfWork) -> None:
    from pyshacl import validate

    from valueflows.data import data_dir

    seed_demo(uow)
    shapes = rdflib.Graph().parse(data=(data_dir("vocab") / "shapes.ttl").read_text(encoding="utf-8"),
                                  format="turtle")
    g = graph("".join(linked.export(uow, "nt", BASE)), "nt")
    conforms, _, text = validate(g, shacl_graph=shapes)
    assert conforms, text
    event = next(g.subjects(rdflib.RDF.type, rdflib.URIRef(VF + "EconomicEvent")))
    g.remove((event, rdflib.URIRef(VF + "provider"), None))
    g.add((event, rdflib.URIRef(VF + "action"), rdflib.URIRef(VF + "steal")))
    conforms, _, text = validate(g, shacl_graph=shapes)
    assert not conforms and "provider" in text and "action" in text
