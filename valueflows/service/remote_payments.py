"""Payments towards obligations owed to agents of other nodes: recorded here (through any door), delivered there.

A payment (a transfer or work agreed in a licence) or a correction of one, whose receiver is the local agent that
stands for an agent of another node, is queued by the server's worker to that node as a Create of the event,
signed by the payer's actor; the steward's node records it once (`stewarding.payment`) and it settles the same
obligations there as here.
"""

from __future__ import annotations

from dataclasses import replace

from valueflows.domain import access
from valueflows.domain.errors import NotFound
from valueflows.domain.model import EconomicEvent
from valueflows.linkeddata import rdf
from valueflows.service import deliveries, licences, obligations, settling
from valueflows.service.declarations import signer_of
from valueflows.service.federation import AS, actor_url
from valueflows.service.ledger import EventRecorded
from valueflows.service.remote_agents import PAYMENTS_MARK
from valueflows.store.ports import RemoteAgent, UnitOfWork, WriteTx

BATCH = 200  # chain records looked at a round


def _is_payment(event: EconomicEvent) -> bool:
    return event.action in settling.PAYMENT_ACTIONS and event.agreed_in in licences.agreements()


def deliver_payments(uow: UnitOfWork, base: str) -> int:
    """Queue to its node each payment towards obligations (a transfer or work agreed in a licence, or a correction
    of one) recorded here to an agent of another node, whatever door recorded it: a Create of the event, signed by
    the payer's actor, where it settles the same obligations. Looked for along the chain from the first agent of
    another node on (`PAYMENTS_MARK`, moved in the transaction that queues); how many were queued."""
    access.require_admin(uow.principal, "delivering payments to other nodes")
    with uow.read() as tx:
        mark = tx.federation.setting(PAYMENTS_MARK)
        found = (tx.chain.published(None, None, BATCH, after=int(mark), kinds=("economic_event",))
                 if mark is not None else [])
        events = tx.events.get_many([p.record_id for p in found if p.kind == "economic_event"])
    if not found:
        return 0
    queued = 0
    with uow.write() as tx:
        if tx.federation.setting(PAYMENTS_MARK) != mark:
            return 0  # another worker took these meanwhile
        for event in events.values():
            steward = tx.federation.remote_agent_of(event.receiver)
            if steward is not None and _is_payment(event):
                queued += _queue_payment(tx, base, event, steward)
        tx.federation.set_setting(PAYMENTS_MARK, str(found[-1].seq))
    return queued


def _queue_payment(tx: WriteTx, base: str, event: EconomicEvent, steward: RemoteAgent) -> int:
    origin = tx.federation.remote_actor(steward.actor)
    if origin is None:
        return 0  # a stand-in is made from an actor this node keeps: nothing to reach otherwise
    name = signer_of(tx, event.provider)
    me = actor_url(base, name)
    paid = rdf.jsonld_node("economic_event", event, base)
    paid["receiver"] = steward.iri  # as the steward's node names it
    for local in ("resourceInventoriedAs", "toResourceInventoriedAs"):  # our accounts: nothing to the other node
        paid.pop(local, None)
    created = {"@context": AS, "id": f"{me}#payments/{event.id}", "type": "Create", "actor": me,
               "to": [steward.actor], "object": {"@context": f"{base}/context.jsonld", **paid}}
    return deliveries.enqueue(tx, name, created, [origin.inbox])


def settle(uow: UnitOfWork, payment: obligations.Settlement, key: str | None = None) -> EventRecorded:
    """A payment towards obligations (`obligations.settle`), to a steward of this node or of another (its IRI, or
    its stand-in here: the payment then reaches its node, see `deliver_payments`)."""
    if payment.steward.startswith(("https://", "http://")):
        with uow.read() as tx:
            steward = tx.federation.remote_agent(payment.steward)
        if steward is None:
            raise NotFound(f"no steward {payment.steward!r} known here (declare a use of its design first)")
        payment = replace(payment, steward=steward.agent)
    return obligations.settle(uow, payment, key)
