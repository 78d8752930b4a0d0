"""Proposals and places in the main API (vf-graphql 0.9's proposal and geolocation modules): offers and requests
published as proposals, what each publishes (primary and reciprocal intents) and to whom, places. Reads go through
the access policy, writes through `service/proposals.py`; a deleted proposal is withdrawn (the chain keeps it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import types as t
from valueflows.api.gql.connections import Connection, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.filtering import NearParams
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.measures import ref
from valueflows.api.gql.planning import Commitment, Intent, Key
from valueflows.api.gql.scalars import Decimal
from valueflows.api.gql.versions import MAIN, REVISION_ID, only
from valueflows.domain import proposals as core
from valueflows.domain.errors import ImmutableRecord
from valueflows.service import proposals
from valueflows.store.ports import EventFilter

MAIN_ONLY = only(MAIN)
UPDATES = "The revision this update changes: its `revisionId` when read."


def _id(value: ID | None) -> str | None:
    return str(value) if value is not None else None


def _ids(values: list[ID] | None) -> tuple[str, ...] | None:
    return tuple(str(v) for v in values) if values is not None else None


@strawberry.type(name="SpatialThing", description="A physical mappable location.")
class SpatialThing(Historied):
    r: Private[core.SpatialThing]
    KIND: ClassVar[str] = "spatial_thing"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> SpatialThing | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("spatial_thing", self.r.id))

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def mappable_address(self) -> str | None:
        return self.r.mappable_address

    @strawberry.field
    def lat(self) -> Decimal | None:
        return Decimal(self.r.lat) if self.r.lat is not None else None

    @strawberry.field
    def long(self) -> Decimal | None:
        return Decimal(self.r.long) if self.r.long is not None else None

    @strawberry.field
    def alt(self) -> Decimal | None:
        return Decimal(self.r.alt) if self.r.alt is not None else None

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(description="Agents whose primary location it is.")
    def agents(self, info: Info) -> list[t.Agent] | None:
        return [t.agent(a) for a in info.context.reading.where("agent", primary_location=self.r.id)]

    @strawberry.field(description="Commitments to be done here.")
    def commitments(self, info: Info) -> list[Commitment] | None:
        return [Commitment(r=c) for c in info.context.reading.where("commitment", at_location=self.r.id)]

    @strawberry.field(description="Offers and requests here.")
    def intents(self, info: Info) -> list[Intent] | None:
        return [Intent(r=i) for i in info.context.reading.where("intent", at_location=self.r.id)]

    @strawberry.field(description="Resources here now.")
    def economic_resources(self, info: Info, first: int | None = None, after: str | None = None,
                           last: int | None = None, before: str | None = None
                           ) -> Connection[t.EconomicResource] | None:
        window = info.context.reading.window("economic_resource", sliced(first, after, last, before),
                                             current_location=self.r.id)
        return connection(window, lambda x: t.EconomicResource(r=x))

    @strawberry.field(description="Events that happened here, or moved a resource here.")
    def economic_events(self, info: Info, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> Connection[t.EconomicEvent] | None:
        window = info.context.reading.event_window(EventFilter(at_location=self.r.id),
                                                   sliced(first, after, last, before))
        return connection(window, lambda e: t.EconomicEvent(r=e))


def _proposals(info: Info) -> proposals.Proposals:
    return proposals.Proposals(info.context.reading, datetime.now(UTC))


@strawberry.type(name="Proposal", description="Published requests or offers, sometimes with what is expected in "
                                              "return.")
class Proposal(Historied):
    r: Private[core.Proposal]
    KIND: ClassVar[str] = "proposal"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Proposal | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("proposal", self.r.id))

    @strawberry.field
    def name(self) -> str | None:
        return self.r.name

    @strawberry.field
    def has_beginning(self) -> datetime | None:
        return self.r.has_beginning

    @strawberry.field
    def has_end(self) -> datetime | None:
        return self.r.has_end

    @strawberry.field
    def unit_based(self) -> bool | None:
        return self.r.unit_based

    @strawberry.field
    def created(self) -> datetime | None:
        return self.r.created

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def in_scope_of(self, info: Info) -> list[t.AccountingScope] | None:
        return t.scopes(info, self.r.in_scope_of)

    @strawberry.field
    def eligible_location(self, info: Info) -> SpatialThing | None:
        return ref(info, "spatial_thing", self.r.eligible_location, SpatialThing)

    @strawberry.field(description="The agent whose token published it, who may change it (ours).")
    def proposed_by(self, info: Info) -> t.Agent | None:
        found = info.context.reading.get("agent", self.r.proposed_by)
        return t.agent(found) if found is not None else None

    @strawberry.field
    def publishes(self, info: Info) -> list[ProposedIntent] | None:
        return [ProposedIntent(r=p) for p in _proposals(info).published(self.r.id)]

    @strawberry.field
    def published_to(self, info: Info) -> list[ProposedTo] | None:
        return [ProposedTo(r=p) for p in info.context.reading.where("proposed_to", proposed=self.r.id)]

    @strawberry.field(description="What is offered or requested.")
    def primary_intents(self, info: Info) -> list[Intent] | None:
        return [Intent(r=i) for i in _proposals(info).intents(self.r.id, reciprocal=False)]

    @strawberry.field(description="What is expected in return.")
    def reciprocal_intents(self, info: Info) -> list[Intent] | None:
        return [Intent(r=i) for i in _proposals(info).intents(self.r.id, reciprocal=True)]


def _proposal(info: Info, proposal_id: str) -> Proposal:
    return Proposal(r=info.context.reading.must("proposal", proposal_id))


@strawberry.type(name="ProposedIntent", description="An intent a proposal publishes.")
class ProposedIntent(Historied):
    r: Private[core.ProposedIntent]
    KIND: ClassVar[str] = "proposed_intent"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> ProposedIntent | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("proposed_intent", self.r.id))

    @strawberry.field(description="What is expected in return, not to be matched by itself.")
    def reciprocal(self) -> bool | None:
        return self.r.reciprocal

    @strawberry.field
    def published_in(self, info: Info) -> Proposal:
        return _proposal(info, self.r.published_in)

    @strawberry.field
    def publishes(self, info: Info) -> Intent:
        return Intent(r=info.context.reading.must("intent", self.r.publishes))


@strawberry.type(name="ProposedTo", description="An agent a proposal is published to.")
class ProposedTo(Historied):
    r: Private[core.ProposedTo]
    KIND: ClassVar[str] = "proposed_to"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> ProposedTo | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("proposed_to", self.r.id))

    @strawberry.field
    def proposed_to(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.r.proposed_to))

    @strawberry.field
    def proposed(self, info: Info) -> Proposal:
        return _proposal(info, self.r.proposed)


# -- inputs -------------------------------------------------------------------------------------------------------

@strawberry.input(name="SpatialThingCreateParams")
class SpatialThingCreateParams:
    name: str
    mappable_address: str | None = None
    lat: Decimal | None = None
    long: Decimal | None = None
    alt: Decimal | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.SpatialThingInput:
        return core.SpatialThingInput(self.name, self.mappable_address, self.lat, self.long, self.alt, self.note,
                                      _id(self.id))


@strawberry.input(name="SpatialThingUpdateParams")
class SpatialThingUpdateParams:
    revision_id: ID = strawberry.field(description=UPDATES)
    name: str | None = None
    mappable_address: str | None = None
    lat: Decimal | None = None
    long: Decimal | None = None
    alt: Decimal | None = None
    note: str | None = None

    def patch(self) -> dict[str, Any]:
        return {"name": self.name, "mappable_address": self.mappable_address, "lat": self.lat, "long": self.long,
                "alt": self.alt, "note": self.note}


@strawberry.input(name="ProposalFields")
class _ProposalFields:
    name: str | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    unit_based: bool | None = None
    note: str | None = None
    in_scope_of: list[ID] | None = None
    eligible_location: ID | None = None

    def values(self) -> dict[str, Any]:
        return {"name": self.name, "has_beginning": self.has_beginning, "has_end": self.has_end,
                "unit_based": self.unit_based, "note": self.note, "in_scope_of": _ids(self.in_scope_of),
                "eligible_location": _id(self.eligible_location)}


@strawberry.input(name="ProposalCreateParams")
class ProposalCreateParams(_ProposalFields):
    created: datetime | None = strawberry.field(default=None, description="Ignored: the ledger records when.")
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> core.ProposalInput:
        given = {k: v for k, v in self.values().items() if v is not None}
        return core.ProposalInput(**given, id=_id(self.id))


@strawberry.input(name="ProposalUpdateParams")
class ProposalUpdateParams(_ProposalFields):
    revision_id: ID = strawberry.field(description=UPDATES)


@strawberry.input(name="ProposalFilterParams")
class ProposalFilterParams:
    active: bool | None = strawberry.field(default=None, description="Published now.")
    in_scope_of: list[ID] | None = None
    is_offer: bool | None = strawberry.field(default=None, description="A primary intent has a provider and no "
                                                                       "receiver.")
    is_request: bool | None = strawberry.field(default=None, description="A primary intent has a receiver and no "
                                                                         "provider.")
    agent: ID | None = strawberry.field(default=None, description="Published by this agent, or offering or "
                                                                  "requesting as its provider or receiver (ours).")
    near: NearParams | None = strawberry.field(default=None, description="Eligible in a place within a radius of a "
                                                                         "point (ours).")

    def to_service(self, info: Info) -> proposals.ProposalFilter:
        return proposals.ProposalFilter(self.active, _ids(self.in_scope_of) or (), self.is_offer, self.is_request,
                                        _id(self.agent), self.near.places(info) if self.near is not None else None)


@strawberry.type(name="SpatialThingResponse")
class SpatialThingResponse:
    spatial_thing: SpatialThing


@strawberry.type(name="ProposalResponse")
class ProposalResponse:
    proposal: Proposal


@strawberry.type(name="ProposedIntentResponse")
class ProposedIntentResponse:
    proposed_intent: ProposedIntent


@strawberry.type(name="ProposedToResponse")
class ProposedToResponse:
    proposed_to: ProposedTo


# -- queries and mutations ----------------------------------------------------------------------------------------

def proposal_window(info: Info, f: proposals.ProposalFilter, first: int | None, after: str | None,
                    last: int | None, before: str | None, **equals: object) -> Connection[Proposal]:
    """Proposals in id order that pass the filter (shared with the agents' proposal fields)."""
    keep = _proposals(info).keep(f)
    window = info.context.reading.window("proposal", sliced(first, after, last, before), keep, **equals)
    return connection(window, lambda x: Proposal(r=x))


@strawberry.type
class ProposalQueries:
    @strawberry.field(metadata=MAIN_ONLY)
    def spatial_thing(self, info: Info, id: ID) -> SpatialThing | None:
        return ref(info, "spatial_thing", str(id), SpatialThing)

    @strawberry.field(metadata=MAIN_ONLY)
    def spatial_things(self, info: Info, first: int | None = None, after: str | None = None,
                       last: int | None = None, before: str | None = None) -> Connection[SpatialThing]:
        window = info.context.reading.window("spatial_thing", sliced(first, after, last, before))
        return connection(window, lambda x: SpatialThing(r=x))

    @strawberry.field(metadata=MAIN_ONLY)
    def proposal(self, info: Info, id: ID) -> Proposal | None:
        return ref(info, "proposal", str(id), Proposal)

    @strawberry.field(metadata=MAIN_ONLY)
    def proposals(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                  before: str | None = None, filter: ProposalFilterParams | None = None) -> Connection[Proposal]:
        f = filter.to_service(info) if filter is not None else proposals.ProposalFilter()
        return proposal_window(info, f, first, after, last, before)

    @strawberry.field(metadata=MAIN_ONLY, description="Proposals that offer (a primary intent with a provider "
                                                      "and no receiver).")
    def offers(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None) -> Connection[Proposal]:
        return proposal_window(info, proposals.ProposalFilter(is_offer=True), first, after, last, before)

    @strawberry.field(metadata=MAIN_ONLY, description="Proposals that request (a primary intent with a receiver "
                                                      "and no provider).")
    def requests(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                 before: str | None = None) -> Connection[Proposal]:
        return proposal_window(info, proposals.ProposalFilter(is_request=True), first, after, last, before)


@strawberry.type
class ProposalMutations:
    @strawberry.mutation(metadata=MAIN_ONLY, description="A place (any writer).")
    def create_spatial_thing(self, info: Info, spatial_thing: SpatialThingCreateParams,
                             idempotency_key: Key = None) -> SpatialThingResponse:
        done = proposals.create_spatial_thing(info.context.uow, spatial_thing.to_domain(), idempotency_key)
        return SpatialThingResponse(spatial_thing=SpatialThing(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="A new revision of a place (admin); refused with CONFLICT "
                                                         "if it changed since `revisionId`.")
    def update_spatial_thing(self, info: Info, spatial_thing: SpatialThingUpdateParams) -> SpatialThingResponse:
        done = proposals.revise_spatial_thing(info.context.uow, str(spatial_thing.revision_id),
                                              spatial_thing.patch())
        return SpatialThingResponse(spatial_thing=SpatialThing(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="Not done: records name their places; a place is never "
                                                         "deleted.")
    def delete_spatial_thing(self, revision_id: ID) -> bool:
        raise ImmutableRecord("a place is never deleted: records name it; change it with updateSpatialThing")

    @strawberry.mutation(metadata=MAIN_ONLY, description="A proposal, published by the agent of the token.")
    def create_proposal(self, info: Info, proposal: ProposalCreateParams,
                        idempotency_key: Key = None) -> ProposalResponse:
        done = proposals.create_proposal(info.context.uow, proposal.to_domain(), idempotency_key)
        return ProposalResponse(proposal=Proposal(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="A new revision of a proposal (its publisher or an "
                                                         "admin); refused with CONFLICT if it changed since "
                                                         "`revisionId`.")
    def update_proposal(self, info: Info, proposal: ProposalUpdateParams) -> ProposalResponse:
        done = proposals.revise_proposal(info.context.uow, str(proposal.revision_id), proposal.values())
        return ProposalResponse(proposal=Proposal(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="Withdraw a proposal, with what it publishes and to whom "
                                                         "(the ledger keeps its history); refused with CONFLICT if "
                                                         "it changed since `revisionId`.")
    def delete_proposal(self, info: Info, revision_id: ID) -> bool:
        proposals.withdraw(info.context.uow, str(revision_id), ("proposal",))
        return True

    @strawberry.mutation(metadata=MAIN_ONLY, description="Publish an intent in a proposal (reciprocal: what is "
                                                         "expected in return).")
    def propose_intent(self, info: Info, published_in: ID, publishes: ID, reciprocal: bool | None = None,
                       idempotency_key: Key = None) -> ProposedIntentResponse:
        done = proposals.propose_intent(info.context.uow, str(published_in), str(publishes), bool(reciprocal),
                                        idempotency_key)
        return ProposedIntentResponse(proposed_intent=ProposedIntent(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="Take an intent out of a proposal.")
    def delete_proposed_intent(self, info: Info, revision_id: ID) -> bool:
        proposals.withdraw(info.context.uow, str(revision_id), ("proposed_intent",))
        return True

    @strawberry.mutation(metadata=MAIN_ONLY, description="Address a proposal to an agent.")
    def propose_to(self, info: Info, proposed: ID, proposed_to: ID, idempotency_key: Key = None
                   ) -> ProposedToResponse:
        done = proposals.propose_to(info.context.uow, str(proposed), str(proposed_to), idempotency_key)
        return ProposedToResponse(proposed_to=ProposedTo(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="No longer address a proposal to an agent.")
    def delete_proposed_to(self, info: Info, revision_id: ID) -> bool:
        proposals.withdraw(info.context.uow, str(revision_id), ("proposed_to",))
        return True
