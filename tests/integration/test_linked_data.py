"""Linked data out, on SQLite and PostgreSQL: every record type as N-Triples, Turtle and JSON-LD, and the three
say the same graph (rdflib parses the first two; pyld expands the third with our context, offline)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

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


def test_image_lists_and_substitutability_are_said_and_read_back(uow: UnitOfWork) -> None:
    """vf-graphql 0.9's imageList (on specifications and resources) and substitutable, in every door."""
    from valueflows.api.gql.context import Context
    from valueflows.api.gql.schema import schema
    from valueflows.domain.access import Principal, Scope
    from valueflows.service.bootstrap import open_any

    admin = Principal(None, Scope.ADMIN)

    def run(target: UnitOfWork, query: str) -> Any:
        result = schema.execute_sync(query, context_value=Context(target, admin))
        assert not result.errors, result.errors
        return result.data

    seed_demo(uow)
    run(uow, '''mutation { createResourceSpecification(resourceSpecification: {name: "Seed drill frame", id: "frame",
        imageList: ["https://img.example/frame-front.jpg", "https://img.example/frame-side.jpg"],
        substitutable: false}) { resourceSpecification { id } } }''')
    run(uow, '''mutation { createEconomicEvent(event: {action: "raise", provider: "atelier", receiver: "atelier",
        hasPointInTime: "2026-11-02T10:00:00Z", resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}},
        newInventoriedResource: {name: "Frame 7", conformsTo: "frame", id: "frame-7",
        imageList: ["https://img.example/frame-7.jpg"]}) { economicEvent { id } } }''')
    g = graph("".join(linked.export(uow, "nt", BASE)), "nt")
    frame = rdflib.URIRef(BASE + "/specifications/frame")
    assert {str(o) for o in g.objects(frame, rdflib.URIRef(VFL + "imageList"))} == {
        "https://img.example/frame-front.jpg", "https://img.example/frame-side.jpg"}
    assert g.value(frame, rdflib.URIRef(VF + "isSubstitutable")).toPython() is False
    target = open_any("memory://")
    linked.import_data(target, "".join(linked.export(uow, "nt", BASE)), "nt")
    again = run(target, '{ resourceSpecification(id: "frame") { imageList substitutable } '
                        'economicResource(id: "frame-7") { imageList } }')
    assert sorted(again["resourceSpecification"]["imageList"]) == ["https://img.example/frame-front.jpg",
                                                                  "https://img.example/frame-side.jpg"]
    assert again["resourceSpecification"]["substitutable"] is False
    assert again["economicResource"]["imageList"] == ["https://img.example/frame-7.jpg"]
    images = ", ".join(f'"https://i.example/{n}.jpg"' for n in range(21))
    too_many = schema.execute_sync(f'mutation {{ createResourceSpecification(resourceSpecification: {{name: "x", '
                                   f'imageList: [{images}]}}) {{ resourceSpecification {{ id }} }} }}',
                                   context_value=Context(uow, admin))
    assert too_many.errors and too_many.errors[0].extensions["problems"][0]["code"] == "too_many"
