"""Records at their IRIs over real HTTP: content negotiation, 404, 406, the context, the streamed export."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import rdflib
from e2e_support import running_server
from pyld import jsonld
from rdflib.compare import isomorphic

from valueflows.linkeddata.contexts import document_loader


def test_content_negotiation_and_export(tmp_path: Path) -> None:
    with running_server(tmp_path, "--demo") as base:
        iri = f"{base}/resources/seed-drill-design"
        answers = {accept: httpx.get(iri, headers={"accept": accept}) for accept in (
            "text/turtle", "application/n-triples", "application/ld+json", "text/html", "application/json", "")}
        assert answers["text/turtle"].headers["content-type"].startswith("text/turtle")
        assert answers["application/n-triples"].headers["content-type"].startswith("application/n-triples")
        assert answers["application/ld+json"].headers["content-type"] == "application/ld+json"
        assert answers["text/html"].headers["content-type"].startswith("text/html")
        assert answers["application/json"].json()["licence"] == "LicenseRef-CopyFair-1.0"  # the plain API stays
        assert answers[""].json() == answers["application/json"].json()
        turtle = rdflib.Graph().parse(data=answers["text/turtle"].text, format="turtle")
        triples = rdflib.Graph().parse(data=answers["application/n-triples"].text, format="nt")
        expanded = jsonld.to_rdf(answers["application/ld+json"].json(),
                                 {"format": "application/n-quads", "documentLoader": document_loader})
        assert isomorphic(turtle, triples) and isomorphic(turtle, rdflib.Graph().parse(data=expanded, format="nt"))
        assert (rdflib.URIRef(iri), rdflib.URIRef("https://w3id.org/valueflows/ont/vf#name"),
                rdflib.Literal("Seed drill v2 design")) in turtle
        assert "Seed drill v2 design" in answers["text/html"].text and "vf:conformsTo" in answers["text/html"].text

        preferred = httpx.get(iri, headers={"accept": "text/html;q=0.5, text/turtle;q=0.9"})
        assert preferred.headers["content-type"].startswith("text/turtle")
        refused = httpx.get(iri, headers={"accept": "image/png"})
        assert refused.status_code == 406 and refused.json()["error"]["code"] == "NOT_ACCEPTABLE"
        missing = httpx.get(f"{base}/agents/nobody", headers={"accept": "text/turtle"})
        assert missing.status_code == 404 and "nobody" in missing.json()["error"]["message"]

        context = httpx.get(f"{base}/context.jsonld")
        assert context.headers["content-type"] == "application/ld+json"
        assert "EconomicEvent" in context.json()["@context"]

        with httpx.stream("GET", f"{base}/export", params={"format": "nt"}) as streamed:
            assert streamed.headers.get("transfer-encoding") == "chunked"
            body = "".join(streamed.iter_text())
        whole = rdflib.Graph().parse(data=body, format="nt")
        exported = httpx.get(f"{base}/export", params={"format": "jsonld"}).text
        assert isomorphic(whole, rdflib.Graph().parse(data=jsonld.to_rdf(
            json.loads(exported), {"format": "application/n-quads", "documentLoader": document_loader}), format="nt"))
        assert httpx.get(f"{base}/export", params={"format": "rdfxml"}).status_code == 400
        assert httpx.get(f"{base}/export", params={"since": "yesterday"}).status_code == 400
