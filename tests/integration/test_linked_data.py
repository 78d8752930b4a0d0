"""Linked data out, on SQLite and PostgreSQL: every record type as N-Triples, Turtle and JSON-LD, and the three
say the same graph (rdflib parses the first two; pyld expands the third with our context, offline)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import rdflib
from gql_support import ANA, run
from planning_seed import SEEDED, seed_planning
from pyld import jsonld
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node

from valueflows.domain.access import Principal, Scope
from valueflows.domain.inputs import BatchInput, MeasureInput, ProcessSpecificationInput, RelationshipInput, RoleInput
from valueflows.domain.planning import FlowInput
from valueflows.linkeddata import rdf
from valueflows.linkeddata.contexts import document_loader
from valueflows.linkeddata.documents import render
from valueflows.linkeddata.rdf import ledger_context
from valueflows.linkeddata.vocabulary import CLASSES, COLLECTIONS, ORGANIZATION, PERSON, VF, VFL
from valueflows.service import linked, planning, records
from valueflows.service.demo import seed_demo
from valueflows.service.reading import Reading
from valueflows.store.uow import UnitOfWork

BASE = "https://ledger.example.org"


def graph(text: str, fmt: str) -> rdflib.Graph:
    if fmt == "jsonld":
        nquads = jsonld.to_rdf(json.loads(text), {"format": "application/n-quads", "documentLoader": document_loader})
        return rdflib.Graph().parse(data=nquads, format="nt")
    return rdflib.Graph().parse(data=text, format={"nt": "nt", "turtle": "turtle"}[fmt])


def test_every_record_type_says_the_same_graph_in_every_format(uow: UnitOfWork) -> None:
    seed_planning(uow)
    records.create_role(uow, RoleInput("mentor", id="mentor"))
    records.create_relationship(uow, RelationshipInput("ana", "bruno", "mentor", id="ana-mentors-bruno"))
    records.create_process_specification(uow, ProcessSpecificationInput(
        "Welding", id="welding", note='Say "weld" \\ then\nrest, été \t\r'))
    records.create_batch(uow, BatchInput("B-2026-1", id="batch-1",
                                         production_date=datetime(2026, 9, 30, tzinfo=UTC)))
    # N-Triples and Turtle are written from the statements directly: the very text rdflib's row writer gives for
    # the triples, and the text of Turtle written term by term
    for kind, one in linked.records_of(uow):
        assert rdf.ntriples(kind, one, BASE) == "".join(_nt_row(t) for t in rdf.triples(kind, one, BASE)), kind
        assert rdf.turtle(kind, one, BASE) == plain_turtle(kind, one, BASE), kind
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


def test_the_planning_layer_is_said_in_valueflows_terms(uow: UnitOfWork) -> None:
    """Intents, commitments, plans, agreements, proposals, places, recipes, scenarios, user claims and what links
    them, with VF 1.0 terms where VF has them."""
    seed_planning(uow)
    g = graph("".join(linked.export(uow, "nt", BASE)), "nt")

    def at(collection: str, record: str) -> rdflib.URIRef:
        return rdflib.URIRef(f"{BASE}/{collection}/{record}")

    def one(subject: rdflib.URIRef, term: str) -> Any:
        return g.value(subject, rdflib.URIRef(term))

    for kind, ids in SEEDED.items():
        for record in ids:
            assert (at(COLLECTIONS[kind], record), rdflib.RDF.type, rdflib.URIRef(CLASSES[kind])) in g, (kind, record)
    offer = at("intents", "i-offer")
    assert one(offer, VF + "provider") == at("agents", "atelier") and one(offer, VF + "receiver") is None
    assert one(one(offer, VF + "availableQuantity"), VF + "hasNumericalValue") == rdflib.Literal(
        "5", datatype=rdflib.XSD.decimal)
    assert one(offer, VFL + "atLocation") == at("places", "workshop")
    drills = at("commitments", "c-drills")
    assert one(drills, VF + "clauseOf") == at("agreements", "deal")
    assert one(drills, VF + "independentDemandOf") == at("plans", "plan-drills")
    assert one(drills, VF + "created").datatype == rdflib.XSD.dateTimeStamp
    assert one(at("commitments", "c-work"), VF + "stage") == at("process-specifications", "painting")
    # what satisfies an intent is an event or a commitment: each has its property
    assert one(at("satisfactions", "s-by-event"), VFL + "satisfiedByEvent") == at("events", "e-pay-ana")
    assert one(at("satisfactions", "s-by-commitment"), VFL + "satisfiedByCommitment") == drills
    assert one(at("fulfillments", "f-work"), VFL + "fulfillmentOf") == at("commitments", "c-work")
    assert one(at("settlements", "settle-work"), VFL + "settlementOf") == at("claims", "claim-work")
    hours = at("claims", "claim-hours")
    assert one(hours, VF + "finished") == rdflib.Literal(True) and one(hours, VF + "effortQuantity") is not None
    proposal = at("proposals", "prop-drills")
    assert one(proposal, VFL + "proposedBy") == at("agents", "atelier")
    assert one(proposal, VF + "eligibleLocation") == at("places", "workshop")
    assert one(at("proposed-intents", "pi-price"), VFL + "isReciprocal") == rdflib.Literal(True)
    assert one(at("proposed-to", "pt-farm"), VFL + "addressedTo") == at("agents", "val-farm")
    # places, on agents, events and resources
    workshop = at("places", "workshop")
    assert one(workshop, VF + "lat") == rdflib.Literal("45.1885", datatype=rdflib.XSD.decimal)
    assert one(workshop, VF + "mappableAddress") == rdflib.Literal("12 rue des Forges, Grenoble")
    assert one(at("agents", "val-farm"), VF + "primaryLocation") == at("places", "farm-gate")
    assert one(at("events", "e-move"), VF + "toLocation") == at("places", "farm-gate")
    assert one(at("resources", "paint-stock"), VF + "currentLocation") == workshop
    # a duration is a measure in an OWL-Time unit
    duration = one(at("recipe-processes", "rp-paint"), VF + "hasDuration")
    assert one(duration, VF + "hasUnit") == rdflib.URIRef("http://www.w3.org/2006/time#unitHour")
    assert one(at("scenario-definitions", "yearly"), VFL + "duration") is not None
    assert one(at("scenarios", "a-budget-q1"), VFL + "refinementOf") == at("scenarios", "z-budget")
    assert one(at("processes", "p-paint"), VFL + "nestedIn") == at("scenarios", "a-budget-q1")
    assert one(at("plans", "plan-drills"), VFL + "refinementOf") == at("scenarios", "z-budget")
    # a scenario comes after the one it refines, though its id sorts first
    order = [line.split()[0] for line in "".join(linked.export(uow, "nt", BASE)).splitlines()
             if "/scenarios/" in line.split()[0]]
    assert order.index(f"<{at('scenarios', 'z-budget')}>") < order.index(f"<{at('scenarios', 'a-budget-q1')}>")


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

    seed_planning(uow)
    shapes = rdflib.Graph().parse(data=(data_dir("vocab") / "shapes.ttl").read_text(encoding="utf-8"),
                                  format="turtle")
    g = graph("".join(linked.export(uow, "nt", BASE)), "nt")
    conforms, _, text = validate(g, shacl_graph=shapes)
    assert conforms, text
    event = next(g.subjects(rdflib.RDF.type, rdflib.URIRef(VF + "EconomicEvent")))
    g.remove((event, rdflib.URIRef(VF + "provider"), None))
    g.add((event, rdflib.URIRef(VF + "action"), rdflib.URIRef(VF + "steal")))
    commitment = rdflib.URIRef(BASE + "/commitments/c-drills")
    g.remove((commitment, rdflib.URIRef(VF + "receiver"), None))
    satisfaction = rdflib.URIRef(BASE + "/satisfactions/s-by-event")
    g.add((satisfaction, rdflib.URIRef(VFL + "satisfiedByCommitment"), commitment))
    conforms, _, text = validate(g, shacl_graph=shapes)
    assert not conforms and "provider" in text and "action" in text
    assert "c-drills" in text and "s-by-event" in text


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


def test_a_promise_is_shown_as_its_event_would_be_at_every_door(uow: UnitOfWork) -> None:
    """A person's promise to hand something over is public as the transfer would be, with its note withheld from
    readers outside it: in GraphQL, at its IRI and in the export alike (one policy, `access.shown`)."""
    seed_demo(uow)
    planning.create_commitment(uow, FlowInput("transfer", "ana", "atelier", resource_conforms_to="steel",
                                              resource_quantity=MeasureInput("40", "kilogram"),
                                              note="from my late uncle's barn", id="c-steel"))
    query = '{ commitment(id: "c-steel") { id note } }'
    stranger = Principal("agrimachines", Scope.READ)
    assert run(uow, query, ANA)["commitment"]["note"] == "from my late uncle's barn"
    assert run(uow, query, stranger)["commitment"] == {"id": "c-steel", "note": None}
    reader = Reading(uow.acting_as(stranger))
    shown = linked.said(reader.uow, "commitment", [reader.record("commitment", "c-steel")])[0]
    for fmt in linked.FORMATS:
        assert "barn" not in render("commitment", shown, fmt, BASE)
        assert "barn" not in "".join(linked.export(uow.acting_as(stranger), fmt, BASE))
    assert "barn" in "".join(linked.export(uow.acting_as(Principal("ana", Scope.READ)), "nt", BASE))


def test_each_planning_record_is_at_its_iri_in_every_format(uow: UnitOfWork) -> None:
    """Content negotiation at every planning record's IRI (as an admin sees it), the same triples as the export;
    the collections page them."""
    from starlette.testclient import TestClient

    from valueflows.api.app import create_app
    from valueflows.service import tokens

    seed_planning(uow)
    secret = tokens.create_token(uow, "atelier", "admin")[1]
    exported = graph("".join(linked.export(uow, "nt", "http://node.test")), "nt")
    with TestClient(create_app(uow), base_url="http://node.test") as client:
        auth = {"authorization": f"Bearer {secret}"}
        for kind, ids in SEEDED.items():
            for record in ids:
                iri = f"http://node.test/{COLLECTIONS[kind]}/{record}"
                found = {fmt: client.get(iri, headers={**auth, "accept": media})
                         for fmt, media in linked.FORMATS.items()}
                assert all(a.status_code == 200 for a in found.values()), (iri, found["nt"].text)
                graphs = {fmt: graph(a.text, fmt) for fmt, a in found.items()}
                assert isomorphic(graphs["nt"], graphs["turtle"]) and isomorphic(graphs["nt"], graphs["jsonld"])
                own = rdflib.Graph()
                for t in exported.triples((rdflib.URIRef(iri), None, None)):
                    own.add(t)
                    for inner in exported.triples((t[2], None, None)) if isinstance(t[2], rdflib.BNode) else ():
                        own.add(inner)
                assert isomorphic(graphs["nt"], own), iri
                page = client.get(iri, headers={**auth, "accept": "text/html"})
                assert page.status_code == 200 and record in page.text
                assert client.get(iri, headers=auth).json()["id"] == record  # plain JSON stays
            listed = client.get(f"/{COLLECTIONS[kind]}?limit=1", headers={**auth, "accept": "text/turtle"})
            assert listed.status_code == 200 and len(graph(listed.text, "turtle")) > 0
            assert len(ids) == 1 or 'rel="next"' in listed.headers["link"]
        hidden = client.get("/settlements/settle-work", headers={"accept": "text/turtle"})  # whether it exists
        assert hidden.status_code == 404  # does not leak either


# -- Turtle written the plain way, from rdflib terms: the oracle `rdf.turtle` must equal ----------------------------

_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _short(node: Node) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in rdf.PREFIXES.items():
            if text.startswith(namespace) and _LOCAL.match(text[len(namespace):]):
                return f"{prefix}:{text[len(namespace):]}"
        return node.n3()
    if isinstance(node, Literal) and node.datatype is not None:
        dt = str(node.datatype)
        if dt.startswith(rdf.XSD):
            return f"{Literal(str(node)).n3()}^^xsd:{dt[len(rdf.XSD):]}"
    return node.n3()


def plain_turtle(kind: str, record: Any, base: str) -> str:
    found = list(rdf.triples(kind, record, base))
    subject = found[0][0]
    measures: dict[Node, list[tuple[Node, Node, Node]]] = {}
    for t in found:
        if isinstance(t[0], BNode):
            measures.setdefault(t[0], []).append(t)
    lines = []
    for s, p, o in found:
        if s != subject:
            continue
        if isinstance(o, BNode):
            inner = " ; ".join(f"{'a' if q == rdf.TYPE else _short(q)} {_short(v)}" for _, q, v in measures[o])
            lines.append(f"{_short(p)} [ {inner} ]")
        else:
            lines.append(f"{'a' if p == rdf.TYPE else _short(p)} {_short(o)}")
    return f"{subject.n3()}\n    " + " ;\n    ".join(lines) + " .\n\n"
