"""Rules for the records that events refer to: agents, memberships, specifications, processes, units."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from valueflows.domain.actions import ACTIONS
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.inputs import (
    AgentInput,
    BatchInput,
    MembershipInput,
    ProcessInput,
    ProcessSpecificationInput,
    RelationshipInput,
    ResourceRevision,
    RoleInput,
    SpecificationInput,
)
from valueflows.domain.limits import MAX_LABEL, MAX_NAME, MAX_NOTE
from valueflows.domain.model import (
    MEMBER_ROLE,
    Agent,
    AgentRelationship,
    AgentRelationshipRole,
    AgentType,
    ContributionVisibility,
    EconomicClaim,
    EconomicResource,
    LegalForm,
    Membership,
    Process,
    ProcessSpecification,
    ProductBatch,
    ResourceSpecification,
    Unit,
)
from valueflows.domain.quantities import parse_decimal
from valueflows.domain.rules import check_id, check_images, check_place, check_text, check_time

# A design (what the open shop offers) is a licensed resource conforming to a specification classified as this.
DESIGN = "https://w3id.org/valueflows-ledger/ns#Design"


def design_specifications(specifications: Iterable[ResourceSpecification]) -> frozenset[str]:
    """The specifications whose conforming resources are designs (open designs, not the goods built from them)."""
    return frozenset(s.id for s in specifications if DESIGN in s.resource_classified_as)


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
                taken: Collection[str] = (), places: Collection[str] = ()) -> Agent:
    """`agents` holds the group the request names (if any); `units` its revenue currency; `places` its primary
    location if it exists."""
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
    contributions = None
    if request.contributions is not None:
        try:
            contributions = ContributionVisibility(request.contributions)
        except ValueError:
            problems.append(Problem("contributions", "unknown_visibility",
                                    f"{request.contributions!r} is not one of members, public"))
        if kind is AgentType.PERSON:
            problems.append(Problem("contributions", "not_organization",
                                    "only an organization publishes its members' contributions"))
    if request.group is not None:
        group = agents.get(request.group)
        if group is None:
            problems.append(Problem("group", "unknown_agent", f"no agent with id {request.group!r}"))
        elif group.type is not AgentType.ORGANIZATION:
            problems.append(Problem("group", "not_organization", f"{request.group!r} is not an Organization"))
        elif request.group == (request.id or new_id):
            problems.append(Problem("group", "self", "an agent is not its own group"))
    check_place(request.primary_location, "primaryLocation", places, problems)
    if problems:
        raise RuleViolation(problems)
    assert kind is not None
    return Agent(
        id=request.id or new_id, name=request.name.strip(), type=kind, legal_form=legal_form,
        worker_owned=request.worker_owned, surplus_to_worker_owners=request.surplus_to_worker_owners,
        headcount=request.headcount, annual_revenue=revenue, revenue_currency=request.revenue_currency,
        group=request.group, note=request.note, image=request.image, classified_as=tuple(request.classified_as),
        contributions=contributions, primary_location=request.primary_location,
    )


RESOURCES_PAGE = 100  # resources in one page of an agent's inventory


def resources_matching(resources: Iterable[EconomicResource], search: str | None = None,
                       classification: str | None = None, page: int | None = None) -> list[EconomicResource]:
    """Resources whose name holds `search` (any case) and that are classified as `classification`; page `page`
    (from 0) of them, RESOURCES_PAGE a page, or all of them."""
    found = [r for r in resources if (not search or search.lower() in r.name.lower())
             and (not classification or classification in r.classified_as)]
    return found if page is None else found[page * RESOURCES_PAGE:(page + 1) * RESOURCES_PAGE]


def is_membership(role: str) -> bool:
    """A relationship in the role `member` is a membership: it has dates and changes only by ending."""
    return role == MEMBER_ROLE.id


def membership_of(request: RelationshipInput, since: date | None, until: date | None) -> MembershipInput:
    """The membership a relationship in the role `member` records."""
    if since is None:
        raise RuleViolation([Problem("since", "required", "a membership needs the day it began (since)")])
    return MembershipInput(request.subject, request.object, since, until, id=request.id)


def membership_end(until: date | None) -> date:
    if until is None:
        raise RuleViolation([Problem("until", "required", "a membership changes only by ending: give until")])
    return until


def membership_relationship(membership: Membership) -> AgentRelationship:
    """A membership, seen as the VF AgentRelationship 'subject is member of object'."""
    return AgentRelationship(membership.id, membership.member, membership.organization, MEMBER_ROLE.id)


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
    check_images(request.image_list, "imageList", problems)
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
        image_list=tuple(request.image_list), substitutable=request.substitutable,
    )


def check_process(request: ProcessInput, new_id: str, taken: Collection[str] = (),
                  known: Collection[str] = (), scenarios: Collection[str] = ()) -> Process:
    """`known`: the ids among `based_on` and `in_scope_of` that exist (process specifications, agents, processes);
    `scenarios`: whether the scenario it is nested in exists."""
    problems = _common(request.id, request.name, request.note, taken)
    if request.based_on is not None and request.based_on not in known:
        problems.append(Problem("basedOn", "unknown_process_specification",
                                f"no process specification with id {request.based_on!r}"))
    for i, scope in enumerate(request.in_scope_of):
        if scope not in known:
            problems.append(Problem(f"inScopeOf[{i}]", "unknown_scope", f"no agent or process with id {scope!r}"))
    if request.nested_in is not None and request.nested_in not in scenarios:
        problems.append(Problem("nestedIn", "unknown_scenario", f"no scenario with id {request.nested_in!r}"))
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
        based_on=request.based_on, in_scope_of=tuple(request.in_scope_of), nested_in=request.nested_in,
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
    check_text(unit.label, "label", MAX_LABEL, problems)
    check_text(unit.symbol, "symbol", 50, problems)
    check_text(unit.om2, "om2", 500, problems)
    if unit.om2 is not None and not unit.om2.startswith(("http://", "https://")):
        problems.append(Problem("om2", "bad_iri", "om2 is the unit's IRI (http…)"))
    if problems:
        raise RuleViolation(problems)
    return unit


def check_role(request: RoleInput, new_id: str, taken: Collection[str] = ()) -> AgentRelationshipRole:
    problems = _common(request.id, request.role_label, request.note, taken)
    problems = [replace(p, field="roleLabel") if p.field == "name" else p for p in problems]
    check_text(request.inverse_role_label, "inverseRoleLabel", MAX_NAME, problems)
    if problems:
        raise RuleViolation(problems)
    return AgentRelationshipRole(request.id or new_id, request.role_label.strip(), request.inverse_role_label,
                                 request.note)


def check_relationship(request: RelationshipInput, new_id: str, agents: Mapping[str, Agent],
                       roles: Collection[str], taken: Collection[str] = (),
                       scopes: Collection[str] = ()) -> AgentRelationship:
    """`scopes`: the ids among `in_scope_of` that exist. Membership (role 'member') is recorded with dates instead."""
    problems: list[Problem] = []
    check_id(request.id, "id", problems)
    if request.id is not None and request.id in taken:
        problems.append(Problem("id", "duplicate_id", f"id {request.id!r} is already used"))
    for field_name, agent_id in (("subject", request.subject), ("object", request.object)):
        if agent_id not in agents:
            problems.append(Problem(field_name, "unknown_agent", f"no agent with id {agent_id!r}"))
    if request.subject == request.object:
        problems.append(Problem("object", "self", "an agent's relationship is with another agent"))
    if request.relationship == MEMBER_ROLE.id:
        problems.append(Problem("relationship", "membership",
                                "memberships carry dates: record them as memberships (since, until)"))
    elif request.relationship not in roles:
        message = f"no relationship role with id {request.relationship!r}"
        problems.append(Problem("relationship", "unknown_role", message))
    for i, scope in enumerate(request.in_scope_of):
        if scope not in scopes:
            problems.append(Problem(f"inScopeOf[{i}]", "unknown_scope", f"no agent or process with id {scope!r}"))
    check_text(request.note, "note", MAX_NOTE, problems)
    if problems:
        raise RuleViolation(problems)
    return AgentRelationship(request.id or new_id, request.subject, request.object, request.relationship,
                             tuple(request.in_scope_of), request.note)


def check_process_specification(request: ProcessSpecificationInput, new_id: str,
                                taken: Collection[str] = ()) -> ProcessSpecification:
    problems = _common(request.id, request.name, request.note, taken)
    if problems:
        raise RuleViolation(problems)
    return ProcessSpecification(request.id or new_id, request.name.strip(), request.note)


def check_batch(request: BatchInput, new_id: str, taken: Collection[str] = ()) -> ProductBatch:
    problems = _common(request.id, request.batch_number, None, taken)
    problems = [replace(p, field="batchNumber") if p.field == "name" else p for p in problems]
    check_time(request.expiry_date, "expiryDate", problems)
    check_time(request.production_date, "productionDate", problems)
    if problems:
        raise RuleViolation(problems)
    return ProductBatch(request.id or new_id, request.batch_number.strip(), request.expiry_date,
                        request.production_date)


def revise_resource(resource: EconomicResource, revision: ResourceRevision, units: Collection[str],
                    containers: Mapping[str, EconomicResource]) -> EconomicResource:
    """New facts for an existing resource. `containers` holds the resources on the chain of `contained_in`."""
    problems: list[Problem] = []
    if revision.name is not None and not revision.name.strip():
        problems.append(Problem("name", "required", "a resource's name cannot be emptied"))
    check_text(revision.name, "name", MAX_NAME, problems)
    check_text(revision.note, "note", MAX_NOTE, problems)
    check_images(revision.image_list or (), "imageList", problems)
    if revision.unit_of_effort is not None and revision.unit_of_effort not in units:
        problems.append(Problem("unitOfEffort", "unknown_unit", f"no unit with id {revision.unit_of_effort!r}"))
    container = revision.contained_in
    seen = {resource.id}
    while container is not None:
        if container in seen:
            problems.append(Problem("containedIn", "containment_loop", "a resource cannot contain itself"))
            break
        if container not in containers:
            problems.append(Problem("containedIn", "unknown_resource", f"no resource with id {container!r}"))
            break
        seen.add(container)
        container = containers[container].contained_in
    if problems:
        raise RuleViolation(problems)
    changes: dict[str, Any] = {name: value for name, value in (
        ("name", revision.name), ("classified_as", revision.classified_as), ("image", revision.image),
        ("contained_in", revision.contained_in), ("unit_of_effort", revision.unit_of_effort),
        ("note", revision.note), ("tracking_identifier", revision.tracking_identifier),
        ("image_list", tuple(revision.image_list) if revision.image_list is not None else None),
    ) if value is not None}
    return replace(resource, **changes)


def claim_references(claim: EconomicClaim) -> list[tuple[str, str, str | None]]:
    """(field, kind, id) of every record a claim refers to."""
    return [("provider", "agent", claim.provider), ("receiver", "agent", claim.receiver),
            ("triggeredBy", "economic_event", claim.triggered_by),
            ("aboutResource", "economic_resource", claim.about_resource),
            ("resourceConformsTo", "resource_specification", claim.resource_conforms_to),
            ("resourceQuantity.hasUnit", "unit", claim.resource_quantity.has_unit if claim.resource_quantity else None)]


def check_claim(claim: EconomicClaim, present: Collection[tuple[str, str]], taken: Collection[str]) -> EconomicClaim:
    """A claim from another ledger's export, kept as it was once its references check out. `present`: the
    (kind, id) of the records it refers to that exist."""
    problems = []
    if claim.action not in ACTIONS:
        problems.append(Problem("action", "unknown_action", f"{claim.action!r} is not a ValueFlows action"))
    for name, kind, ref in claim_references(claim):
        if ref is not None and (kind, ref) not in present:
            problems.append(Problem(name, "unknown_reference", f"no {kind.replace('_', ' ')} with id {ref!r}"))
    if claim.resource_quantity is not None and claim.resource_quantity.has_numerical_value < 0:
        problems.append(Problem("resourceQuantity", "negative", "a claim's quantity is zero or more"))
    if claim.id in taken:
        problems.append(Problem("id", "taken", f"a claim with id {claim.id!r} exists"))
    if problems:
        raise RuleViolation(problems)
    return claim
