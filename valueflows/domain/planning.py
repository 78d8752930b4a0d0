"""What is intended, promised and planned (ValueFlows' planning layer): intents, commitments, plans, and the links
from what happened to them: an event fulfils a commitment; an event or a commitment satisfies an intent.

Pure: the records as frozen values, the rules that build them from a request (every problem at once, as the event
rules do), and the progress of a commitment or an intent. The observation layer (events) never changes here: a
fulfilment is a record of its own pointing at an event.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from valueflows.domain.actions import ACTIONS, Action, InputOutput, Need
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.limits import MAX_NAME, MAX_NOTE
from valueflows.domain.model import EconomicClaim, EconomicEvent, EconomicResource
from valueflows.domain.quantities import Measure
from valueflows.domain.rules import check_id, check_place, check_text, check_time, checked_measure

# -- the records --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Flow:
    """What an intent and a commitment share: a flow that is not (yet) an event."""

    id: str
    action: str
    provider: str | None = None
    receiver: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    resource_quantity: Measure | None = None
    effort_quantity: Measure | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    has_point_in_time: datetime | None = None
    due: datetime | None = None
    finished: bool = False
    note: str | None = None
    agreed_in: str | None = None
    in_scope_of: tuple[str, ...] = ()
    resource_inventoried_as: str | None = None
    resource_conforms_to: str | None = None
    input_of: str | None = None
    output_of: str | None = None
    at_location: str | None = None  # a SpatialThing

    @property
    def quantity(self) -> Measure | None:
        """What progress is counted in: the effort for effort-based flows, else the resource quantity."""
        return self.effort_quantity or self.resource_quantity


@dataclass(frozen=True, slots=True)
class Intent(Flow):
    """An offer (it has a provider) or a request (it has a receiver) that nobody has promised yet."""

    name: str | None = None
    available_quantity: Measure | None = None
    image: str | None = None


@dataclass(frozen=True, slots=True)
class Commitment(Flow):
    """A promise by a provider to a receiver, in a plan, a process or an agreement."""

    clause_of: str | None = None  # the agreement it is a clause of
    independent_demand_of: str | None = None  # the plan it is what the plan is for
    planned_within: str | None = None
    stage: str | None = None  # a process specification
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class Fulfillment:
    """An event fulfils (part of) a commitment, by the quantity given (by default the event's)."""

    id: str
    fulfilled_by: str  # the event
    fulfills: str  # the commitment
    resource_quantity: Measure | None = None
    effort_quantity: Measure | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Satisfaction:
    """An event or a commitment satisfies (part of) an intent."""

    id: str
    satisfies: str  # the intent
    satisfied_by: str  # an event or a commitment
    resource_quantity: Measure | None = None
    effort_quantity: Measure | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """An event settles (part of) a claim, by the quantity given (by default the event's)."""

    id: str
    settles: str  # the claim
    settled_by: str  # the event
    resource_quantity: Measure | None = None
    effort_quantity: Measure | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement between agents: commitments may be its clauses, events realize it (VF `Agreement`)."""

    id: str
    name: str | None = None
    note: str | None = None
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    name: str
    note: str | None = None
    due: datetime | None = None
    created: datetime | None = None
    refinement_of: str | None = None  # a Scenario


# -- the requests -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlowInput:
    action: str
    provider: str | None = None
    receiver: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    resource_quantity: MeasureInput | None = None
    effort_quantity: MeasureInput | None = None
    available_quantity: MeasureInput | None = None  # intents only
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    has_point_in_time: datetime | None = None
    due: datetime | None = None
    finished: bool = False
    note: str | None = None
    name: str | None = None  # intents only
    image: str | None = None  # intents only
    agreed_in: str | None = None
    in_scope_of: tuple[str, ...] = ()
    resource_inventoried_as: str | None = None
    resource_conforms_to: str | None = None
    input_of: str | None = None
    output_of: str | None = None
    clause_of: str | None = None  # commitments only
    independent_demand_of: str | None = None  # commitments only
    planned_within: str | None = None  # commitments only
    stage: str | None = None  # commitments only
    at_location: str | None = None
    id: str | None = None
    created: datetime | None = None  # commitments, kept from another ledger's export (admins only)


@dataclass(frozen=True, slots=True)
class PlanInput:
    name: str | None
    note: str | None = None
    due: datetime | None = None
    id: str | None = None
    refinement_of: str | None = None  # a Scenario
    created: datetime | None = None  # kept from another ledger's export (admins only)


@dataclass(frozen=True, slots=True)
class AgreementInput:
    name: str | None = None
    note: str | None = None
    id: str | None = None
    created: datetime | None = None  # kept from another ledger's export (admins only)


@dataclass(frozen=True)
class PlanningContext:
    """What the rules look up, by id: only the records the request names need to be there."""

    agents: Collection[str] = ()
    units: Collection[str] = ()
    specifications: Collection[str] = ()
    process_specifications: Collection[str] = ()
    processes: Collection[str] = ()
    plans: Collection[str] = ()
    agreements: Collection[str] = ()
    resources: Mapping[str, EconomicResource] = field(default_factory=dict)
    taken: Collection[str] = ()  # ids already used by records of the kind being created
    places: Collection[str] = ()


_COMMITMENT_ONLY = ("clause_of", "clauseOf"), ("independent_demand_of", "independentDemandOf"), (
    "planned_within", "plannedWithin"), ("stage", "stage")
_INTENT_ONLY = ("available_quantity", "availableQuantity"), ("name", "name"), ("image", "image")


class _Checks:
    """Every problem is collected, then refused at once."""

    def __init__(self, ctx: PlanningContext) -> None:
        self.ctx = ctx
        self.problems: list[Problem] = []

    def fail(self, where: str, code: str, message: str) -> None:
        self.problems.append(Problem(where, code, message))

    def ref(self, value: str | None, present: Collection[str], where: str, what: str) -> None:
        if value is not None and value not in present:
            self.fail(where, "unknown_" + what.replace(" ", "_"), f"no {what} with id {value!r}")

    def measure(self, raw: MeasureInput | None, where: str) -> Measure | None:
        return checked_measure(raw, where, self.ctx.units, self.problems)


class _Flow(_Checks):
    """The checks an intent and a commitment share."""

    def __init__(self, request: FlowInput, ctx: PlanningContext, kind: str) -> None:
        super().__init__(ctx)
        self.r, self.kind = request, kind

    def check(self) -> tuple[Action | None, Measure | None, Measure | None]:
        r, ctx = self.r, self.ctx
        check_id(r.id, "id", self.problems)
        if r.id is not None and r.id in ctx.taken:
            self.fail("id", "duplicate_id", f"id {r.id!r} is already used")
        check_text(r.note, "note", MAX_NOTE, self.problems)
        action = ACTIONS.get(r.action)
        if action is None:
            self.fail("action", "unknown_action", f"{r.action!r} is not a ValueFlows action ({', '.join(ACTIONS)})")
        self.ref(r.provider, ctx.agents, "provider", "agent")
        self.ref(r.receiver, ctx.agents, "receiver", "agent")
        self.ref(r.resource_conforms_to, ctx.specifications, "resourceConformsTo", "resource specification")
        self.ref(r.resource_inventoried_as, ctx.resources, "resourceInventoriedAs", "resource")
        self.ref(r.input_of, ctx.processes, "inputOf", "process")
        self.ref(r.output_of, ctx.processes, "outputOf", "process")
        check_place(r.at_location, "atLocation", ctx.places, self.problems)
        for i, scope in enumerate(r.in_scope_of):
            if scope not in ctx.agents and scope not in ctx.processes:
                self.fail(f"inScopeOf[{i}]", "unknown_scope", f"no agent or process with id {scope!r}")
        resource_quantity = self.measure(r.resource_quantity, "resourceQuantity")
        effort_quantity = self.measure(r.effort_quantity, "effortQuantity")
        self.times()
        if action is not None:
            self.process_links(action)
            if action.effort_quantity is Need.FORBIDDEN and r.effort_quantity is not None:
                self.fail("effortQuantity", "forbidden", f"'{action.id}' flows do not take effortQuantity")
        resource = ctx.resources.get(r.resource_inventoried_as or "")
        if resource is not None and r.resource_conforms_to and resource.conforms_to != r.resource_conforms_to:
            self.fail("resourceConformsTo", "mismatch",
                      f"resource {resource.id!r} conforms to {resource.conforms_to!r}, not {r.resource_conforms_to!r}")
        if resource is not None and resource_quantity is not None and resource_quantity.has_unit != resource.unit:
            self.fail("resourceQuantity.hasUnit", "unit_mismatch",
                      f"resource {resource.id!r} is counted in {resource.unit!r}, not {resource_quantity.has_unit!r}")
        return action, resource_quantity, effort_quantity

    def times(self) -> None:
        r = self.r
        for value, where in ((r.has_point_in_time, "hasPointInTime"), (r.has_beginning, "hasBeginning"),
                             (r.has_end, "hasEnd"), (r.due, "due")):
            check_time(value, where, self.problems)
        if r.has_point_in_time is not None and (r.has_beginning is not None or r.has_end is not None):
            self.fail("hasPointInTime", "conflict", "give hasPointInTime or hasBeginning/hasEnd, not both")
        begin, end = r.has_beginning, r.has_end
        if begin is not None and end is not None and begin.utcoffset() is not None and end.utcoffset() is not None \
                and end < begin:
            self.fail("hasEnd", "before_beginning", "hasEnd is before hasBeginning")

    def process_links(self, action: Action) -> None:
        r = self.r
        if r.output_of is not None and action.input_output in (InputOutput.INPUT, InputOutput.NOT_APPLICABLE):
            self.fail("outputOf", "forbidden", f"'{action.id}' is not a process output")
        if r.input_of is not None and action.input_output in (InputOutput.OUTPUT, InputOutput.NOT_APPLICABLE):
            self.fail("inputOf", "forbidden", f"'{action.id}' is not a process input")
        if r.input_of is not None and r.output_of is not None:
            self.fail("outputOf", "conflict", f"a {self.kind} is the input of a process or its output, not both")

    def foreign(self, fields: Iterable[tuple[str, str]], kind: str) -> None:
        for name, where in fields:
            if getattr(self.r, name) not in (None, (), False):
                self.fail(where, "forbidden", f"{where} belongs to {kind}s, not to {self.kind}s")


def check_intent(request: FlowInput, ctx: PlanningContext, new_id: str) -> Intent:
    """An intent from a request, or every problem of the request at once."""
    checks = _Flow(request, ctx, "intent")
    action, resource_quantity, effort_quantity = checks.check()
    checks.foreign(_COMMITMENT_ONLY, "commitment")
    r = request
    if r.provider is None and r.receiver is None:
        checks.fail("provider", "required", "an intent has a provider (an offer) or a receiver (a request)")
    check_text(r.name, "name", MAX_NAME, checks.problems)
    available = checks.measure(r.available_quantity, "availableQuantity")
    if available is not None and resource_quantity is not None and available.has_unit != resource_quantity.has_unit:
        checks.fail("availableQuantity.hasUnit", "unit_mismatch",
                    f"availableQuantity is in {available.has_unit!r}, resourceQuantity in "
                    f"{resource_quantity.has_unit!r}")
    if checks.problems or action is None:
        raise RuleViolation(checks.problems)
    return Intent(
        id=r.id or new_id, action=action.id, provider=r.provider, receiver=r.receiver,
        resource_classified_as=tuple(r.resource_classified_as), resource_quantity=resource_quantity,
        effort_quantity=effort_quantity, has_beginning=r.has_beginning, has_end=r.has_end,
        has_point_in_time=r.has_point_in_time, due=r.due, finished=r.finished, note=r.note, agreed_in=r.agreed_in,
        in_scope_of=tuple(r.in_scope_of), resource_inventoried_as=r.resource_inventoried_as,
        resource_conforms_to=r.resource_conforms_to, input_of=r.input_of, output_of=r.output_of, name=r.name,
        available_quantity=available, image=r.image, at_location=r.at_location)


def check_commitment(request: FlowInput, ctx: PlanningContext, new_id: str, now: datetime) -> Commitment:
    """A commitment from a request, or every problem of the request at once."""
    checks = _Flow(request, ctx, "commitment")
    action, resource_quantity, effort_quantity = checks.check()
    checks.foreign(_INTENT_ONLY, "intent")
    r = request
    for value, where in ((r.provider, "provider"), (r.receiver, "receiver")):
        if value is None:
            checks.fail(where, "required", f"a commitment is a promise from a provider to a receiver: {where} is "
                                           "missing")
    checks.ref(r.clause_of, ctx.agreements, "clauseOf", "agreement")
    checks.ref(r.independent_demand_of, ctx.plans, "independentDemandOf", "plan")
    checks.ref(r.planned_within, ctx.plans, "plannedWithin", "plan")
    checks.ref(r.stage, ctx.process_specifications, "stage", "process specification")
    check_time(r.created, "created", checks.problems)
    if r.resource_quantity is None and r.effort_quantity is None:
        checks.fail("resourceQuantity", "required", "a commitment promises a quantity: give resourceQuantity or "
                                                    "effortQuantity")
    if checks.problems or action is None:
        raise RuleViolation(checks.problems)
    return Commitment(
        id=r.id or new_id, action=action.id, provider=r.provider, receiver=r.receiver,
        resource_classified_as=tuple(r.resource_classified_as), resource_quantity=resource_quantity,
        effort_quantity=effort_quantity, has_beginning=r.has_beginning, has_end=r.has_end,
        has_point_in_time=r.has_point_in_time, due=r.due, finished=r.finished, note=r.note, agreed_in=r.agreed_in,
        in_scope_of=tuple(r.in_scope_of), resource_inventoried_as=r.resource_inventoried_as,
        resource_conforms_to=r.resource_conforms_to, input_of=r.input_of, output_of=r.output_of,
        clause_of=r.clause_of, independent_demand_of=r.independent_demand_of, planned_within=r.planned_within,
        stage=r.stage, created=r.created or now, at_location=r.at_location)


def measure_input(value: Measure | None) -> MeasureInput | None:
    return MeasureInput(value.has_numerical_value, value.has_unit) if value is not None else None


def revised_request(current: Flow, patch: Mapping[str, Any]) -> FlowInput:
    """The request a revision of an intent or a commitment makes: its facts as they are, those `patch` gives
    replaced (None leaves a fact as it is), checked again whole by `check_intent` or `check_commitment`."""
    values: dict[str, Any] = {f.name: getattr(current, f.name) for f in fields(FlowInput)
                              if f.name != "id" and hasattr(current, f.name)}
    for name in ("resource_quantity", "effort_quantity", "available_quantity"):
        if name in values:
            values[name] = measure_input(values[name])
    values.update({k: v for k, v in patch.items() if v is not None})
    return FlowInput(**values)


# -- what happened, against what was promised or wanted --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkInput:
    """A fulfilment (`of` a commitment, `by` an event) or a satisfaction (`of` an intent, `by` an event or a
    commitment); the quantity, when not given, is the whole of `by`'s."""

    of: str
    by: str
    resource_quantity: MeasureInput | None = None
    effort_quantity: MeasureInput | None = None
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class _LinkKind:
    name: str  # fulfillment, satisfaction
    of_field: str  # fulfills, satisfies
    by_field: str  # fulfilledBy, satisfiedBy
    of_kind: str  # commitment, intent
    by_kind: str  # event, "event or commitment"


FULFILLMENT = _LinkKind("fulfillment", "fulfills", "fulfilledBy", "commitment", "event")
SATISFACTION = _LinkKind("satisfaction", "satisfies", "satisfiedBy", "intent", "event or commitment")
SETTLEMENT = _LinkKind("settlement", "settles", "settledBy", "claim", "event")


def _link(request: LinkInput, target: Flow | EconomicClaim | None, source: EconomicEvent | Flow | None,
          kind: _LinkKind,
          units: Collection[str], taken: Collection[str]) -> tuple[Measure | None, Measure | None]:
    """The checks a fulfilment and a satisfaction share; the quantities they carry (resource, effort)."""
    checks = _Checks(PlanningContext(units=units, taken=taken))
    check_id(request.id, "id", checks.problems)
    if request.id is not None and request.id in taken:
        checks.fail("id", "duplicate_id", f"id {request.id!r} is already used")
    check_text(request.note, "note", MAX_NOTE, checks.problems)
    names = (kind.of_field, kind.by_field)
    if target is None:
        checks.fail(kind.of_field, "unknown_" + kind.of_kind, f"no {kind.of_kind} with id {request.of!r}")
    if source is None:
        checks.fail(kind.by_field, "unknown_" + kind.by_kind.replace(" ", "_"),
                    f"no {kind.by_kind} with id {request.by!r}")
    resource = checks.measure(request.resource_quantity, "resourceQuantity")
    effort = checks.measure(request.effort_quantity, "effortQuantity")
    if target is not None and source is not None:
        if source.action != target.action:
            checks.fail(names[1], "action_mismatch",
                        f"{request.by!r} is a {source.action!r} flow; {request.of!r} is about {target.action!r}")
        if request.resource_quantity is None and request.effort_quantity is None:
            resource, effort = source.resource_quantity, source.effort_quantity
        counted = target.quantity
        carried = (effort or resource) if target.effort_quantity is not None else (resource or effort)
        if counted is not None and carried is not None and carried.has_unit != counted.has_unit:
            checks.fail(names[1], "unit_mismatch",
                        f"{request.of!r} is counted in {counted.has_unit!r}, not {carried.has_unit!r}")
    if checks.problems:
        raise RuleViolation(checks.problems)
    return resource, effort


def check_fulfillment(request: LinkInput, commitment: Commitment | None, event: EconomicEvent | None,
                      units: Collection[str], new_id: str, taken: Collection[str] = ()) -> Fulfillment:
    """An event fulfils a commitment of the same action, by a quantity in the commitment's unit."""
    resource, effort = _link(request, commitment, event, FULFILLMENT, units, taken)
    return Fulfillment(request.id or new_id, request.by, request.of, resource, effort, request.note)


def check_settlement(request: LinkInput, claim: EconomicClaim | None, event: EconomicEvent | None,
                     units: Collection[str], new_id: str, taken: Collection[str] = ()) -> Settlement:
    """An event settles a claim of the same action, by a quantity in the claim's unit. A claim the ledger made
    (a dividend, a licence obligation) is settled as the ledger works it out, not by a settlement record."""
    if claim is not None and claim.licence is not None:
        raise RuleViolation([Problem("settles", "settled_by_payments",
                                     "a licence obligation is settled by payments made under the licence (agreedIn "
                                     "it), by date: record the payment")])
    resource, effort = _link(request, claim, event, SETTLEMENT, units, taken)
    return Settlement(request.id or new_id, request.of, request.by, resource, effort, request.note)


def check_satisfaction(request: LinkInput, intent: Intent | None, by: EconomicEvent | Commitment | None,
                       units: Collection[str], new_id: str, taken: Collection[str] = ()) -> Satisfaction:
    """An event or a commitment satisfies an intent of the same action, by a quantity in the intent's unit."""
    resource, effort = _link(request, intent, by, SATISFACTION, units, taken)
    return Satisfaction(request.id or new_id, request.of, request.by, resource, effort, request.note)


@dataclass(frozen=True, slots=True)
class Progress:
    """How much of a commitment (or an intent) is done: in its unit; `over` is what was done beyond it."""

    unit: str | None
    planned: Decimal | None
    done: Decimal
    remaining: Decimal | None
    over: Decimal

    @property
    def complete(self) -> bool:
        return self.remaining == 0


def progress(flow: Flow, links: Iterable[Fulfillment | Satisfaction]) -> Progress:
    """What the links did towards `flow`, counted in the flow's quantity (effort for effort-based flows)."""
    planned = flow.quantity
    use_effort = flow.effort_quantity is not None
    done = Decimal(0)
    for link in links:
        carried = (link.effort_quantity or link.resource_quantity) if use_effort else (
            link.resource_quantity or link.effort_quantity)
        if carried is not None and (planned is None or carried.has_unit == planned.has_unit):
            done += carried.has_numerical_value
    if planned is None:
        return Progress(None, None, done, None, Decimal(0))
    amount = planned.has_numerical_value
    return Progress(planned.has_unit, amount, done, max(amount - done, Decimal(0)), max(done - amount, Decimal(0)))
