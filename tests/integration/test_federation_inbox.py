"""The inbox and the delivery queue, through the real door (signed requests to the app) with another node played
by a stand-in (its actor document, and what it answers to our deliveries), on SQLite, PostgreSQL and memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.domain.access import OPERATOR
from valueflows.federation.signatures import sign
from valueflows.service import deliveries, federation, following, inbox, node
from valueflows.service.federation import PeerError, Signer, new_key_pair
from valueflows.store.ports import UnitOfWork

BASE = "http://coop.test"
OTHER = "http://other.test/actors/farm"
KEY_ID = OTHER + "#main-key"
KEYS = new_key_pair()


@dataclass
class StandIn:
    """Another node: its actor's document, and the status it answers our deliveries with."""

    answers: list[int | None] = field(default_factory=list)  # None: unreachable
    posted: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  # (inbox, activity, key id)
    public_pem: str = KEYS[0]

    def fetch(self, url: str, signer: Signer | None) -> dict[str, Any]:
        if url.split("#")[0] != OTHER:
            raise PeerError(f"GET {url}: 404")
        return {"id": OTHER, "type": "Organization", "inbox": OTHER + "/inbox",
                "publicKey": {"id": KEY_ID, "owner": OTHER, "publicKeyPem": self.public_pem}}

    def post(self, inbox_url: str, body: bytes, signer: Signer) -> int:
        self.posted.append((inbox_url, json.loads(body), signer.key_id))
        answer = self.answers.pop(0) if self.answers else 202
        if answer is None:
            raise PeerError(f"POST {inbox_url}: ConnectError")
        return answer


@pytest.fixture
def coop(uow: UnitOfWork) -> Iterator[tuple[UnitOfWork, TestClient, StandIn]]:
    node.start(uow, "Atelier Commun", "worker_coop", "Ana", date(2026, 1, 1), "atelier")
    federation.set_public_url(uow, BASE)
    peers = StandIn()
    with TestClient(create_app(uow, peers=peers), base_url=BASE) as client:
        yield uow, client, peers


def deliver(client: TestClient, activity: dict[str, Any], to: str = "/actors/atelier/inbox",
            private_pem: str = KEYS[1]) -> Any:
    body = json.dumps(activity).encode()
    return client.post(to, content=body, headers=sign("POST", BASE + to, KEY_ID, private_pem, body))


FOLLOW = {"id": OTHER + "#follow-1", "type": "Follow", "actor": OTHER, "object": BASE + "/actors/atelier"}


def test_a_follow_is_kept_once_and_accepted(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    uow, client, peers = coop
    answer = deliver(client, FOLLOW)
    assert (answer.status_code, answer.json()["done"]) == (202, "followed")
    assert [f.other for f in following.followers(uow, "atelier")] == [OTHER]
    assert deliver(client, FOLLOW).json()["done"] == "duplicate"
    assert deliver(client, FOLLOW, to="/inbox").json()["done"] == "duplicate"  # the shared inbox knows it too
    assert deliveries.status(uow).queued == 1  # one Accept, however often the Follow came
    done = deliveries.deliver_due(uow, peers, BASE)
    assert (done.delivered, done.retried, done.failed) == (1, 0, 0)
    [(to, accept, key_id)] = peers.posted
    assert (to, accept["type"], accept["object"]["id"], key_id) == (
        OTHER + "/inbox", "Accept", FOLLOW["id"], BASE + "/actors/atelier#main-key")
    undo = {"id": OTHER + "#undo-1", "type": "Undo", "actor": OTHER, "object": FOLLOW}
    assert deliver(client, undo).json()["done"] == "unfollowed"
    assert following.followers(uow, "atelier") == []


def test_what_the_inbox_refuses_writes_nothing(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    uow, client, _ = coop
    someone_else = {**FOLLOW, "id": OTHER + "#follow-2", "actor": "http://other.test/actors/mallory"}
    cases = [
        (deliver(client, someone_else), 403),  # signed by one actor, said to be another's
        (deliver(client, {**FOLLOW, "id": OTHER + "#f3", "object": BASE + "/actors/ana"}), 400),  # not an actor
        (deliver(client, {**FOLLOW, "id": OTHER + "#f4"}, to="/actors/nobody/inbox"), 404),
        (deliver(client, {**FOLLOW, "id": OTHER + "#f5"}, private_pem=new_key_pair()[1]), 401),  # a forged key
        (deliver(client, ["not", "an", "activity"]), 400),  # type: ignore[arg-type]
        (client.post("/actors/atelier/inbox", content=json.dumps(FOLLOW)), 401),  # unsigned
    ]
    for answer, status in cases:
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["message"]
    with uow.read() as tx:
        assert tx.federation.received(FOLLOW["id"]) is None and tx.federation.followers("atelier") == []
    inbox.set_hosts(uow.acting_as(OPERATOR), blocked=["other.test"])
    assert deliver(client, FOLLOW).status_code == 403
    inbox.set_hosts(uow.acting_as(OPERATOR), blocked=[], allowed=["friends.test"])
    assert deliver(client, FOLLOW).status_code == 403  # only the allowed nodes deliver
    inbox.set_hosts(uow.acting_as(OPERATOR), allowed=[])
    assert deliver(client, FOLLOW).status_code == 202


def test_a_changed_key_is_fetched_again(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    _, client, peers = coop
    assert deliver(client, FOLLOW).status_code == 202  # the key is now kept
    public, private = new_key_pair()
    peers.public_pem = public  # the other node rotated its key
    assert deliver(client, {**FOLLOW, "id": OTHER + "#follow-9"}, private_pem=private).status_code == 202


def test_deliveries_retry_with_backoff_and_fail_on_refusal(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    uow, client, peers = coop
    deliver(client, FOLLOW)  # an Accept to deliver
    now = datetime.now(UTC)
    peers.answers = [None, 503]
    assert deliveries.deliver_due(uow, peers, BASE, now).retried == 1  # unreachable
    assert deliveries.deliver_due(uow, peers, BASE, now).retried == 0  # not due yet
    later = now + deliveries.BACKOFF[0]
    assert deliveries.deliver_due(uow, peers, BASE, later).retried == 1  # 503: again, later still
    [queued] = deliveries.status(uow).recent
    assert (queued.attempts, queued.last_error) == (2, f"{OTHER}/inbox answered 503")
    assert queued.next_at == later + deliveries.BACKOFF[1]
    assert deliveries.deliver_due(uow, peers, BASE, later + timedelta(days=1)).delivered == 1
    deliver(client, {**FOLLOW, "id": OTHER + "#follow-2"})  # followed again: another Accept
    peers.answers = [410]
    assert deliveries.deliver_due(uow, peers, BASE, later + timedelta(days=1)).failed == 1  # gone: no retry
    counts = deliveries.status(uow)
    assert (counts.queued, counts.delivered, counts.failed) == (0, 1, 1)


def test_following_another_node(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    uow, client, peers = coop
    asked = following.follow(uow, peers, BASE, OTHER, "atelier")
    assert (asked.follow.state, asked.queued) == ("pending", True)
    assert following.follow(uow, peers, BASE, OTHER, "atelier").queued is False
    deliveries.deliver_due(uow, peers, BASE)
    [(_, sent, _)] = peers.posted
    assert (sent["type"], sent["actor"], sent["object"]) == ("Follow", BASE + "/actors/atelier", OTHER)
    accept = {"id": OTHER + "#accept-1", "type": "Accept", "actor": OTHER, "object": sent}
    assert deliver(client, accept).json()["done"] == "accepted"
    assert [(f.other, f.state) for f in following.following(uow, "atelier")] == [(OTHER, "accepted")]


DRILL = {"@context": "http://other.test/context.jsonld", "id": "http://other.test/resources/drill",
         "type": "EconomicResource", "name": "Seed drill"}


def test_records_of_a_followed_actor_are_kept_as_they_came(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    uow, client, peers = coop
    create = {"id": OTHER + "#create-1", "type": "Create", "actor": OTHER, "object": DRILL}
    assert deliver(client, create).json()["done"] == "kept"  # not followed yet: kept as received, no record
    assert following.received(uow) == []
    following.follow(uow, peers, BASE, OTHER, "atelier")
    assert deliver(client, {**create, "id": OTHER + "#create-2"}).json()["done"] == "recorded"
    renamed = {**DRILL, "name": "Seed drill, v2"}
    assert deliver(client, {"id": OTHER + "#update-1", "type": "Update", "actor": OTHER,
                            "object": renamed}).json()["done"] == "recorded"
    [kept] = following.received(uow)
    assert (kept.id, kept.origin, kept.type, kept.key_id, kept.activity_id) == (
        DRILL["id"], OTHER, "EconomicResource", KEY_ID, OTHER + "#update-1")
    assert json.loads(kept.document) == renamed
    elsewhere = {**DRILL, "id": "http://third.test/resources/lathe"}  # another node's record: not theirs to say
    assert deliver(client, {"id": OTHER + "#create-3", "type": "Create", "actor": OTHER,
                            "object": elsewhere}).status_code == 403
    assert len(following.received(uow)) == 1
    with uow.read() as tx:  # never mixed with the ledger's own records
        assert tx.records("economic_resource").get("drill") is None


def test_what_an_actor_publishes_goes_to_its_followers(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, SpecificationInput
    from valueflows.federation import documents
    from valueflows.service import ledger, publishing, records

    uow, client, peers = coop
    operator = uow.acting_as(OPERATOR)
    deliver(client, FOLLOW)  # OTHER follows atelier: from now on
    deliveries.deliver_due(uow, peers, BASE)  # the Accept
    assert publishing.publish_new(operator, BASE, documents.activity) == 0  # nothing new yet
    records.create_specification(operator, SpecificationInput("Seed drill", id="seed-drill"))
    ledger.record_event(operator, EventInput(
        "raise", "atelier", "atelier", resource_quantity=MeasureInput("1", "one"),
        has_point_in_time=datetime(2026, 5, 1, tzinfo=UTC),
        new_resource=NewResourceInput("Seed drill design", conforms_to="seed-drill", id="drill-design",
                                      licence="LicenseRef-CopyFair-1.0")))
    assert publishing.publish_new(operator, BASE, documents.activity) == 2  # the design, and the event
    assert publishing.publish_new(operator, BASE, documents.activity) == 0  # queued once
    deliveries.deliver_due(uow, peers, BASE)
    sent = [a for _, a, _ in peers.posted if a["type"] == "Create"]
    assert {a["object"]["type"] for a in sent} == {"EconomicResource", "EconomicEvent"}
    assert all(a["actor"] == BASE + "/actors/atelier" and a["object"]["id"].startswith(BASE) for a in sent)


def test_federation_over_graphql(coop: tuple[UnitOfWork, TestClient, StandIn]) -> None:
    from valueflows.api.gql.context import Context
    from valueflows.api.gql.schema import schemas
    from valueflows.domain.access import Principal, Scope

    uow, client, peers = coop
    deliver(client, FOLLOW)

    def ask(document: str, scope: Scope = Scope.ADMIN) -> Any:
        return schemas["0.9"].execute_sync(document, context_value=Context(uow, Principal("ana", scope), peers))

    done = ask(f'mutation {{ follow(account: "{OTHER}", actor: "atelier") {{ actor other state }} }}')
    assert done.errors is None and done.data == {"follow": {"actor": "atelier", "other": OTHER, "state": "pending"}}
    found = ask('{ followers(actor: "atelier") { other state } following { other state } '
                "federationStatus { queued followers following recent { inbox state } } }")
    assert found.errors is None and found.data is not None
    assert found.data["followers"] == [{"other": OTHER, "state": "accepted"}]
    assert found.data["following"] == [{"other": OTHER, "state": "pending"}]
    status = found.data["federationStatus"]
    assert (status["queued"], status["followers"], status["following"]) == (2, 1, 1)  # the Accept and the Follow
    refused = ask('{ followers(actor: "atelier") { other } }', Scope.WRITE)  # not an admin
    assert refused.errors and refused.errors[0].extensions["code"] == "FORBIDDEN"
    unknown = ask('mutation { follow(account: "nobody@nowhere.test") { state } }')
    assert unknown.errors and "nobody@nowhere.test" in unknown.errors[0].message
