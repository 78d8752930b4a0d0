"""Use cases of proposals and places: publishing offers and requests as proposals, what they publish and to whom,
revising and withdrawing them; places (SpatialThings). Each is one transaction that asks the access policy and
lets the core (`domain/proposals.py`) judge the request; every revision and every withdrawal is chained."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from valueflows.domain import access
from valueflows.domain.chain import TOMBSTONE
from valueflows.domain.errors import NotFound, Problem, RuleViolation
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.planning import Intent
from valueflows.domain.proposals import (
    Proposal,
    ProposalContext,
    ProposalInput,
    ProposedIntent,
    ProposedTo,
    Publication,
    SpatialThing,
    SpatialThingInput,
    check_proposal,
    check_proposed_intent,
    check_proposed_to,
    check_spatial_thing,
    is_offer,
    is_request,
    kept_revision,
    revised_place,
    revised_proposal,
)
from valueflows.domain.quantities import parse_decimal
from valueflows.service import filters, revisions
from valueflows.service.ledger import Recorded, create_record, new_id
from valueflows.service.reading import Reading
from valueflows.service.records import present, revise_record
from valueflows.store.ports import Tx, UnitOfWork, WriteTx

# -- places -------------------------------------------------------------------------------------------------------


def create_spatial_thing(uow: UnitOfWork, request: SpatialThingInput,
                         key: str | None = None) -> Recorded[SpatialThing]:
    """A place, by any writer (places are public: where an offer is valid, where a thing is delivered)."""
    access.require_writer(uow.principal, "creating a place")
    return create_record(uow, "spatial_thing", request, key, lambda tx: check_spatial_thing(
        request, new_id(), frozenset(tx.records("spatial_thing").get_many([request.id]))))


def revise_spatial_thing(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[SpatialThing]:
    """A new revision of a place, by an admin (a place is shared by the records that name it)."""
    access.require_admin(uow.principal, "changing a place")
    record_id = revisions.record_of(uow, revision_id, ("spatial_thing",))[1]
    return revise_record(uow, "spatial_thing", record_id, (revision_id, patch), None,
                         lambda tx, current: check_spatial_thing(revised_place(current, patch), current.id),
                         revision_id)


def places_near(uow: UnitOfWork, lat: object, long: object, radius_km: object) -> frozenset[str]:
    """The places (public) within `radius_km` of a point; bad coordinates are refused with what is wrong."""
    point = check_spatial_thing(SpatialThingInput("point", lat=lat, long=long), "point")
    radius, problem = parse_decimal(radius_km, "near.radiusKm")
    if problem is not None or radius is None:
        raise RuleViolation([problem or Problem("near.radiusKm", "required", "give a radius in km")])
    if point.lat is None or point.long is None:
        raise RuleViolation([Problem("near", "required", "a point has a latitude and a longitude")])
    with uow.read() as tx:
        return filters.near(tx.records("spatial_thing").stream(), point.lat, point.long, radius)


# -- proposals ----------------------------------------------------------------------------------------------------

def _context(tx: Tx, request: ProposalInput, record_id: str | None) -> ProposalContext:
    return ProposalContext(agents=present(tx, "agent", *request.in_scope_of, request.proposed_by),
                           processes=present(tx, "process", *request.in_scope_of),
                           places=present(tx, "spatial_thing", request.eligible_location),
                           taken=present(tx, "proposal", record_id))


def create_proposal(uow: UnitOfWork, request: ProposalInput, key: str | None = None) -> Recorded[Proposal]:
    """A proposal published by the agent of the writer's token (who alone, with admins, may then change it)."""
    access.require_writer(uow.principal, "publishing a proposal")
    access.may_keep_origin(uow.principal, request.created, request.proposed_by)
    return create_record(uow, "proposal", request, key, lambda tx: check_proposal(
        request, _context(tx, request, request.id), new_id(), tx.now, uow.principal.agent))


def _current(tx: Tx, kind: str, record_id: str) -> Any:
    found = tx.records(kind).get(record_id)
    if found is None:
        raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
    return found


def revise_proposal(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Proposal]:
    access.require_writer(uow.principal, "changing a proposal")
    record_id = revisions.record_of(uow, revision_id, ("proposal",))[1]

    def build(tx: WriteTx, current: Proposal) -> Proposal:
        access.may_change_proposal(uow.principal, "changing a proposal", current.proposed_by)
        request = revised_proposal(current, patch)
        return kept_revision(check_proposal(request, _context(tx, request, None), current.id, tx.now, None),
                             current)
    return revise_record(uow, "proposal", record_id, (revision_id, patch), None, build, revision_id)


def _publication(tx: Tx, proposal_id: str) -> Publication:
    published = tx.records("proposed_intent").where(MAX_PAGE, published_in=proposal_id)
    addressed = tx.records("proposed_to").where(MAX_PAGE, proposed=proposal_id)
    return Publication({p.publishes: p.reciprocal for p in published}, frozenset(a.proposed_to for a in addressed))


def _given(record_id: str | None) -> tuple[str, ...]:
    """An id the request gives, as part of what its idempotency key stands for (requests without one as before)."""
    return () if record_id is None else (record_id,)


def propose_intent(uow: UnitOfWork, proposal_id: str, intent_id: str, reciprocal: bool = False,
                   key: str | None = None, record_id: str | None = None) -> Recorded[ProposedIntent]:
    """Publish an intent in a proposal: by the proposal's publisher; a primary intent also by a party to it (an
    agent publishes what it offers or requests, and asks anything in return)."""
    access.require_writer(uow.principal, "publishing an intent")

    def build(tx: WriteTx) -> ProposedIntent:
        proposal: Proposal | None = tx.records("proposal").get(proposal_id)
        intent: Intent | None = tx.records("intent").get(intent_id)
        if proposal is not None:
            access.may_change_proposal(uow.principal, "publishing an intent", proposal.proposed_by)
        if intent is not None and not reciprocal:
            access.may_plan_flow(uow.principal, "publishing an intent", (intent.provider, intent.receiver))
        return check_proposed_intent(proposal, intent_id, intent is not None, reciprocal,
                                     _publication(tx, proposal_id), new_id(), record_id,
                                     present(tx, "proposed_intent", record_id))
    return create_record(uow, "proposed_intent", (proposal_id, intent_id, reciprocal, *_given(record_id)), key, build)


def propose_to(uow: UnitOfWork, proposal_id: str, agent_id: str,
               key: str | None = None, record_id: str | None = None) -> Recorded[ProposedTo]:
    """Address a proposal to an agent: by the proposal's publisher."""
    access.require_writer(uow.principal, "addressing a proposal")

    def build(tx: WriteTx) -> ProposedTo:
        proposal: Proposal | None = tx.records("proposal").get(proposal_id)
        if proposal is not None:
            access.may_change_proposal(uow.principal, "addressing a proposal", proposal.proposed_by)
        return check_proposed_to(proposal, agent_id, tx.records("agent").exists(agent_id),
                                 _publication(tx, proposal_id), new_id(), record_id,
                                 present(tx, "proposed_to", record_id))
    return create_record(uow, "proposed_to", (proposal_id, agent_id, *_given(record_id)), key, build)


def _withdraw(uow: UnitOfWork, tx: WriteTx, kind: str, record_id: str) -> None:
    tx.records(kind).remove(record_id)
    uow.cache.forget(kind, record_id)
    tx.append(kind, record_id, TOMBSTONE)


def withdraw(uow: UnitOfWork, revision_id: str, kinds: Iterable[str]) -> str:
    """vf-graphql's deleteProposal, deleteProposedIntent, deleteProposedTo: the record (a proposal with what it
    publishes and to whom) leaves the current state if `revision_id` is still its newest; the chain keeps its
    revisions and a tombstone. By the proposal's publisher or an admin. Answers the kind withdrawn."""
    access.require_writer(uow.principal, "withdrawing a proposal")
    kind, record_id = revisions.record_of(uow, revision_id, tuple(kinds))
    with uow.write() as tx:
        current = _current(tx, kind, record_id)
        revisions.expect_newest(tx, kind, record_id, revision_id)
        proposal_id = {"proposal": record_id, "proposed_intent": getattr(current, "published_in", None),
                       "proposed_to": getattr(current, "proposed", None)}[kind]
        proposal: Proposal = _current(tx, "proposal", proposal_id or "")
        access.may_change_proposal(uow.principal, "withdrawing a proposal", proposal.proposed_by)
        if kind == "proposal":
            for part in tx.records("proposed_intent").where(MAX_PAGE, published_in=record_id):
                _withdraw(uow, tx, "proposed_intent", part.id)
            for part in tx.records("proposed_to").where(MAX_PAGE, proposed=record_id):
                _withdraw(uow, tx, "proposed_to", part.id)
        _withdraw(uow, tx, kind, record_id)
    return kind


# -- reading ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProposalFilter:
    """vf-graphql's ProposalFilterParams: every condition given holds."""

    active: bool | None = None  # published now
    in_scope_of: tuple[str, ...] = ()  # in the scope of one of these
    is_offer: bool | None = None
    is_request: bool | None = None
    by_agent: str | None = None  # published by, or offering or requesting as provider or receiver (ours)
    places: frozenset[str] | None = None  # eligible in one of these places (ours: near a point)


class Proposals:
    """What a reader sees of proposals: what each publishes, and which pass a filter."""

    def __init__(self, reading: Reading, now: datetime) -> None:
        self.reading, self.now = reading, now
        self._published: dict[str, list[ProposedIntent]] = {}

    def published(self, proposal_id: str) -> list[ProposedIntent]:
        if proposal_id not in self._published:
            self._published[proposal_id] = self.reading.where("proposed_intent", published_in=proposal_id)
        return self._published[proposal_id]

    def intents(self, proposal_id: str, reciprocal: bool) -> list[Intent]:
        ids = [p.publishes for p in self.published(proposal_id) if p.reciprocal == reciprocal]
        return self.reading.get_many("intent", ids)

    def keep(self, f: ProposalFilter) -> Callable[[Proposal], bool] | None:
        if f == ProposalFilter():
            return None

        def keep(p: Proposal) -> bool:
            primary: list[Intent] | None = None
            if f.is_offer is not None or f.is_request is not None or f.by_agent is not None:
                primary = self.intents(p.id, reciprocal=False)
            return ((f.active is None or p.active(self.now) == f.active)
                    and (not f.in_scope_of or bool(set(f.in_scope_of) & set(p.in_scope_of)))
                    and (f.is_offer is None or is_offer(primary or ()) == f.is_offer)
                    and (f.is_request is None or is_request(primary or ()) == f.is_request)
                    and (f.places is None or p.eligible_location in f.places)
                    and (f.by_agent is None or p.proposed_by == f.by_agent
                         or any(f.by_agent in (i.provider, i.receiver) for i in primary or ())))
        return keep


def of_agent(found: Proposals, agent: str, search: str = "") -> Callable[[Proposal], bool]:
    """An agent's proposals: those it published, or whose primary intents it provides or receives; with `search`
    (case-folded), only those whose name or note holds it."""
    by_agent = found.keep(ProposalFilter(by_agent=agent))
    assert by_agent is not None

    def keep(p: Proposal) -> bool:
        return (not search or search in f"{p.name or ''} {p.note or ''}".casefold()) and by_agent(p)
    return keep
