"""Rules for the records that events refer to: agents, memberships, specifications, processes, units."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date

from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import AgentInput, MembershipInput, ProcessInput, SpecificationInput
from valueflows.domain.model import (
    Agent,
    AgentType,
    LegalForm,
    Membership,
    Process,
    ResourceSpecification,
    Unit,
)
from valueflows.domain.quantities import parse_decimal
from valueflows.domain.rules import MAX_NAME, MAX_NOTE, check_id, check_text, check_time

DIMENSIONS = frozenset({"time", "mass", "length", "area", "volume", "currency", "count", "energy", "other"})


def _common(record_id: str | None, name: str, note: str | None, taken: Collection[str]) -> list[Problem]:
    problems: list[Problem] = []
    check_id(record_id, "id", problems)
    if record_id is not None and record_id in taken:
        problems.append(Problem("id", "duplicate_id", f"id {record_id!r} is already used"))
    if not name or not name.strip():
        problems.append(Problem("name", "required", "a name is required"))
    check_text(name, "name", MAX_NAME, problems)
    check_text(note, "note", MAX_NOTE, problems)
    return problems


def check_agent(request: AgentInput, new_id: str, agents: Mapping[str, Agent], units: Mapping[str, Unit],
                taken: Collection[str] = ()) -> Agent:
    """`agents` holds the group the request names (if any); `units` its revenue currency."""
    problems = _common(request.id, request.name, request.note, taken)
    try:
        kind = AgentType(request.type)
    except ValueError:
        problems.append(Problem("type", "unknown_type", f"{request.type!r} is not Person or Organization"))
        kind = None
    legal_form = None
    if request.legal_form is not None:
        try:
            legal_form = LegalForm(request.legal_form)
        except ValueError:
            choices = ", ".join(f.value for f in LegalForm)
            message = f"{request.legal_form!r} is not one of {choices}"
            problems.append(Problem("legalForm", "unknown_legal_form", message))
    if kind is AgentType.PERSON and legal_form not in (None, LegalForm.INDIVIDUAL):
        problems.append(Problem("legalForm", "mismatch", "a Person's legal form is 'individual'"))
    if kind is AgentType.ORGANIZATION and legal_form is LegalForm.INDIVIDUAL:
        problems.append(Problem("legalForm", "mismatch", "an Organization cannot have the legal form 'individual'"))
    if kind is AgentType.PERSON and legal_form is None:
        legal_form = LegalForm.INDIVIDUAL
    if request.headcount is not None and (isinstance(request.headcount, bool) or not isinstance(request.headcount, int)
                                          or request.headcount < 0):
        problems.append(Problem("headcount", "bad_headcount", "headcount is a whole number, zero or more"))
    revenue = None
    if request.annual_revenue is not None:
        revenue, problem = parse_decimal(request.annual_revenue, "annualRevenue")
        if problem:
            problems.append(problem)
        if request.revenue_currency is None:
            problems.append(Problem("revenueCurrency", "required", "annual revenue needs its currency"))
    if request.revenue_currency is not None:
        unit = units.get(request.revenue_currency)
        if unit is None or unit.dimension != "currency":
            problems.append(Problem("revenueCurrency", "unknown_currency",
                                    f"{request.revenue_currency!r} is not a currency unit"))
    if request.group is not None:
        group = agents.get(request.group)
        if group is None:
            problems.append(Problem("group", "unknown_agent", f"no agent with id {request.group!r}"))
        elif group.type is not AgentType.ORGANIZATION:
            problems.append(Problem("group", "not_organization", f"{request.group!r} is not an Organization"))
        elif request.group == (request.id or new_id):
            problems.append(Problem("group", "self", "an agent is not its own group"))
    if problems:
        raise RuleViolation(problems)
    assert kind is not None
    return Agent(
        id=request.id or new_id, name=request.name.strip(), type=kind, legal_form=legal_form,
        worker_owned=request.worker_owned, surplus_to_worker_owners=request.surplus_to_worker_owners,
        headcount=request.headcount, annual_revenue=revenue, revenue_currency=request.revenue_currency,
        group=request.group, note=request.note, image=request.image,
    )


def check_membership(request: MembershipInput, new_id: str, agents: Mapping[str, Agent],
                     existing: Collection[Membership], taken: Collection[str] = ()) -> Membership:
    """`existing`: the memberships already held by the same member in the same organization."""
    problems: list[Problem] = []
    check_id(request.id, "id", problems)
    if request.id is not None and request.id in taken:
        problems.append(Problem("id", "duplicate_id", f"id {request.id!r} is already used"))
    if request.member not in agents:
        problems.append(Problem("member", "unknown_agent", f"no agent with id {request.member!r}"))
    org = agents.get(request.organization)
    if org is None:
        problems.append(Problem("organization", "unknown_agent", f"no agent with id {request.organization!r}"))
    elif org.type is not AgentType.ORGANIZATION:
        problems.append(Problem("organization", "not_organization", f"{request.organization!r} is not an Organization"))
    if request.member == request.organization:
        problems.append(Problem("member", "self", "an organization is not a member of itself"))
    if request.until is not None and request.until < request.since:
        problems.append(Problem("until", "before_since", "membership ends before it begins"))
    candidate = Membership(request.id or new_id, request.member, request.organization, request.since, request.until)
    for other in existing:
        if _overlap(candidate, other):
            problems.append(Problem("since", "overlap", f"overlaps membership {other.id!r} of the same member"))
    if problems:
        raise RuleViolation(problems)
    return candidate


def end_membership(membership: Membership, until: date, others: Collection[Membership]) -> Membership:
    if membership.until is not None:
        message = f"membership {membership.id!r} ended on {membership.until}"
        raise RuleViolation([Problem("until", "already_ended", message)])
    if until < membership.since:
        raise RuleViolation([Problem("until", "before_since", "membership ends before it begins")])
    ended = replace(membership, until=until)
    for other in others:
        if other.id != membership.id and _overlap(ended, other):
            raise RuleViolation([Problem("until", "overlap", f"overlaps membership {other.id!r}")])
    return ended


def _overlap(a: Membership, b: Membership) -> bool:
    a_end, b_end = a.until, b.until
    return (b_end is None or a.since <= b_end) and (a_end is None or b.since <= a_end)


def check_specification(request: SpecificationInput, new_id: str, units: Mapping[str, Unit],
                        taken: Collection[str] = ()) -> ResourceSpecification:
    problems = _common(request.id, request.name, request.note, taken)
    for field_name, unit_id in (("defaultUnitOfResource", request.default_unit_of_resource),
                                ("defaultUnitOfEffort", request.default_unit_of_effort)):
        if unit_id is not None and unit_id not in units:
            problems.append(Problem(field_name, "unknown_unit", f"no unit with id {unit_id!r}"))
    if problems:
        raise RuleViolation(problems)
    return ResourceSpecification(
        id=request.id or new_id, name=request.name.strip(), note=request.note,
        default_unit_of_resource=request.default_unit_of_resource,
        default_unit_of_effort=request.default_unit_of_effort,
        resource_classified_as=tuple(request.resource_classified_as), image=request.image,
    )


def check_process(request: ProcessInput, new_id: str, taken: Collection[str] = ()) -> Process:
    problems = _common(request.id, request.name, request.note, taken)
    check_time(request.has_beginning, "hasBeginning", problems)
    check_time(request.has_end, "hasEnd", problems)
    if (request.has_beginning and request.has_end and request.has_beginning.utcoffset() is not None
            and request.has_end.utcoffset() is not None and request.has_end < request.has_beginning):
        problems.append(Problem("hasEnd", "before_beginning", "hasEnd is before hasBeginning"))
    if problems:
        raise RuleViolation(problems)
    return Process(
        id=request.id or new_id, name=request.name.strip(), note=request.note, has_beginning=request.has_beginning,
        has_end=request.has_end, finished=request.finished, classified_as=tuple(request.classified_as),
    )


def check_unit(unit: Unit, taken: Collection[str] = ()) -> Unit:
    problems: list[Problem] = []
    check_id(unit.id, "id", problems)
    if unit.id in taken:
        problems.append(Problem("id", "duplicate_id", f"unit {unit.id!r} already exists"))
    if unit.dimension not in DIMENSIONS:
        message = f"{unit.dimension!r} is not one of {sorted(DIMENSIONS)}"
        problems.append(Problem("dimension", "unknown_dimension", message))
    if not unit.label.strip():
        problems.append(Problem("label", "required", "a unit needs a label"))
    if unit.om2 is not None and not unit.om2.startswith(("http://", "https://")):
        problems.append(Problem("om2", "bad_iri", "om2 is the unit's IRI (http…)"))
    if problems:
        raise RuleViolation(problems)
    return unit
