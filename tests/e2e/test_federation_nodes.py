"""Three real nodes on 127.0.0.1, each its own process and database (A and C on SQLite, B on PostgreSQL): they
find each other's actors by WebFinger, follow with signed deliveries queued in their stores, accept, and refuse
what they should not believe. A node that is down when another delivers gets the delivery once it is back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from e2e_support import cli
from federation_support import Node, follow_state, followers_of, publish_design, query, until
from sqlalchemy import select, text

from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.domain.planning import FlowInput, LinkInput
from valueflows.domain.proposals import ProposalInput
from valueflows.federation.signatures import sign
from valueflows.service import ledger, planning, proposals, records
from valueflows.service.bootstrap import open_ledger
from valueflows.service.federation import new_key_pair
from valueflows.store.tables import deliveries, received_records


@pytest.fixture
def nodes(tmp_path: Path, pg_url: str) -> Iterator[tuple[Node, Node, Node]]:
    made: list[Node] = []
    try:
        for name, db, org, org_id in (("a", f"sqlite:///{tmp_path / 'a.db'}", "Atelier Commun", "atelier"),
                                      ("b", pg_url, "Agrimachines GmbH", "agrimachines"),
                                      ("c", f"sqlite:///{tmp_path / 'c.db'}", "Farm Hack Quebec", "farmhack")):
            made.append(Node(tmp_path / name, db, org, org_id))
        yield made[0], made[1], made[2]
    finally:
        for n in made:
            n.server.stop()


def retrying(node: Node) -> bool:
    return bool(query(node, select(deliveries.c.id).where(deliveries.c.attempts >= 1, deliveries.c.delivered_at.is_(
        None), deliveries.c.failed_at.is_(None), deliveries.c.last_error.is_not(None))))


def a_company_with_an_account(node: Node) -> None:
    """The node's organization as a firm the CopyFair licence asks to pay back, with a euro account."""
    uow = open_ledger(node.db)
    records.revise_agent(uow, node.org, {"legal_form": "company", "worker_owned": False, "headcount": 40,
                                         "annual_revenue": "2000000", "revenue_currency": "EUR"})
    records.create_specification(uow, SpecificationInput("Euro account", id="eur", default_unit_of_resource="EUR"))
    ledger.record_event(uow, EventInput("raise", node.org, node.org, resource_quantity=MeasureInput("10000", "EUR"),
                                        has_point_in_time=datetime(2026, 1, 2, tzinfo=UTC), new_resource=(
                                            NewResourceInput("Account", conforms_to="eur", id="account"))))
    uow.engine.dispose()


DECLARE = """mutation($use: LicensedUseParams!) { declareLicensedUse(use: $use, idempotencyKey: "q3") { id state } }"""
DECLARED = "{ licenceDeclarations { state stewardHere obligation { id } } }"
PAY = """mutation($payment: SettlementParams!) { settleObligations(payment: $payment, idempotencyKey: "pay-1") {
    id } }"""
OWED = "query($asOf: Date!) { obligations(steward: \"atelier\", asOf: $asOf) { status outstanding } }"
OWING = "query($asOf: Date!) { obligations(agent: \"agrimachines\", asOf: $asOf) { status outstanding } }"


REMOTE_OFFERS = "{ remoteProposals { id } }"
RESPOND = """mutation($p: String!) { respondToProposal(proposal: $p, agent: "agrimachines", idempotencyKey: "kit") {
    state } }"""
TRADES = "{ trades { state agreement { id } } }"


def offer_a_kit(node: Node) -> str:
    """A published offer of the node's organization: one kit, 300.00 EUR in return (from beside its server)."""
    uow = open_ledger(node.db)
    kit = planning.create_intent(uow, FlowInput("transfer", provider=node.org, resource_conforms_to="seed-drill",
                                                resource_quantity=MeasureInput("1", "one"))).record
    price = planning.create_intent(uow, FlowInput("transfer", receiver=node.org,
                                                  resource_quantity=MeasureInput("300.00", "EUR"))).record
    made = proposals.create_proposal(uow, ProposalInput("A seed-drill kit", id="kit")).record
    proposals.propose_intent(uow, made.id, kit.id)
    proposals.propose_intent(uow, made.id, price.id, reciprocal=True)
    uow.engine.dispose()
    return f"{node.base}/proposals/kit"


def pay_for_the_kit(node: Node) -> None:
    """The company pays what it agreed, from its account, and says the payment fulfils its commitment."""
    uow = open_ledger(node.db)
    with uow.read() as tx:
        [owed] = [c for c in tx.records("commitment").stream() if c.action == "transfer" and c.provider == node.org]
    paid = ledger.record_event(uow, EventInput("transfer", node.org, str(owed.receiver),
                                               resource_inventoried_as="account",
                                               resource_quantity=MeasureInput("300.00", "EUR"),
                                               has_point_in_time=datetime(2026, 11, 5, tzinfo=UTC)))
    planning.fulfil(uow, LinkInput(owed.id, paid.event.id))
    uow.engine.dispose()


def fulfilled(node: Node) -> dict[str, Decimal]:
    """What was done towards each commitment that is a clause of an agreement, by action and unit."""
    uow = open_ledger(node.db)
    with uow.read() as tx:
        found = [c for c in tx.records("commitment").stream() if c.clause_of is not None]
    done = {f"{c.action} {p.progress.unit}": p.progress.done for c in found
            for p in [planning.commitment(uow, c.id)] if p.progress.done}
    uow.engine.dispose()
    return done


def post(inbox: str, body: bytes, key_id: str, private_pem: str, **changed: str) -> httpx.Response:
    headers = {**sign("POST", inbox, key_id, private_pem, body), **changed}
    return httpx.post(inbox, content=body, headers=headers, timeout=30)


def test_three_nodes_follow_each_other_and_refuse_what_they_should(nodes: tuple[Node, Node, Node]) -> None:
    a, b, c = nodes
    atelier = f"{a.base}/actors/atelier"
    # C follows A's organization by its account, B by its URL: each a Follow, signed, delivered by the queue
    assert c.cli("follow", f"atelier@{a.host}")["queued"] is True
    assert b.cli("follow", atelier)["queued"] is True
    until(lambda: follow_state(c, "node", atelier) == "accepted", "C's follow accepted")
    until(lambda: follow_state(b, "node", atelier) == "accepted", "B's follow accepted")
    assert sorted(followers_of(a, "atelier")) == sorted([f"{b.base}/actors/node", f"{c.base}/actors/node"])
    listed = a.cli("followers", "--as", "atelier")  # what an operator reads
    assert sorted(f["actor"] for f in listed["followers"]) == sorted(followers_of(a, "atelier"))
    assert c.cli("follow", atelier)["queued"] is False  # asked once

    # what A's organization publishes from now on reaches its followers, kept there as it came, under its IRI
    publish_design(a)
    until(lambda: any(r["id"].endswith("/drill-design") for r in c.cli("federation", "received")), "C has it")
    [kept] = [r for r in c.cli("federation", "received") if r["id"].endswith("/drill-design")]
    assert (kept["origin"], kept["type"], kept["record"]["name"]) == (atelier, "EconomicResource", "Seed drill")
    until(lambda: query(b, select(received_records.c.id).where(received_records.c.origin == atelier)), "B has it")
    assert httpx.get(kept["id"], headers={"accept": "application/ld+json"}).status_code == 200

    # the same Follow delivered again (C's own key, C's own activity): taken, and nothing changes
    follow_id = next(f["activity"] for f in c.cli("followers")["following"] if f["actor"] == atelier)
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow", "id": follow_id,
                "actor": f"{c.base}/actors/node", "object": atelier}
    body = json.dumps(activity).encode()
    key_id, key = f"{c.base}/actors/node#main-key", c.key()
    again = post(f"{atelier}/inbox", body, key_id, key)
    assert (again.status_code, again.json()["done"]) == (202, "duplicate")
    assert len(followers_of(a, "atelier")) == 2

    # what A must not believe: each refused with its reason, nothing written
    forged_key = new_key_pair()[1]
    stale = "Mon, 01 Jan 2024 00:00:00 GMT"
    other = json.dumps({**activity, "id": activity["id"] + "-2"}).encode()
    for answer, status in (
            (post(f"{atelier}/inbox", other, key_id, forged_key), 401),  # a key that is not C's
            (httpx.post(f"{atelier}/inbox", content=other, headers={"content-type": "application/activity+json"}),
             401),  # unsigned
            (post(f"{atelier}/inbox", other, key_id, key, date=stale), 401),  # an old date, signed or not
            (httpx.post(f"{atelier}/inbox", content=other + b" ", headers=sign(
                "POST", f"{atelier}/inbox", key_id, key, other)), 401),  # the body changed on the way
            (post(f"{atelier}/inbox", b"x" * 300_000, key_id, key), 413),
            (post(f"{atelier}/inbox", json.dumps({**activity, "id": activity["id"] + "-3",
                                                  "actor": f"{b.base}/actors/node"}).encode(), key_id, key), 403),
    ):
        assert answer.status_code == status, (status, answer.text)
        assert "error" in answer.json()
    blocked = cli("federation", "hosts", "--block", c.host, "--db", a.db, cwd=a.workdir)
    assert blocked.returncode == 0
    assert post(f"{atelier}/inbox", other, key_id, key).status_code == 403
    assert cli("federation", "hosts", "--block", "", "--db", a.db, cwd=a.workdir).returncode == 0
    assert len(followers_of(a, "atelier")) == 2

    # A burst at A's inbox, the same delivery many times at once: each taken once or told to slow down
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post(f"{atelier}/inbox", body, key_id, key).status_code, range(100)))
    assert set(answers) <= {202, 429} and 202 in answers

    # A is down while C's organization follows it: C keeps trying, and delivers once A is back
    a.server.stop()
    assert c.cli("follow", atelier, "--as", "farmhack")["queued"] is True
    until(lambda: retrying(c), "C retrying while A is down")
    queued = c.cli("federation", "status")
    assert queued["queued"] == 1 and "Connect" in queued["recent"][0]["lastError"]
    a.server.start()
    until(lambda: follow_state(c, "farmhack", atelier) == "accepted", "the follow delivered after A came back")
    assert sorted(followers_of(a, "atelier")) == sorted(
        [f"{b.base}/actors/node", f"{c.base}/actors/node", f"{c.base}/actors/farmhack"])
    status = c.cli("federation", "status")
    assert status["failed"] == 0 and status["queued"] == 0

    # reciprocity across nodes: B's company declares a use of A's design (checked on B, decided on A), A records the
    # obligation and answers; B, killed just after declaring, delivers once it is back; B pays; both see it settled
    a_company_with_an_account(b)
    use = {"resource": f"{a.base}/resources/drill-design", "agent": "agrimachines", "use": "sell",
           "commercial": True, "revenue": "2000.00", "currency": "EUR", "day": "2026-07-10"}
    assert b.graphql(DECLARE, use=use)["declareLicensedUse"]["state"] == "pending"
    b.server.kill()
    b.server.start()
    assert b.graphql(DECLARE, use=use)["declareLicensedUse"]["state"] in ("pending", "accepted")  # declared once
    until(lambda: b.graphql(DECLARED)["licenceDeclarations"][0]["state"] == "accepted", "A accepted B's use")
    [declared] = b.graphql(DECLARED)["licenceDeclarations"]
    assert declared["obligation"] is not None
    assert a.graphql(OWED, asOf="2026-10-01")["obligations"] == [{"status": "pending", "outstanding": "100.00"}]
    assert b.graphql(OWING, asOf="2026-10-01")["obligations"] == [{"status": "pending", "outstanding": "100.00"}]
    payment = {"user": "agrimachines", "steward": f"{a.base}/agents/atelier", "licence": "LicenseRef-CopyFair-1.0",
               "hasPointInTime": "2026-11-03T09:00:00Z", "amount": "100.00", "currency": "EUR",
               "fromResource": "account"}
    b.graphql(PAY, payment=payment)
    until(lambda: a.graphql(OWED, asOf="2026-11-03")["obligations"][0]["status"] == "fulfilled", "A settled")
    assert b.graphql(OWING, asOf="2026-11-03")["obligations"] == [{"status": "fulfilled", "outstanding": "0.00"}]
    assert len(query(a, text("select id from claims"))) == 1  # one obligation, however often things were sent

    # trade across nodes: A's organization offers a kit for 300.00 EUR; B's company answers it; A agrees; B pays
    # (recorded on B, told to A), and both show the commitment fulfilled
    offer = offer_a_kit(a)
    until(lambda: b.graphql(REMOTE_OFFERS)["remoteProposals"], "B has A's offer")
    assert b.graphql(RESPOND, p=offer)["respondToProposal"]["state"] == "pending"
    until(lambda: b.graphql(TRADES)["trades"][0]["state"] == "accepted", "A agreed")
    pay_for_the_kit(b)
    until(lambda: fulfilled(a) == {"transfer EUR": Decimal("300.00")}, "B's payment fulfils A's commitment")
    assert fulfilled(b) == {"transfer EUR": Decimal("300.00")}

    for node in (a, b, c):
        verified = cli("verify", "--db", node.db, cwd=node.workdir)
        assert verified.returncode == 0, verified.stdout
    kept = query(a, text("select count(*), count(distinct id) from inbox_activities"))[0]  # each activity once
    assert kept[0] == kept[1]
