"""Scenarios and appreciations (ValueFlows' scenario and appreciation modules).

A scenario is an estimated or analytical collection of higher-level processes and plans (a yearly budget, a
what-if), defined as a kind of scenario (a ScenarioDefinition, with its duration) and possibly refining another
scenario; plans refine scenarios and processes are nested in them. An appreciation ties an event given in loose
return for another (a gift acknowledged), without commitments or expectations.

Pure: records, and the rules that build them (every problem at once).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.limits import MAX_NAME, MAX_NOTE
from valueflows.domain.recipes import check_duration
from valueflows.domain.rules import check_id, check_text, check_time


@dataclass(frozen=True, slots=True)
class ScenarioDefinition:
    id: str
    name: str
    duration_value: Decimal | None = None
    duration_unit: str | None = None
    note: str | None = None
    in_scope_of: tuple[str, ...] = ()

    @property
    def duration(self) -> tuple[Decimal, str] | None:
        """(number, time unit), as linked data says it."""
        return None if self.duration_value is None or self.duration_unit is None else (
            self.duration_value, self.duration_unit)


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    name: str
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    defined_as: str | None = None  # a ScenarioDefinition
    refinement_of: str | None = None  # the scenario it refines
    note: str | None = None
    in_scope_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Appreciation:
    """`appreciation_with` (an event) is given in loose return for `appreciation_of` (another event)."""

    id: str
    appreciation_of: str
    appreciation_with: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ScenarioInput:
    name: str | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    defined_as: str | None = None
    refinement_of: str | None = None
    note: str | None = None
    in_scope_of: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True, slots=True)
class DefinitionInput:
    name: str | None = None
    duration_value: object = None
    duration_unit: str | None = None
    note: str | None = None
    in_scope_of: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class ScenarioContext:
    """The records a request names that exist."""

    agents: Collection[str] = ()
    definitions: Collection[str] = ()
    scenarios: Mapping[str, Scenario] | None = None  # those it names, and what they refine, to catch a loop
    taken: Collection[str] = ()


def _start(record_id: str | None, name: str | None, note: str | None, what: str, ctx: ScenarioContext,
           scopes: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    check_id(record_id, "id", problems)
    if record_id is not None and record_id in ctx.taken:
        problems.append(Problem("id", "duplicate_id", f"id {record_id!r} is already used"))
    if not (name or "").strip():
        problems.append(Problem("name", "required", f"a {what} needs a name"))
    check_text(name, "name", MAX_NAME, problems)
    check_text(note, "note", MAX_NOTE, problems)
    for i, scope in enumerate(scopes):
        if scope not in ctx.agents:
            problems.append(Problem(f"inScopeOf[{i}]", "unknown_scope", f"no agent with id {scope!r}"))
    return problems


def check_definition(request: DefinitionInput, ctx: ScenarioContext, new_id: str) -> ScenarioDefinition:
    r = request
    problems = _start(r.id, r.name, r.note, "scenario definition", ctx, r.in_scope_of)
    duration = check_duration(r.duration_value, r.duration_unit, problems, whole_months=False)
    if problems:
        raise RuleViolation(problems)
    return ScenarioDefinition(r.id or new_id, (r.name or "").strip(), duration,
                              r.duration_unit if duration is not None else None, r.note, tuple(r.in_scope_of))


def check_scenario(request: ScenarioInput, ctx: ScenarioContext, new_id: str) -> Scenario:
    r = request
    record_id = r.id or new_id
    problems = _start(r.id, r.name, r.note, "scenario", ctx, r.in_scope_of)
    check_time(r.has_beginning, "hasBeginning", problems)
    check_time(r.has_end, "hasEnd", problems)
    if r.has_beginning and r.has_end and r.has_beginning.utcoffset() is not None \
            and r.has_end.utcoffset() is not None and r.has_end < r.has_beginning:
        problems.append(Problem("hasEnd", "before_beginning", "hasEnd is before hasBeginning"))
    if r.defined_as is not None and r.defined_as not in ctx.definitions:
        problems.append(Problem("definedAs", "unknown_scenario_definition",
                                f"no scenario definition with id {r.defined_as!r}"))
    known = ctx.scenarios or {}
    if r.refinement_of is not None:
        if r.refinement_of not in known:
            problems.append(Problem("refinementOf", "unknown_scenario", f"no scenario with id {r.refinement_of!r}"))
        else:  # a scenario refines another, never itself through others
            step: str | None = r.refinement_of
            seen = {record_id}
            while step is not None and step in known:
                if step in seen:
                    problems.append(Problem("refinementOf", "loop", "a scenario cannot refine itself"))
                    break
                seen.add(step)
                step = known[step].refinement_of
    if problems:
        raise RuleViolation(problems)
    return Scenario(record_id, (r.name or "").strip(), r.has_beginning, r.has_end, r.defined_as, r.refinement_of,
                    r.note, tuple(r.in_scope_of))


def revised_values(current: Any, names: tuple[str, ...], patch: Mapping[str, Any]) -> dict[str, Any]:
    """A record's facts as a request, those `patch` gives replaced (None leaves a fact as it is)."""
    values = {n: getattr(current, n) for n in names}
    values.update({k: v for k, v in patch.items() if v is not None and k in names})
    return values


def check_appreciation(of: str, with_: str, note: str | None, events: Collection[str], new_id: str,
                       record_id: str | None = None, taken: Collection[str] = ()) -> Appreciation:
    problems: list[Problem] = []
    check_id(record_id, "id", problems)
    if record_id is not None and record_id in taken:
        problems.append(Problem("id", "duplicate_id", f"id {record_id!r} is already used"))
    check_text(note, "note", MAX_NOTE, problems)
    for value, where in ((of, "appreciationOf"), (with_, "appreciationWith")):
        if value not in events:
            problems.append(Problem(where, "unknown_event", f"no economic event with id {value!r}"))
    if of == with_:
        problems.append(Problem("appreciationWith", "same_event", "an event does not appreciate itself"))
    if problems:
        raise RuleViolation(problems)
    return Appreciation(record_id or new_id, of, with_, note)
