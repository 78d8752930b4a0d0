from decimal import Decimal

import pytest

from valueflows.domain.actions import ACTIONS, Effect, InputOutput
from valueflows.domain.effects import QuantityChange, event_effects
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import Measure

# Every action of the ValueFlows spec, with (resourceEffect, onhandEffect, inputOutput, pairsWith).
SPEC = {
    "produce": ("increment", "increment", "output", "notApplicable"),
    "use": ("noEffect", "noEffect", "input", "notApplicable"),
    "consume": ("decrement", "decrement", "input", "notApplicable"),
    "cite": ("noEffect", "noEffect", "input", "notApplicable"),
    "work": ("noEffect", "noEffect", "input", "notApplicable"),
    "deliverService": ("noEffect", "noEffect", "outputInput", "notApplicable"),
    "pickup": ("noEffect", "decrement", "input", "dropoff"),
    "dropoff": ("noEffect", "increment", "output", "pickup"),
    "accept": ("noEffect", "decrement", "input", "modify"),
    "modify": ("noEffect", "increment", "output", "accept"),
    "pass": ("noEffect", "increment", "output", "accept"),
    "fail": ("noEffect", "increment", "output", "accept"),
    "combine": ("noEffect", "decrement", "input", "separate"),
    "separate": ("noEffect", "increment", "output", "combine"),
    "copy": ("increment", "increment", "output", "notApplicable"),
    "transfer": ("decrementIncrement", "decrementIncrement", "notApplicable", "notApplicable"),
    "transferAllRights": ("decrementIncrement", "noEffect", "notApplicable", "notApplicable"),
    "transferCustody": ("noEffect", "decrementIncrement", "notApplicable", "notApplicable"),
    "move": ("decrementIncrement", "decrementIncrement", "notApplicable", "notApplicable"),
    "raise": ("increment", "increment", "notApplicable", "notApplicable"),
    "lower": ("decrement", "decrement", "notApplicable", "notApplicable"),
}


def test_table_lists_exactly_the_spec_actions() -> None:
    assert set(ACTIONS) == set(SPEC)


@pytest.mark.parametrize("action_id", sorted(SPEC))
def test_action_effects_follow_the_spec(action_id: str) -> None:
    a = ACTIONS[action_id]
    assert (a.resource_effect.value, a.onhand_effect.value, a.input_output.value, a.pairs_with) == SPEC[action_id]


def test_pairs_are_symmetric_or_point_at_accept() -> None:
    for a in ACTIONS.values():
        if a.pairs_with != "notApplicable":
            assert a.pairs_with in ACTIONS
            partner = ACTIONS[a.pairs_with]
            assert partner.pairs_with == a.id or a.id in ("pass", "fail")
            assert {a.input_output, partner.input_output} == {InputOutput.INPUT, InputOutput.OUTPUT}


def _event(action: str, qty: str, to: str | None = None) -> EconomicEvent:
    return EconomicEvent(id="e", action=action, provider="a", receiver="b", resource_inventoried_as="r",
                         to_resource_inventoried_as=to, resource_quantity=Measure(Decimal(qty), "one"))


def test_effects_of_a_transfer_move_both_quantities_to_the_to_resource() -> None:
    assert event_effects(_event("transfer", "3", "t")) == [
        QuantityChange("r", Decimal(-3), Decimal(-3)), QuantityChange("t", Decimal(3), Decimal(3))]


def test_transfer_all_rights_moves_accounting_only_and_custody_onhand_only() -> None:
    assert event_effects(_event("transferAllRights", "2", "t")) == [
        QuantityChange("r", Decimal(-2), Decimal(0)), QuantityChange("t", Decimal(2), Decimal(0))]
    assert event_effects(_event("transferCustody", "2", "t")) == [
        QuantityChange("r", Decimal(0), Decimal(-2)), QuantityChange("t", Decimal(0), Decimal(2))]


def test_no_effect_actions_change_nothing() -> None:
    for action_id in ("use", "cite", "deliverService"):
        assert event_effects(_event(action_id, "5")) == []
    assert ACTIONS["work"].resource_effect is Effect.NO_EFFECT
