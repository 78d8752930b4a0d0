"""Proposals and places (ValueFlows' proposal and geolocation modules).

A proposal publishes intents: its primary intents are what is offered or requested, its reciprocal intents what is
expected in return. It may be addressed to agents (proposed to them) and valid in a place. A place is a
SpatialThing: a name, an address, and a point (latitude, longitude, altitude).

Withdrawing a proposal (vf-graphql's `deleteProposal`) removes it from the current state, with what it publishes
and to whom; the ledger keeps every revision and the withdrawal itself (a tombstone in the chain).

Pure: records as frozen values and the rules that build them, every problem of a request at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.limits import MAX_NAME, MAX_NOTE
from valueflows.domain.quantities import parse_decimal
from valueflows.domain.rules import check_id, check_text, check_time


@dataclass(frozen=True, slots=True)
class SpatialThing:
    id: str
    name: str
    mappable_address: str | None = None
    lat: Decimal | None = None
    long: Decimal | None = None
    alt: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """Published offers or requests, with what is expected in return."""

    id: str
    name: str | None = None
    note: str | None = None
    has_beginning: datetime | None = None  # publication begins
    has_end: datetime | None = None  # publication ends
    unit_based: bool = False  # quantities per unit, multiplied to make commitments (a price list)
    in_scope_of: tuple[str, ...] = ()
    eligible_location: str | None = None  # a SpatialThing
    created: datetime | None = None
    proposed_by: str | None = None  # the agent whose token published it (ours): who may change it

    def active(self, now: datetime) -> bool:
        """Published at `now` (no beginning: from its creation; no end: until withdrawn)."""
        begun = self.has_beginning is None or self.has_beginning <= now
        return begun and (self.has_end is None or now < self.has_end)


@dataclass(frozen=True, slots=True)
class ProposedIntent:
    """An intent a proposal publishes; reciprocal: what is expected in return, not to be matched by itself."""

    id: str
    published_in: str
    publishes: str
    reciprocal: bool = False


@dataclass(frozen=True, slots=True)
class ProposedTo:
    """A proposal addressed to an agent."""

    id: str
    proposed: str
    proposed_to: str


# -- the requests -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SpatialThingInput:
    name: str | None = None
    mappable_address: str | None = None
    lat: object = None  # decimal text or a Decimal (checked here)
    long: object = None
    alt: object = None
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ProposalInput:
    name: str | None = None
    note: str | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    unit_based: bool = False
    in_scope_of: tuple[str, ...] = ()
    eligible_location: str | None = None
    id: str | None = None
    # kept from another ledger's export (admins only): when it was made and by whom
    created: datetime | None = None
    proposed_by: str | None = None


@dataclass(frozen=True)
class ProposalContext:
    """What the rules look up, by id: only the records the request names."""

    agents: Collection[str] = ()
    processes: Collection[str] = ()
    places: Collection[str] = ()
    taken: Collection[str] = ()  # ids already used by records of the kind being created


def _own_id(record_id: str | None, taken: Collection[str], problems: list[Problem]) -> None:
    check_id(record_id, "id", problems)
    if record_id is not None and record_id in taken:
        problems.append(Problem("id", "duplicate_id", f"id {record_id!r} is already used"))


def _coordinate(value: object, where: str, bound: int | None, problems: list[Problem]) -> Decimal | None:
    if value is None:
        return None
    number, problem = parse_decimal(value, where, allow_negative=True)
    if problem is not None:
        problems.append(problem)
        return None
    assert number is not None
    if bound is not None and not -bound <= number <= bound:
        problems.append(Problem(where, "out_of_range", f"{where} is between -{bound} and {bound} degrees"))
        return None
    return number


def check_spatial_thing(request: SpatialThingInput, new_id: str, taken: Collection[str] = ()) -> SpatialThing:
    """A place from a request: a name, and a point whose latitude and longitude come together, or every problem."""
    problems: list[Problem] = []
    _own_id(request.id, taken, problems)
    if not (request.name or "").strip():
        problems.append(Problem("name", "required", "a place needs a name"))
    check_text(request.name, "name", MAX_NAME, problems)
    check_text(request.mappable_address, "mappableAddress", MAX_NAME, problems)
    check_text(request.note, "note", MAX_NOTE, problems)
    lat = _coordinate(request.lat, "lat", 90, problems)
    long = _coordinate(request.long, "long", 180, problems)
    alt = _coordinate(request.alt, "alt", None, problems)
    if (request.lat is None) != (request.long is None):
        problems.append(Problem("long" if request.long is None else "lat", "required",
                                "a point has a latitude and a longitude: give both or neither"))
    if problems:
        raise RuleViolation(problems)
    return SpatialThing(request.id or new_id, request.name or "", request.mappable_address, lat, long, alt,
                        request.note)


def revised_place(current: SpatialThing, patch: Mapping[str, Any]) -> SpatialThingInput:
    """The request a revision of a place makes (None in `patch` leaves a fact as it is)."""
    values: dict[str, Any] = {"name": current.name, "mappable_address": current.mappable_address, "lat": current.lat,
              "long": current.long, "alt": current.alt, "note": current.note}
    values.update({k: v for k, v in patch.items() if v is not None and k in values})
    return SpatialThingInput(**values)


def check_proposal(request: ProposalInput, ctx: ProposalContext, new_id: str, now: datetime,
                   proposed_by: str | None) -> Proposal:
    """A proposal from a request, or every problem of it at once."""
    problems: list[Problem] = []
    r = request
    _own_id(r.id, ctx.taken, problems)
    check_text(r.name, "name", MAX_NAME, problems)
    check_text(r.note, "note", MAX_NOTE, problems)
    check_time(r.has_beginning, "hasBeginning", problems)
    check_time(r.has_end, "hasEnd", problems)
    check_time(r.created, "created", problems)
    if r.has_beginning is not None and r.has_end is not None and r.has_beginning.utcoffset() is not None \
            and r.has_end.utcoffset() is not None and r.has_end < r.has_beginning:
        problems.append(Problem("hasEnd", "before_beginning", "hasEnd is before hasBeginning"))
    for i, scope in enumerate(r.in_scope_of):
        if scope not in ctx.agents and scope not in ctx.processes:
            problems.append(Problem(f"inScopeOf[{i}]", "unknown_scope", f"no agent or process with id {scope!r}"))
    if r.eligible_location is not None and r.eligible_location not in ctx.places:
        problems.append(Problem("eligibleLocation", "unknown_spatial_thing",
                                f"no spatial thing with id {r.eligible_location!r}"))
    if r.proposed_by is not None and r.proposed_by not in ctx.agents:
        problems.append(Problem("proposedBy", "unknown_agent", f"no agent with id {r.proposed_by!r}"))
    if problems:
        raise RuleViolation(problems)
    return Proposal(r.id or new_id, r.name, r.note, r.has_beginning, r.has_end, r.unit_based, tuple(r.in_scope_of),
                    r.eligible_location, r.created or now, r.proposed_by or proposed_by)


def revised_proposal(current: Proposal, patch: Mapping[str, Any]) -> ProposalInput:
    """The request a revision of a proposal makes (None in `patch` leaves a fact as it is)."""
    values: dict[str, Any] = {"name": current.name, "note": current.note, "has_beginning": current.has_beginning,
              "has_end": current.has_end, "unit_based": current.unit_based, "in_scope_of": current.in_scope_of,
              "eligible_location": current.eligible_location}
    values.update({k: v for k, v in patch.items() if v is not None and k in values})
    return ProposalInput(**values)


def kept_revision(revised: Proposal, current: Proposal) -> Proposal:
    """A revision keeps when the proposal was made and who made it."""
    return replace(revised, created=current.created, proposed_by=current.proposed_by)


@dataclass(frozen=True)
class Publication:
    """What a proposal publishes, as the rules need it: its intents (id -> primary or reciprocal)."""

    intents: Mapping[str, bool] = field(default_factory=dict)
    addressed_to: Collection[str] = ()


def check_proposed_intent(proposal: Proposal | None, intent_id: str, intent_exists: bool, reciprocal: bool,
                          publication: Publication, new_id: str, record_id: str | None = None,
                          taken: Collection[str] = ()) -> ProposedIntent:
    """An intent published in a proposal, once (`record_id`: an id the request gives, unless `taken`)."""
    problems: list[Problem] = []
    _own_id(record_id, taken, problems)
    if proposal is None:
        problems.append(Problem("publishedIn", "unknown_proposal", "no such proposal"))
    if not intent_exists:
        problems.append(Problem("publishes", "unknown_intent", f"no intent with id {intent_id!r}"))
    if intent_id in publication.intents:
        problems.append(Problem("publishes", "already_published",
                                f"intent {intent_id!r} is already published in this proposal"))
    if problems or proposal is None:
        raise RuleViolation(problems)
    return ProposedIntent(record_id or new_id, proposal.id, intent_id, reciprocal)


def check_proposed_to(proposal: Proposal | None, agent_id: str, agent_exists: bool, publication: Publication,
                      new_id: str, record_id: str | None = None, taken: Collection[str] = ()) -> ProposedTo:
    """A proposal addressed to an agent, once (`record_id`: an id the request gives, unless `taken`)."""
    problems: list[Problem] = []
    _own_id(record_id, taken, problems)
    if proposal is None:
        problems.append(Problem("proposed", "unknown_proposal", "no such proposal"))
    if not agent_exists:
        problems.append(Problem("proposedTo", "unknown_agent", f"no agent with id {agent_id!r}"))
    if agent_id in publication.addressed_to:
        problems.append(Problem("proposedTo", "already_proposed", f"the proposal is already addressed to {agent_id!r}"))
    if problems or proposal is None:
        raise RuleViolation(problems)
    return ProposedTo(record_id or new_id, proposal.id, agent_id)


def is_offer(primary: Collection[Any]) -> bool:
    """A proposal offers when one of its primary intents has a provider and no receiver (hREA's reading)."""
    return any(i.provider is not None and i.receiver is None for i in primary)


def is_request(primary: Collection[Any]) -> bool:
    """A proposal requests when one of its primary intents has a receiver and no provider."""
    return any(i.receiver is not None and i.provider is None for i in primary)
