"""Claims anyone records (ValueFlows' claim module): a flow one agent owes another in reciprocity for an event that
already happened (payment for goods received). By default the claim is owed by the event's receiver to its
provider. Claims the ledger makes itself (dividends, licence obligations; `EconomicClaim.ledger_owned`) follow their
own rules and are never changed through these.

Pure: the rules that build a claim from a request, every problem at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from valueflows.domain.actions import ACTIONS, Need
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.limits import MAX_IRI, MAX_NOTE
from valueflows.domain.model import EconomicClaim, EconomicEvent
from valueflows.domain.rules import check_id, check_text, check_time, checked_measure


@dataclass(frozen=True, slots=True)
class ClaimInput:
    action: str
    triggered_by: str | None = None
    provider: str | None = None  # by default the triggering event's receiver
    receiver: str | None = None  # by default the triggering event's provider
    resource_classified_as: tuple[str, ...] = ()
    resource_quantity: MeasureInput | None = None
    effort_quantity: MeasureInput | None = None
    resource_conforms_to: str | None = None
    due: datetime | None = None
    finished: bool = False
    note: str | None = None
    agreed_in: str | None = None
    in_scope_of: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class ClaimContext:
    event: EconomicEvent | None = None  # the triggering event, if the reader may see it
    agents: Collection[str] = ()
    units: Collection[str] = ()
    specifications: Collection[str] = ()
    taken: Collection[str] = ()


def parties(request: ClaimInput, event: EconomicEvent | None) -> tuple[str | None, str | None]:
    """Who owes and who is owed: as given, else the reverse of the triggering event's flow."""
    return (request.provider or (event.receiver if event else None),
            request.receiver or (event.provider if event else None))


def check_claim(request: ClaimInput, ctx: ClaimContext, new_id: str, now: datetime) -> EconomicClaim:
    r = request
    problems: list[Problem] = []
    check_id(r.id, "id", problems)
    if r.id is not None and r.id in ctx.taken:
        problems.append(Problem("id", "duplicate_id", f"id {r.id!r} is already used"))
    check_text(r.note, "note", MAX_NOTE, problems)
    check_text(r.agreed_in, "agreedIn", MAX_IRI, problems)
    check_time(r.due, "due", problems)
    action = ACTIONS.get(r.action)
    if action is None:
        problems.append(Problem("action", "unknown_action", f"{r.action!r} is not a ValueFlows action"))
    if r.triggered_by is None:
        problems.append(Problem("triggeredBy", "required", "a claim is made in reciprocity for an event: give "
                                                           "triggeredBy"))
    elif ctx.event is None:
        problems.append(Problem("triggeredBy", "unknown_event", f"no economic event with id {r.triggered_by!r}"))
    provider, receiver = parties(r, ctx.event)
    for value, where in ((provider, "provider"), (receiver, "receiver")):
        if value is not None and value not in ctx.agents:
            problems.append(Problem(where, "unknown_agent", f"no agent with id {value!r}"))
    if provider is not None and provider == receiver:
        problems.append(Problem("receiver", "same_agent", "an agent does not owe itself"))
    for i, scope in enumerate(r.in_scope_of):
        if scope not in ctx.agents:
            problems.append(Problem(f"inScopeOf[{i}]", "unknown_scope", f"no agent with id {scope!r}"))
    if r.resource_conforms_to is not None and r.resource_conforms_to not in ctx.specifications:
        problems.append(Problem("resourceConformsTo", "unknown_resource_specification",
                                f"no resource specification with id {r.resource_conforms_to!r}"))
    resource = checked_measure(r.resource_quantity, "resourceQuantity", ctx.units, problems)
    effort = checked_measure(r.effort_quantity, "effortQuantity", ctx.units, problems)
    if r.resource_quantity is None and r.effort_quantity is None:
        problems.append(Problem("resourceQuantity", "required", "a claim says how much is owed: give resourceQuantity "
                                                                "or effortQuantity"))
    if action is not None and action.effort_quantity is Need.FORBIDDEN and r.effort_quantity is not None:
        problems.append(Problem("effortQuantity", "forbidden", f"'{action.id}' flows do not take effortQuantity"))
    if problems or action is None or provider is None or receiver is None:
        raise RuleViolation(problems)
    return EconomicClaim(
        id=r.id or new_id, action=action.id, provider=provider, receiver=receiver, created=now,
        resource_quantity=resource, effort_quantity=effort, resource_conforms_to=r.resource_conforms_to,
        resource_classified_as=tuple(r.resource_classified_as), due=r.due, triggered_by=r.triggered_by,
        agreed_in=r.agreed_in, note=r.note, in_scope_of=tuple(r.in_scope_of), finished=r.finished)


CLAIM_FIELDS = ("action", "triggered_by", "provider", "receiver", "resource_classified_as", "resource_quantity",
                "effort_quantity", "resource_conforms_to", "due", "finished", "note", "agreed_in", "in_scope_of")


def revised_claim(current: EconomicClaim, patch: Mapping[str, Any]) -> ClaimInput:
    """The request a revision of a claim makes (None in `patch` leaves a fact as it is)."""
    values: dict[str, Any] = {n: getattr(current, n) for n in CLAIM_FIELDS}
    for name in ("resource_quantity", "effort_quantity"):
        m = values[name]
        values[name] = MeasureInput(m.has_numerical_value, m.has_unit) if m is not None else None
    values.update({k: v for k, v in patch.items() if v is not None and k in values})
    return ClaimInput(**values)
