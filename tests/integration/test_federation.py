"""The ActivityPub door on the demo co-op: WebFinger finds the node's actors, their documents carry the key the
node keeps, and an organization's outbox publishes, newest first and page by page, exactly its public records
(what an anonymous reader is shown whole), each as an activity whose object is our ValueFlows JSON-LD."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from federation_wire import context_loader, undefined
from pyld import jsonld
from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.domain import access
from valueflows.domain.errors import NotFound
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.planning import AgreementInput, FlowInput
from valueflows.service import federation, planning
from valueflows.service.demo import seed_demo
from valueflows.service.reading import Reading
from valueflows.store.ports import UnitOfWork

AS_JSON = {"accept": "application/activity+json"}


@pytest.fixture
def node(uow: UnitOfWork) -> Iterator[tuple[UnitOfWork, TestClient]]:
    seed_demo(uow)
    with TestClient(create_app(uow), base_url="http://coop.test") as client:
        yield uow, client


def get(client: TestClient, url: str) -> dict[str, Any]:
    answer = client.get(url, headers=AS_JSON)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/activity+json")
    found: dict[str, Any] = answer.json()
    return found


def public_events_of(uow: UnitOfWork, agent: str) -> tuple[set[str], set[str]]:
    """(events of `agent` an anonymous reader sees whole, the others): what the outbox must and must not hold."""
    reading = Reading(uow.acting_as(access.ANONYMOUS))
    with uow.read() as tx:
        mine = [e for e in tx.records("economic_event").stream() if agent in (e.provider, e.receiver)]
    views = reading.event_views(mine)
    whole = {e.id for e in mine if views[e.id].shown is access.Shown.WHOLE}
    return whole, {e.id for e in mine} - whole


def test_webfinger_finds_an_organization_and_the_node(node: tuple[UnitOfWork, TestClient]) -> None:
    _, client = node
    answer = client.get("/.well-known/webfinger", params={"resource": "acct:atelier@coop.test"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/jrd+json")
    found = answer.json()
    assert found["subject"] == "acct:atelier@coop.test"
    assert {"rel": "self", "type": "application/activity+json", "href": "http://coop.test/actors/atelier"} in found[
        "links"]
    by_url = client.get("/.well-known/webfinger", params={"resource": "http://coop.test/actors/node"}).json()
    assert by_url["subject"] == "acct:node@coop.test"
    for resource, status in (("acct:atelier@elsewhere.example", 404), ("acct:ana@coop.test", 404),
                             ("acct:nobody@coop.test", 404), ("mailto:atelier@coop.test", 400)):
        refused = client.get("/.well-known/webfinger", params={"resource": resource})
        assert refused.status_code == status, resource
        assert "error" in refused.json()


def test_actors_publish_the_key_the_node_keeps(node: tuple[UnitOfWork, TestClient]) -> None:
    uow, client = node
    actor = get(client, "/actors/atelier")
    assert (actor["id"], actor["type"], actor["preferredUsername"], actor["name"]) == (
        "http://coop.test/actors/atelier", "Organization", "atelier", "Atelier Commun")
    assert actor["inbox"] == "http://coop.test/actors/atelier/inbox"
    assert actor["outbox"] == "http://coop.test/actors/atelier/outbox"
    assert actor["publicKey"]["id"] == "http://coop.test/actors/atelier#main-key"
    assert actor["publicKey"]["owner"] == actor["id"]
    key = serialization.load_pem_public_key(actor["publicKey"]["publicKeyPem"].encode())
    assert key.key_size == 2048  # type: ignore[union-attr]
    with uow.read() as tx:
        kept = tx.actor_keys.get("atelier")
    assert kept is not None and kept.public_pem == actor["publicKey"]["publicKeyPem"]
    assert "PRIVATE" not in client.get("/actors/atelier").text
    assert get(client, "/actors/atelier")["publicKey"] == actor["publicKey"]  # made once, kept
    assert get(client, "/actors/node")["type"] == "Application"
    for name in ("ana", "nobody"):  # a person, an unknown name
        assert client.get(f"/actors/{name}", headers=AS_JSON).status_code == 404


def test_init_makes_the_keys(uow: UnitOfWork) -> None:
    seed_demo(uow)
    made = federation.ensure_keys(uow)
    assert made == ["node", "agri-holding", "agrimachines", "atelier", "farmhack"]
    assert federation.ensure_keys(uow) == []  # every actor has one now
    with uow.read() as tx:
        assert tx.actor_keys.actors() == set(made)


def test_an_outbox_publishes_exactly_the_public_records_newest_first(node: tuple[UnitOfWork, TestClient]) -> None:
    uow, client = node
    collection = get(client, "/actors/atelier/outbox")
    assert collection["type"] == "OrderedCollection"
    url: str | None = collection["first"]
    activities: list[dict[str, Any]] = []
    while url is not None:
        page = get(client, url)
        assert page["type"] == "OrderedCollectionPage" and page["partOf"] == "http://coop.test/actors/atelier/outbox"
        activities += page["orderedItems"]
        url = page.get("next")
    ids = [a["id"] for a in activities]
    assert len(ids) == len(set(ids))
    positions = [int(i.rsplit("/", 1)[1]) for i in ids]
    assert positions == sorted(positions, reverse=True)  # newest first
    whole, others = public_events_of(uow, "atelier")
    assert whole and others  # the demo has both
    published = {a["object"]["id"].rsplit("/", 1)[1] for a in activities if a["object"]["type"] == "EconomicEvent"}
    assert published == whole
    for a in activities:
        assert a["actor"] == "http://coop.test/actors/atelier" and a["type"] in ("Create", "Update")
        assert a["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
        assert a["object"]["@context"] == "http://coop.test/context.jsonld"
        # every object is a record anyone may read at its IRI
        assert client.get(a["object"]["id"], headers={"accept": "application/ld+json"}).status_code == 200
    designs = [a for a in activities if a["object"]["type"] == "EconomicResource"]
    assert designs and all(d["type"] == "Create" for d in designs)
    first = activities[0]
    assert get(client, first["id"]) == {"@context": "https://www.w3.org/ns/activitystreams", **first}


def test_the_node_publishes_every_public_record_and_refuses_bad_cursors(node: tuple[UnitOfWork, TestClient]) -> None:
    uow, client = node
    page = get(client, "/actors/node/outbox?page=true")
    assert page["orderedItems"] and {a["actor"] for a in page["orderedItems"]} == {"http://coop.test/actors/node"}
    assert client.get("/actors/node/outbox?page=true&before=soon", headers=AS_JSON).status_code == 400
    assert client.get("/actors/atelier/activities/1", headers=AS_JSON).status_code == 404  # not one of its
    _, private = public_events_of(uow, "atelier")
    text = client.get("/actors/node/outbox?page=true").text
    assert not any(f"/events/{e}\"" in text for e in private)


def test_collections_of_an_actor(node: tuple[UnitOfWork, TestClient]) -> None:
    _, client = node
    followers = get(client, "/actors/atelier/followers")
    assert (followers["type"], followers["totalItems"]) == ("OrderedCollection", 0)
    assert client.get("/actors/ana/followers", headers=AS_JSON).status_code == 404



def test_a_person_chooses_to_be_an_actor_and_publishes_only_what_anyone_may_see(
        node: tuple[UnitOfWork, TestClient]) -> None:
    uow, client = node
    assert client.get("/actors/ana", headers=AS_JSON).status_code == 404  # persons are not actors unless they choose
    with pytest.raises(access.Forbidden):  # another member cannot choose for her
        federation.publish_as_actor(uow.acting_as(access.Principal("bruno", access.Scope.WRITE)), "ana")
    with pytest.raises(NotFound):
        federation.publish_as_actor(uow, "atelier")  # an organization is an actor already
    assert federation.publish_as_actor(uow.acting_as(access.Principal("ana", access.Scope.WRITE)), "ana") == "ana"
    document = get(client, "/actors/ana")
    assert (document["type"], document["name"], document["preferredUsername"]) == ("Person", "Ana Duval", "ana")
    found = client.get("/.well-known/webfinger?resource=acct:ana@coop.test").json()
    assert found["links"][0]["href"] == document["id"]
    activities: list[dict[str, Any]] = []
    url: str | None = get(client, "/actors/ana/outbox")["first"]
    while url is not None:
        page = get(client, url)
        activities += page["orderedItems"]
        url = page.get("next")
    whole, others = public_events_of(uow, "ana")
    published = {a["object"]["id"].rsplit("/", 1)[1] for a in activities if a["object"]["type"] == "EconomicEvent"}
    assert others and published == whole  # her work for a co-op that keeps contributions to its members stays there
    federation.publish_as_actor(uow, "ana", publish=False)  # an admin may stop it too
    assert client.get("/actors/ana", headers=AS_JSON).status_code == 404
    assert client.get("/actors/ana/outbox", headers=AS_JSON).status_code == 404
    with uow.read() as tx:  # both choices are in the chain, with their dates
        assert len(tx.chain.history("agent", "ana")) >= 3


AS_IRI = "https://www.w3.org/ns/activitystreams#"
SEC_IRI = "https://w3id.org/security#"
_loader = context_loader("http://coop.test/context.jsonld")
_undefined = undefined


def test_what_the_door_serves_expands_under_the_activitystreams_context(node: tuple[UnitOfWork, TestClient]) -> None:
    """A JSON-LD processor (pyld) reads our actors, outboxes and activities, and their ValueFlows objects, with
    every term defined: ActivityStreams', the security vocabulary's and ours."""
    _, client = node
    documents = [get(client, "/actors/atelier"), get(client, "/actors/node"), get(client, "/actors/atelier/outbox")]
    page = get(client, "/actors/atelier/outbox?page=true")
    documents += [page, get(client, "/actors/node/outbox?page=true")]
    documents += [get(client, item["id"]) for item in page["orderedItems"][:5]]
    for document in documents:
        expanded = jsonld.expand(document, {"documentLoader": _loader})
        assert expanded and not _undefined(expanded), (document["id"], _undefined(expanded))
    [actor] = jsonld.expand(documents[0], {"documentLoader": _loader})
    assert actor["@type"] == [AS_IRI + "Organization"]
    assert actor["http://www.w3.org/ns/ldp#inbox"][0]["@id"] == "http://coop.test/actors/atelier/inbox"
    [key] = actor[SEC_IRI + "publicKey"]
    assert key[SEC_IRI + "publicKeyPem"][0]["@value"].startswith("-----BEGIN PUBLIC KEY-----")
    [activity] = jsonld.expand(documents[5], {"documentLoader": _loader})
    assert activity["@type"][0] in (AS_IRI + "Create", AS_IRI + "Update")
    [made] = activity[AS_IRI + "object"]
    assert made["@type"][0].startswith(("https://w3id.org/valueflows/ont/vf#", "https://w3id.org/valueflows-ledger"))


def _outbox(client: TestClient, name: str) -> list[dict[str, Any]]:
    url: str | None = get(client, f"/actors/{name}/outbox")["first"]
    found: list[dict[str, Any]] = []
    while url is not None:
        page = get(client, url)
        found += page["orderedItems"]
        url = page.get("next")
    return found


def test_designs_go_out_with_their_recipes_and_agreements_with_their_public_terms(
        node: tuple[UnitOfWork, TestClient]) -> None:
    uow, client = node
    # an agreement of the co-op with Agrimachines: a sale between organizations, and a member's promised work
    planning.create_agreement(uow, AgreementInput("Seed drills for the Val", id="deal-val"))
    planning.create_commitment(uow, FlowInput("transfer", "atelier", "agrimachines", resource_conforms_to="seed-drill",
                                              resource_quantity=MeasureInput("2", "one"), clause_of="deal-val",
                                              id="c-val-sale"))
    planning.create_commitment(uow, FlowInput("work", "bruno", "atelier", effort_quantity=MeasureInput("8", "hour"),
                                              clause_of="deal-val", id="c-val-bruno"))
    planning.create_commitment(uow, FlowInput("transfer", "atelier", "agrimachines", resource_conforms_to="seed-drill",
                                              resource_quantity=MeasureInput("1", "one"), id="c-no-deal"))
    with uow.read() as tx:  # a commitment goes out as a term of its agreement: one that is no clause, never
        assert {p.record_id for p in tx.chain.published(None, None, 1000, kinds=("commitment",))} == {
            "c-val-sale", "c-val-bruno"}
    public = Reading(uow.acting_as(access.ANONYMOUS))
    terms = {c.id for c in public.where("commitment", clause_of="deal-val")
             if public.view("commitment", c).shown is access.Shown.WHOLE}
    assert terms == {"c-val-sale"}  # a member's promise is no public term (as the demo's co-op keeps work)

    atelier = _outbox(client, "atelier")
    # the seed drill's recipe, every step of it (the frame the drill takes in included), as its maker publishes
    with uow.read() as tx:
        recipe = {r.id for kind in ("recipe_process", "recipe_flow") for r in tx.records(kind).stream()}
    published = {a["object"]["id"].rsplit("/", 1)[1] for a in atelier
                 if a["object"]["type"] in ("RecipeProcess", "RecipeFlow")}
    assert published == recipe and "rp-weld-frame" in published
    # the agreement: made (Create), then its terms changed by the sale (Update); the member's promise adds nothing
    deals = [a for a in atelier if a["object"]["type"] == "Agreement"]
    assert [a["type"] for a in deals] == ["Update", "Create"]  # newest first
    for deal in deals:
        assert deal["object"]["id"] == "http://coop.test/agreements/deal-val"
        assert [c["id"] for c in deal["object"]["stipulates"]] == ["http://coop.test/commitments/c-val-sale"]
        assert deal["object"]["stipulates"][0]["provider"] == "http://coop.test/agents/atelier"
        expanded = jsonld.expand(deal, {"documentLoader": _loader})
        assert not _undefined(expanded), _undefined(expanded)
    assert "c-val-bruno" not in client.get("/actors/atelier/outbox?page=true").text
    # a party to the agreement publishes it too; an organization that is no party does not; nor does a member whose
    # only clause is his private promise (his outbox would tell that he is party to it)
    assert any(a["object"]["type"] == "Agreement" for a in _outbox(client, "agrimachines"))
    assert not any(a["object"]["type"] == "Agreement" for a in _outbox(client, "farmhack"))
    federation.publish_as_actor(uow, "bruno")
    with uow.read() as tx:  # the chain does name the agreement among what concerns him
        assert "deal-val" in {p.record_id for p in tx.chain.published("bruno", None, 1000, kinds=("agreement",))}
    assert not any(a["object"]["type"] == "Agreement" for a in _outbox(client, "bruno"))
