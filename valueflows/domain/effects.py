"""What an accepted event does to resource quantities, per the actions table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from valueflows.domain.actions import ACTIONS, Effect
from valueflows.domain.model import EconomicEvent


@dataclass(frozen=True, slots=True)
class QuantityChange:
    resource: str
    accounting: Decimal
    onhand: Decimal


def event_effects(event: EconomicEvent) -> list[QuantityChange]:
    """The changes one event makes to the quantities of the resources it names."""
    action = ACTIONS[event.action]
    if event.resource_quantity is None or event.resource_inventoried_as is None:
        return []
    q = event.resource_quantity.has_numerical_value
    own = QuantityChange(
        event.resource_inventoried_as, q * action.resource_effect.sign(), q * action.onhand_effect.sign()
    )
    changes = [own]
    to = event.to_resource_inventoried_as
    if to is not None:
        to_accounting = q if action.resource_effect is Effect.DECREMENT_INCREMENT else Decimal(0)
        to_onhand = q if action.onhand_effect is Effect.DECREMENT_INCREMENT else Decimal(0)
        changes.append(QuantityChange(to, to_accounting, to_onhand))
    return [c for c in changes if c.accounting or c.onhand]


def negate(changes: Iterable[QuantityChange]) -> list[QuantityChange]:
    return [QuantityChange(c.resource, -c.accounting, -c.onhand) for c in changes]


def combine(changes: Iterable[QuantityChange]) -> dict[str, tuple[Decimal, Decimal]]:
    """Sum changes per resource: {resource: (accounting delta, onhand delta)}."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for c in changes:
        totals[c.resource][0] += c.accounting
        totals[c.resource][1] += c.onhand
    return {r: (a, o) for r, (a, o) in totals.items()}


def corrected_view(events: Iterable[EconomicEvent]) -> list[EconomicEvent]:
    """The events that count: every event that a later event corrects is replaced by its correction.

    Corrections chain (C corrects B corrects A): only the last one counts. Order is kept.
    """
    events = list(events)
    corrected = {e.corrects for e in events if e.corrects is not None}
    return [e for e in events if e.id not in corrected]


def fold_quantities(events: Iterable[EconomicEvent]) -> dict[str, tuple[Decimal, Decimal]]:
    """Resource quantities as the corrected view of the events makes them."""
    return combine(c for e in corrected_view(events) for c in event_effects(e))
