"""Records at their IRIs over real HTTP: content negotiation, 404, 406, the context, the streamed export."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import rdflib
from e2e_support import cli, running_server
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


def test_import_over_http_and_from_the_command_line(tmp_path: Path) -> None:
    from e2e_support import cli

    from valueflows.domain.inputs import AgentInput
    from valueflows.service import records, tokens
    from valueflows.service.bootstrap import open_ledger

    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    assert cli("demo", cwd=source).returncode == 0
    exported = cli("export", "--format", "turtle", "--output", str(tmp_path / "demo.ttl"), cwd=source)
    assert exported.returncode == 0, exported.stderr

    uow = open_ledger(f"sqlite:///{target / 'valueflows.db'}")
    records.create_agent(uow, AgentInput("Treasurer", "Person", id="treasurer"))
    admin = tokens.create_token(uow, "treasurer", "admin")[1]
    reader = tokens.create_token(uow, "treasurer", "read")[1]
    uow.engine.dispose()
    body = (tmp_path / "demo.ttl").read_bytes()
    with running_server(target) as base:
        turtle = {"content-type": "text/turtle"}
        assert httpx.post(f"{base}/import", content=body, headers=turtle).status_code == 401
        assert httpx.post(f"{base}/import", content=body,
                          headers={**turtle, "authorization": f"Bearer {reader}"}).status_code == 403
        auth = {"authorization": f"Bearer {admin}"}
        wrong = httpx.post(f"{base}/import", content=b"<a> <b> .", headers={**turtle, **auth})
        assert wrong.status_code == 400 and "not valid turtle" in wrong.json()["error"]["message"]
        assert httpx.post(f"{base}/import", content=body, headers={"content-type": "image/png", **auth}
                          ).status_code == 415
        done = httpx.post(f"{base}/import", content=body, headers={**turtle, **auth}, timeout=120)
        assert done.status_code == 200 and done.json()["written"]["economic_event"] == 173
        seed = httpx.get(f"{base}/resources/seed-drill-design", headers={"accept": "text/turtle"})
        assert seed.status_code == 200 and "Seed drill v2 design" in seed.text
    again = cli("import", str(tmp_path / "demo.ttl"), "--db", f"sqlite:///{target / 'valueflows.db'}",
                cwd=target)
    assert again.returncode == 0 and "nothing new" in again.stdout
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@graph": [', encoding="utf-8")
    refused = cli("import", str(broken), cwd=target)
    assert refused.returncode == 2 and "nothing imported: file: not JSON" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_collections_are_paginated_linked_data(tmp_path: Path) -> None:
    with running_server(tmp_path, "--demo") as base:
        made = cli("token", "create", "--agent", "bruno", "--scope", "read", "--json", cwd=tmp_path)
        bruno = {"authorization": f"Bearer {json.loads(made.stdout)['token']}"}
        url = f"{base}/events"
        seen: set[str] = set()
        pages = 0
        params: dict[str, str] | None = {"agent": "bruno", "from": "2026-06-01T00:00:00Z", "limit": "20"}
        while url:
            answer = httpx.get(url, params=params, headers={"accept": "text/turtle", **bruno})
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
            g = rdflib.Graph().parse(data=answer.text, format="turtle")
            events = set(g.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/valueflows/ont/vf#EconomicEvent")))
            assert events and not (events & seen)
            seen |= {str(e) for e in events}
            pages += 1
            link = answer.headers.get("link")
            url, params = (link.split(">")[0].lstrip("<"), None) if link else ("", None)
        plain = httpx.get(f"{base}/events", params={"agent": "bruno", "from": "2026-06-01T00:00:00Z",
                                                    "limit": "1000"}, headers=bruno).json()
        assert pages > 1 and len(seen) == len(plain["items"])
        agents = httpx.get(f"{base}/agents", headers={"accept": "application/n-triples"})
        assert "<https://w3id.org/valueflows/ont/vf#Organization>" in agents.text


def test_licences_have_iris(tmp_path: Path) -> None:
    with running_server(tmp_path) as base:
        iri = f"{base}/licences/LicenseRef-CopyFair-1.0"
        policy = httpx.get(iri)
        assert policy.headers["content-type"] == "application/ld+json"
        expanded = jsonld.to_rdf(policy.json(), {"format": "application/n-quads", "documentLoader": document_loader})
        from_jsonld = rdflib.Graph().parse(data=expanded, format="nt")
        turtle = rdflib.Graph().parse(data=httpx.get(iri, headers={"accept": "text/turtle"}).text, format="turtle")
        triples = rdflib.Graph().parse(data=httpx.get(iri, headers={"accept": "application/n-triples"}).text,
                                       format="nt")
        assert isomorphic(from_jsonld, turtle) and isomorphic(turtle, triples)
        odrl = "http://www.w3.org/ns/odrl/2/"
        assert len(list(turtle.objects(None, rdflib.URIRef(odrl + "permission")))) == 3
        page = httpx.get(iri, headers={"accept": "text/html"})
        assert "§3 Reciprocity" in page.text
        assert httpx.get(f"{base}/licences/GPL-9.0").status_code == 404
        assert httpx.get(iri, headers={"accept": "image/png"}).status_code == 406


def test_a_document_may_name_the_context_by_this_servers_address(tmp_path: Path) -> None:
    from valueflows.domain.inputs import AgentInput
    from valueflows.service import records, tokens
    from valueflows.service.bootstrap import open_ledger

    uow = open_ledger(f"sqlite:///{tmp_path / 'valueflows.db'}")
    records.create_agent(uow, AgentInput("Treasurer", "Person", id="treasurer"))
    admin = tokens.create_token(uow, "treasurer", "admin")[1]
    uow.engine.dispose()
    with running_server(tmp_path) as base:
        def person(context: str, who: str) -> httpx.Response:
            document = {"@context": context, "@id": f"{base}/agents/{who}", "@type": "Person", "name": who.title()}
            return httpx.post(f"{base}/import", json=document, headers={
                "content-type": "application/ld+json", "authorization": f"Bearer {admin}"})

        served = person(f"{base}/context.jsonld", "ana")
        assert served.status_code == 200, served.text
        assert served.json()["written"] == {"agent": 1}
        assert httpx.get(f"{base}/agents/ana").json()["name"] == "Ana"
        elsewhere = person("https://elsewhere.example/context.jsonld", "bo")
        assert elsewhere.status_code == 400 and "is not one we publish" in elsewhere.json()["error"]["message"]
    # the command line knows the server's address by --base
    file = tmp_path / "cleo.jsonld"
    file.write_text(json.dumps({"@context": "https://node.example.org/context.jsonld", "@type": "Person",
                                "@id": "https://node.example.org/agents/cleo", "name": "Cleo"}), encoding="utf-8")
    assert "is not one we publish" in cli("import", str(file), cwd=tmp_path).stderr
    done = cli("import", str(file), "--base", "https://node.example.org", "--json", cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["written"] == {"agent": 1}, done.stderr
