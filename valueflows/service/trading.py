"""Trade across nodes: proposals another node published answered here, and ours answered there (FEP-0837).

A node publishes its proposals (offers and requests, each with what it asks in return) to its followers, as a
`Proposal` whose primary intent it `publishes` and whose `reciprocal` intent says what is expected back. An agent
here answers one with an `Offer` of an `Agreement`: the commitment that satisfies the primary intent (`stipulates`)
and the one that satisfies the reciprocal intent (`stipulatesReciprocal`), in the quantities the proposal allows
(a multiple of its own when it is unit-based, its own otherwise), signed by the agent's actor (the node's, for a
person). The proposer's node decides with its own rules: the proposal still published, the quantities right,
no more than is available. Agreed, it records the agreement and its two commitments (the other party named by
its stand-in, see `remote_agents`), each satisfying its intent, and answers `Accept` with the agreement and the
commitments' IRIs; refused, `Reject` with its reasons, and nothing is recorded. The answering node keeps the same
agreement and commitments as its own records, the proposer's party named by its stand-in. Both nodes know each
commitment by the proposer's IRI for it (`TradedCommitment`): what fulfils one on either node is delivered to the
other (`remote_fulfilments`), so both show the same progress.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from valueflows.domain import access
from valueflows.domain.access import Forbidden
from valueflows.domain.chain import facts
from valueflows.domain.errors import NotFound, Problem, RuleViolation, violation
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.planning import (
    Agreement,
    Commitment,
    FlowInput,
    Intent,
    LinkInput,
    check_commitment,
    check_satisfaction,
)
from valueflows.domain.proposals import Proposal
from valueflows.domain.quantities import Measure, canonical, parse_decimal
from valueflows.linkeddata import rdf
from valueflows.service import deliveries, planning
from valueflows.service.federation import AS, NODE, actor, actor_url, linked, local_id, public_url
from valueflows.service.ledger import new_id
from valueflows.service.reading import reader_of
from valueflows.service.remote_agents import name_of, stand_in
from valueflows.store.ports import ReceivedRecord, RemoteActor, Trade, TradedCommitment, Tx, UnitOfWork, WriteTx

VF = "https://w3id.org/valueflows/ont/vf#"
# The FEP-0837 terms our ledger context does not carry (it names records; these link a proposal to its intents
# and an agreement to its commitments as the fediverse's marketplaces do).
TRADE_CONTEXT = {
    "vf": VF, "purpose": "vf:purpose", "publishes": "vf:publishes", "reciprocal": "vf:reciprocal",
    "stipulates": "vf:stipulates", "stipulatesReciprocal": "vf:stipulatesReciprocal",
    "satisfies": {"@id": "vf:satisfies", "@type": "@id"},
    "attributedTo": {"@id": AS + "#attributedTo", "@type": "@id"},
    # ours: which revision of a fulfilment another node is told of (its chain position there)
    "fulfilmentRevision": {"@id": rdf.VFL + "fulfilmentRevision", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
}
FULFILMENTS_MARK = "fulfilments"  # node settings: the chain position up to which fulfilments were looked for


def add_record(tx: WriteTx, kind: str, record: Any) -> None:
    tx.records(kind).add(record)
    tx.append(kind, record.id, facts(record))


def measure_of(document: Any, field: str, zero: bool = False) -> Measure:
    """A quantity as another node wrote it (`hasUnit`: the unit's IRI or its name; the unit's id is its last
    segment, as both nodes name their units); above zero, or zero too when `zero` (a fulfilment undone)."""
    if not isinstance(document, dict):
        raise violation(field, "required", f"{field} has a quantity")
    for key in ("resourceQuantity", "effortQuantity"):
        quantity = document.get(key)
        if isinstance(quantity, dict):
            number, problem = parse_decimal(str(quantity.get("hasNumericalValue")), f"{field}.{key}")
            unit = str(quantity.get("hasUnit") or "").rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            if problem is not None or number is None or number < 0 or (number == 0 and not zero) or not unit:
                raise violation(field, "bad_quantity", f"{field}.{key}: a quantity above zero with its unit")
            return Measure(number, unit)
    raise violation(field, "required", f"{field} has a resourceQuantity or an effortQuantity")


def _times(factor: Decimal, measure: Measure | None) -> Measure | None:
    return None if measure is None else Measure(measure.has_numerical_value * factor, measure.has_unit)


def _quantity_json(measure: Measure, unit_iri: str) -> dict[str, Any]:
    return {"type": "Measure", "hasNumericalValue": canonical(measure.has_numerical_value), "hasUnit": unit_iri}


# -- a proposal of another node, answered here --------------------------------------------------------------------

@dataclass(frozen=True)
class RemoteProposal:
    """A proposal another node published here, as its document says."""

    iri: str
    name: str
    origin: str  # the actor that published it: where answers go
    proposer: str  # the agent that offers or requests (its IRI on its node)
    purpose: str  # offer, request
    unit_based: bool
    primary: dict[str, Any]
    reciprocal: dict[str, Any] | None
    has_beginning: datetime | None
    has_end: datetime | None

    def active(self, now: datetime) -> bool:
        return ((self.has_beginning is None or self.has_beginning <= now)
                and (self.has_end is None or now < self.has_end))

    @property
    def node(self) -> str:
        return urlsplit(self.iri).netloc


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _one(value: Any) -> dict[str, Any] | None:
    """The one intent a proposal's term carries (FEP-0837 publishes one of each)."""
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    return value if isinstance(value, dict) else None


def as_proposal(found: ReceivedRecord) -> RemoteProposal | None:
    """A received record as a proposal that can be answered: None unless it publishes one intent with a party."""
    if found.type != "Proposal":
        return None
    document = json.loads(found.document)
    primary, reciprocal = _one(document.get("publishes")), _one(document.get("reciprocal"))
    if primary is None or not isinstance(primary.get("id"), str):
        return None
    provider, receiver = linked(primary.get("provider")), linked(primary.get("receiver"))
    proposer = provider or receiver or linked(document.get("attributedTo"))
    if proposer is None:
        return None
    return RemoteProposal(found.id, str(document.get("name") or primary.get("name") or found.id), found.origin,
                          proposer, "offer" if provider else "request", document.get("unitBased") is True,
                          primary, reciprocal, _instant(document.get("hasBeginning")),
                          _instant(document.get("hasEnd")))


def remote_proposal(tx: Tx, iri: str) -> RemoteProposal:
    found = tx.federation.received_record(iri)
    if found is None or found.type != "Proposal":
        raise NotFound(f"no proposal {iri!r} received from another node (follow its node first)")
    made = as_proposal(found)
    if made is None:
        raise violation("proposal", "not_answerable", f"{iri} publishes no single intent with a provider or receiver")
    return made


def remote_proposals(uow: UnitOfWork, limit: int = MAX_PAGE) -> list[RemoteProposal]:
    """Proposals followed nodes published here (public, as on their nodes), newest first."""
    if not access.received_view(reader_of(uow), True).visible:
        return []
    with uow.read() as tx:
        found = [as_proposal(r) for r in tx.federation.received_records(None, limit, "Proposal")]
    return [p for p in found if p is not None]


def _signer(tx: Tx, agent: str) -> str:
    from valueflows.service.declarations import signer_of  # the same rule: its own actor, else the node's

    return signer_of(tx, agent)


def _terms(found: RemoteProposal, units: Decimal, unit_known: Any) -> tuple[Measure, Measure | None]:
    """The quantities an answer of `units` times the proposal commits to, or every problem at once."""
    problems: list[Problem] = []
    if units <= 0 or units != units.to_integral_value() or (not found.unit_based and units != 1):
        problems.append(Problem("units", "bad_units", "a whole number of units above zero" if found.unit_based
                                else "this proposal is not unit-based: it is answered whole (units 1)"))
    primary = measure_of(found.primary, "publishes")
    reciprocal = measure_of(found.reciprocal, "reciprocal") if found.reciprocal is not None else None
    available = found.primary.get("availableQuantity")
    if isinstance(available, dict):
        left = measure_of({"resourceQuantity": available}, "availableQuantity")
        if left.has_unit == primary.has_unit and primary.has_numerical_value * units > left.has_numerical_value:
            problems.append(Problem("units", "not_available", f"{canonical(left.has_numerical_value)} "
                                    f"{left.has_unit} available"))
    for m in (primary, reciprocal):
        if m is not None and not unit_known(m.has_unit):
            problems.append(Problem("proposal", "unknown_unit", f"no unit {m.has_unit!r} on this node: create it "
                                    "first (createUnit)"))
    if problems:
        raise RuleViolation(problems)
    scaled = _times(units, primary)
    assert scaled is not None
    return scaled, _times(units, reciprocal)


def _offered(intent: dict[str, Any], measure: Measure, party: str) -> dict[str, Any]:
    """The commitment our answer offers towards an intent: its quantity, the intent's side, ours on the other."""
    key = "effortQuantity" if "effortQuantity" in intent and "resourceQuantity" not in intent else "resourceQuantity"
    unit = (intent.get(key) or {}).get("hasUnit") or measure.has_unit
    offered: dict[str, Any] = {"type": "Commitment", "satisfies": intent["id"], "action": intent.get("action"),
                               key: _quantity_json(measure, str(unit))}
    provider, receiver = linked(intent.get("provider")), linked(intent.get("receiver"))
    offered["provider"], offered["receiver"] = provider or party, receiver or party
    return offered


def respond(uow: UnitOfWork, iri: str, agent: str, units: Decimal = Decimal(1), key: str | None = None) -> TradeView:
    """Answer a proposal another node published with an Offer of an agreement, for `agent` (queued, signed by its
    actor): `units` times the proposal's quantities when it is unit-based. What this node can tell is wrong (the
    proposal withdrawn or ended, a quantity it does not allow, more than is available) is refused here and nothing
    is sent; the proposer's node decides the rest. The same key answers once."""
    access.may_record_event(uow.principal, agent, agent)
    base = public_url(uow)
    with uow.read() as tx:
        name = _signer(tx, agent)
    me = actor_url(base, actor(uow, name).name)  # its key made now if it has none: deliveries are signed with it
    which = hashlib.sha256(f"{agent}\n{key}".encode()).hexdigest()[:32] if key else uuid.uuid4().hex
    offer_id = f"{me}#trades/{which}"
    with uow.write() as tx:
        known = tx.federation.trade(offer_id)
        if known is not None:
            return _view(tx, known)
        found = remote_proposal(tx, iri)
        if not found.active(tx.now):
            raise violation("proposal", "not_published", f"{iri} is not published now")
        primary, reciprocal = _terms(found, units, tx.records("unit").exists)
        origin = tx.federation.remote_actor(found.origin)
        if origin is None:
            raise NotFound(f"the actor that published {iri} is not known here")
        party = rdf.iri(base, "agent", agent)
        agreement: dict[str, Any] = {"type": "Agreement", "stipulates": _offered(found.primary, primary, party)}
        if found.reciprocal is not None and reciprocal is not None:
            agreement["stipulatesReciprocal"] = _offered(found.reciprocal, reciprocal, party)
        offer = {"@context": [AS, f"{base}/context.jsonld", TRADE_CONTEXT], "id": offer_id, "type": "Offer",
                 "actor": me, "to": [found.origin], "inReplyTo": iri, "object": agreement}
        deliveries.enqueue(tx, name, offer, [origin.inbox])
        trade = Trade(offer_id, "offered", agent, found.origin, iri, "pending",
                      json.dumps(agreement, ensure_ascii=False), None, None, tx.now, None)
        tx.federation.keep_trade(trade)
        return _view(tx, trade)


def _clause(tx: WriteTx, accepted: dict[str, Any], offered: dict[str, Any], ours: str, party: str, theirs: str,
            agreement: str, by: RemoteActor) -> tuple[Commitment, str]:
    """Our copy of a commitment the proposer's node recorded (`accepted`), as we offered it (`offered`)."""
    commitment_iri = accepted.get("id")
    if not isinstance(commitment_iri, str) or urlsplit(commitment_iri).netloc != urlsplit(by.id).netloc:
        raise violation("result", "no_commitment_id", "an accepted agreement's commitments have ids of its node")
    if linked(accepted.get("satisfies")) != offered["satisfies"]:
        raise violation("result", "not_our_offer", f"{commitment_iri} satisfies another intent than we offered")
    measure, asked = measure_of(accepted, "result"), measure_of(offered, "offer")
    if measure != asked:
        raise violation("result", "not_our_offer", f"{commitment_iri}: the quantities are not those we offered")
    if tx.federation.traded_commitment_at(commitment_iri) is not None:
        raise violation("result", "known_commitment", f"{commitment_iri} is a clause of another agreement here")
    quantity = MeasureInput(measure.has_numerical_value, measure.has_unit)
    effort = "effortQuantity" in offered
    request = FlowInput(str(offered.get("action")), ours if offered.get("provider") == party else theirs,
                        ours if offered.get("receiver") == party else theirs,
                        resource_quantity=None if effort else quantity, effort_quantity=quantity if effort else None,
                        clause_of=agreement, note=f"agreed on {urlsplit(by.id).netloc}: {commitment_iri}"[:1000])
    context = replace(planning.flow_context(tx, "commitment", request), agreements={agreement})
    return check_commitment(request, context, new_id(), tx.now), commitment_iri


def answered(tx: WriteTx, base: str, offer_id: str, activity: dict[str, Any], by: RemoteActor) -> str | None:
    """The proposer's node answered an Offer of ours (None: the activity answers no trade of ours). Accepted, the
    agreement and its commitments are kept here as our records, the proposer named by its stand-in."""
    found = tx.federation.trade(offer_id)
    if found is None or found.side != "offered":
        return None
    if by.id != found.peer:
        raise Forbidden(f"{by.id} does not answer for {found.proposal}")
    if found.state != "pending":
        return "kept"
    if activity.get("type") != "Accept":
        tx.federation.keep_trade(found._replace(state="rejected", answer=json.dumps(activity, ensure_ascii=False),
                                                answered_at=tx.now))
        return "rejected"
    result = activity.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("id"), str):
        raise violation("result", "no_agreement", "an Accept of an Offer of an agreement carries the agreement")
    offered = json.loads(found.offer)
    party = rdf.iri(base, "agent", found.agent)
    primary = offered["stipulates"]
    proposer_iri = primary["receiver"] if primary.get("provider") == party else primary["provider"]
    proposal = tx.federation.received_record(found.proposal)
    origin = tx.federation.remote_actor(found.peer)
    proposer = stand_in(tx, proposer_iri, found.peer, name_of(origin, proposer_iri) if origin else proposer_iri)
    name = json.loads(proposal.document).get("name") if proposal is not None else None
    agreement = Agreement(new_id(), str(name)[:200] if name else None,
                          f"agreed with {proposer_iri[:900]} on its node: {str(result['id'])[:900]}", tx.now)
    clauses = [_clause(tx, _one(result.get("stipulates")) or {}, primary, found.agent, party, proposer.id,
                       agreement.id, by)]
    if "stipulatesReciprocal" in offered:
        clauses.append(_clause(tx, _one(result.get("stipulatesReciprocal")) or {}, offered["stipulatesReciprocal"],
                               found.agent, party, proposer.id, agreement.id, by))
    add_record(tx, "agreement", agreement)
    for commitment, commitment_iri in clauses:
        add_record(tx, "commitment", commitment)
        link(tx, TradedCommitment(commitment.id, commitment_iri, found.peer, found.id))
    tx.federation.keep_trade(found._replace(state="accepted", answer=json.dumps(activity, ensure_ascii=False),
                                            agreement=agreement.id, answered_at=tx.now))
    return "accepted"


def link(tx: WriteTx, traded: TradedCommitment) -> None:
    """A commitment of ours becomes a clause of an agreement with another node: its fulfilments are told there,
    looked for along the chain from the first one on."""
    tx.federation.link_commitment(traded)
    if tx.federation.setting(FULFILMENTS_MARK) is None:
        head = tx.chain.head()
        tx.federation.set_setting(FULFILMENTS_MARK, str(head[0] if head else 0))


# -- a proposal of ours, answered by another node ----------------------------------------------------------------

def _speaker(tx: Tx, agent: str | None) -> str:
    from valueflows.domain.model import is_actor

    found = tx.agents.get(agent) if agent else None
    return agent if agent is not None and found is not None and is_actor(found) else NODE


def _answer(tx: WriteTx, base: str, speaker: str, kind: str, offer: dict[str, Any], by: RemoteActor,
            **more: Any) -> None:
    me = actor_url(base, speaker)
    which = hashlib.sha256(str(offer["id"]).encode("utf-8")).hexdigest()[:32]
    deliveries.enqueue(tx, speaker, {"@context": [AS, f"{base}/context.jsonld", TRADE_CONTEXT],
                                     "id": f"{me}#answers/{which}", "type": kind, "actor": me, "to": [by.id],
                                     "object": offer["id"], **more}, [by.shared_inbox or by.inbox])


def _reject(tx: WriteTx, base: str, speaker: str, offer: dict[str, Any], by: RemoteActor,
            problems: list[Problem]) -> str:
    _answer(tx, base, speaker, "Reject", offer, by, summary="the offer is not agreed",
            content="\n".join(f"{p.field}: {p.message}" for p in problems))
    return "rejected"


def _proposal_of(tx: Tx, intent_id: str | None) -> tuple[Proposal, Intent, Intent | None] | None:
    """The proposal that publishes the intent as its primary one, with its reciprocal intent."""
    intent = tx.records("intent").get(intent_id) if intent_id else None
    if intent is None:
        return None
    link_ = next((p for p in tx.records("proposed_intent").where(MAX_PAGE, publishes=intent.id) if not p.reciprocal),
                 None)
    proposal = tx.records("proposal").get(link_.published_in) if link_ is not None else None
    if proposal is None:
        return None
    reciprocal = [p for p in tx.records("proposed_intent").where(MAX_PAGE, published_in=proposal.id) if p.reciprocal]
    other = tx.records("intent").get(reciprocal[0].publishes) if len(reciprocal) == 1 else None
    return proposal, intent, other


def _factor(tx: WriteTx, base: str, proposal: Proposal, intent: Intent, reciprocal: Intent | None,
            primary: dict[str, Any], other: dict[str, Any] | None) -> tuple[Measure, Measure | None]:
    """What the Offer commits to, checked against the proposal; every problem at once."""
    problems: list[Problem] = []
    if not proposal.active(tx.now):
        problems.append(Problem("inReplyTo", "not_published", "the proposal is not published now"))
    if intent.finished:
        problems.append(Problem("stipulates", "finished", "the offer or request is finished"))
    asked = measure_of(primary, "stipulates")
    planned = intent.quantity
    factor = Decimal(1)
    if planned is not None:
        if asked.has_unit != planned.has_unit:
            raise violation("stipulates", "wrong_unit", f"the proposal counts in {planned.has_unit}")
        factor = asked.has_numerical_value / planned.has_numerical_value
        if proposal.unit_based and factor != factor.to_integral_value():
            problems.append(Problem("stipulates", "not_a_multiple", f"a multiple of "
                                    f"{canonical(planned.has_numerical_value)} {planned.has_unit}"))
        if not proposal.unit_based and factor != 1:
            problems.append(Problem("stipulates", "not_the_quantity", f"the proposal is for "
                                    f"{canonical(planned.has_numerical_value)} {planned.has_unit}, not unit-based"))
        available = intent.available_quantity
        if available is not None and asked.has_numerical_value > available.has_numerical_value:
            problems.append(Problem("stipulates", "not_available", f"{canonical(available.has_numerical_value)} "
                                    f"{available.has_unit} available"))
    returned = None
    if reciprocal is not None:
        if other is None or linked(other.get("satisfies")) != rdf.iri(base, "intent", reciprocal.id):
            problems.append(Problem("stipulatesReciprocal", "required", "the proposal asks something in return"))
        else:
            returned = measure_of(other, "stipulatesReciprocal")
            expected = _times(factor, reciprocal.quantity)
            if expected is not None and returned != expected:
                problems.append(Problem("stipulatesReciprocal", "not_the_quantity", f"in return: "
                                        f"{canonical(expected.has_numerical_value)} {expected.has_unit}"))
    if problems:
        raise RuleViolation(problems)
    return asked, returned


def _commitment_of(tx: WriteTx, intent: Intent, measure: Measure, user: str, agreement: str,
                   offer_id: str) -> Commitment:
    quantity = MeasureInput(measure.has_numerical_value, measure.has_unit)
    effort = intent.effort_quantity is not None
    request = FlowInput(intent.action, intent.provider or user, intent.receiver or user,
                        resource_classified_as=intent.resource_classified_as,
                        resource_quantity=None if effort else quantity, effort_quantity=quantity if effort else None,
                        due=intent.due, resource_conforms_to=intent.resource_conforms_to,
                        at_location=intent.at_location, clause_of=agreement,
                        note=f"agreed with another node: {offer_id}"[:1000])
    context = replace(planning.flow_context(tx, "commitment", request), agreements={agreement})
    return check_commitment(request, context, new_id(), tx.now)


def _commitment_json(base: str, commitment: Commitment, intent: Intent, user: str, party: str) -> dict[str, Any]:
    node = rdf.jsonld_node("commitment", commitment, base)
    node["satisfies"] = rdf.iri(base, "intent", intent.id)
    mine = rdf.iri(base, "agent", user)
    for side in ("provider", "receiver"):
        if node.get(side) == mine:
            node[side] = party  # as its own node names it
    return node


def offered(uow: UnitOfWork, tx: WriteTx, base: str, offer: dict[str, Any], by: RemoteActor) -> str:
    """Decide on, and answer, an Offer of an agreement another node made in answer to one of our proposals."""
    terms = offer["object"]
    if terms.get("type") == "Commitment":  # FEP-0837's first draft: the primary commitment alone
        terms = {"type": "Agreement", "stipulates": terms}
    primary = _one(terms.get("stipulates")) or {}
    found = _proposal_of(tx, local_id(base, "intent", primary.get("satisfies")))
    if found is None:
        return _reject(tx, base, NODE, offer, by, [Problem("stipulates", "not_found", f"no proposal here publishes "
                                                           f"{primary.get('satisfies')!r}")])
    proposal, intent, reciprocal = found
    speaker = _speaker(tx, intent.provider or intent.receiver)
    in_reply_to = linked(offer.get("inReplyTo"))
    if in_reply_to is not None and in_reply_to != rdf.iri(base, "proposal", proposal.id):
        return _reject(tx, base, speaker, offer, by, [Problem("inReplyTo", "not_the_proposal", f"{in_reply_to} does "
                                                              "not publish the intent the agreement satisfies")])
    party = linked(primary.get("receiver" if intent.provider else "provider")) or by.id
    if urlsplit(party).netloc != urlsplit(by.id).netloc:
        raise Forbidden(f"{by.id} agrees for agents of its own node, not {party!r}")
    other = _one(terms.get("stipulatesReciprocal"))
    try:
        asked, returned = _factor(tx, base, proposal, intent, reciprocal, primary, other)
    except RuleViolation as exc:
        return _reject(tx, base, speaker, offer, by, exc.problems)
    origin = tx.federation.remote_actor(by.id)
    user = stand_in(tx, party, by.id, name_of(origin, party) if origin is not None else party)
    agreement = Agreement(new_id(), proposal.name or intent.name, f"agreed with {party[:900]} on its node, "
                          f"answering {rdf.iri(base, 'proposal', proposal.id)}", tx.now)
    clauses = [(intent, _commitment_of(tx, intent, asked, user.id, agreement.id, str(offer["id"])))]
    if reciprocal is not None and returned is not None:
        clauses.append((reciprocal, _commitment_of(tx, reciprocal, returned, user.id, agreement.id,
                                                   str(offer["id"]))))
    add_record(tx, "agreement", agreement)
    result: dict[str, Any] = {"id": rdf.iri(base, "agreement", agreement.id), "type": "Agreement"}
    for (satisfied, commitment), term in zip(clauses, ("stipulates", "stipulatesReciprocal"), strict=False):
        add_record(tx, "commitment", commitment)
        units = tx.records("unit").get_many([commitment.quantity.has_unit if commitment.quantity else None])
        add_record(tx, "satisfaction", check_satisfaction(LinkInput(satisfied.id, commitment.id), satisfied,
                                                          commitment, frozenset(units), new_id()))
        link(tx, TradedCommitment(commitment.id, rdf.iri(base, "commitment", commitment.id), by.id, str(offer["id"])))
        result[term] = _commitment_json(base, commitment, satisfied, user.id, party)
    speaker_agent = intent.provider or intent.receiver or NODE
    tx.federation.keep_trade(Trade(str(offer["id"]), "proposed", speaker_agent, by.id,
                                   rdf.iri(base, "proposal", proposal.id), "accepted",
                                   json.dumps(terms, ensure_ascii=False), None, agreement.id, tx.now, tx.now))
    _answer(tx, base, speaker, "Accept", offer, by, result=result)
    return "accepted"


# -- what a reader sees -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TradeView:
    trade: Trade
    agreement: Agreement | None

    @property
    def reasons(self) -> list[str]:
        """Why the proposer's node refused it (one line each), as it said."""
        if self.trade.state != "rejected" or self.trade.answer is None:
            return []
        content = json.loads(self.trade.answer).get("content")
        return [line for line in str(content or "").splitlines() if line.strip()]


def _view(tx: Tx, found: Trade) -> TradeView:
    return TradeView(found, tx.records("agreement").get(found.agreement) if found.agreement else None)


def trades(uow: UnitOfWork, agent: str | None = None, limit: int = 100) -> list[TradeView]:
    """Agreements negotiated with other nodes, the newest first: an agent's own (its token), anyone's (admins)."""
    agent = access.declarations_asked(reader_of(uow), agent)
    with uow.read() as tx:
        return [_view(tx, t) for t in tx.federation.trades(agent, limit)]
