"""Recipes and plans made from them, in the pure core: the rules of recipe records, and the explosion of a recipe
into processes and commitments (scaled exactly, scheduled backwards, planned through what steps consume)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import MeasureInput
from valueflows.domain.quantities import Measure
from valueflows.domain.recipes import (
    PlanRequest,
    RecipeBook,
    RecipeContext,
    RecipeFlow,
    RecipeFlowInput,
    RecipeProcess,
    RecipeProcessInput,
    Scale,
    check_recipe_flow,
    check_recipe_process,
    plan_from_recipe,
)

DUE = datetime(2027, 3, 1, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def ids() -> Callable[[], str]:
    numbers = count(1)
    return lambda: f"x{next(numbers)}"


def book() -> RecipeBook:
    """A seed drill: assembled in 2 days from a frame, steel and 16 hours; a frame welded in a day from steel."""
    kg, one, hour = "kilogram", "one", "hour"
    return RecipeBook(
        {"assemble": RecipeProcess("assemble", "Assemble a seed drill", Decimal(2), "day", process_conforms_to="asm"),
         "weld": RecipeProcess("weld", "Weld a frame", Decimal(1), "day")},
        (RecipeFlow("f1", "produce", "seed-drill", Measure(Decimal(1), one), recipe_output_of="assemble"),
         RecipeFlow("f2", "consume", "frame", Measure(Decimal(1), one), recipe_input_of="assemble"),
         RecipeFlow("f3", "consume", "steel", Measure(Decimal("20.5"), kg), recipe_input_of="assemble"),
         RecipeFlow("f4", "work", "welding", effort_quantity=Measure(Decimal(16), hour), recipe_input_of="assemble"),
         RecipeFlow("f5", "produce", "frame", Measure(Decimal(1), one), recipe_output_of="weld"),
         RecipeFlow("f6", "consume", "steel", Measure(Decimal(12), kg), recipe_input_of="weld"),
         RecipeFlow("f7", "use", "welder", effort_quantity=Measure(Decimal(6), hour), recipe_input_of="weld")))


def test_a_plan_for_three_seed_drills() -> None:
    made = plan_from_recipe(PlanRequest("seed-drill", "3", DUE, "atelier", "farm"), book(), {"atelier", "farm"},
                            NOW, ids())
    assert made.plan.name == "3 of seed-drill" and made.plan.due == DUE
    assemble, weld = made.processes
    assert (assemble.name, assemble.has_end, assemble.has_beginning, assemble.based_on) == (
        "Assemble a seed drill", DUE, DUE - timedelta(days=2), "asm")
    assert (weld.has_end, weld.has_beginning) == (DUE - timedelta(days=2), DUE - timedelta(days=3))
    demand, *steps = made.commitments
    assert (demand.action, demand.provider, demand.receiver, demand.independent_demand_of) == (
        "transfer", "atelier", "farm", made.plan.id)
    assert demand.resource_quantity == Measure(Decimal(3), "one")
    planned = {(c.action, c.resource_conforms_to, c.input_of or c.output_of): c.quantity for c in steps}
    assert planned == {
        ("produce", "seed-drill", assemble.id): Measure(Decimal(3), "one"),
        ("consume", "frame", assemble.id): Measure(Decimal(3), "one"),
        ("consume", "steel", assemble.id): Measure(Decimal("61.5"), "kilogram"),
        ("work", "welding", assemble.id): Measure(Decimal(48), "hour"),
        ("produce", "frame", weld.id): Measure(Decimal(3), "one"),
        ("consume", "steel", weld.id): Measure(Decimal(36), "kilogram"),
        ("use", "welder", weld.id): Measure(Decimal(18), "hour"),
    }
    assert all(c.planned_within == made.plan.id and c.provider == c.receiver == "atelier" for c in steps)
    assert {c.due for c in steps if c.input_of == weld.id} == {weld.has_beginning}


def test_scaling_is_exact_or_rounded_up() -> None:
    third = Scale(Decimal(1), Decimal(3))
    assert third.of(Decimal(3)) == 1 and str(third.of(Decimal(3))) == "1"
    assert third.of(Decimal(1)) == Decimal("0.333334")  # never planned short
    assert str(Scale(Decimal(5), Decimal(2)).of(Decimal(3))) == "7.5"


def test_what_a_recipe_cannot_plan_is_refused_whole() -> None:
    with pytest.raises(RuleViolation) as bad:
        plan_from_recipe(PlanRequest("plough", "-1", DUE.replace(tzinfo=None), "ghost", "farm"), book(), {"farm"},
                         NOW, ids())
    assert {p.code for p in bad.value.problems} == {"no_recipe", "negative", "no_timezone", "unknown_agent"}
    looping = RecipeBook(
        {"a": RecipeProcess("a", "A"), "b": RecipeProcess("b", "B")},
        (RecipeFlow("1", "produce", "x", Measure(Decimal(1), "one"), recipe_output_of="a"),
         RecipeFlow("2", "consume", "y", Measure(Decimal(1), "one"), recipe_input_of="a"),
         RecipeFlow("3", "produce", "y", Measure(Decimal(1), "one"), recipe_output_of="b"),
         RecipeFlow("4", "consume", "x", Measure(Decimal(1), "one"), recipe_input_of="b")))
    with pytest.raises(RuleViolation) as loop:
        plan_from_recipe(PlanRequest("x", "1", DUE, "farm", "farm"), looping, {"farm"}, NOW, ids())
    assert loop.value.problems[0].code == "recipe_loop" and "a → b → a" in loop.value.problems[0].message
    other = RecipeFlow("f8", "produce", "seed-drill", Measure(Decimal(2), "one"), recipe_output_of="weld")
    two = RecipeBook(book().processes, (*book().flows, other))
    with pytest.raises(RuleViolation) as ambiguous:
        plan_from_recipe(PlanRequest("seed-drill", "1", DUE, "farm", "farm"), two, {"farm"}, NOW, ids())
    assert ambiguous.value.problems[0].code == "ambiguous_recipe"


def test_recipe_records_are_checked_whole() -> None:
    ctx = RecipeContext(units={"one", "hour"}, specifications={"frame"}, recipe_processes={"weld"},
                        process_specifications={"welding"})
    step = check_recipe_process(RecipeProcessInput("Weld", "1.5", "day", process_conforms_to="welding"), ctx, "p1")
    assert (step.duration_value, step.duration_unit) == (Decimal("1.5"), "day")
    with pytest.raises(RuleViolation) as bad_step:
        check_recipe_process(RecipeProcessInput(" ", "1.5", "month", process_conforms_to="x"), ctx, "p2")
    assert {p.code for p in bad_step.value.problems} == {"required", "not_whole", "unknown_process_specification"}
    with pytest.raises(RuleViolation) as bad_unit:
        check_recipe_process(RecipeProcessInput("Weld", "2", "fortnight"), ctx, "p3")
    assert bad_unit.value.problems[0].code == "unknown_time_unit"
    flow = check_recipe_flow(RecipeFlowInput("produce", "frame", MeasureInput("1", "one"), recipe_output_of="weld"),
                             ctx, "f1")
    assert flow.resource_quantity == Measure(Decimal(1), "one")
    with pytest.raises(RuleViolation) as bad_flow:
        check_recipe_flow(RecipeFlowInput("produce", "nothing", effort_quantity=MeasureInput("-1", "hour"),
                                          recipe_input_of="weld", recipe_output_of="weld"), ctx, "f2")
    assert {p.code for p in bad_flow.value.problems} == {"unknown_resource_specification", "conflict", "forbidden",
                                                         "negative"}
