"""Trade across nodes (FEP-0837), through the real doors of two nodes in one process (each app reached through the
other's `Peers`): a co-op's node (A) publishes an offer of seed-drill kits for euros; a shop on another node (B)
follows it, answers it with an Offer of an agreement; A decides with its rules, records the agreement and its
commitments and answers; B keeps the same agreement; what fulfils each commitment, recorded on either node, is
recorded on the other, so both show the same progress. Both ledgers on SQLite, both on PostgreSQL, both in
memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from federation_wire import A, B, Nodes, Wire, context_loader, undefined
from pyld import jsonld
from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.domain.planning import FlowInput, LinkInput
from valueflows.domain.proposals import ProposalInput
from valueflows.federation.signatures import sign
from valueflows.service import (
    deliveries,
    federation,
    following,
    ledger,
    node,
    planning,
    proposals,
    tokens,
    trading,
)
from valueflows.service import records as record_cases
from valueflows.service.bootstrap import open_any
from valueflows.service.reading import Reading
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

AS = "https://www.w3.org/ns/activitystreams"
VF = "https://w3id.org/valueflows/ont/vf#"


@dataclass
class Trading(Nodes):
    proposal: str = ""
    kit: str = ""  # A's intent: the kits it offers
    price: str = ""  # A's reciprocal intent: the euros it asks


@pytest.fixture
def nodes(uow: UnitOfWork, db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Trading]:
    """A's ledger is the test's; B's another of the same kind. B follows A's co-op, which then offers kits (five
    available, 300.00 EUR each, unit-based)."""
    b_url = (f"sqlite:///{tmp_path / 'shop.db'}" if db_url.startswith("sqlite")
             else request.getfixturevalue("pg_schemas")() if db_url.startswith("postgresql") else db_url)
    shop = open_any(b_url)
    node.start(uow, "Atelier Commun", "worker_coop", "Ana", date(2026, 1, 1), "atelier")
    node.start(shop, "Open Shop GmbH", "company", "Bo", date(2026, 1, 1), "shop")
    for at in (uow, shop):
        record_cases.create_specification(at, SpecificationInput("Euro account", id="eur",
                                                                 default_unit_of_resource="EUR"))
    ledger.record_event(shop, EventInput("raise", "shop", "shop", resource_quantity=MeasureInput("10000", "EUR"),
                                         has_point_in_time=datetime(2026, 1, 2, tzinfo=UTC),
                                         new_resource=NewResourceInput("Account", conforms_to="eur",
                                                                       id="shop-eur")))
    record_cases.create_specification(uow, SpecificationInput("Seed-drill kit", id="kit"))
    ledger.record_event(uow, EventInput("raise", "atelier", "atelier", resource_quantity=MeasureInput("5", "one"),
                                        has_point_in_time=datetime(2026, 1, 2, tzinfo=UTC),
                                        new_resource=NewResourceInput("Kits", conforms_to="kit", id="kits")))
    federation.set_public_url(uow, A)
    federation.set_public_url(shop, B)
    wire = Wire()
    with (TestClient(create_app(uow, peers=wire), base_url=A) as a_client,
          TestClient(create_app(shop, peers=wire), base_url=B) as b_client):
        wire.clients = {"127.0.0.1:8101": a_client, "127.0.0.1:8102": b_client}
        n = Trading(uow, shop, wire)
        following.follow(shop, wire, B, "atelier@127.0.0.1:8101", "shop")
        n.flush()
        kit = planning.create_intent(uow, FlowInput(
            "transfer", provider="atelier", name="Seed-drill kit", resource_conforms_to="kit",
            resource_quantity=MeasureInput("1", "one"), available_quantity=MeasureInput("5", "one"))).record
        price = planning.create_intent(uow, FlowInput("transfer", receiver="atelier",
                                                      resource_quantity=MeasureInput("300.00", "EUR"))).record
        offer = proposals.create_proposal(uow, ProposalInput("Seed-drill kits", unit_based=True)).record
        proposals.propose_intent(uow, offer.id, kit.id)
        proposals.propose_intent(uow, offer.id, price.id, reciprocal=True)
        n.flush()
        n.proposal, n.kit, n.price = f"{A}/proposals/{offer.id}", kit.id, price.id
        yield n
    if hasattr(shop, "engine"):
        shop.engine.dispose()


def commitments(uow: UnitOfWork, agreement: str) -> dict[str, planning.CommitmentProgress]:
    """An agreement's commitments with their progress, by action and unit ("transfer one", "transfer EUR")."""
    with uow.read() as tx:
        found = tx.records("commitment").where(100, clause_of=agreement)
    progress = [planning.commitment(uow, c.id) for c in found]
    return {f"{p.commitment.action} {p.progress.unit}": p for p in progress}


def figures(found: dict[str, planning.CommitmentProgress]) -> dict[str, tuple[D | None, D, bool]]:
    return {k: (p.progress.planned, p.progress.done, p.progress.complete) for k, p in found.items()}


def _post(n: Trading, activity: dict[str, Any], to: str = A + "/inbox", actor: str = "shop") -> int:
    """An activity B's actor signs and posts itself (not through B's checks), as another implementation might."""
    me = B + f"/actors/{actor}"
    body = json.dumps({"actor": me, **activity}).encode()
    with n.b.read() as tx:
        key = tx.actor_keys.get(actor)
    assert key is not None
    headers = sign("POST", to, f"{me}#main-key", key.private_pem, body)
    return n.wire.clients["127.0.0.1:8101"].post(to, content=body, headers=headers).status_code


def test_an_offer_answered_on_one_node_is_agreed_and_fulfilled_on_both(nodes: Trading) -> None:
    n = nodes
    [seen] = trading.remote_proposals(n.b)
    assert (seen.iri, seen.purpose, seen.unit_based, seen.proposer) == (
        n.proposal, "offer", True, A + "/agents/atelier")
    assert seen.active(datetime.now(UTC)) and seen.reciprocal is not None

    answered = trading.respond(n.b, n.proposal, "shop", D(2), key="kits-1")
    assert answered.trade.state == "pending"
    assert trading.respond(n.b, n.proposal, "shop", D(2), key="kits-1") == answered  # the same key: once
    n.flush()

    [ours] = trading.trades(n.b)
    [theirs] = trading.trades(n.a)
    assert (ours.trade.state, ours.trade.side, theirs.trade.state, theirs.trade.side) == (
        "accepted", "offered", "accepted", "proposed")
    assert ours.agreement is not None and theirs.agreement is not None
    on_a, on_b = commitments(n.a, theirs.agreement.id), commitments(n.b, ours.agreement.id)
    assert figures(on_a) == figures(on_b) == {"transfer one": (D(2), D(0), False),
                                              "transfer EUR": (D("600.00"), D(0), False)}
    kits_a, kits_b = on_a["transfer one"].commitment, on_b["transfer one"].commitment
    euros_a, euros_b = on_a["transfer EUR"].commitment, on_b["transfer EUR"].commitment
    assert (kits_a.provider, euros_a.receiver, kits_b.receiver, euros_b.provider) == (
        "atelier", "atelier", "shop", "shop")
    # the other party is named by its stand-in on each node
    with n.a.read() as tx:
        assert tx.federation.remote_agent_of(str(kits_a.receiver)).iri == B + "/agents/shop"  # type: ignore[union-attr]
    with n.b.read() as tx:
        assert tx.federation.remote_agent_of(str(kits_b.provider)).iri == A + "/agents/atelier"  # type: ignore[union-attr]
    # on A, each commitment satisfies the intent it answers: 2 of the 5 kits promised
    assert planning.intent(n.a, n.kit).progress.done == D(2)
    assert planning.intent(n.a, n.price).progress.done == D("600.00")

    # B pays 600.00 in two parts, A delivers the two kits: each recorded on one node, fulfilled on both
    for amount, day in (("250.00", 3), ("350.00", 4)):
        paid = ledger.record_event(n.b, EventInput(
            "transfer", "shop", str(euros_b.receiver), resource_inventoried_as="shop-eur",
            resource_quantity=MeasureInput(amount, "EUR"), has_point_in_time=datetime(2026, 3, day, tzinfo=UTC)))
        planning.fulfil(n.b, LinkInput(euros_b.id, paid.event.id))
    sent = ledger.record_event(n.a, EventInput(
        "transfer", "atelier", str(kits_a.receiver), resource_inventoried_as="kits",
        resource_quantity=MeasureInput("2", "one"), has_point_in_time=datetime(2026, 3, 5, tzinfo=UTC)))
    planning.fulfil(n.a, LinkInput(kits_a.id, sent.event.id))
    n.flush()
    done = {"transfer one": (D(2), D(2), True), "transfer EUR": (D("600.00"), D("600.00"), True)}
    assert figures(commitments(n.a, theirs.agreement.id)) == figures(commitments(n.b, ours.agreement.id)) == done
    n.flush()  # nothing is told back: the events that came from the other node stay where they are
    assert figures(commitments(n.a, theirs.agreement.id)) == done
    with n.a.read() as tx:
        assert len(tx.records("fulfillment").where(100, fulfills=euros_a.id)) == 2
    assert verify(n.a).ok and verify(n.b).ok


def test_what_the_answering_node_can_tell_is_refused_there_and_nothing_is_sent(nodes: Trading) -> None:
    n = nodes
    with pytest.raises(RuleViolation) as too_many:
        trading.respond(n.b, n.proposal, "shop", D(6))
    assert [p.code for p in too_many.value.problems] == ["not_available"]
    with pytest.raises(RuleViolation) as half:
        trading.respond(n.b, n.proposal, "shop", D("1.5"))
    assert [p.code for p in half.value.problems] == ["bad_units"]
    assert trading.trades(n.b) == [] and deliveries.status(n.b).queued == 0


def _agreement(n: Trading, kits: str, euros: str | None) -> dict[str, Any]:
    shop = B + "/agents/shop"
    terms: dict[str, Any] = {"type": "Agreement", "stipulates": {
        "type": "Commitment", "satisfies": f"{A}/intents/{n.kit}", "receiver": shop,
        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": kits}}}
    if euros is not None:
        terms["stipulatesReciprocal"] = {"type": "Commitment", "satisfies": f"{A}/intents/{n.price}", "provider": shop,
                                         "resourceQuantity": {"hasUnit": "EUR", "hasNumericalValue": euros}}
    return terms


REJECTED = [  # offered kits, euros in return: why the proposer's node says no
    ("2.5", "750.00", "stipulates: a multiple of 1 one"),
    ("6", "1800.00", "stipulates: 5 one available"),
    ("2", "500.00", "stipulatesReciprocal: in return: 600 EUR"),
    ("2", None, "stipulatesReciprocal: the proposal asks something in return"),
]


def test_the_proposer_decides_with_its_own_rules_and_records_nothing_it_rejects(nodes: Trading) -> None:
    n = nodes
    for kits, euros, reason in REJECTED:
        offer = f"{B}/actors/shop#hand/{kits}-{euros}"
        assert _post(n, {"@context": AS, "id": offer, "type": "Offer", "inReplyTo": n.proposal,
                         "object": _agreement(n, kits, euros)}) == 202
        with n.a.read() as tx:
            assert tx.records("agreement").count() == 0 and tx.federation.trades() == []
            [answer] = [json.loads(d.body) for d in tx.federation.deliveries(20)
                        if json.loads(d.body)["type"] == "Reject" and json.loads(d.body)["object"] == offer]
        assert reason in answer["content"], (kits, euros, answer["content"])
    with n.a.read() as tx:
        assert tx.records("commitment").count() == 0 and tx.records("satisfaction").count() == 0


def test_an_ended_proposal_is_answered_by_neither_node(nodes: Trading) -> None:
    n = nodes
    revision = Reading(n.a).revision("proposal", n.proposal.rsplit("/", 1)[-1])
    proposals.revise_proposal(n.a, revision, {"has_end": datetime.now(UTC) - timedelta(minutes=1)})
    n.flush()
    with pytest.raises(RuleViolation, match="not published now"):
        trading.respond(n.b, n.proposal, "shop", D(1))
    offer = f"{B}/actors/shop#hand/late"
    assert _post(n, {"@context": AS, "id": offer, "type": "Offer", "object": _agreement(n, "1", "300.00")}) == 202
    with n.a.read() as tx:
        assert tx.records("agreement").count() == 0
        [answer] = [json.loads(d.body) for d in tx.federation.deliveries(10) if json.loads(d.body)["type"] == "Reject"]
    assert "inReplyTo: the proposal is not published now" in answer["content"]


def test_a_fulfilment_told_twice_counts_once_and_only_a_party_may_tell_it(nodes: Trading) -> None:
    n = nodes
    trading.respond(n.b, n.proposal, "shop", D(1), key="one-kit")
    n.flush()
    [theirs] = trading.trades(n.a)
    assert theirs.agreement is not None
    euros_a = commitments(n.a, theirs.agreement.id)["transfer EUR"].commitment
    told = {"@context": AS, "type": "Create", "object": {
        "@context": [B + "/context.jsonld", trading.TRADE_CONTEXT], "id": B + "/events/paid-elsewhere",
        "type": "EconomicEvent", "action": "transfer", "provider": B + "/agents/shop",
        "receiver": A + "/agents/atelier", "hasPointInTime": "2026-03-03T00:00:00Z",
        "resourceQuantity": {"hasUnit": "EUR", "hasNumericalValue": "300.00"},
        "fulfills": f"{A}/commitments/{euros_a.id}"}}
    assert _post(n, {**told, "id": B + "/actors/shop#told/1"}) == 202
    assert _post(n, {**told, "id": B + "/actors/shop#told/2"}) == 202  # again, in another activity
    assert commitments(n.a, theirs.agreement.id)["transfer EUR"].progress.done == D("300.00")
    stranger = {**told, "object": {**told["object"], "id": B + "/events/x",
                                   "fulfills": A + "/commitments/nothing-agreed"}}
    assert _post(n, {**stranger, "id": B + "/actors/shop#told/3"}) == 403
    assert commitments(n.a, theirs.agreement.id)["transfer EUR"].progress.done == D("300.00")


def test_a_published_proposal_reads_as_fep_0837_describes(nodes: Trading) -> None:
    """The outbox carries the proposal with its two intents; a JSON-LD processor reads them in the VF 1.0
    namespace."""
    n = nodes
    page = n.wire.fetch(A + "/actors/atelier/outbox?page=true", None)
    published = [item for item in page["orderedItems"] if item["object"]["type"] == "Proposal"]
    # newest first: the proposal as it is after its reciprocal intent was added, after its primary one, created
    assert [item["type"] for item in published] == ["Update", "Update", "Create"]
    proposal = published[0]["object"]
    assert (proposal["id"], proposal["purpose"], proposal["unitBased"]) == (n.proposal, "offer", True)
    assert proposal["attributedTo"] == A + "/actors/atelier"
    assert proposal["publishes"]["id"] == f"{A}/intents/{n.kit}"
    assert proposal["reciprocal"]["resourceQuantity"]["hasNumericalValue"] == "300"
    # every term defined (ActivityStreams', ours, FEP-0837's), each in its namespace
    [expanded] = jsonld.expand(proposal, {"documentLoader": context_loader(A + "/context.jsonld")})
    assert not undefined(expanded), undefined(expanded)
    assert expanded["@id"] == n.proposal and expanded["@type"] == [VF + "Proposal"]
    assert expanded[VF + "publishes"][0]["@id"] == f"{A}/intents/{n.kit}"
    assert expanded[VF + "reciprocal"][0][VF + "receiver"][0]["@id"] == A + "/agents/atelier"
    assert expanded[VF + "unitBased"][0]["@value"] is True
    assert expanded[AS + "#attributedTo"][0]["@id"] == A + "/actors/atelier"


RESPOND = """mutation($p: String!, $agent: ID!) { respondToProposal(proposal: $p, agent: $agent, units: "1",
    idempotencyKey: "gql-1") { id side agent state proposal } }"""
TRADES = "query($agent: ID) { trades(agent: $agent) { state side reasons agreement { id name } } }"


def _graphql(n: Trading, node: str, token: str | None, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = n.wire.clients[node].post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    found: dict[str, Any] = answer.json()
    return found


def test_a_member_answers_over_graphql_and_sees_only_its_own_trades(nodes: Trading) -> None:
    n = nodes
    shop = tokens.create_token(n.b, "shop", "write")[1]
    bo = tokens.create_token(n.b, "bo", "write")[1]
    listed = _graphql(n, "127.0.0.1:8102", None, "{ remoteProposals { id purpose unitBased active publishes } }")
    [offer] = listed["data"]["remoteProposals"]  # public, as on its node
    assert (offer["id"], offer["purpose"], offer["unitBased"], offer["active"]) == (n.proposal, "offer", True, True)
    refused = _graphql(n, "127.0.0.1:8102", bo, RESPOND, p=n.proposal, agent="shop")  # Bo's token is not the shop's
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    made = _graphql(n, "127.0.0.1:8102", shop, RESPOND, p=n.proposal, agent="shop")["data"]["respondToProposal"]
    assert (made["side"], made["agent"], made["state"]) == ("offered", "shop", "pending")
    n.flush()
    [trade] = _graphql(n, "127.0.0.1:8102", shop, TRADES, agent="shop")["data"]["trades"]
    assert (trade["state"], trade["agreement"]["name"]) == ("accepted", "Seed-drill kits")
    assert _graphql(n, "127.0.0.1:8102", bo, TRADES)["data"]["trades"] == []  # Bo's own: none
    assert _graphql(n, "127.0.0.1:8102", None, TRADES)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _agreed(n: Trading, key: str) -> tuple[Any, Any]:
    """B answers for two kits and A agrees: the trade as B keeps it, and as A does (each with its agreement)."""
    trading.respond(n.b, n.proposal, "shop", D(2), key=key)
    n.flush()
    [ours], [theirs] = trading.trades(n.b), trading.trades(n.a)
    assert ours.agreement is not None and theirs.agreement is not None
    return ours, theirs


def _newest(uow: UnitOfWork, kind: str, record_id: str) -> str:
    with uow.read() as tx:
        return tx.chain.latest(kind, [record_id])[record_id]


def test_a_revised_fulfilment_is_revised_on_the_other_node_once_and_never_backwards(nodes: Trading) -> None:
    n = nodes
    ours, theirs = _agreed(n, "kits-r")
    euros_b = commitments(n.b, ours.agreement.id)["transfer EUR"].commitment

    def paid_on(node: UnitOfWork, agreement: str) -> D:
        return commitments(node, agreement)["transfer EUR"].progress.done

    paid = ledger.record_event(n.b, EventInput(
        "transfer", "shop", str(euros_b.receiver), resource_inventoried_as="shop-eur",
        resource_quantity=MeasureInput("600.00", "EUR"), has_point_in_time=datetime(2026, 3, 3, tzinfo=UTC)))
    link = planning.fulfil(n.b, LinkInput(euros_b.id, paid.event.id)).record
    n.flush()
    assert paid_on(n.a, theirs.agreement.id) == paid_on(n.b, ours.agreement.id) == D("600.00")
    # B finds the payment fulfilled only 400.00 of it (the rest was for something else): revised on B, told to A
    planning.revise_fulfillment(n.b, _newest(n.b, "fulfillment", link.id),
                                {"resource_quantity": MeasureInput("400.00", "EUR")})
    n.flush()
    assert paid_on(n.a, theirs.agreement.id) == paid_on(n.b, ours.agreement.id) == D("400.00")
    with n.b.read() as tx:
        told_at = tx.chain.published(None, None, 1, kinds=("fulfillment",))[0].seq  # that revision, on B
    # then undone (zero)
    planning.revise_fulfillment(n.b, _newest(n.b, "fulfillment", link.id),
                                {"resource_quantity": MeasureInput("0", "EUR")})
    n.flush()
    assert paid_on(n.a, theirs.agreement.id) == paid_on(n.b, ours.agreement.id) == D(0)
    n.flush()  # nothing is told back
    assert paid_on(n.b, ours.agreement.id) == D(0)
    # an older revision arriving late changes nothing (deliveries may come out of order)
    on_a = commitments(n.a, theirs.agreement.id)["transfer EUR"].commitment
    late = {"@context": AS, "id": B + "/actors/shop#late/1", "type": "Update", "object": {
        "@context": [B + "/context.jsonld", trading.TRADE_CONTEXT], "id": f"{B}/events/{paid.event.id}",
        "type": "EconomicEvent", "action": "transfer", "fulfills": f"{A}/commitments/{on_a.id}",
        "fulfilmentRevision": told_at, "fulfilledQuantity": {"hasUnit": "EUR", "hasNumericalValue": "400.00"}}}
    assert _post(n, late) == 202
    assert paid_on(n.a, theirs.agreement.id) == D(0)
    # A's copy is revised where the payment was recorded, on B; and B's keeps its commitment and event
    with n.a.read() as tx:
        [copy] = tx.records("fulfillment").where(10, fulfills=on_a.id)
    with pytest.raises(RuleViolation) as refused:
        planning.revise_fulfillment(n.a, _newest(n.a, "fulfillment", copy.id),
                                    {"resource_quantity": MeasureInput("600.00", "EUR")})
    assert refused.value.problems[0].code == "told_by_another_node"
    other = ledger.record_event(n.b, EventInput(
        "transfer", "shop", str(euros_b.receiver), resource_inventoried_as="shop-eur",
        resource_quantity=MeasureInput("600.00", "EUR"), has_point_in_time=datetime(2026, 3, 4, tzinfo=UTC)))
    with pytest.raises(RuleViolation) as relinked:
        planning.revise_fulfillment(n.b, _newest(n.b, "fulfillment", link.id), {"by": other.event.id})
    assert relinked.value.problems[0].code == "agreed_with_another_node"
    assert paid_on(n.a, theirs.agreement.id) == paid_on(n.b, ours.agreement.id) == D(0)
    assert verify(n.a).ok and verify(n.b).ok


def test_an_update_before_its_create_zero_and_relinking_into_a_trade(nodes: Trading) -> None:
    """Deliveries may come out of order: an Update of a fulfilment that comes before its Create is recorded as the
    Create would have been, and the Create that follows is a duplicate. A Create may carry zero (revised to
    nothing before it was told). A fulfilment of another commitment does not become one of a traded commitment."""
    n = nodes
    ours, theirs = _agreed(n, "kits-o")
    on_a = commitments(n.a, theirs.agreement.id)["transfer EUR"].commitment

    def told(kind: str, event: str, revision: int, amount: str, activity: str) -> dict[str, Any]:
        return {"@context": AS, "id": f"{B}/actors/shop#{activity}", "type": kind, "object": {
            "@context": [B + "/context.jsonld", trading.TRADE_CONTEXT], "id": f"{B}/events/{event}",
            "type": "EconomicEvent", "action": "transfer", "provider": B + "/agents/shop",
            "receiver": A + "/agents/atelier", "hasPointInTime": "2026-03-03T00:00:00Z",
            "resourceQuantity": {"hasUnit": "EUR", "hasNumericalValue": "600.00"},
            "fulfills": f"{A}/commitments/{on_a.id}", "fulfilmentRevision": revision,
            "fulfilledQuantity": {"hasUnit": "EUR", "hasNumericalValue": amount}}}

    assert _post(n, told("Update", "paid-1", 7, "400.00", "u/7")) == 202  # the Create is still on its way
    assert commitments(n.a, theirs.agreement.id)["transfer EUR"].progress.done == D("400.00")
    assert _post(n, told("Create", "paid-1", 5, "600.00", "c/5")) == 202  # late: a duplicate
    assert commitments(n.a, theirs.agreement.id)["transfer EUR"].progress.done == D("400.00")
    assert _post(n, told("Create", "paid-2", 9, "0", "c/9")) == 202  # revised to nothing before it was told
    assert commitments(n.a, theirs.agreement.id)["transfer EUR"].progress.done == D("400.00")
    # on B: a fulfilment of a commitment of its own does not become one of the traded commitment
    euros_b = commitments(n.b, ours.agreement.id)["transfer EUR"].commitment
    own = planning.create_commitment(n.b, FlowInput("transfer", "shop", str(euros_b.receiver),
                                                    resource_quantity=MeasureInput("50.00", "EUR"))).record
    paid = ledger.record_event(n.b, EventInput(
        "transfer", "shop", str(euros_b.receiver), resource_inventoried_as="shop-eur",
        resource_quantity=MeasureInput("50.00", "EUR"), has_point_in_time=datetime(2026, 3, 6, tzinfo=UTC)))
    link = planning.fulfil(n.b, LinkInput(own.id, paid.event.id)).record
    with pytest.raises(RuleViolation) as relinked:
        planning.revise_fulfillment(n.b, _newest(n.b, "fulfillment", link.id), {"of": euros_b.id})
    assert relinked.value.problems[0].code == "agreed_with_another_node"
    assert verify(n.a).ok and verify(n.b).ok
