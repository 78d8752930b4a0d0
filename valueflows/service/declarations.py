"""Licensed uses of other nodes' designs: checked here, declared to the steward's node, answered there.

A design followed from another node arrives with its licence (the id of one of the policies every node carries in
`licences/`). A use of it is checked here, with this node's engine, on the facts this ledger holds about the user
and its group, and the obligations it keeps towards that steward: an overdue one holds the permission back, as
for a design of this node. Permitted, the use is declared to the steward's node: an Offer, signed by the user's
actor (the node's, for a person), of a `cite` event of the design with the facts it was decided on. The steward's
node decides again with its own engine and answers Accept, with the obligation it recorded, or Reject, with its
reasons. An accepted obligation is kept here too, as a claim of the user on the steward's stand-in (see
`remote_agents`), so its status here is worked out exactly as there; each payment towards it recorded here is
delivered to the steward's node (`remote_payments`), where it settles the same obligation.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from valueflows.domain import access
from valueflows.domain.access import Forbidden
from valueflows.domain.chain import facts as chain_facts
from valueflows.domain.errors import NotFound, violation
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.model import EconomicClaim, is_actor
from valueflows.domain.quantities import Measure
from valueflows.linkeddata import rdf
from valueflows.reciprocity.decide import Decision
from valueflows.reciprocity.facts import facts_to_json
from valueflows.reciprocity.policy import VFL
from valueflows.service import clock, deliveries, licences, obligations, settling
from valueflows.service.federation import AS, NODE, actor, actor_url, linked, public_url
from valueflows.service.ledger import new_id
from valueflows.service.reading import reader_of
from valueflows.service.remote_agents import name_of, stand_in
from valueflows.store.ports import Declaration, ReceivedRecord, RemoteActor, Tx, UnitOfWork, WriteTx

FACTS_CONTEXT = {"facts": {"@id": VFL + "licenceFacts", "@type": "@json"}, "receiverName": VFL + "receiverName"}


@dataclass(frozen=True)
class RemoteDesign:
    iri: str
    name: str
    licence: str
    steward: str  # its IRI on its node
    origin: str  # the actor that published it: where uses of it are declared
    steward_name: str = ""

    @property
    def node(self) -> str:
        """The host of the node it comes from."""
        return urlsplit(self.iri).netloc


def _as_design(tx: Tx, found: ReceivedRecord) -> RemoteDesign | None:
    """A received resource as a design: None unless it carries a licence this node knows and a steward."""
    document = json.loads(found.document)
    licence, steward = document.get("licence"), linked(document.get("primaryAccountable"))
    if (found.type != "EconomicResource" or not isinstance(licence, str) or steward is None
            or licence not in licences.policies()):
        return None
    origin = tx.federation.remote_actor(found.origin)
    return RemoteDesign(found.id, str(document.get("name") or found.id), licence, steward, found.origin,
                        name_of(origin, steward) if origin is not None else steward)


def design(tx: Tx, iri: str) -> RemoteDesign:
    """A design another node published to this one, with its licence and steward."""
    found = tx.federation.received_record(iri)
    if found is None or found.type != "EconomicResource":
        raise NotFound(f"no design {iri!r} received from another node (follow its steward's node first)")
    made = _as_design(tx, found)
    if made is None:
        raise violation("resource", "no_licence", f"{iri} came without a licence this node knows and a steward")
    return made


def remote_designs(uow: UnitOfWork, limit: int = MAX_PAGE) -> list[RemoteDesign]:
    """Designs other nodes published here under a licence (public, as on their stewards' nodes), by name."""
    if not access.received_view(reader_of(uow), True).visible:
        return []
    with uow.read() as tx:
        found = [_as_design(tx, r) for r in tx.federation.received_records(None, limit, "EconomicResource")]
    return sorted((d for d in found if d is not None), key=lambda d: (d.name.lower(), d.iri))


def remote_design(uow: UnitOfWork, iri: str) -> RemoteDesign:
    with uow.read() as tx:
        return design(tx, iri)


def signer_of(tx: Tx, user: str) -> str:
    """Which of our actors speaks for `user` to other nodes: its own (an organization), else the node's."""
    agent = tx.agents.get(user)
    if agent is None:
        raise NotFound(f"no agent with id {user!r}")
    return user if is_actor(agent) else NODE


def _overdue(tx: Tx, user: str, steward_iri: str, day: date) -> tuple[str, ...]:
    steward = tx.federation.remote_agent(steward_iri)
    return tuple(obligations.overdue(tx, user, steward.agent, day)) if steward is not None else ()


def check(uow: UnitOfWork, iri: str, request: obligations.UseRequest) -> Decision:
    """The decision on a use of another node's design, by this node's engine (as `obligations.check_use`)."""
    day = request.day or clock.today()
    with uow.read() as tx:
        found = design(tx, iri)
        user = tx.agents.get(request.user)
        if user is None:
            raise NotFound(f"no agent with id {request.user!r}")
        facts = obligations.facts_of(tx, user, replace(request, day=day))
        steward = tx.federation.remote_agent(found.steward)
        if not access.obligations_view(reader_of(uow), user.id, steward.agent if steward else "").visible:
            return licences.check(found.licence, facts).withholding("overdue")
        return licences.check(found.licence, facts, _overdue(tx, user.id, found.steward, day))


def declare(uow: UnitOfWork, iri: str, request: obligations.UseRequest, key: str | None = None) -> DeclaredUse:
    """Declare a use of another node's design to its steward's node (queued, signed by the user's actor); a use
    this node's engine does not permit is refused and nothing is sent. The same key declares once."""
    access.may_record_event(uow.principal, request.user, request.user)
    if request.day is None:
        raise violation("day", "required", "a licensed use is declared with the day it happened")
    base = public_url(uow)
    with uow.read() as tx:
        name = signer_of(tx, request.user)
    me = actor_url(base, actor(uow, name).name)  # its key made now if it has none: deliveries are signed with it
    which = hashlib.sha256(f"{request.user}\n{key}".encode()).hexdigest()[:32] if key else uuid.uuid4().hex
    offer_id = f"{me}#uses/{which}"
    with uow.write() as tx:
        known = tx.federation.declaration(offer_id)
        if known is not None:
            return _view(tx, known)
        found = design(tx, iri)
        user = tx.agents.get(request.user)
        assert user is not None, "signer_of found it"
        origin = tx.federation.remote_actor(found.origin)
        if origin is None:
            raise NotFound(f"the actor that published {iri} is not known here")
        facts = obligations.facts_of(tx, user, request)
        steward = stand_in(tx, found.steward, found.origin, name_of(origin, found.steward))
        obligations.refuse_unless_permitted(licences.check(
            found.licence, facts, tuple(obligations.overdue(tx, user.id, steward.id, request.day))))
        use = {"@context": [f"{base}/context.jsonld", FACTS_CONTEXT], "type": "EconomicEvent", "action": "cite",
               "provider": found.steward, "receiver": rdf.iri(base, "agent", user.id), "receiverName": user.name,
               "resourceInventoriedAs": iri, "licence": found.licence,
               "agreedIn": licences.agreement(found.licence),
               "hasPointInTime": f"{request.day.isoformat()}T12:00:00Z", "facts": facts_to_json(facts)}
        if request.note:
            use["note"] = request.note
        offer = {"@context": AS, "id": offer_id, "type": "Offer", "actor": me, "to": [found.origin], "object": use}
        deliveries.enqueue(tx, name, offer, [origin.inbox])
        declared = Declaration(offer_id, user.id, iri, steward.id, "pending", json.dumps(use, ensure_ascii=False),
                               None, None, tx.now, None)
        tx.federation.declare(declared)
        return DeclaredUse(declared, found.steward, None)


def answered(tx: WriteTx, declaration_id: str, activity: dict[str, Any], by: RemoteActor) -> str | None:
    """The steward's node answered a declaration of ours (None: the activity answers no declaration). Accepted
    with an obligation, the obligation is kept here as a claim of the user on the steward's stand-in."""
    found = tx.federation.declaration(declaration_id)
    if found is None:
        return None
    steward = tx.federation.remote_agent_of(found.steward)
    if steward is None or urlsplit(steward.actor).netloc != urlsplit(by.id).netloc:  # a node speaks for its own
        raise Forbidden(f"{by.id} does not answer for the steward of {found.design}")
    if found.state != "pending":
        return "kept"
    accepted = activity.get("type") == "Accept"
    claim = None
    result = activity.get("result")
    if accepted and isinstance(result, dict):
        claim = _obligation(found, result, tx.now)
        tx.claims.add(claim)
        tx.append("claim", claim.id, chain_facts(claim))
        settling.resettle(tx, [(claim.provider, claim.receiver, claim.agreed_in or "")])
    tx.federation.declare(found._replace(state="accepted" if accepted else "rejected",
                                         answer=json.dumps(activity, ensure_ascii=False),
                                         claim=claim.id if claim else None, answered_at=tx.now))
    return "accepted" if accepted else "rejected"


def _obligation(found: Declaration, result: dict[str, Any], now: datetime) -> EconomicClaim:
    """The obligation as the steward's node recorded it (a compacted vf:Claim), as a claim of ours."""
    try:
        quantity = result["resourceQuantity"]
        amount = Decimal(str(quantity["hasNumericalValue"]))
        unit = str(quantity["hasUnit"]).rstrip("/").rsplit("/", 1)[-1]
        licence = str(result["licence"])
        due = datetime.fromisoformat(str(result["due"]).replace("Z", "+00:00"))
        start = date.fromisoformat(str(result["periodStart"]))
        end = date.fromisoformat(str(result["periodEnd"]))
        basis = {str(k): str(v) for k, v in dict(result.get("basis") or {}).items()}
        claim_iri = str(result["id"])
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise violation("result", "not_an_obligation", f"the answer's obligation cannot be read: {exc}") from None
    if amount <= 0 or not amount.is_finite():
        raise violation("result", "not_an_obligation", "an obligation owes an amount above zero")
    licences.policy(licence)
    return EconomicClaim(
        id=new_id(), action="transfer", provider=found.user, receiver=found.steward, created=now,
        resource_quantity=Measure(amount, unit), resource_classified_as=(obligations.OBLIGATION,),
        due=due if due.tzinfo else due.replace(tzinfo=UTC), agreed_in=licences.agreement(licence),
        note=f"{str(result.get('note') or licence)[:900]} (recorded by the steward's node as {claim_iri[:900]})",
        licence=licence, period_start=start, period_end=end, basis=basis)


@dataclass(frozen=True)
class DeclaredUse:
    """A declaration with what it names: the steward as its node names it, the obligation kept here."""

    declaration: Declaration
    steward: str  # the steward's IRI on its node
    claim: EconomicClaim | None

    @property
    def reasons(self) -> list[str]:
        """Why the steward's node refused it (one line each), as it said."""
        if self.declaration.state != "rejected" or self.declaration.answer is None:
            return []
        content = json.loads(self.declaration.answer).get("content")
        return [line for line in str(content or "").splitlines() if line.strip()]


def _view(tx: Tx, found: Declaration) -> DeclaredUse:
    steward = tx.federation.remote_agent_of(found.steward)
    claim = tx.claims.get(found.claim) if found.claim else None
    return DeclaredUse(found, steward.iri if steward else "", claim)


def declarations(uow: UnitOfWork, user: str | None = None, limit: int = 100) -> list[DeclaredUse]:
    """Uses declared to other nodes, the newest first: a user's own (a write or read token), anyone's (admins)."""
    user = access.declarations_asked(reader_of(uow), user)
    with uow.read() as tx:
        return [_view(tx, d) for d in tx.federation.declarations(user, limit)]


