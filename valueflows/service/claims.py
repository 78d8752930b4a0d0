"""Use cases of claims and settlements (vf-graphql 0.9's claim module). A claim recorded in reciprocity for an event
is written, and changed, by a party to that event or to the claim (or an admin); an event settles a claim through
a settlement written by a party to either. The claims the ledger makes (dividends, licence obligations) change only
as the ledger changes them: a licence obligation is settled by payments made under the licence, worked out by date.
Every write is one transaction, checked by the core and chained."""

from __future__ import annotations

from typing import Any

from valueflows.domain import access
from valueflows.domain.claims import ClaimContext, ClaimInput, check_claim, parties, revised_claim
from valueflows.domain.errors import ImmutableRecord
from valueflows.domain.model import EconomicClaim
from valueflows.domain.planning import LinkInput, Settlement, check_settlement, measure_input
from valueflows.service import revisions
from valueflows.service.ledger import Recorded, create_record, new_id
from valueflows.service.reading import Reading
from valueflows.service.records import present, revise_record
from valueflows.store.ports import Tx, UnitOfWork, WriteTx


def _context(tx: Tx, uow: UnitOfWork, request: ClaimInput, taken_id: str | None) -> ClaimContext:
    event = tx.events.get(request.triggered_by) if request.triggered_by else None
    if event is not None and Reading(uow).get("economic_event", event.id) is None:
        event = None  # an event the writer may not see is as if it did not exist
    provider, receiver = parties(request, event)
    units = [m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None]
    return ClaimContext(event=event, agents=present(tx, "agent", provider, receiver, *request.in_scope_of),
                        units=present(tx, "unit", *units),
                        specifications=present(tx, "resource_specification", request.resource_conforms_to),
                        taken=present(tx, "claim", taken_id))


def _may_claim(uow: UnitOfWork, tx: Tx, what: str, claims: list[EconomicClaim | None],
               event_ids: list[str | None]) -> None:
    events = tx.events.get_many(event_ids).values()
    access.may_plan_flow(uow.principal, what, [a for c in claims if c is not None for a in (c.provider, c.receiver)]
                         + [a for e in events for a in (e.provider, e.receiver)])


def create_claim(uow: UnitOfWork, request: ClaimInput, key: str | None = None) -> Recorded[EconomicClaim]:
    """A claim in reciprocity for an event: by a party to the event or to the claim, or an admin."""
    access.require_writer(uow.principal, "recording a claim")

    def build(tx: WriteTx) -> EconomicClaim:
        ctx = _context(tx, uow, request, request.id)
        claim = check_claim(request, ctx, new_id(), tx.now)
        _may_claim(uow, tx, "recording a claim", [claim], [request.triggered_by])
        return claim
    return create_record(uow, "claim", request, key, build)


def revise_claim(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[EconomicClaim]:
    """A new revision of a claim someone recorded (e.g. `finished`), checked again whole; the ledger's own claims
    are refused with IMMUTABLE."""
    access.require_writer(uow.principal, "changing a claim")
    record_id = revisions.record_of(uow, revision_id, ("claim",))[1]

    def build(tx: WriteTx, current: EconomicClaim) -> EconomicClaim:
        if current.ledger_owned:
            raise ImmutableRecord("a dividend or a licence obligation is the ledger's own claim: it changes only as "
                                  "the ledger changes it (a dividend run reversed, a payment recorded)")
        _may_claim(uow, tx, "changing a claim", [current], [current.triggered_by])
        request = revised_claim(current, patch)
        revised = check_claim(request, _context(tx, uow, request, None), current.id, current.created)
        _may_claim(uow, tx, "changing a claim", [current, revised], [current.triggered_by, revised.triggered_by])
        return revised
    return revise_record(uow, "claim", record_id, (revision_id, patch), None, build, revision_id)


def _units(request: LinkInput) -> list[str]:
    return [m.has_unit for m in (request.resource_quantity, request.effort_quantity) if m is not None]


def settle(uow: UnitOfWork, request: LinkInput, key: str | None = None) -> Recorded[Settlement]:
    """An event settles (part of) a claim: by a party to either, or an admin."""
    access.require_writer(uow.principal, "recording a settlement")

    def build(tx: WriteTx) -> Settlement:
        claim: EconomicClaim | None = tx.records("claim").get(request.of)
        event = tx.events.get(request.by)
        _may_claim(uow, tx, "recording a settlement", [claim], [request.by])
        units = tx.records("unit").get_many(_units(request))
        taken = tx.records("settlement").get_many([request.id])
        return check_settlement(request, claim, event, frozenset(units), new_id(), frozenset(taken))
    return create_record(uow, "settlement", request, key, build)


def revise_settlement(uow: UnitOfWork, revision_id: str, patch: dict[str, Any]) -> Recorded[Settlement]:
    access.require_writer(uow.principal, "changing a settlement")
    record_id = revisions.record_of(uow, revision_id, ("settlement",))[1]

    def build(tx: WriteTx, current: Settlement) -> Settlement:
        request = LinkInput(
            of=patch.get("of") or current.settles, by=patch.get("by") or current.settled_by,
            resource_quantity=patch.get("resource_quantity") or measure_input(current.resource_quantity),
            effort_quantity=patch.get("effort_quantity") or measure_input(current.effort_quantity),
            note=patch["note"] if patch.get("note") is not None else current.note)
        claim: EconomicClaim | None = tx.records("claim").get(request.of)
        before: EconomicClaim | None = tx.records("claim").get(current.settles)
        _may_claim(uow, tx, "changing a settlement", [claim, before], [request.by, current.settled_by])
        units = tx.records("unit").get_many(_units(request))
        return check_settlement(request, claim, tx.events.get(request.by), frozenset(units), current.id)
    return revise_record(uow, "settlement", record_id, (revision_id, patch), None, build, revision_id)
