"""Federation over GraphQL (our additions, main API only): follow another node's actor, who follows this node's
actors and whom they follow, the delivery queue, the records other nodes published here. For admins, as on the
command line: each use case asks the access policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal as PyDecimal

import strawberry
from strawberry import ID, Private
from strawberry.scalars import JSON

from valueflows.api.gql.claims import Claim
from valueflows.api.gql.context import Info
from valueflows.api.gql.licences import Key, LicensedUseParams
from valueflows.api.gql.planning import Agreement
from valueflows.api.gql.scalars import Decimal
from valueflows.api.gql.versions import MAIN, only
from valueflows.federation.client import HttpPeers
from valueflows.service import declarations, deliveries, federation, following, trading
from valueflows.service.declarations import DeclaredUse
from valueflows.service.trading import RemoteProposal, TradeView
from valueflows.store.ports import Delivery, Follow, ReceivedRecord

MAIN_ONLY = only(MAIN)
ONE = Decimal(PyDecimal(1))
NODE = ID(federation.NODE)


@strawberry.type(name="FederationFollow", description="One of this node's actors and another node's actor.")
class FederationFollow:
    actor: str = strawberry.field(description="This node's actor: `node` or an organization's id.")
    other: str = strawberry.field(description="The other node's actor (its URL).")
    state: str = strawberry.field(description="pending, accepted or rejected.")
    activity: str = strawberry.field(description="The Follow activity's id.")
    since: datetime

    @staticmethod
    def of(f: Follow) -> FederationFollow:
        return FederationFollow(actor=f.actor, other=f.other, state=f.state, activity=f.follow_id, since=f.since)


@strawberry.type(name="FederationDelivery", description="An activity on its way to another node's inbox.")
class FederationDelivery:
    activity: str
    inbox: str
    state: str = strawberry.field(description="queued, delivered or failed.")
    attempts: int
    next_at: datetime
    last_error: str | None

    @staticmethod
    def of(d: Delivery) -> FederationDelivery:
        state = "delivered" if d.delivered_at else "failed" if d.failed_at else "queued"
        return FederationDelivery(activity=d.activity_id, inbox=d.inbox, state=state, attempts=d.attempts,
                                  next_at=d.next_at, last_error=d.last_error if state != "delivered" else None)


@strawberry.type(name="FederationStatus", description="The delivery queue and this node's peers.")
class FederationStatus:
    queued: int
    delivered: int
    failed: int
    followers: int
    following: int
    recent: list[FederationDelivery] = strawberry.field(description="The newest deliveries, the newest first.")


@strawberry.type(name="ReceivedRecord", description="A record another node's actor published to this node, kept "
                                                    "read-only as it came.")
class ReceivedRecordType:
    id: ID
    type: str
    origin: str = strawberry.field(description="The actor that published it.")
    activity: str
    key_id: str = strawberry.field(description="What vouched for it: the key that signed its delivery, or the outbox "
                                               "page it was fetched from (the other node's own, by a signed GET).")
    received_at: datetime
    record: JSON = strawberry.field(description="The record as received (its JSON-LD).")

    @staticmethod
    def of(r: ReceivedRecord) -> ReceivedRecordType:
        return ReceivedRecordType(id=ID(r.id), type=r.type, origin=r.origin, activity=r.activity_id,
                                  key_id=r.key_id, received_at=r.received_at, record=json.loads(r.document))


@strawberry.type(name="LicenceDeclaration", description="A use of another node's design, declared to its steward's "
                                                      "node, and that node's answer.")
class LicenceDeclaration:
    d: Private[DeclaredUse]

    @strawberry.field(description="The Offer activity's id.")
    def id(self) -> ID:
        return ID(self.d.declaration.id)

    @strawberry.field(description="The user (an agent of this node).")
    def agent(self) -> ID:
        return ID(self.d.declaration.user)

    @strawberry.field(description="The design's IRI on its node.")
    def design(self) -> str:
        return self.d.declaration.design

    @strawberry.field(description="The steward's IRI on its node.")
    def steward(self) -> str:
        return self.d.steward

    @strawberry.field(description="The agent standing for the steward on this node (what payments name).")
    def steward_here(self) -> ID:
        return ID(self.d.declaration.steward)

    @strawberry.field(description="pending (not answered yet), accepted or rejected.")
    def state(self) -> str:
        return self.d.declaration.state

    @strawberry.field(description="Why the steward's node refused it, as it said.")
    def reasons(self) -> list[str]:
        return self.d.reasons

    @strawberry.field(description="The obligation the steward's node recorded, as kept here (its status: "
                                  "`obligations`).")
    def obligation(self) -> Claim | None:
        return Claim(r=self.d.claim) if self.d.claim else None

    @strawberry.field
    def declared_at(self) -> datetime:
        return self.d.declaration.declared_at

    @strawberry.field
    def answered_at(self) -> datetime | None:
        return self.d.declaration.answered_at


@strawberry.type(name="RemoteProposal", description="An offer or a request another node published to this one "
                                                  "(FEP-0837), as it came: answer it with `respondToProposal`.")
class RemoteProposalType:
    p: Private[RemoteProposal]

    @strawberry.field(description="Its IRI on its node.")
    def id(self) -> ID:
        return ID(self.p.iri)

    @strawberry.field
    def name(self) -> str:
        return self.p.name

    @strawberry.field(description="The host of the node it comes from.")
    def node(self) -> str:
        return self.p.node

    @strawberry.field(description="The agent that offers or requests (its IRI on its node).")
    def proposer(self) -> str:
        return self.p.proposer

    @strawberry.field(description="offer or request.")
    def purpose(self) -> str:
        return self.p.purpose

    @strawberry.field(description="Whether it is answered in multiples of its quantities.")
    def unit_based(self) -> bool:
        return self.p.unit_based

    @strawberry.field(description="Published now (between its beginning and its end).")
    def active(self) -> bool:
        return self.p.active(datetime.now(UTC))

    @strawberry.field(description="What it offers or requests (its primary intent, JSON-LD as received).")
    def publishes(self) -> JSON:
        return JSON(self.p.primary)

    @strawberry.field(description="What it asks or gives in return (its reciprocal intent), if anything.")
    def reciprocal(self) -> JSON | None:
        return JSON(self.p.reciprocal) if self.p.reciprocal is not None else None


@strawberry.type(name="FederationTrade", description="An agreement negotiated with another node (FEP-0837): an "
                                                   "Offer of ours answering its proposal, or its Offer answering ours.")
class FederationTrade:
    t: Private[TradeView]

    @strawberry.field(description="The Offer activity's id.")
    def id(self) -> ID:
        return ID(self.t.trade.id)

    @strawberry.field(description="offered (we answered its proposal) or proposed (it answered ours).")
    def side(self) -> str:
        return self.t.trade.side

    @strawberry.field(description="Our agent, party to it.")
    def agent(self) -> ID:
        return ID(self.t.trade.agent)

    @strawberry.field(description="The other node's actor.")
    def peer(self) -> str:
        return self.t.trade.peer

    @strawberry.field(description="The proposal's IRI.")
    def proposal(self) -> str:
        return self.t.trade.proposal

    @strawberry.field(description="pending (not answered yet), accepted or rejected.")
    def state(self) -> str:
        return self.t.trade.state

    @strawberry.field(description="Why the proposer's node refused it, as it said.")
    def reasons(self) -> list[str]:
        return self.t.reasons

    @strawberry.field(description="The agreement as kept on this node, with its commitments (`commitments`).")
    def agreement(self) -> Agreement | None:
        return Agreement(r=self.t.agreement) if self.t.agreement else None

    @strawberry.field
    def made_at(self) -> datetime:
        return self.t.trade.made_at

    @strawberry.field
    def answered_at(self) -> datetime | None:
        return self.t.trade.answered_at


@strawberry.type
class FederationQueries:
    @strawberry.field(metadata=MAIN_ONLY, description="Offers and requests followed nodes published to this one, "
                                                      "the newest first (public, as on their nodes).")
    def remote_proposals(self, info: Info) -> list[RemoteProposalType]:
        return [RemoteProposalType(p=p) for p in trading.remote_proposals(info.context.uow)]

    @strawberry.field(metadata=MAIN_ONLY, description="Agreements negotiated with other nodes: an agent's own (its "
                                                      "token), anyone's (admins).")
    def trades(self, info: Info, agent: ID | None = None) -> list[FederationTrade]:
        return [FederationTrade(t=t) for t in trading.trades(info.context.uow, str(agent) if agent else None)]

    @strawberry.field(metadata=MAIN_ONLY, description="Uses of other nodes' designs declared from this node: an "
                                                      "agent's own (its token), anyone's (admins).")
    def licence_declarations(self, info: Info, agent: ID | None = None) -> list[LicenceDeclaration]:
        return [LicenceDeclaration(d=d) for d in declarations.declarations(info.context.uow,
                                                                           str(agent) if agent else None)]

    @strawberry.field(metadata=MAIN_ONLY, description="Who follows one of this node's actors (admins).")
    def followers(self, info: Info, actor: ID = NODE) -> list[FederationFollow]:
        return [FederationFollow.of(f) for f in following.followers(info.context.uow, str(actor))]

    @strawberry.field(metadata=MAIN_ONLY, description="Whom this node's actors follow (admins).")
    def following(self, info: Info, actor: ID | None = None) -> list[FederationFollow]:
        return [FederationFollow.of(f) for f in following.following(info.context.uow, str(actor) if actor else None)]

    @strawberry.field(metadata=MAIN_ONLY, description="The delivery queue, its failures, and the peers (admins).")
    def federation_status(self, info: Info) -> FederationStatus:
        found = deliveries.status(info.context.uow)
        return FederationStatus(queued=found.queued, delivered=found.delivered, failed=found.failed,
                                followers=found.followers, following=found.following,
                                recent=[FederationDelivery.of(d) for d in found.recent])

    @strawberry.field(metadata=MAIN_ONLY, description="Records other nodes published to this one (admins).")
    def received_records(self, info: Info, origin: str | None = None) -> list[ReceivedRecordType]:
        return [ReceivedRecordType.of(r) for r in following.received(info.context.uow, origin)]


@strawberry.type
class FederationMutations:
    @strawberry.mutation(metadata=MAIN_ONLY, description="A person chooses to be an ActivityPub actor of this node "
                         "(`publish: false` to stop), publishing what anyone may see of its records: its own token, "
                         "or an admin. The actor's URL, or null once it stopped.")
    def publish_as_actor(self, info: Info, agent: ID, publish: bool = True) -> str | None:
        uow = info.context.uow
        name = federation.publish_as_actor(uow, str(agent), publish)
        return None if name is None else federation.actor_url(federation.public_url(uow), name)

    @strawberry.mutation(metadata=MAIN_ONLY, description="Declare a use of another node's design (`resource`: its "
                         "IRI, as received) to its steward's node: checked here first (refused if not permitted), "
                         "then decided and answered there.")
    def declare_licensed_use(self, info: Info, use: LicensedUseParams, idempotency_key: Key = None
                             ) -> LicenceDeclaration:
        return LicenceDeclaration(d=declarations.declare(info.context.uow, str(use.resource), use.to_request(),
                                                         idempotency_key))

    @strawberry.mutation(metadata=MAIN_ONLY, description="Answer another node's offer or request (`proposal`: its "
                         "IRI, as received) for `agent` (its token, or an admin): an Offer of an agreement for "
                         "`units` times its quantities (unit-based proposals), decided and answered there.")
    def respond_to_proposal(self, info: Info, proposal: str, agent: ID, units: Decimal = ONE,
                            idempotency_key: Key = None) -> FederationTrade:
        return FederationTrade(t=trading.respond(info.context.uow, proposal, str(agent), units, idempotency_key))

    @strawberry.mutation(metadata=MAIN_ONLY, description="Ask to follow another node's actor (`name@host` or its "
                                                         "URL), as this node's actor `actor` (admins).")
    def follow(self, info: Info, account: str, actor: ID = NODE) -> FederationFollow:
        uow = info.context.uow
        peers = info.context.peers or HttpPeers()
        return FederationFollow.of(following.follow(uow, peers, federation.public_url(uow), account,
                                                    str(actor)).follow)
