"""What fulfils a commitment agreed with another node: recorded on either node (through any door), told to the
other, which records the same event and fulfilment once, so both show the same progress.

The server's worker looks along the chain for new fulfilments of commitments that are clauses of such an agreement
(`trading.TradedCommitment`) and queues to the other node a Create of the event (its parties as that node names
them, our resources left out), `fulfills` naming the commitment by the IRI both nodes know it by, signed by our
party's actor. The other node records it between the same parties (ours named by its stand-in there) with a
fulfilment of its copy of the commitment; an event that came from the other node is never sent back.

A new revision of such a fulfilment (how much the event fulfilled; zero undoes it) is told as an Update of the
event, carrying the revision's chain position: the other node revises its copy of the fulfilment, once, and never
to an older revision than one it has (deliveries may arrive out of order). Such a fulfilment keeps its event and
commitment (`check_revision`), and the node the event came from is where it is revised.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from valueflows.domain import access
from valueflows.domain.access import OPERATOR, Forbidden
from valueflows.domain.chain import facts
from valueflows.domain.errors import LedgerError, violation
from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.domain.model import EconomicEvent
from valueflows.domain.planning import Fulfillment, LinkInput, check_fulfillment
from valueflows.linkeddata import rdf
from valueflows.service import deliveries
from valueflows.service.declarations import signer_of
from valueflows.service.federation import AS, NODE, actor_url, linked, local_id
from valueflows.service.ledger import new_id, record_in, remember_key, replayed_key
from valueflows.service.trading import FULFILMENTS_MARK, TRADE_CONTEXT, add_record, measure_of
from valueflows.store.ports import RemoteActor, TradedCommitment, UnitOfWork, WriteTx

BATCH = 200  # chain records looked at a round
MAX_LINKS = 100  # fulfilments of one event looked at


def _told_key(iri: str) -> str:
    """The idempotency key an event of another node is recorded under here: once, however often it comes."""
    return "fulfilled:" + hashlib.sha256(iri.encode("utf-8")).hexdigest()


def _came_key(event_id: str) -> str:
    """Marks an event of ours that another node told us of: not to be told back."""
    return "told-by-peer:" + event_id


def _version_key(event_iri: str, commitment_iri: str) -> str:
    """The node setting holding the newest revision applied here of the fulfilment another node told us of."""
    return "fv:" + hashlib.sha256(f"{event_iri} {commitment_iri}".encode()).hexdigest()[:36]


def check_revision(tx: WriteTx, current: Fulfillment, revised: Fulfillment) -> None:
    """A fulfilment of a commitment agreed with another node is told to it: revised where its event was recorded,
    and only in how much it fulfils (zero undoes it), so that both nodes keep the same; nor does a fulfilment of
    another commitment become one of such a commitment (fulfil it anew)."""
    traded = tx.federation.traded_commitment(current.fulfills) or tx.federation.traded_commitment(revised.fulfills)
    if traded is None:
        return
    if tx.keys.find(_came_key(current.fulfilled_by)) is not None:
        raise violation("fulfillment", "told_by_another_node", f"{traded.peer} told this node of this fulfilment: "
                        "revise it on that node, which tells this one")
    if (revised.fulfills, revised.fulfilled_by) != (current.fulfills, current.fulfilled_by):
        raise violation("fulfills", "agreed_with_another_node", f"this fulfilment is told to {traded.peer}: revise "
                        "how much it fulfils (zero undoes it), not its commitment or event")


def deliver_fulfilments(uow: UnitOfWork, base: str) -> int:
    """Queue to the other node each fulfilment recorded here of a commitment agreed with it, whatever door recorded
    it; looked for along the chain from the first such commitment on (`FULFILMENTS_MARK`, moved in the
    transaction that queues). How many activities were queued."""
    access.require_admin(uow.principal, "delivering fulfilments to other nodes")
    with uow.read() as tx:
        mark = tx.federation.setting(FULFILMENTS_MARK)
        found = (tx.chain.published(None, None, BATCH, after=int(mark), kinds=("fulfillment",))
                 if mark is not None else [])
    if not found:
        return 0
    queued = 0
    newest: dict[str, int] = {}  # per fulfilment, its newest revision among these (the chain goes forward)
    created: set[str] = set()
    for p in found:
        newest[p.record_id] = p.seq
        if p.first:
            created.add(p.record_id)
    with uow.write() as tx:
        if tx.federation.setting(FULFILMENTS_MARK) != mark:
            return 0  # another worker took these meanwhile
        links: dict[str, Fulfillment] = tx.records("fulfillment").get_many(newest)
        for link in links.values():
            traded = tx.federation.traded_commitment(link.fulfills)
            event = tx.events.get(link.fulfilled_by)
            if traded is not None and event is not None and tx.keys.find(_came_key(event.id)) is None:
                queued += _queue(tx, base, link, event, traded, newest[link.id], link.id in created)
        tx.federation.set_setting(FULFILMENTS_MARK, str(found[-1].seq))
    return queued


def _as_named_there(tx: WriteTx, base: str, agent: str) -> str:
    known = tx.federation.remote_agent_of(agent)
    return known.iri if known is not None else rdf.iri(base, "agent", agent)


def _queue(tx: WriteTx, base: str, link: Fulfillment, event: EconomicEvent, traded: TradedCommitment,
           revision: int, first: bool) -> int:
    peer = tx.federation.remote_actor(traded.peer)
    if peer is None:
        return 0
    ours = next((a for a in (event.provider, event.receiver) if tx.federation.remote_agent_of(a) is None), None)
    name = signer_of(tx, ours) if ours is not None else NODE
    me = actor_url(base, name)
    document = rdf.jsonld_node("economic_event", event, base)
    for local in ("resourceInventoriedAs", "toResourceInventoriedAs", "resourceConformsTo", "inputOf", "outputOf",
                  "atLocation", "inScopeOf", "realizationOf", "triggeredBy", "corrects"):
        document.pop(local, None)  # our records: nothing the other node knows
    document["provider"] = _as_named_there(tx, base, event.provider)
    document["receiver"] = _as_named_there(tx, base, event.receiver)
    document["fulfills"] = traded.iri
    document["fulfilmentRevision"] = revision  # the revision's chain position here: newer ones win there
    quantity = link.effort_quantity or link.resource_quantity
    if quantity is not None:
        document["fulfilledQuantity"] = {"type": "Measure", "hasUnit": rdf.iri(base, "unit", quantity.has_unit),
                                         "hasNumericalValue": str(quantity.has_numerical_value)}
    told = {"@context": AS, "id": f"{me}#fulfilments/{link.id}" + ("" if first else f"/{revision}"),
            "type": "Create" if first else "Update", "actor": me, "to": [traded.peer],
            "object": {"@context": [f"{base}/context.jsonld", TRADE_CONTEXT], **document}}
    return deliveries.enqueue(tx, name, told, [peer.shared_inbox or peer.inbox])


def is_fulfilment(document: dict[str, Any]) -> bool:
    return document.get("type") == "EconomicEvent" and linked(document.get("fulfills")) is not None


def _party(tx: WriteTx, base: str, iri: Any, by: RemoteActor) -> str:
    """Our agent for an IRI the other node names a party by: one of ours, or the stand-in of one of its own."""
    named = linked(iri)
    ours = local_id(base, "agent", named)
    if ours is not None and tx.agents.get(ours) is not None:
        return ours
    known = tx.federation.remote_agent(named) if named is not None else None
    if known is None or urlsplit(known.actor).netloc != urlsplit(by.id).netloc:
        raise Forbidden(f"{by.id} tells of events between parties to its agreements, not {named!r}")
    return known.agent


def _told(tx: WriteTx, document: dict[str, Any], by: RemoteActor) -> tuple[TradedCommitment, str, int]:
    """The commitment agreed with `by` that the event it tells of fulfils, the event's IRI (on `by`'s node) and the
    revision told; Forbidden for a commitment not agreed with it or an event of another node."""
    iri, event_iri = linked(document.get("fulfills")), document.get("id")
    traded = tx.federation.traded_commitment_at(iri) if iri is not None else None
    if traded is None or traded.peer != by.id:
        raise Forbidden(f"{by.id} agreed no commitment {iri!r} with this node")
    if not isinstance(event_iri, str) or urlsplit(event_iri).netloc != urlsplit(by.id).netloc:
        raise Forbidden(f"{by.id} tells of events recorded on its own node, not {event_iri!r}")
    revision = document.get("fulfilmentRevision", 0)
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise violation("object", "no_revision", f"{event_iri}: fulfilmentRevision is a whole number")
    return traded, event_iri, revision


def received(uow: UnitOfWork, tx: WriteTx, base: str, document: dict[str, Any], by: RemoteActor) -> str:
    """Record what another node says fulfilled a commitment agreed between us: the same event between the same
    parties, and its fulfilment of our copy of the commitment; once, however often it comes."""
    traded, event_iri, revision = _told(tx, document, by)
    commitment = tx.records("commitment").get(traded.commitment)
    assert commitment is not None, "a traded commitment is one of ours"
    provider, receiver = _party(tx, base, document.get("provider"), by), _party(tx, base, document.get("receiver"), by)
    action = str(document.get("action"))
    if (provider, receiver, action) != (commitment.provider, commitment.receiver, commitment.action):
        raise violation("object", "not_the_commitment", f"{event_iri} is not a {commitment.action} between the "
                        "parties of the commitment it fulfils")
    try:
        when = str(document.get("hasPointInTime") or document.get("hasEnd"))
        at = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        raise violation("object", "no_time", f"{event_iri} says when it happened (hasPointInTime)") from None
    measure = measure_of(document, "object")
    effort = "effortQuantity" in document and "resourceQuantity" not in document
    quantity = MeasureInput(measure.has_numerical_value, measure.has_unit)
    request = EventInput(action, provider, receiver, has_point_in_time=at if at.tzinfo else at.replace(tzinfo=UTC),
                         resource_quantity=None if effort else quantity, effort_quantity=quantity if effort else None,
                         note=f"recorded on its node: {event_iri}"[:1000])
    key = _told_key(event_iri)
    if replayed_key(tx, key, "economic_event", request) is not None:
        return "duplicate"
    fulfilled = measure
    if isinstance(document.get("fulfilledQuantity"), dict):  # zero: revised to nothing before it was told
        fulfilled = measure_of({"resourceQuantity": document["fulfilledQuantity"]}, "fulfilledQuantity", zero=True)
    try:
        done = record_in(tx, uow.acting_as(OPERATOR), request)
        units = tx.records("unit").get_many([fulfilled.has_unit])
        given = MeasureInput(fulfilled.has_numerical_value, fulfilled.has_unit)
        link = check_fulfillment(LinkInput(commitment.id, done.event.id, None if effort else given,
                                           given if effort else None), commitment, done.event, frozenset(units),
                                 new_id())
    except LedgerError as exc:
        raise violation("object", "not_a_fulfilment", f"{event_iri}: {exc}") from None
    add_record(tx, "fulfillment", link)
    remember_key(tx, key, "economic_event", request, done.event.id)
    remember_key(tx, _came_key(done.event.id), "economic_event", request, done.event.id)
    tx.federation.set_setting(_version_key(event_iri, traded.iri), str(revision))
    return "fulfilled"


def revised(uow: UnitOfWork, tx: WriteTx, base: str, document: dict[str, Any], by: RemoteActor) -> str:
    """A new revision of a fulfilment another node told us of (an Update of its event): our copy of the fulfilment
    fulfils as much as it now says; an older revision than one applied here changes nothing. An Update that comes
    before its Create (deliveries may arrive out of order) carries the whole event: it is recorded as the Create
    would have been, and the Create, when it comes, is a duplicate."""
    traded, event_iri, revision = _told(tx, document, by)
    known = tx.keys.find(_told_key(event_iri))
    if known is None:
        return received(uow, tx, base, document, by)
    applied = tx.federation.setting(_version_key(event_iri, traded.iri))
    if applied is not None and int(applied) >= revision:
        return "duplicate"
    link = next((f for f in tx.records("fulfillment").where(MAX_LINKS, fulfilled_by=known.record_id)
                 if f.fulfills == traded.commitment), None)
    commitment, event = tx.records("commitment").get(traded.commitment), tx.events.get(known.record_id)
    if link is None or commitment is None or event is None:
        raise violation("object", "no_fulfilment", f"{event_iri} fulfils nothing here of {traded.iri}")
    if not isinstance(document.get("fulfilledQuantity"), dict):
        raise violation("object", "no_quantity", f"{event_iri}: say how much it fulfils (fulfilledQuantity)")
    fulfilled = measure_of({"resourceQuantity": document["fulfilledQuantity"]}, "fulfilledQuantity", zero=True)
    given = MeasureInput(fulfilled.has_numerical_value, fulfilled.has_unit)
    effort = link.effort_quantity is not None
    try:
        new = check_fulfillment(LinkInput(commitment.id, event.id, None if effort else given,
                                          given if effort else None, note=link.note),
                                commitment, event, frozenset(tx.records("unit").get_many([fulfilled.has_unit])),
                                link.id)
    except LedgerError as exc:
        raise violation("object", "not_a_fulfilment", f"{event_iri}: {exc}") from None
    tx.records("fulfillment").replace(new)
    uow.cache.forget("fulfillment", link.id)
    tx.append("fulfillment", link.id, facts(new))
    tx.federation.set_setting(_version_key(event_iri, traded.iri), str(revision))
    return "revised"
