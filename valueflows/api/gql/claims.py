"""Claims and settlements (vf-graphql 0.9's claim module; in the legacy API, the claims dividend runs and licence
obligations make). Reads go through the access policy (a claim is its parties' and admins'; a settlement as the
stricter of its claim and its event), writes through `service/claims.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import measures as m
from valueflows.api.gql import types as t
from valueflows.api.gql.connections import Connection, by_id, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.inputs import IMeasure
from valueflows.api.gql.planning import Key, never_deleted
from valueflows.api.gql.scalars import URI
from valueflows.api.gql.versions import LEGACY, MAIN, REVISION_ID, only
from valueflows.domain.chain import plain
from valueflows.domain.claims import ClaimInput
from valueflows.domain.errors import NotFound, violation
from valueflows.domain.model import EconomicClaim
from valueflows.domain.planning import LinkInput
from valueflows.domain.planning import Settlement as SettlementRecord
from valueflows.service import claims, filters

MAIN_ONLY = only(MAIN)
LEGACY_ONLY = only(LEGACY)
UPDATES = "The revision this update changes: its `revisionId` when read."


def _id(value: ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.type(name="Claim", description="A ValueFlows Claim: a flow one agent owes another in reciprocity for "
                                           "an event (a payment for goods received), or that the ledger makes (a "
                                           "dividend to pay or credit, a licence obligation).")
class Claim(Historied):
    r: Private[EconomicClaim]
    KIND: ClassVar[str] = "claim"

    @strawberry.field(metadata=MAIN_ONLY, description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Claim | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=MAIN_ONLY, description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("claim", self.r.id))

    @strawberry.field
    def action(self) -> m.Action:
        return m.action(self.r.action)

    @strawberry.field
    def provider(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.r.provider))

    @strawberry.field
    def receiver(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.r.receiver))

    @strawberry.field
    def resource_quantity(self) -> m.Measure | None:
        return m.measure(self.r.resource_quantity)

    @strawberry.field(metadata=MAIN_ONLY)
    def effort_quantity(self) -> m.Measure | None:
        return m.measure(self.r.effort_quantity)

    @strawberry.field
    def resource_classified_as(self) -> list[URI] | None:
        return [URI(c) for c in self.r.resource_classified_as]

    @strawberry.field(metadata=MAIN_ONLY)
    def resource_conforms_to(self, info: Info) -> t.ResourceSpecification | None:
        return m.ref(info, "resource_specification", self.r.resource_conforms_to, t.ResourceSpecification)  # type: ignore[no-any-return]

    @strawberry.field(name="created", metadata=LEGACY_ONLY)
    def created_text(self) -> str:
        return str(plain(self.r.created))

    @strawberry.field(name="created", metadata=MAIN_ONLY)
    def created(self) -> datetime | None:
        return self.r.created

    @strawberry.field(name="due", metadata=LEGACY_ONLY)
    def due_text(self) -> str | None:
        return self.r.due.isoformat() if self.r.due else None

    @strawberry.field(name="due", metadata=MAIN_ONLY)
    def due(self) -> datetime | None:
        return self.r.due

    @strawberry.field(metadata=MAIN_ONLY)
    def finished(self) -> bool | None:
        return self.r.finished

    @strawberry.field
    def agreed_in(self) -> URI | None:
        return URI(self.r.agreed_in) if self.r.agreed_in else None

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field(metadata=MAIN_ONLY)
    def in_scope_of(self, info: Info) -> list[t.AccountingScope] | None:
        return t.scopes(info, self.r.in_scope_of)

    @strawberry.field(metadata=MAIN_ONLY, description="The event this claim is in reciprocity for. A dividend is "
                                                      "owed for a period's contributions, not for one event: asked "
                                                      "of a dividend claim, this answers NOT_FOUND (see its run).")
    def triggered_by(self, info: Info) -> t.EconomicEvent:
        if self.r.triggered_by is None:
            raise NotFound(f"claim {self.r.id!r} was made by the ledger (a dividend run's, or a licence's): no one "
                           "event triggered it")
        return t.EconomicEvent(r=info.context.reading.must("economic_event", self.r.triggered_by))

    @strawberry.field(metadata=MAIN_ONLY, description="What settled it, as the reader may see it. A licence "
                                                      "obligation is settled by the payments made under the "
                                                      "licence, by date: see its status (obligations).")
    def settled_by(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                   before: str | None = None) -> Connection[Settlement] | None:
        found = info.context.reading.where("settlement", settles=self.r.id)
        return connection(by_id(found, first, after, last, before), lambda x: Settlement(r=x))


@strawberry.type(name="Settlement", description="An economic event that settles (part of) a claim.")
class Settlement(Historied):
    r: Private[SettlementRecord]
    KIND: ClassVar[str] = "settlement"

    @strawberry.field(metadata=MAIN_ONLY, description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Settlement | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("settlement", self.r.id))

    @strawberry.field
    def settles(self, info: Info) -> Claim:
        return Claim(r=info.context.reading.must("claim", self.r.settles))

    @strawberry.field
    def settled_by(self, info: Info) -> t.EconomicEvent:
        return t.EconomicEvent(r=info.context.reading.must("economic_event", self.r.settled_by))

    @strawberry.field
    def resource_quantity(self) -> m.Measure | None:
        return m.measure(self.r.resource_quantity)

    @strawberry.field
    def effort_quantity(self) -> m.Measure | None:
        return m.measure(self.r.effort_quantity)

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note


# -- inputs -------------------------------------------------------------------------------------------------------

@strawberry.input(name="ClaimFields")
class _ClaimFields:
    resource_classified_as: list[URI] | None = None
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    due: datetime | None = None
    created: datetime | None = strawberry.field(default=None, description="Ignored: the ledger records when.")
    finished: bool | None = None
    note: str | None = None
    agreed_in: URI | None = None
    provider: ID | None = strawberry.field(default=None, description="Who owes (by default the triggering event's "
                                                                     "receiver).")
    receiver: ID | None = strawberry.field(default=None, description="Who is owed (by default the triggering "
                                                                     "event's provider).")
    in_scope_of: list[ID] | None = None
    resource_conforms_to: ID | None = None

    def values(self) -> dict[str, Any]:
        return {
            "resource_classified_as": tuple(str(u) for u in self.resource_classified_as)
            if self.resource_classified_as is not None else None,
            "resource_quantity": self.resource_quantity.to_domain("resourceQuantity")
            if self.resource_quantity is not None else None,
            "effort_quantity": self.effort_quantity.to_domain("effortQuantity")
            if self.effort_quantity is not None else None,
            "due": self.due, "finished": self.finished, "note": self.note,
            "agreed_in": str(self.agreed_in) if self.agreed_in is not None else None,
            "provider": _id(self.provider), "receiver": _id(self.receiver),
            "in_scope_of": tuple(str(i) for i in self.in_scope_of) if self.in_scope_of is not None else None,
            "resource_conforms_to": _id(self.resource_conforms_to)}


@strawberry.input(name="ClaimCreateParams")
class ClaimCreateParams(_ClaimFields):
    action: ID
    triggered_by: ID
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")

    def to_domain(self) -> ClaimInput:
        given = {k: v for k, v in self.values().items() if v is not None}
        return ClaimInput(action=str(self.action), triggered_by=str(self.triggered_by), id=_id(self.id), **given)


@strawberry.input(name="ClaimUpdateParams")
class ClaimUpdateParams(_ClaimFields):
    revision_id: ID = strawberry.field(description=UPDATES)
    action: ID | None = None
    triggered_by: ID | None = None

    def patch(self) -> dict[str, Any]:
        return {**self.values(), "action": _id(self.action), "triggered_by": _id(self.triggered_by)}


@strawberry.input(name="SettlementCreateParams")
class SettlementCreateParams:
    settles: ID
    settled_by: ID
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (ours).")


@strawberry.input(name="SettlementUpdateParams")
class SettlementUpdateParams:
    revision_id: ID = strawberry.field(description=UPDATES)
    settles: ID | None = None
    settled_by: ID | None = None
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    note: str | None = None


@strawberry.input(name="ClaimFilterParams")
class ClaimFilterParams:
    provider_id: list[ID] | None = None
    receiver_id: list[ID] | None = None
    action: list[ID] | None = None
    resource_classified_as: list[URI] | None = None
    resource_conforms_to: list[ID] | None = None
    finished: bool | None = None
    start_date: datetime | None = strawberry.field(default=None, description="Due at or after.")
    end_date: datetime | None = strawberry.field(default=None, description="Due at or before.")
    in_scope_of: list[ID] | None = None

    def keep(self) -> filters.Keep:
        def ids(values: list[ID] | list[URI] | None) -> list[str] | None:
            return [str(v) for v in values] if values is not None else None

        return filters.flows(providers=ids(self.provider_id), receivers=ids(self.receiver_id),
                             actions=ids(self.action), classified_as=ids(self.resource_classified_as),
                             conforms_to=ids(self.resource_conforms_to), finished=self.finished,
                             start=self.start_date, end=self.end_date, in_scope_of=ids(self.in_scope_of))


@strawberry.type(name="ClaimResponse")
class ClaimResponse:
    claim: Claim


@strawberry.type(name="SettlementResponse")
class SettlementResponse:
    settlement: Settlement


# -- queries and mutations ----------------------------------------------------------------------------------------

@strawberry.type
class ClaimQueries:
    @strawberry.field(metadata=MAIN_ONLY, description="A claim its parties (and admins) see.")
    def claim(self, info: Info, id: ID) -> Claim | None:
        info.context.reading.require_kind("claim")
        return m.ref(info, "claim", str(id), Claim)  # type: ignore[no-any-return]

    @strawberry.field(metadata=MAIN_ONLY, description="The claims the reader is a party to (all of them for admins): "
                                                      "send a token.")
    def claims(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None, filter: ClaimFilterParams | None = None) -> Connection[Claim]:
        keep = filter.keep() if filter is not None else None
        return connection(info.context.reading.window("claim", sliced(first, after, last, before), keep),
                          lambda x: Claim(r=x))

    @strawberry.field(metadata=MAIN_ONLY)
    def settlement(self, info: Info, id: ID) -> Settlement | None:
        return m.ref(info, "settlement", str(id), Settlement)  # type: ignore[no-any-return]

    @strawberry.field(metadata=MAIN_ONLY)
    def settlements(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[Settlement]:
        return connection(info.context.reading.window("settlement", sliced(first, after, last, before)),
                          lambda x: Settlement(r=x))


def _link(params: SettlementCreateParams) -> LinkInput:
    return LinkInput(of=str(params.settles), by=str(params.settled_by),
                     resource_quantity=params.resource_quantity.to_domain("resourceQuantity")
                     if params.resource_quantity is not None else None,
                     effort_quantity=params.effort_quantity.to_domain("effortQuantity")
                     if params.effort_quantity is not None else None, note=params.note, id=_id(params.id))


@strawberry.type
class ClaimMutations:
    @strawberry.mutation(metadata=MAIN_ONLY, description="A claim in reciprocity for an event (by a party to it).")
    def create_claim(self, info: Info, claim: ClaimCreateParams,
                     idempotency_key: Key = None) -> ClaimResponse:
        return ClaimResponse(claim=Claim(r=claims.create_claim(info.context.uow, claim.to_domain(),
                                                              idempotency_key).record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="A new revision of a claim someone recorded; the ledger's "
                                                         "own claims answer IMMUTABLE.")
    def update_claim(self, info: Info, claim: ClaimUpdateParams) -> ClaimResponse:
        done = claims.revise_claim(info.context.uow, str(claim.revision_id), claim.patch())
        return ClaimResponse(claim=Claim(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY, description="An event settles (part of) a claim.")
    def create_settlement(self, info: Info, settlement: SettlementCreateParams,
                          idempotency_key: Key = None) -> SettlementResponse:
        done = claims.settle(info.context.uow, _link(settlement), idempotency_key)
        return SettlementResponse(settlement=Settlement(r=done.record))

    @strawberry.mutation(metadata=MAIN_ONLY)
    def update_settlement(self, info: Info, settlement: SettlementUpdateParams) -> SettlementResponse:
        s = settlement
        patch = {"of": _id(s.settles), "by": _id(s.settled_by), "note": s.note,
                 "resource_quantity": s.resource_quantity.to_domain("resourceQuantity")
                 if s.resource_quantity is not None else None,
                 "effort_quantity": s.effort_quantity.to_domain("effortQuantity")
                 if s.effort_quantity is not None else None}
        done = claims.revise_settlement(info.context.uow, str(s.revision_id), patch)
        return SettlementResponse(settlement=Settlement(r=done.record))

    delete_claim: bool = never_deleted("deleteClaim", "a claim is never deleted; mark it finished")
    delete_settlement: bool = never_deleted("deleteSettlement", "a settlement is never deleted")


def not_served(field: str) -> None:
    """vf-graphql 0.9 types an agent's claims as IntentConnection (a slip in the reference): kept for compatibility,
    answered with where to read them instead."""
    raise violation(field, "reference_type", f"vf-graphql 0.9 types {field} as an IntentConnection, which cannot "
                                             "hold claims: read them with claims(filter: {providerId: [...]}) or "
                                             "{receiverId: [...]} or {inScopeOf: [...]}")
