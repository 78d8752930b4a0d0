"""Reciprocity across nodes, through the real doors of two nodes in one process (each app reached through the
other's `Peers`): a steward's node (A) publishes a CopyFair design; a shop on another node (B) follows it,
checks a use with B's engine, declares it to A; A decides with its engine, records the obligation, answers; B
keeps the obligation and pays; the payment settles it on A. Both ledgers on SQLite, both on PostgreSQL, both in
memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from federation_wire import A, B, Nodes, Wire
from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.domain.access import OPERATOR
from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, SpecificationInput
from valueflows.service import (
    declarations,
    federation,
    following,
    ledger,
    licences,
    node,
    obligations,
    remote_payments,
)
from valueflows.service import records as record_cases
from valueflows.service.bootstrap import open_any
from valueflows.service.obligations import Settlement, UseRequest
from valueflows.service.queries import ledger_size
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

DESIGN = A + "/resources/seed-drill"
COPYFAIR = "LicenseRef-CopyFair-1.0"


@pytest.fixture
def nodes(uow: UnitOfWork, db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """A's ledger is the test's; B's another of the same kind."""
    b_url = (f"sqlite:///{tmp_path / 'shop.db'}" if db_url.startswith("sqlite")
             else request.getfixturevalue("pg_schemas")() if db_url.startswith("postgresql") else db_url)
    shop = open_any(b_url)
    node.start(uow, "Atelier Commun", "worker_coop", "Ana", date(2026, 1, 1), "atelier")
    node.start(shop, "Open Shop GmbH", "company", "Bo", date(2026, 1, 1), "shop")
    record_cases.revise_agent(shop, "shop", {"worker_owned": False, "headcount": 40,
                                             "annual_revenue": "2000000", "revenue_currency": "EUR"})
    record_cases.create_specification(shop, SpecificationInput("Euro account", id="eur",
                                                               default_unit_of_resource="EUR"))
    ledger.record_event(shop, EventInput("raise", "shop", "shop", resource_quantity=MeasureInput("10000", "EUR"),
                                         has_point_in_time=datetime(2026, 1, 2, tzinfo=UTC),
                                         new_resource=NewResourceInput("Account", conforms_to="eur",
                                                                       id="shop-eur")))
    federation.set_public_url(uow, A)
    federation.set_public_url(shop, B)
    wire = Wire()
    with (TestClient(create_app(uow, peers=wire), base_url=A) as a_client,
          TestClient(create_app(shop, peers=wire), base_url=B) as b_client):
        wire.clients = {"127.0.0.1:8101": a_client, "127.0.0.1:8102": b_client}
        yield Nodes(uow, shop, wire)
    if hasattr(shop, "engine"):
        shop.engine.dispose()


def sale(revenue: str, day: str) -> UseRequest:
    return UseRequest(DESIGN, "shop", "sell", revenue=D(revenue), currency="EUR", day=date.fromisoformat(day))


def pay(amount: str, when: datetime, steward: str = A + "/agents/atelier") -> Settlement:
    """The shop pays the steward (its IRI, or its stand-in's id on the shop's node) from its euro account."""
    return Settlement("shop", steward, COPYFAIR, when, amount=D(amount), currency="EUR", from_resource="shop-eur")


def states(uow: UnitOfWork, day: str, **who: str) -> list[tuple[D, D, str]]:
    found = obligations.obligations(uow, date.fromisoformat(day), **who)
    return [(o.status.amount, o.status.outstanding, o.status.state) for o in found]


def publish_design(n: Nodes) -> None:
    """B follows A's steward; then A records a CopyFair design, which reaches B."""
    following.follow(n.b, n.wire, B, "atelier@127.0.0.1:8101", "shop")
    n.flush()
    record_cases.create_specification(n.a, SpecificationInput("Design", id="design"))
    ledger.record_event(n.a, EventInput("raise", "atelier", "atelier", resource_quantity=MeasureInput("1", "one"),
                                        has_point_in_time=datetime(2026, 2, 1, 10, tzinfo=UTC),
                                        new_resource=NewResourceInput("Seed drill", conforms_to="design",
                                                                      id="seed-drill", licence=COPYFAIR)))
    n.flush()
    assert DESIGN in {r.id for r in following.received(n.b)}


def test_a_use_declared_on_one_node_is_owed_and_settled_on_the_other(nodes: Nodes) -> None:
    n = nodes
    publish_design(n)
    checked = declarations.check(n.b, DESIGN, sale("2000.00", "2026-07-10"))  # B's own engine
    assert checked.permitted is True and [d.amount for d in checked.duties if d.action == "compensate"] == [D("100.00")]

    declared = declarations.declare(n.b, DESIGN, sale("2000.00", "2026-07-10"), key="q3-1")
    assert declared.declaration.state == "pending"
    assert declarations.declare(n.b, DESIGN, sale("2000.00", "2026-07-10"), key="q3-1") == declared  # once
    n.flush()

    [answered] = declarations.declarations(n.b)
    assert (answered.declaration.state, answered.steward) == ("accepted", A + "/agents/atelier")
    assert answered.claim is not None and answered.claim.resource_quantity is not None
    assert (answered.claim.resource_quantity.has_numerical_value, answered.claim.due) == (
        D("100.00"), datetime(2026, 10, 30, tzinfo=UTC))
    # the same status on both nodes, each from its own ledger
    assert states(n.a, "2026-10-01", steward="atelier") == [(D("100.00"), D("100.00"), "pending")]
    assert states(n.b, "2026-10-01", user="shop") == [(D("100.00"), D("100.00"), "pending")]
    late = "2026-10-31"
    assert states(n.a, late, steward="atelier")[0][2] == states(n.b, late, user="shop")[0][2] == "overdue"

    # overdue on A holds back B's next permission, on B's engine as on A's
    held = declarations.check(n.b, DESIGN, sale("500.00", "2026-11-02"))
    assert held.permitted is False and held.overdue
    with pytest.raises(RuleViolation):
        declarations.declare(n.b, DESIGN, sale("500.00", "2026-11-02"))
    assert len(declarations.declarations(n.b)) == 1  # nothing declared, nothing queued

    # B pays 60.00, then 40.00; each payment is delivered to A, where it settles the same obligation
    steward = answered.declaration.steward
    remote_payments.settle(n.b, pay("60.00", datetime(2026, 11, 3, 9, tzinfo=UTC)))
    remote_payments.settle(n.b, pay("40.00", datetime(2026, 11, 4, 9, tzinfo=UTC), steward))
    n.flush()
    assert states(n.a, "2026-11-03", steward="atelier") == states(n.b, "2026-11-03", user="shop") == [
        (D("100.00"), D("40.00"), "overdue")]
    assert states(n.a, "2026-11-04", steward="atelier") == states(n.b, "2026-11-04", user="shop") == [
        (D("100.00"), D("0"), "fulfilled")]
    assert declarations.check(n.b, DESIGN, sale("500.00", "2026-11-05")).permitted is True
    assert verify(n.a).ok and verify(n.b).ok


def _offer(n: Nodes, use: dict[str, Any], name: str) -> int:
    """An Offer B's shop signs and posts itself (not through B's checks), as another implementation might."""
    me = B + "/actors/shop"
    body = json.dumps({"id": f"{me}#uses/{name}", "type": "Offer", "actor": me, "object": {
        "type": "EconomicEvent", "action": "cite", "provider": A + "/agents/atelier", "receiver": B + "/agents/shop",
        "resourceInventoriedAs": DESIGN, "licence": COPYFAIR, **use}}).encode()
    return n.wire.post(A + "/inbox", body, federation.signer(n.b, B, "shop"))


def test_the_stewards_node_decides_with_its_own_engine_and_rejects_with_reasons(nodes: Nodes) -> None:
    n = nodes
    publish_design(n)
    declarations.declare(n.b, DESIGN, sale("2000.00", "2026-07-10"))
    n.flush()
    sizes = ledger_size(n.a.acting_as(OPERATOR))
    facts = {"legalForm": "company", "workerOwned": False, "headcount": 40, "groupHeadcount": 40,
             "annualRevenue": "2000000", "revenueCurrency": "EUR", "use": "sell", "commercial": True,
             "revenue": "500.00", "currency": "EUR", "date": "2026-11-02"}
    assert _offer(n, {"facts": facts}, "late") == 202  # the obligation of July is overdue on A
    assert _offer(n, {"facts": {**facts, "date": None}}, "undated") == 202
    assert _offer(n, {"facts": {"colour": "blue"}}, "nonsense") == 202
    assert _offer(n, {"facts": facts, "resourceInventoriedAs": A + "/resources/nothing"}, "nothing") == 202
    assert ledger_size(n.a.acting_as(OPERATOR)) == sizes  # nothing recorded for any of them
    with n.a.read() as tx:
        answers = [json.loads(d.body) for d in tx.federation.deliveries(20) if "#answers/" in d.activity_id]
    reasons = {a["object"].rsplit("/", 1)[-1]: (a["type"], a.get("content", "")) for a in answers}
    assert reasons["late"][0] == "Reject" and "overdue" in reasons["late"][1]
    assert reasons["undated"][0] == "Reject" and "date" in reasons["undated"][1]
    assert reasons["nonsense"][0] == "Reject" and "colour" in reasons["nonsense"][1]
    assert reasons["nothing"][0] == "Reject" and "no licensed design" in reasons["nothing"][1]
    # another node's agent cannot be declared by B, nor can B pay for someone who declared nothing
    assert _offer(n, {"facts": facts, "receiver": "http://elsewhere.test/agents/x"}, "impostor") == 403


def test_payments_recorded_through_any_door_and_their_corrections_reach_the_steward(nodes: Nodes) -> None:
    n = nodes
    publish_design(n)
    declarations.declare(n.b, DESIGN, sale("2000.00", "2026-07-10"))
    n.flush()
    steward = declarations.declarations(n.b)[0].declaration.steward
    paid = ledger.record_event(n.b, EventInput(  # through the plain event door, not settleObligations
        "transfer", "shop", steward, resource_inventoried_as="shop-eur", resource_quantity=MeasureInput("30.00", "EUR"),
        has_point_in_time=datetime(2026, 11, 3, 9, tzinfo=UTC), agreed_in=licences.agreement(COPYFAIR)))
    n.flush()
    assert states(n.a, "2026-11-03", steward="atelier") == [(D("100.00"), D("70.00"), "overdue")]
    ledger.record_event(n.b, EventInput(  # it was 100.00, not 30.00: corrected on B, then on A
        "transfer", "shop", steward, resource_inventoried_as="shop-eur",
        resource_quantity=MeasureInput("100.00", "EUR"), has_point_in_time=datetime(2026, 11, 3, 9, tzinfo=UTC),
        agreed_in=licences.agreement(COPYFAIR), corrects=paid.event.id))
    n.flush()
    assert states(n.a, "2026-11-03", steward="atelier") == states(n.b, "2026-11-03", user="shop") == [
        (D("100.00"), D("0"), "fulfilled")]
    ledger.record_event(n.b, EventInput(  # a purchase from the steward is not a payment towards the obligation
        "transfer", "shop", steward, resource_inventoried_as="shop-eur", resource_quantity=MeasureInput("5.00", "EUR"),
        has_point_in_time=datetime(2026, 11, 4, 9, tzinfo=UTC)))
    n.flush()
    with n.b.read() as tx:
        assert len([d for d in tx.federation.deliveries(50) if "#payments/" in d.activity_id]) == 2
    assert verify(n.a).ok and verify(n.b).ok


def test_a_node_that_follows_late_finds_what_was_published_before(nodes: Nodes) -> None:
    n = nodes
    record_cases.create_specification(n.a, SpecificationInput("Design", id="design"))
    for i in range(60):  # more than an outbox page
        ledger.record_event(n.a, EventInput("raise", "atelier", "atelier", resource_quantity=MeasureInput("1", "one"),
                                            has_point_in_time=datetime(2026, 2, 1, 10, tzinfo=UTC),
                                            new_resource=NewResourceInput(f"Design {i}", conforms_to="design",
                                                                          id=f"design-{i}", licence=COPYFAIR)))
    following.follow(n.b, n.wire, B, "atelier@127.0.0.1:8101", "shop")
    n.flush()
    kept = {r.id: r for r in following.received(n.b, limit=1000)}
    assert {A + f"/resources/design-{i}" for i in range(60)} <= set(kept)
    first = kept[A + "/resources/design-0"]
    assert first.origin == A + "/actors/atelier" and "/actors/atelier/outbox?page=true" in first.key_id
    assert declarations.check(n.b, A + "/resources/design-7", sale("10.00", "2026-07-10")).permitted is True
    n.wire.fetched.clear()
    assert following.mirror_new(n.b, n.wire, B) == 0 and n.wire.fetched == []  # an outbox is mirrored once


def test_a_payment_delivered_twice_settles_once(nodes: Nodes) -> None:
    n = nodes
    publish_design(n)
    declarations.declare(n.b, DESIGN, sale("2000.00", "2026-07-10"))
    n.flush()
    remote_payments.settle(n.b, pay("100.00", datetime(2026, 11, 3, 9, tzinfo=UTC)))
    n.flush()
    with n.b.read() as tx:
        [payment] = [d for d in tx.federation.deliveries(20) if "#payments/" in d.activity_id]
    events = ledger_size(n.a.acting_as(OPERATOR))["economic_event"]
    signer = federation.signer(n.b, B, "shop")
    assert n.wire.post(A + "/inbox", payment.body.encode(), signer) == 202  # the same activity again
    again = json.loads(payment.body)
    assert n.wire.post(A + "/inbox", json.dumps({**again, "id": again["id"] + "-again"}).encode(), signer) == 202
    assert ledger_size(n.a.acting_as(OPERATOR))["economic_event"] == events  # the same payment, in another activity
    assert states(n.a, "2026-11-03", steward="atelier") == [(D("100.00"), D("0"), "fulfilled")]
