"""Recipes, and plans made from them (ValueFlows' recipe module).

A recipe is how a resource is made: recipe processes (the steps, each with its duration), and recipe flows (what
each step consumes, uses, cites or takes as work, and what it produces), each flow about a resource specification
(a "recipe resource": vf-graphql names the specification itself). A design carries its recipe: the flows that
produce the design's specification, and the steps behind them. Recipe exchanges group flows agreed as a whole.

**Plan from recipe**: for N units of a specification, due at a time, made by one agent for another, a plan with a
process per step and a commitment per flow, every quantity scaled by N over what the step makes (what a step cites,
a design, is cited once); steps are scheduled backwards from the due time by their durations; an input consumed that
another step of the recipe makes is planned from that step (recursively); the plan's independent demand is the
delivery of the N units.

Pure: records, the rules that build them (every problem at once), and the explosion of a recipe into a plan.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from dateutil.relativedelta import relativedelta

from valueflows.domain.actions import ACTIONS, InputOutput, Need
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.limits import MAX_NAME, MAX_NOTE
from valueflows.domain.model import Process
from valueflows.domain.planning import Commitment, Plan
from valueflows.domain.quantities import Measure, parse_decimal
from valueflows.domain.rules import check_id, check_text, check_time, checked_measure

TIME_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
MAX_STEPS = 1000  # processes one plan from a recipe may hold (a recipe that loops is refused before)


@dataclass(frozen=True, slots=True)
class RecipeProcess:
    id: str
    name: str
    duration_value: Decimal | None = None  # hasDuration: a number of `duration_unit`
    duration_unit: str | None = None
    process_classified_as: tuple[str, ...] = ()
    note: str | None = None
    process_conforms_to: str | None = None  # a process specification

    @property
    def has_duration(self) -> tuple[Decimal, str] | None:
        """(number, time unit), as linked data says it."""
        return None if self.duration_value is None or self.duration_unit is None else (
            self.duration_value, self.duration_unit)


@dataclass(frozen=True, slots=True)
class RecipeFlow:
    id: str
    action: str
    resource_conforms_to: str
    resource_quantity: Measure | None = None
    effort_quantity: Measure | None = None
    recipe_input_of: str | None = None
    recipe_output_of: str | None = None
    recipe_clause_of: str | None = None
    stage: str | None = None
    state: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RecipeExchange:
    id: str
    name: str
    note: str | None = None


# -- the requests -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RecipeProcessInput:
    name: str | None = None
    duration_value: object = None  # decimal text or a Decimal
    duration_unit: str | None = None
    process_classified_as: tuple[str, ...] = ()
    note: str | None = None
    process_conforms_to: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class RecipeFlowInput:
    action: str
    resource_conforms_to: str | None = None
    resource_quantity: MeasureInput | None = None
    effort_quantity: MeasureInput | None = None
    recipe_input_of: str | None = None
    recipe_output_of: str | None = None
    recipe_clause_of: str | None = None
    stage: str | None = None
    state: str | None = None
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class RecipeContext:
    """The records a request names that exist (only those)."""

    units: Collection[str] = ()
    specifications: Collection[str] = ()
    process_specifications: Collection[str] = ()
    recipe_processes: Collection[str] = ()
    recipe_exchanges: Collection[str] = ()
    taken: Collection[str] = ()


def _start(record_id: str | None, taken: Collection[str], note: str | None) -> list[Problem]:
    problems: list[Problem] = []
    check_id(record_id, "id", problems)
    if record_id is not None and record_id in taken:
        problems.append(Problem("id", "duplicate_id", f"id {record_id!r} is already used"))
    check_text(note, "note", MAX_NOTE, problems)
    return problems


def _name(name: str | None, what: str, problems: list[Problem]) -> None:
    if not (name or "").strip():
        problems.append(Problem("name", "required", f"a {what} needs a name"))
    check_text(name, "name", MAX_NAME, problems)


def check_duration(value: object, unit: str | None, problems: list[Problem], whole_months: bool) -> Decimal | None:
    """A duration (`hasDuration`: a number of a time unit), or None; with `whole_months`, years and months are whole
    (a plan schedules by calendar months)."""
    if value is None and unit is None:
        return None
    duration, problem = parse_decimal(value, "hasDuration.numericDuration")
    if problem is not None:
        problems.append(problem)
    if unit not in TIME_UNITS:
        problems.append(Problem("hasDuration.unitType", "unknown_time_unit",
                                f"{unit!r} is not one of {', '.join(TIME_UNITS)}"))
    elif whole_months and duration is not None and unit in ("year", "month") and duration != duration.to_integral():
        problems.append(Problem("hasDuration.numericDuration", "not_whole",
                                f"a duration in {unit}s is a whole number (or give it in days)"))
    return duration


def check_recipe_process(request: RecipeProcessInput, ctx: RecipeContext, new_id: str) -> RecipeProcess:
    r = request
    problems = _start(r.id, ctx.taken, r.note)
    _name(r.name, "recipe process", problems)
    duration = check_duration(r.duration_value, r.duration_unit, problems, whole_months=True)
    if r.process_conforms_to is not None and r.process_conforms_to not in ctx.process_specifications:
        problems.append(Problem("processConformsTo", "unknown_process_specification",
                                f"no process specification with id {r.process_conforms_to!r}"))
    if problems:
        raise RuleViolation(problems)
    return RecipeProcess(r.id or new_id, (r.name or "").strip(), duration, r.duration_unit if duration is not None
                         else None, tuple(r.process_classified_as), r.note, r.process_conforms_to)


def check_recipe_flow(request: RecipeFlowInput, ctx: RecipeContext, new_id: str) -> RecipeFlow:
    r = request
    problems = _start(r.id, ctx.taken, r.note)
    check_text(r.state, "state", MAX_NAME, problems)
    action = ACTIONS.get(r.action)
    if action is None:
        problems.append(Problem("action", "unknown_action", f"{r.action!r} is not a ValueFlows action"))
    if r.resource_conforms_to is None:
        problems.append(Problem("resourceConformsTo", "required", "a recipe flow is about a resource specification"))
    elif r.resource_conforms_to not in ctx.specifications:
        problems.append(Problem("resourceConformsTo", "unknown_resource_specification",
                                f"no resource specification with id {r.resource_conforms_to!r}"))
    for value, where in ((r.recipe_input_of, "recipeInputOf"), (r.recipe_output_of, "recipeOutputOf")):
        if value is not None and value not in ctx.recipe_processes:
            problems.append(Problem(where, "unknown_recipe_process", f"no recipe process with id {value!r}"))
    if r.recipe_clause_of is not None and r.recipe_clause_of not in ctx.recipe_exchanges:
        problems.append(Problem("recipeClauseOf", "unknown_recipe_exchange",
                                f"no recipe exchange with id {r.recipe_clause_of!r}"))
    if r.stage is not None and r.stage not in ctx.process_specifications:
        problems.append(Problem("stage", "unknown_process_specification",
                                f"no process specification with id {r.stage!r}"))
    if r.recipe_input_of is not None and r.recipe_output_of is not None:
        problems.append(Problem("recipeOutputOf", "conflict", "a recipe flow is a step's input or its output, not "
                                                              "both"))
    if action is not None:
        if r.recipe_output_of is not None and action.input_output in (InputOutput.INPUT, InputOutput.NOT_APPLICABLE):
            problems.append(Problem("recipeOutputOf", "forbidden", f"'{action.id}' is not a process output"))
        if r.recipe_input_of is not None and action.input_output in (InputOutput.OUTPUT, InputOutput.NOT_APPLICABLE):
            problems.append(Problem("recipeInputOf", "forbidden", f"'{action.id}' is not a process input"))
        if action.effort_quantity is Need.FORBIDDEN and r.effort_quantity is not None:
            problems.append(Problem("effortQuantity", "forbidden", f"'{action.id}' flows do not take effortQuantity"))
    resource_quantity = checked_measure(r.resource_quantity, "resourceQuantity", ctx.units, problems)
    effort_quantity = checked_measure(r.effort_quantity, "effortQuantity", ctx.units, problems)
    if r.resource_quantity is None and r.effort_quantity is None:
        problems.append(Problem("resourceQuantity", "required", "a recipe flow says how much: give resourceQuantity "
                                                                "or effortQuantity"))
    for m, where in ((resource_quantity, "resourceQuantity"), (effort_quantity, "effortQuantity")):
        if m is not None and m.has_numerical_value < 0:
            problems.append(Problem(where + ".hasNumericalValue", "negative", "a recipe quantity is not negative"))
    if problems or action is None or r.resource_conforms_to is None:
        raise RuleViolation(problems)
    return RecipeFlow(r.id or new_id, action.id, r.resource_conforms_to, resource_quantity, effort_quantity,
                      r.recipe_input_of, r.recipe_output_of, r.recipe_clause_of, r.stage, r.state, r.note)


def check_recipe_exchange(name: str | None, note: str | None, record_id: str | None, taken: Collection[str],
                          new_id: str) -> RecipeExchange:
    problems = _start(record_id, taken, note)
    _name(name, "recipe exchange", problems)
    if problems:
        raise RuleViolation(problems)
    return RecipeExchange(record_id or new_id, (name or "").strip(), note)


# -- plan from recipe ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecipeBook:
    """The part of the recipes a plan reads: every recipe process it may reach, and their flows."""

    processes: Mapping[str, RecipeProcess] = field(default_factory=dict)
    flows: tuple[RecipeFlow, ...] = ()

    def producers(self, specification: str) -> list[str]:
        """The recipe processes with an output of this specification."""
        return sorted({f.recipe_output_of for f in self.flows
                       if f.recipe_output_of is not None and f.resource_conforms_to == specification
                       and f.resource_quantity is not None})

    def inputs(self, process: str) -> list[RecipeFlow]:
        return [f for f in self.flows if f.recipe_input_of == process]

    def outputs(self, process: str) -> list[RecipeFlow]:
        return [f for f in self.flows if f.recipe_output_of == process]


@dataclass(frozen=True, slots=True)
class PlanRequest:
    output: str  # the resource specification to make
    quantity: object  # how many (decimal text or a Decimal), in the recipe's unit for it
    due: datetime
    provider: str  # who makes it (and commits every step)
    receiver: str  # who receives it (the independent demand)
    name: str | None = None
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class PlannedFromRecipe:
    plan: Plan
    processes: tuple[Process, ...]
    commitments: tuple[Commitment, ...]  # the independent demand first


def _duration(step: RecipeProcess) -> timedelta | relativedelta:
    value, unit = step.duration_value, step.duration_unit
    if value is None or unit is None:
        return timedelta(0)
    if unit == "year":
        return relativedelta(years=int(value))
    if unit == "month":
        return relativedelta(months=int(value))
    seconds = {"week": 604800, "day": 86400, "hour": 3600, "minute": 60, "second": 1}[unit]
    return timedelta(seconds=float(value * seconds))


SCALE_PLACES = Decimal("0.000001")  # a scaled quantity that does not divide exactly is rounded up at the sixth place


@dataclass(frozen=True, slots=True)
class Scale:
    """`amount` wanted of what a run of a step makes `per_run` of: each flow of the step times amount / per_run,
    multiplied first and divided last, exact when it divides, else rounded up (never planned short)."""

    amount: Decimal
    per_run: Decimal

    def of(self, value: Decimal) -> Decimal:
        exact = value * self.amount / self.per_run
        if exact * self.per_run == value * self.amount:
            return exact.normalize() if exact != exact.to_integral() else exact.quantize(Decimal(1))
        return exact.quantize(SCALE_PLACES, rounding=ROUND_CEILING)

    def measure(self, m: Measure | None) -> Measure | None:
        return Measure(self.of(m.has_numerical_value), m.has_unit) if m is not None else None


def _made(book: RecipeBook, step: str, specification: str) -> Measure:
    flow = next(f for f in book.outputs(step) if f.resource_conforms_to == specification
                and f.resource_quantity is not None)
    assert flow.resource_quantity is not None
    return flow.resource_quantity


def plan_from_recipe(request: PlanRequest, book: RecipeBook, agents: Collection[str], now: datetime,
                     new_id: Callable[[], str], taken_plan_ids: Collection[str] = ()) -> PlannedFromRecipe:
    """The plan, processes and commitments that make `request.quantity` of `request.output`, or every problem of
    the request (and of the recipe it would follow) at once."""
    r = request
    problems = _start(r.id, taken_plan_ids, r.note)
    check_text(r.name, "name", MAX_NAME, problems)
    check_time(r.due, "due", problems)
    for value, where in ((r.provider, "provider"), (r.receiver, "receiver")):
        if value not in agents:
            problems.append(Problem(where, "unknown_agent", f"no agent with id {value!r}"))
    quantity, problem = parse_decimal(r.quantity, "quantity")
    if problem is not None:
        problems.append(problem)
    elif quantity is not None and quantity <= 0:
        problems.append(Problem("quantity", "not_positive", "a plan makes more than nothing"))
    top = book.producers(r.output)
    if not top:
        problems.append(Problem("output", "no_recipe", f"no recipe process produces {r.output!r} (with a quantity)"))
    elif len(top) > 1:
        problems.append(Problem("output", "ambiguous_recipe",
                                f"{len(top)} recipe processes produce {r.output!r}: {', '.join(top)}; keep one"))
    if problems or quantity is None:
        raise RuleViolation(problems)

    plan = Plan(r.id or new_id(), r.name or f"{quantity.normalize():f} of {r.output}", r.note, r.due, now)
    processes: list[Process] = []
    commitments: list[Commitment] = []
    unit = _made(book, top[0], r.output).has_unit
    commitments.append(Commitment(
        new_id(), "transfer", r.provider, r.receiver, resource_quantity=Measure(quantity, unit),
        resource_conforms_to=r.output, due=r.due, independent_demand_of=plan.id, planned_within=plan.id,
        created=now))

    def commit(flow: RecipeFlow, scale: Scale, when: datetime, input_of: str | None = None,
               output_of: str | None = None) -> None:
        if flow.action == "cite":  # a design is cited once, however many are made from it
            scale = Scale(Decimal(1), Decimal(1))
        commitments.append(Commitment(
            new_id(), flow.action, r.provider, r.provider, resource_quantity=scale.measure(flow.resource_quantity),
            effort_quantity=scale.measure(flow.effort_quantity), resource_conforms_to=flow.resource_conforms_to,
            due=when, note=flow.note, input_of=input_of, output_of=output_of, planned_within=plan.id,
            stage=flow.stage, created=now))

    def make(step_id: str, specification: str, amount: Decimal, end: datetime, path: tuple[str, ...]) -> None:
        if step_id in path:
            raise RuleViolation([Problem("output", "recipe_loop", "the recipe loops: " + " → ".join(
                (*path[path.index(step_id):], step_id)))])
        if len(processes) >= MAX_STEPS:
            raise RuleViolation([Problem("output", "too_many_steps", f"a plan from a recipe holds at most "
                                                                      f"{MAX_STEPS} processes")])
        step = book.processes[step_id]
        per_run = _made(book, step_id, specification).has_numerical_value
        if per_run == 0:
            raise RuleViolation([Problem("output", "recipe_makes_nothing",
                                         f"recipe process {step_id!r} makes 0 of {specification!r}")])
        scale = Scale(amount, per_run)
        begin = end - _duration(step)
        process = Process(new_id(), step.name, step.note, begin, end, classified_as=step.process_classified_as,
                          based_on=step.process_conforms_to)
        processes.append(process)
        for flow in book.outputs(step_id):
            commit(flow, scale, end, output_of=process.id)
        for flow in book.inputs(step_id):
            commit(flow, scale, begin, input_of=process.id)
            if flow.action == "consume" and flow.resource_quantity is not None:
                below = book.producers(flow.resource_conforms_to)
                if len(below) > 1:
                    raise RuleViolation([Problem("output", "ambiguous_recipe", f"{len(below)} recipe processes "
                                                 f"produce {flow.resource_conforms_to!r}: {', '.join(below)}")])
                if below:
                    make(below[0], flow.resource_conforms_to, scale.of(flow.resource_quantity.has_numerical_value),
                         begin, (*path, step_id))

    make(top[0], r.output, quantity, r.due, ())
    return PlannedFromRecipe(plan, tuple(processes), tuple(commitments))

