"""The ValueFlows actions and their effects: the one table every rule reads.

Figures follow the action definitions of the ValueFlows specification (valueflo.ws, "Actions") and the
`Action` type of `@valueflows/vf-graphql` 0.8.5: resourceEffect, onhandEffect, inputOutput, pairsWith.
The columns after those say which quantities an event of the action carries and which resources it names;
they are what the event rules check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Effect(StrEnum):
    INCREMENT = "increment"
    DECREMENT = "decrement"
    NO_EFFECT = "noEffect"
    DECREMENT_INCREMENT = "decrementIncrement"

    def sign(self) -> int:
        """Effect on the event's own resource: +1, -1 or 0 (the 'to' resource gets +1 for decrementIncrement)."""
        return {"increment": 1, "decrement": -1, "noEffect": 0, "decrementIncrement": -1}[self.value]


class InputOutput(StrEnum):
    INPUT = "input"
    OUTPUT = "output"
    OUTPUT_INPUT = "outputInput"
    NOT_APPLICABLE = "notApplicable"


class Need(StrEnum):
    """Whether an event of an action must, may or must not carry a field."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    resource_effect: Effect
    onhand_effect: Effect
    input_output: InputOutput
    pairs_with: str  # an action id or "notApplicable"
    resource_quantity: Need
    effort_quantity: Need
    resource_inventoried_as: Need
    # "optional" for decrementIncrement actions: without it a new resource is created for the receiver.
    to_resource: Need = Need.FORBIDDEN
    # produce/raise/copy may create the resource they increment when none is named.
    creates_resource: bool = False

    @property
    def label(self) -> str:
        return self.id

    @property
    def needs_process(self) -> bool:
        return self.input_output in (InputOutput.INPUT, InputOutput.OUTPUT) and self.pairs_with != "notApplicable"


REQ, OPT, NOT = Need.REQUIRED, Need.OPTIONAL, Need.FORBIDDEN
INC, DEC, NO, DI = Effect.INCREMENT, Effect.DECREMENT, Effect.NO_EFFECT, Effect.DECREMENT_INCREMENT
IN, OUT, OI, NA = InputOutput.INPUT, InputOutput.OUTPUT, InputOutput.OUTPUT_INPUT, InputOutput.NOT_APPLICABLE

_TABLE: tuple[Action, ...] = (
    #      id                 resource onhand io   pairsWith         resQty effQty  resource  to  creates
    Action("produce",           INC, INC, OUT, "notApplicable", REQ, NOT, OPT, creates_resource=True),
    Action("use",               NO,  NO,  IN,  "notApplicable", OPT, OPT, OPT),
    Action("consume",           DEC, DEC, IN,  "notApplicable", REQ, NOT, REQ),
    Action("cite",              NO,  NO,  IN,  "notApplicable", REQ, NOT, OPT),
    Action("work",              NO,  NO,  IN,  "notApplicable", NOT, REQ, NOT),
    Action("deliverService",    NO,  NO,  OI,  "notApplicable", OPT, OPT, NOT),
    Action("pickup",            NO,  DEC, IN,  "dropoff",       REQ, NOT, REQ),
    Action("dropoff",           NO,  INC, OUT, "pickup",        REQ, NOT, REQ),
    Action("accept",            NO,  DEC, IN,  "modify",        REQ, NOT, REQ),
    Action("modify",            NO,  INC, OUT, "accept",        REQ, NOT, REQ),
    Action("pass",              NO,  INC, OUT, "accept",        REQ, NOT, REQ),
    Action("fail",              NO,  INC, OUT, "accept",        REQ, NOT, REQ),
    Action("combine",           NO,  DEC, IN,  "separate",      REQ, NOT, REQ),
    Action("separate",          NO,  INC, OUT, "combine",       REQ, NOT, REQ),
    Action("copy",              INC, INC, OUT, "notApplicable", REQ, NOT, OPT, creates_resource=True),
    Action("transfer",          DI,  DI,  NA,  "notApplicable", REQ, NOT, REQ, to_resource=OPT),
    Action("transferAllRights", DI,  NO,  NA,  "notApplicable", REQ, NOT, REQ, to_resource=OPT),
    Action("transferCustody",   NO,  DI,  NA,  "notApplicable", REQ, NOT, REQ, to_resource=OPT),
    Action("move",              DI,  DI,  NA,  "notApplicable", REQ, NOT, REQ, to_resource=OPT),
    Action("raise",             INC, INC, NA,  "notApplicable", REQ, NOT, OPT, creates_resource=True),
    Action("lower",             DEC, DEC, NA,  "notApplicable", REQ, NOT, REQ),
)

ACTIONS: dict[str, Action] = {a.id: a for a in _TABLE}


def get_action(action_id: str) -> Action | None:
    return ACTIONS.get(action_id)
