"""The rules every event passes before the ledger accepts it.

`check_event(request, context, new_id)` is pure: `context` holds every record the request names (the store
loads them), and the answer is either an `EventPlan` (the event as accepted, resources to create, resources
whose quantities change) or a `RuleViolation` listing every problem found, each naming its field.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal

from valueflows.domain.actions import ACTIONS, Action, Effect, InputOutput, Need
from valueflows.domain.effects import QuantityChange, combine, event_effects, negate
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.domain.limits import MAX_ID, MAX_IMAGES, MAX_IRI, MAX_NAME, MAX_NOTE
from valueflows.domain.model import (
    REMOTE_AGENT,
    Agent,
    EconomicEvent,
    EconomicResource,
    Process,
    ResourceSpecification,
    Unit,
    moment,
)
from valueflows.domain.periods import ClosedPeriod, event_period_problems
from valueflows.domain.quantities import Measure, canonical, parse_decimal

# Actions by which an agent of another node may give what this ledger does not hold (payments from its node).
REMOTE_PAYS = frozenset({"transfer", "transferAllRights"})
ID_PATTERN = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._:~-]{{0,{MAX_ID - 1}}}$")


NO_TIME = "an event needs a time (hasPointInTime, or hasBeginning/hasEnd)"


def receiving_side(event_id: str) -> str:
    """The id of the resource a transfer into no named resource creates for the receiver."""
    return f"{event_id}.to"


def created_resource(event_id: str) -> str:
    """The id of the resource a produce, raise or copy creates when it names none."""
    return f"{event_id}.resource"


@dataclass(frozen=True)
class EventContext:
    """The records an event request refers to, as the store found them (missing ids are simply absent)."""

    agents: Mapping[str, Agent] = field(default_factory=dict)
    resources: Mapping[str, EconomicResource] = field(default_factory=dict)
    specs: Mapping[str, ResourceSpecification] = field(default_factory=dict)
    processes: Mapping[str, Process] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    # Events the request names (corrects, triggeredBy) and the chain of events those correct.
    events: Mapping[str, EconomicEvent] = field(default_factory=dict)
    # For each event in `events`: the id of the event that already corrects it, if any.
    corrected_by: Mapping[str, str] = field(default_factory=dict)
    # Ids the request wants to use that are already taken by some record.
    taken_ids: frozenset[str] = frozenset()
    # Product batches (lots) the request names that exist.
    batches: frozenset[str] = frozenset()
    # The closed periods of the organizations the event is by or for (provider, receiver, scopes).
    closed: Mapping[str, tuple[ClosedPeriod, ...]] = field(default_factory=dict)
    # Places (SpatialThings) the request names that exist.
    places: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EventPlan:
    event: EconomicEvent
    new_resources: tuple[EconomicResource, ...]
    updated_resources: tuple[EconomicResource, ...]  # quantities after the event, for existing resources


def check_id(value: str | None, field_name: str, problems: list[Problem]) -> None:
    if value is not None and not ID_PATTERN.match(value):
        problems.append(Problem(field_name, "bad_id", f"{value!r} is not a valid id (letters, digits, . _ : ~ -)"))


def check_images(values: Collection[str], field_name: str, problems: list[Problem]) -> None:
    """A list of image addresses: at most MAX_IMAGES, each an IRI of at most MAX_IRI characters."""
    if len(values) > MAX_IMAGES:
        problems.append(Problem(field_name, "too_many", f"at most {MAX_IMAGES} images"))
    for value in values:
        if not value.strip() or len(value) > MAX_IRI or any(c.isspace() for c in value):
            problems.append(Problem(field_name, "bad_iri", f"{value[:80]!r} is not an image address"))
            break


def text_fault(value: str) -> str | None:
    """Why a text cannot be stored as it is, or None: NUL, which PostgreSQL refuses in text, and lone surrogates
    (half of a UTF-16 pair, e.g. a JSON `"\\ud800"`), which are not Unicode characters and no database can store."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"is not valid Unicode text (a lone surrogate at character {exc.start})"
    return None


def check_text(value: str | None, field_name: str, limit: int, problems: list[Problem]) -> None:
    if value is not None and len(value) > limit:
        problems.append(Problem(field_name, "too_long", f"longer than {limit} characters"))
    fault = text_fault(value) if value is not None else None
    if fault is not None:
        problems.append(Problem(field_name, "bad_text", fault))


def checked_measure(raw: MeasureInput | None, where: str, units: Collection[str],
                    problems: list[Problem]) -> Measure | None:
    """A measure a request gives (decimal text and a unit the ledger holds), or None with its problems added."""
    if raw is None:
        return None
    number, problem = parse_decimal(raw.has_numerical_value, where + ".hasNumericalValue")
    if problem is not None:
        problems.append(problem)
    if raw.has_unit not in units:
        problems.append(Problem(where + ".hasUnit", "unknown_unit", f"no unit with id {raw.has_unit!r}"))
    return Measure(number, raw.has_unit) if number is not None and raw.has_unit in units else None


def check_place(place: str | None, where: str, places: Collection[str], problems: list[Problem]) -> None:
    """A location a record names is a place (a SpatialThing) the ledger holds."""
    if place is not None and place not in places:
        problems.append(Problem(where, "unknown_spatial_thing", f"no spatial thing (place) with id {place!r}"))


def check_time(value: datetime | None, field_name: str, problems: list[Problem]) -> None:
    if value is not None and value.utcoffset() is None:
        problems.append(Problem(field_name, "no_timezone", "a date-time needs a time zone (e.g. 2026-03-01T09:00:00Z)"))


class _Checker:
    def __init__(self, request: EventInput, ctx: EventContext, new_id: str) -> None:
        self.r = request
        self.ctx = ctx
        self.new_id = request.id or new_id
        self.problems: list[Problem] = []

    def fail(self, field_name: str, code: str, message: str) -> None:
        self.problems.append(Problem(field_name, code, message))

    # -- references ---------------------------------------------------------------------------------------
    def ref(self, value: str | None, table: Mapping[str, object], field_name: str, kind: str) -> bool:
        if value is None:
            return False
        if value not in table:
            self.fail(field_name, "unknown_" + kind.replace(" ", "_"), f"no {kind} with id {value!r}")
            return False
        return True

    def measure(self, raw: MeasureInput | None, field_name: str) -> Measure | None:
        if raw is None:
            return None
        number, problem = parse_decimal(raw.has_numerical_value, field_name + ".hasNumericalValue")
        if problem:
            self.problems.append(problem)
        unit_ok = self.ref(raw.has_unit, self.ctx.units, field_name + ".hasUnit", "unit")
        if number is None or not unit_ok:
            return None
        return Measure(number, raw.has_unit)

    def need(self, action: Action, need: Need, present: bool, field_name: str) -> None:
        if need is Need.REQUIRED and not present:
            self.fail(field_name, "required", f"'{action.id}' events need {field_name}")
        if need is Need.FORBIDDEN and present:
            self.fail(field_name, "forbidden", f"'{action.id}' events do not take {field_name}")

    # -- the rules ----------------------------------------------------------------------------------------
    def run(self) -> EventPlan:
        r, ctx = self.r, self.ctx
        check_id(r.id, "id", self.problems)
        if r.id is not None and r.id in ctx.taken_ids:
            self.fail("id", "duplicate_id", f"id {r.id!r} is already used")
        check_text(r.note, "note", MAX_NOTE, self.problems)
        action = ACTIONS.get(r.action)
        if action is None:
            self.fail("action", "unknown_action", f"{r.action!r} is not a ValueFlows action ({', '.join(ACTIONS)})")
        self.ref(r.provider, ctx.agents, "provider", "agent")
        self.ref(r.receiver, ctx.agents, "receiver", "agent")
        resource = ctx.resources.get(r.resource_inventoried_as or "")
        self.ref(r.resource_inventoried_as, ctx.resources, "resourceInventoriedAs", "resource")
        self.ref(r.to_resource_inventoried_as, ctx.resources, "toResourceInventoriedAs", "resource")
        self.ref(r.resource_conforms_to, ctx.specs, "resourceConformsTo", "resource specification")
        self.ref(r.input_of, ctx.processes, "inputOf", "process")
        self.ref(r.output_of, ctx.processes, "outputOf", "process")
        self.ref(r.triggered_by, ctx.events, "triggeredBy", "event")
        for i, scope in enumerate(r.in_scope_of):
            if scope not in ctx.agents and scope not in ctx.processes:
                self.fail(f"inScopeOf[{i}]", "unknown_scope", f"no agent or process with id {scope!r}")
        for place, where in ((r.at_location, "atLocation"), (r.to_location, "toLocation"),
                             (r.new_resource.current_location if r.new_resource else None,
                              "newInventoriedResource.currentLocation")):
            check_place(place, where, ctx.places, self.problems)
        resource_quantity = self.measure(r.resource_quantity, "resourceQuantity")
        effort_quantity = self.measure(r.effort_quantity, "effortQuantity")
        self.times()
        if action is None:
            raise RuleViolation(self.problems)

        correcting = self.correction(action)
        resource_id = r.resource_inventoried_as or (correcting.resource_inventoried_as if correcting else None)
        to_id = r.to_resource_inventoried_as or (correcting.to_resource_inventoried_as if correcting else None)
        resource = ctx.resources.get(resource_id or "")
        self.fields(action, resource_id, to_id, correcting)
        self.process_links(action)
        self.units(action, resource, resource_quantity, effort_quantity)
        self.rights(action, resource)
        self.periods(correcting)
        if r.resource_conforms_to and resource and resource.conforms_to != r.resource_conforms_to:
            self.fail("resourceConformsTo", "mismatch",
                      f"resource {resource.id!r} conforms to {resource.conforms_to!r}, not {r.resource_conforms_to!r}")
        new_resources: list[EconomicResource] = []
        if self.problems:
            raise RuleViolation(self.problems)

        if resource is None and action.creates_resource and resource_quantity is not None and correcting is None:
            resource = self.create_resource(action, resource_quantity, effort_quantity)
            if resource is not None:
                new_resources.append(resource)
                resource_id = resource.id
        to_resource = ctx.resources.get(to_id or "")
        if resource is not None and to_resource is None and action.to_resource is Need.OPTIONAL:
            to_resource = self.create_to_resource(action, resource)
            new_resources.append(to_resource)
            to_id = to_resource.id
        if self.problems:
            raise RuleViolation(self.problems)

        event = EconomicEvent(
            id=self.new_id, action=action.id, provider=r.provider, receiver=r.receiver,
            resource_inventoried_as=resource_id, to_resource_inventoried_as=to_id,
            resource_conforms_to=r.resource_conforms_to or (resource.conforms_to if resource else None),
            resource_classified_as=tuple(r.resource_classified_as), resource_quantity=resource_quantity,
            effort_quantity=effort_quantity, has_point_in_time=r.has_point_in_time, has_beginning=r.has_beginning,
            has_end=r.has_end, input_of=r.input_of, output_of=r.output_of, note=r.note, corrects=r.corrects,
            triggered_by=r.triggered_by, agreed_in=r.agreed_in, realization_of=r.realization_of,
            in_scope_of=tuple(r.in_scope_of), prior_period=r.prior_period, at_location=r.at_location,
            to_location=r.to_location,
        )
        changes = event_effects(event)
        if correcting is not None:
            changes = negate(event_effects(correcting)) + changes
        updated = self.apply(changes, {res.id: res for res in new_resources})
        if self.problems:
            raise RuleViolation(self.problems)
        fresh = {res.id for res in new_resources}
        return EventPlan(
            event=event,
            new_resources=tuple(updated.get(res.id, res) for res in new_resources),
            updated_resources=tuple(res for rid, res in updated.items() if rid not in fresh),
        )

    def periods(self, correcting: EconomicEvent | None) -> None:
        """Nothing is recorded in, nor corrected of, a closed period: it is adjusted from the open one."""
        r = self.r
        when = moment(r.has_point_in_time, r.has_end, r.has_beginning)
        if when is None or when.utcoffset() is None:
            return
        parties = (r.provider, r.receiver, *r.in_scope_of)
        self.problems.extend(event_period_problems(
            when.astimezone(UTC).date(), parties, self.ctx.closed,
            correcting.when.astimezone(UTC).date() if correcting is not None else None, r.prior_period))

    def times(self) -> None:
        r = self.r
        check_time(r.has_point_in_time, "hasPointInTime", self.problems)
        check_time(r.has_beginning, "hasBeginning", self.problems)
        check_time(r.has_end, "hasEnd", self.problems)
        if moment(r.has_point_in_time, r.has_end, r.has_beginning) is None:
            self.fail("hasPointInTime", "required", NO_TIME)
        if r.has_point_in_time is not None and (r.has_beginning is not None or r.has_end is not None):
            self.fail("hasPointInTime", "conflict", "give hasPointInTime or hasBeginning/hasEnd, not both")
        if (
            r.has_beginning is not None and r.has_end is not None
            and r.has_beginning.utcoffset() is not None and r.has_end.utcoffset() is not None
            and r.has_end < r.has_beginning
        ):
            self.fail("hasEnd", "before_beginning", "hasEnd is before hasBeginning")

    def correction(self, action: Action) -> EconomicEvent | None:
        r, ctx = self.r, self.ctx
        if r.corrects is None:
            return None
        target = ctx.events.get(r.corrects)
        if target is None:
            self.fail("corrects", "unknown_event", f"no event with id {r.corrects!r}")
            return None
        if r.corrects in ctx.corrected_by:
            later = ctx.corrected_by[r.corrects]
            self.fail("corrects", "already_corrected",
                      f"event {r.corrects!r} is already corrected by {later!r}; correct {later!r} instead")
        seen = {self.new_id}
        current: str | None = target.id
        while current is not None:
            if current in seen:
                self.fail("corrects", "correction_loop", f"correcting {r.corrects!r} would close a loop of corrections")
                break
            seen.add(current)
            step = ctx.events.get(current)
            current = step.corrects if step is not None else None
        if target.action != action.id:
            self.fail("action", "correction_changes_action",
                      f"a correction keeps the action of {target.id!r} ('{target.action}'); "
                      "to change it, correct the event to zero and record a new one")
        for name, mine, theirs in (
            ("resourceInventoriedAs", r.resource_inventoried_as, target.resource_inventoried_as),
            ("toResourceInventoriedAs", r.to_resource_inventoried_as, target.to_resource_inventoried_as),
        ):
            if mine is not None and mine != theirs:
                self.fail(name, "correction_changes_resource",
                          f"a correction keeps the resource of {target.id!r} ({theirs!r})")
        if r.new_resource is not None:
            self.fail("newInventoriedResource", "forbidden", "a correction cannot create a resource")
        return target

    def fields(self, action: Action, resource_id: str | None, to_id: str | None,
               correcting: EconomicEvent | None) -> None:
        r = self.r
        self.need(action, action.resource_quantity, r.resource_quantity is not None, "resourceQuantity")
        self.need(action, action.effort_quantity, r.effort_quantity is not None, "effortQuantity")
        creates = action.creates_resource and correcting is None
        resource_need = action.resource_inventoried_as
        provider = self.ctx.agents.get(r.provider)
        if provider is not None and REMOTE_AGENT in provider.classified_as and action.id in REMOTE_PAYS:
            resource_need = Need.OPTIONAL  # what it gives is its node's resource: not one of this ledger's
        if creates and resource_id is None and r.new_resource is None:
            self.fail("resourceInventoriedAs", "required",
                      f"'{action.id}' events need resourceInventoriedAs or a newInventoriedResource to create")
        elif not creates or resource_id is not None:
            self.need(action, resource_need, resource_id is not None, "resourceInventoriedAs")
        if r.new_resource is not None and (not action.creates_resource or resource_id is not None):
            if action.creates_resource:
                self.fail("newInventoriedResource", "conflict",
                          "give resourceInventoriedAs or newInventoriedResource, not both")
            else:
                self.fail("newInventoriedResource", "forbidden", f"'{action.id}' events do not create resources")
        self.need(action, action.to_resource, to_id is not None, "toResourceInventoriedAs")
        if action.id in ("use", "deliverService") and r.resource_quantity is None and r.effort_quantity is None:
            self.fail("effortQuantity", "required", f"'{action.id}' events need effortQuantity or resourceQuantity")
        if action.id in ("use", "cite") and resource_id is None and r.resource_conforms_to is None:
            self.fail("resourceInventoriedAs", "required",
                      f"'{action.id}' events need resourceInventoriedAs or resourceConformsTo")
        if to_id is not None and to_id == resource_id:
            self.fail("toResourceInventoriedAs", "same_resource", "the 'to' resource is the resource itself")

    def process_links(self, action: Action) -> None:
        r = self.r
        io = action.input_output
        if r.output_of is not None and io in (InputOutput.INPUT, InputOutput.NOT_APPLICABLE):
            self.fail("outputOf", "forbidden", f"'{action.id}' is not a process output")
        if r.input_of is not None and io in (InputOutput.OUTPUT, InputOutput.NOT_APPLICABLE):
            self.fail("inputOf", "forbidden", f"'{action.id}' is not a process input")
        if action.needs_process and r.input_of is None and r.output_of is None:
            field_name = "inputOf" if io is InputOutput.INPUT else "outputOf"
            self.fail(field_name, "required", f"'{action.id}' happens in a process (pairs with '{action.pairs_with}')")

    def units(self, action: Action, resource: EconomicResource | None,
              resource_quantity: Measure | None, effort_quantity: Measure | None) -> None:
        ctx, r = self.ctx, self.r
        spec = ctx.specs.get(r.resource_conforms_to or (resource.conforms_to if resource else ""))
        if resource_quantity is not None:
            expected = resource.unit if resource else (spec.default_unit_of_resource if spec else None)
            if expected is not None and resource_quantity.has_unit != expected:
                owner = f"resource {resource.id!r}" if resource else f"specification {spec.id!r}"  # type: ignore[union-attr]
                self.fail("resourceQuantity.hasUnit", "unit_mismatch",
                          f"{owner} is counted in {expected!r}, not {resource_quantity.has_unit!r}")
            to = ctx.resources.get(r.to_resource_inventoried_as or "")
            if to is not None and to.unit != resource_quantity.has_unit:
                self.fail("resourceQuantity.hasUnit", "unit_mismatch",
                          f"'to' resource {to.id!r} is counted in {to.unit!r}, not {resource_quantity.has_unit!r}")
        if effort_quantity is not None:
            expected = (resource.unit_of_effort if resource else None) or (
                spec.default_unit_of_effort if spec else None)
            if expected is not None and effort_quantity.has_unit != expected:
                self.fail("effortQuantity.hasUnit", "unit_mismatch",
                          f"effort here is counted in {expected!r}, not {effort_quantity.has_unit!r}")
            unit = ctx.units[effort_quantity.has_unit]
            if action.id == "work" and unit.dimension != "time":
                self.fail("effortQuantity.hasUnit", "unit_mismatch",
                          f"work is measured in time, and {unit.id!r} is a unit of {unit.dimension}")

    def rights(self, action: Action, resource: EconomicResource | None) -> None:
        if resource is None:
            return
        r = self.r
        if action.resource_effect is Effect.DECREMENT_INCREMENT and r.provider != resource.primary_accountable:
            self.fail("provider", "not_accountable",
                      f"{r.provider!r} is not the primary accountable of {resource.id!r} "
                      f"({resource.primary_accountable!r}) and cannot pass on its rights")
        elif (action.onhand_effect is Effect.DECREMENT_INCREMENT
              and action.resource_effect is not Effect.DECREMENT_INCREMENT and r.provider != resource.custodian):
            self.fail("provider", "not_custodian",
                      f"{r.provider!r} is not the custodian of {resource.id!r} ({resource.custodian!r})")

    def create_resource(self, action: Action, quantity: Measure, effort: Measure | None) -> EconomicResource | None:
        r, ctx = self.r, self.ctx
        spec_id = (r.new_resource.conforms_to if r.new_resource else None) or r.resource_conforms_to
        new = r.new_resource
        if new is None:
            return None
        check_images(new.image_list, "newInventoriedResource.imageList", self.problems)
        if spec_id is None:
            self.fail("newInventoriedResource.conformsTo", "required", "a new resource needs a resource specification")
            return None
        if not self.ref(spec_id, ctx.specs, "newInventoriedResource.conformsTo", "resource specification"):
            return None
        check_id(new.id, "newInventoriedResource.id", self.problems)
        if new.id is not None and new.id in ctx.taken_ids:
            self.fail("newInventoriedResource.id", "duplicate_id", f"id {new.id!r} is already used")
        check_text(new.name, "newInventoriedResource.name", MAX_NAME, self.problems)
        check_text(new.note, "newInventoriedResource.note", MAX_NOTE, self.problems)
        spec = ctx.specs[spec_id]
        name = (new.name or "").strip() or spec.name
        self.ref(new.contained_in, ctx.resources, "newInventoriedResource.containedIn", "resource")
        self.ref(new.unit_of_effort, ctx.units, "newInventoriedResource.unitOfEffort", "unit")
        if new.lot is not None and new.lot not in ctx.batches:
            self.fail("newInventoriedResource.lot", "unknown_product_batch", f"no product batch with id {new.lot!r}")
        if spec.default_unit_of_resource and spec.default_unit_of_resource != quantity.has_unit:
            self.fail("resourceQuantity.hasUnit", "unit_mismatch",
                      f"specification {spec_id!r} is counted in {spec.default_unit_of_resource!r}, "
                      f"not {quantity.has_unit!r}")
        return EconomicResource(
            id=new.id or created_resource(self.new_id), name=name, conforms_to=spec_id, unit=quantity.has_unit,
            accounting_quantity=Decimal(0), onhand_quantity=Decimal(0), primary_accountable=r.receiver,
            custodian=r.receiver, unit_of_effort=new.unit_of_effort or spec.default_unit_of_effort,
            licence=new.licence, tracking_identifier=new.tracking_identifier,
            classified_as=tuple(new.classified_as), note=new.note, image=new.image, lot=new.lot,
            image_list=tuple(new.image_list),
            contained_in=new.contained_in, current_location=new.current_location or r.at_location,
        )

    def create_to_resource(self, action: Action, source: EconomicResource) -> EconomicResource:
        r = self.r
        rights_move = action.resource_effect is Effect.DECREMENT_INCREMENT and action.id != "move"
        custody_moves = action.onhand_effect is Effect.DECREMENT_INCREMENT and action.id != "move"
        return replace(
            source, id=receiving_side(self.new_id),
            name=(r.new_resource.name if r.new_resource else None) or source.name,
            accounting_quantity=Decimal(0), onhand_quantity=Decimal(0),
            primary_accountable=r.receiver if rights_move else source.primary_accountable,
            custodian=r.receiver if custody_moves else source.custodian, contained_in=None,
            current_location=r.to_location or source.current_location,
        )

    def apply(self, changes: list[QuantityChange], fresh: dict[str, EconomicResource]) -> dict[str, EconomicResource]:
        updated: dict[str, EconomicResource] = {}
        for rid, (d_acc, d_onhand) in combine(changes).items():
            res = fresh.get(rid) or self.ctx.resources[rid]
            acc, onhand = res.accounting_quantity + d_acc, res.onhand_quantity + d_onhand
            if (acc < 0 and d_acc < 0) or (onhand < 0 and d_onhand < 0):
                label, before, after = ("onhand", res.onhand_quantity, onhand) if onhand < 0 else (
                    "accounting", res.accounting_quantity, acc)
                self.fail("resourceQuantity", "below_zero",
                          f"resource {rid!r} has {canonical(before)} {res.unit} {label}; "
                          f"this event would take it to {canonical(after)}")
            updated[rid] = replace(res, accounting_quantity=acc, onhand_quantity=onhand)
        return updated


def check_event(request: EventInput, context: EventContext, new_id: str) -> EventPlan:
    """Accept `request` as an event with id `request.id or new_id`, or raise RuleViolation naming every problem."""
    return _Checker(request, context, new_id).run()
