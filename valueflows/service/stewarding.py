"""The steward's side of reciprocity across nodes: uses of our designs declared by other nodes, and their
payments.

A use declared to this node (an Offer of a `cite` event of one of our designs, see `declarations`) is decided by
this node's engine, on the facts the user's node declared and the obligations this ledger holds for that user
(an overdue one holds the permission back, as for a local user). Permitted, it is recorded exactly as a local use
(`obligations.use_in`: the `cite` event and the obligation it creates), the user named by its stand-in here
(`remote_agents`), and answered with Accept and the obligation; not permitted, with Reject and the reasons, and
nothing recorded. A payment the user's node delivers (a Create of a `transfer` or `work` event agreed in a
licence, from that user to one of our agents) is recorded here as the same event between the stand-in and our
agent, once however often it comes, and settles the obligations as a local payment would.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from valueflows.domain.access import OPERATOR, Forbidden
from valueflows.domain.errors import LedgerError, NotFound, Problem, RuleViolation, violation
from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.domain.model import is_actor
from valueflows.linkeddata import rdf
from valueflows.reciprocity.facts import facts_from_json
from valueflows.service import deliveries, licences, obligations, settling
from valueflows.service.federation import AS, NODE, actor_url, linked, local_id
from valueflows.service.ledger import record_in, remember_key, replayed_key
from valueflows.service.remote_agents import stand_in
from valueflows.store.ports import RemoteActor, UnitOfWork, WriteTx

USE_ACTIONS = ("cite",)


def _speaker(tx: WriteTx, agent: str) -> str:
    found = tx.agents.get(agent)
    return agent if found is not None and is_actor(found) else NODE


def _answer(tx: WriteTx, base: str, steward: str, kind: str, offer: dict[str, Any], by: RemoteActor,
            **more: Any) -> None:
    name = _speaker(tx, steward)
    me = actor_url(base, name)
    which = hashlib.sha256(str(offer["id"]).encode("utf-8")).hexdigest()[:32]
    deliveries.enqueue(tx, name, {"@context": AS, "id": f"{me}#answers/{which}", "type": kind, "actor": me,
                                  "to": [by.id], "object": offer["id"], **more}, [by.shared_inbox or by.inbox])


def _reject(tx: WriteTx, base: str, steward: str, offer: dict[str, Any], by: RemoteActor,
            problems: list[Problem]) -> str:
    _answer(tx, base, steward, "Reject", offer, by, summary="the use is not permitted",
            content="\n".join(f"{p.field}: {p.message}" for p in problems))
    return "rejected"


def offered_use(uow: UnitOfWork, tx: WriteTx, base: str, offer: dict[str, Any], by: RemoteActor) -> str:
    """Decide on, and answer, a use of one of our designs that another node declared."""
    use = offer["object"]
    resource_id = local_id(base, "economic_resource", use.get("resourceInventoriedAs"))
    resource = tx.resources.get(resource_id) if resource_id else None
    if resource is None or not resource.licence:
        return _reject(tx, base, NODE, offer, by, [Problem("resourceInventoriedAs", "not_found", f"no licensed "
                                                           f"design {use.get('resourceInventoriedAs')!r} here")])
    user_iri = use.get("receiver")
    if not isinstance(user_iri, str) or urlsplit(user_iri).netloc != urlsplit(by.id).netloc:
        raise Forbidden(f"{by.id} declares uses by agents of its own node, not {user_iri!r}")
    steward = resource.primary_accountable
    try:
        facts = facts_from_json(use.get("facts"))
        if facts.date is None:
            raise violation("date", "required", "a declared use says the day it happened")
        if use.get("licence") not in (None, resource.licence):
            raise violation("licence", "changed", f"{resource.name} is now under {resource.licence}")
    except RuleViolation as exc:
        return _reject(tx, base, steward, offer, by, exc.problems)
    known = tx.federation.remote_agent(user_iri)
    decision = obligations.decide_in(tx, resource, known.agent if known else None, facts)
    if decision.permitted is not True:  # nothing recorded: the answer says why
        return _reject(tx, base, steward, offer, by, obligations.refusal(decision))
    user = stand_in(tx, user_iri, by.id, str(use.get("receiverName") or user_iri))
    note = use.get("note")
    request = obligations.UseRequest(
        resource.id, user.id, facts.use, facts.commercial, facts.production, facts.adapted, facts.revenue,
        facts.currency, facts.date, facts.first_published,
        str(note)[:1000] if isinstance(note, str) else f"{facts.use} under {resource.licence}, declared by {by.id}")
    done = obligations.use_in(tx, uow.acting_as(OPERATOR), request, resource, user.id, facts)
    more: dict[str, Any] = {"instrument": rdf.iri(base, "economic_event", done.event.event.id)}
    if done.claim is not None:
        more["result"] = {"@context": f"{base}/context.jsonld", **rdf.jsonld_node("claim", done.claim, base)}
    _answer(tx, base, steward, "Accept", offer, by, **more)
    return "accepted"


def _paid_key(iri: str) -> str:
    """The idempotency key a payment of another node is recorded under here: once, however often it comes."""
    return "paid:" + hashlib.sha256(iri.encode("utf-8")).hexdigest()


def is_payment(document: dict[str, Any]) -> bool:
    return (document.get("type") == "EconomicEvent" and document.get("action") in settling.PAYMENT_ACTIONS
            and document.get("agreedIn") in licences.agreements())


def payment(uow: UnitOfWork, tx: WriteTx, base: str, paid: dict[str, Any], by: RemoteActor) -> str:
    """Record a payment towards obligations that a user of another node made to one of our agents."""
    payer_iri, paid_id = paid.get("provider"), paid.get("id")
    payer = tx.federation.remote_agent(payer_iri) if isinstance(payer_iri, str) else None
    if payer is None or payer.actor != by.id:
        raise Forbidden(f"{by.id} declared no use by {payer_iri!r} here: there is nothing it could pay towards")
    if not isinstance(paid_id, str) or urlsplit(paid_id).netloc != urlsplit(by.id).netloc:
        raise Forbidden(f"{by.id} reports payments recorded on its own node, not {paid_id!r}")
    steward = local_id(base, "agent", paid.get("receiver"))
    if steward is None or tx.agents.get(steward) is None:
        raise NotFound(f"no agent {paid.get('receiver')!r} on this node")
    key = _paid_key(paid_id)
    action = str(paid["action"])
    corrects = None
    if paid.get("corrects") is not None:  # a correction of a payment delivered before: of what it became here
        first = tx.keys.find(_paid_key(str(linked(paid["corrects"]))))
        if first is None:
            raise violation("corrects", "not_found", f"{paid_id} corrects a payment this node was not given")
        corrects = first.record_id
    try:
        at = datetime.fromisoformat(str(paid.get("hasPointInTime")).replace("Z", "+00:00"))
        measure = paid.get("effortQuantity" if action in settling.WORK_ACTIONS else "resourceQuantity")
        if not isinstance(measure, dict):
            raise ValueError("no quantity")
        quantity = MeasureInput(str(measure.get("hasNumericalValue")),
                                str(measure.get("hasUnit")).rstrip("/").rsplit("/", 1)[-1])
    except ValueError as exc:
        raise violation("object", "not_a_payment", f"{paid_id} cannot be read as a payment: {exc}") from None
    request = EventInput(action, payer.agent, steward, has_point_in_time=at if at.tzinfo else at.replace(tzinfo=UTC),
                         resource_quantity=None if action in settling.WORK_ACTIONS else quantity,
                         effort_quantity=quantity if action in settling.WORK_ACTIONS else None,
                         agreed_in=str(paid["agreedIn"]), note=f"paid on its node: {paid_id}"[:1000],
                         corrects=corrects)
    if replayed_key(tx, key, "economic_event", request) is not None:
        return "duplicate"
    try:
        done = record_in(tx, uow.acting_as(OPERATOR), request)
    except LedgerError as exc:
        raise violation("object", "not_a_payment", f"{paid_id}: {exc}") from None
    remember_key(tx, key, "economic_event", request, done.event.id)
    return "paid"

