"""Rules for agents, memberships, specifications, processes and units."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.domain.inputs import (
    AgentInput,
    BatchInput,
    MembershipInput,
    ProcessInput,
    RelationshipInput,
    ResourceRevision,
    RoleInput,
    SpecificationInput,
)
from valueflows.domain.model import Agent, AgentType, EconomicResource, LegalForm, Membership, Unit
from valueflows.domain.records import (
    check_agent,
    check_batch,
    check_membership,
    check_process,
    check_relationship,
    check_role,
    check_specification,
    check_unit,
    end_membership,
    revise_resource,
)
from valueflows.domain.units import STANDARD_UNITS

UNITS = {u.id: u for u in STANDARD_UNITS}
GROUP = Agent("holding", "Holding", AgentType.ORGANIZATION, legal_form=LegalForm.COMPANY)
ANA = Agent("ana", "Ana", AgentType.PERSON, legal_form=LegalForm.INDIVIDUAL)
COOP = Agent("coop", "Coop", AgentType.ORGANIZATION, legal_form=LegalForm.WORKER_COOP)


def problems(call: object) -> set[tuple[str, str]]:
    assert callable(call)
    with pytest.raises(RuleViolation) as caught:
        call()
    return {(p.field, p.code) for p in caught.value.problems}


def test_an_organization_with_every_fact() -> None:
    agent = check_agent(AgentInput("Machines SA", "Organization", legal_form="company", worker_owned=False,
                                   headcount=99, annual_revenue="999999.99", revenue_currency="USD", group="holding"),
                        "m", {"holding": GROUP}, UNITS)
    assert (agent.id, agent.legal_form, agent.headcount, agent.annual_revenue, agent.group) == (
        "m", LegalForm.COMPANY, 99, Decimal("999999.99"), "holding")


def test_a_person_is_an_individual() -> None:
    assert check_agent(AgentInput("Ana", "Person"), "a", {}, UNITS).legal_form is LegalForm.INDIVIDUAL
    assert problems(lambda: check_agent(AgentInput("Ana", "Person", legal_form="company"), "a", {}, UNITS)) == {
        ("legalForm", "mismatch")}
    assert problems(lambda: check_agent(AgentInput("X", "Organization", legal_form="individual"), "x", {},
                                        UNITS)) == {("legalForm", "mismatch")}


@pytest.mark.parametrize(("request_", "expected"), [
    (AgentInput("", "Person"), ("name", "required")),
    (AgentInput("X", "Robot"), ("type", "unknown_type")),
    (AgentInput("X", "Organization", legal_form="llc"), ("legalForm", "unknown_legal_form")),
    (AgentInput("X", "Organization", headcount=-1), ("headcount", "bad_headcount")),
    (AgentInput("X", "Organization", headcount=True), ("headcount", "bad_headcount")),
    (AgentInput("X", "Organization", annual_revenue="12"), ("revenueCurrency", "required")),
    (AgentInput("X", "Organization", annual_revenue="-5", revenue_currency="EUR"), ("annualRevenue", "negative")),
    (AgentInput("X", "Organization", annual_revenue="5", revenue_currency="kilogram"),
     ("revenueCurrency", "unknown_currency")),
    (AgentInput("X", "Organization", group="nobody"), ("group", "unknown_agent")),
    (AgentInput("X", "Organization", group="ana"), ("group", "not_organization")),
    (AgentInput("X", "Organization", id="bad id"), ("id", "bad_id")),
])
def test_bad_agents(request_: AgentInput, expected: tuple[str, str]) -> None:
    assert expected in problems(lambda: check_agent(request_, "x", {"ana": ANA}, UNITS))


def test_memberships_do_not_overlap_and_end_after_they_begin() -> None:
    agents = {"ana": ANA, "coop": COOP}
    first = check_membership(MembershipInput("ana", "coop", date(2024, 1, 1), date(2024, 12, 31)), "m1", agents, [])
    assert first.active_on(date(2024, 6, 1)) and not first.active_on(date(2025, 1, 1))
    again = check_membership(MembershipInput("ana", "coop", date(2025, 1, 1)), "m2", agents, [first])
    assert again.until is None
    assert ("since", "overlap") in problems(
        lambda: check_membership(MembershipInput("ana", "coop", date(2024, 12, 31)), "m3", agents, [first]))
    assert ("until", "before_since") in problems(
        lambda: check_membership(MembershipInput("ana", "coop", date(2024, 1, 2), date(2024, 1, 1)), "m", agents, []))
    assert ("organization", "not_organization") in problems(
        lambda: check_membership(MembershipInput("coop", "ana", date(2024, 1, 1)), "m", agents, []))


def test_ending_a_membership() -> None:
    open_ = Membership("m", "ana", "coop", date(2024, 1, 1))
    ended = end_membership(open_, date(2026, 8, 31), [open_])
    assert ended.until == date(2026, 8, 31) and open_.until is None
    assert ("until", "already_ended") in problems(lambda: end_membership(ended, date(2026, 9, 1), [ended]))
    assert ("until", "before_since") in problems(lambda: end_membership(open_, date(2023, 1, 1), [open_]))


def test_specifications_processes_and_units() -> None:
    spec = check_specification(SpecificationInput("Steel", default_unit_of_resource="kilogram"), "s", UNITS)
    assert spec.default_unit_of_resource == "kilogram"
    assert problems(lambda: check_specification(SpecificationInput("S", default_unit_of_effort="parsec"), "s",
                                                UNITS)) == {("defaultUnitOfEffort", "unknown_unit")}
    t = datetime(2026, 1, 1, tzinfo=UTC)
    assert check_process(ProcessInput("Build", has_beginning=t), "p").has_beginning == t
    assert ("hasEnd", "before_beginning") in problems(
        lambda: check_process(ProcessInput("Build", has_beginning=t, has_end=t.replace(year=2025)), "p"))
    assert ("hasBeginning", "no_timezone") in problems(
        lambda: check_process(ProcessInput("Build", has_beginning=datetime(2026, 1, 1)), "p"))
    assert check_unit(Unit("week", "week", "wk", "http://www.ontology-of-units-of-measure.org/resource/om-2/week",
                           "time")).id == "week"
    assert ("id", "duplicate_id") in problems(lambda: check_unit(UNITS["hour"], {"hour"}))
    assert ("dimension", "unknown_dimension") in problems(
        lambda: check_unit(Unit("x", "x", "x", "http://example.org/x", "vibes")))


def test_roles_and_relationships() -> None:
    role = check_role(RoleInput("is supplier of", "has supplier"), "supplier")
    assert (role.id, role.inverse_role_label) == ("supplier", "has supplier")
    assert ("roleLabel", "required") in problems(lambda: check_role(RoleInput(" "), "r"))
    agents = {"ana": ANA, "coop": COOP}
    rel = check_relationship(RelationshipInput("ana", "coop", "supplier"), "r1", agents, {"supplier"})
    assert (rel.subject, rel.object, rel.relationship) == ("ana", "coop", "supplier")
    assert ("relationship", "membership") in problems(
        lambda: check_relationship(RelationshipInput("ana", "coop", "member"), "r", agents, {"member"}))
    assert {("relationship", "unknown_role"), ("object", "unknown_agent")} <= problems(
        lambda: check_relationship(RelationshipInput("ana", "ghost", "friend"), "r", agents, {"supplier"}))
    assert ("inScopeOf[0]", "unknown_scope") in problems(
        lambda: check_relationship(RelationshipInput("ana", "coop", "supplier", ("nowhere",)), "r", agents,
                                   {"supplier"}))


def test_batches_and_process_links() -> None:
    t = datetime(2026, 5, 1, tzinfo=UTC)
    assert check_batch(BatchInput("B-1", production_date=t), "b").batch_number == "B-1"
    assert ("batchNumber", "required") in problems(lambda: check_batch(BatchInput(""), "b"))
    assert ("basedOn", "unknown_process_specification") in problems(
        lambda: check_process(ProcessInput("Build", based_on="welding"), "p"))
    assert check_process(ProcessInput("Build", based_on="welding", in_scope_of=("coop",)), "p",
                         known={"welding", "coop"}).based_on == "welding"


def test_resource_revisions_keep_quantities_and_refuse_containment_loops() -> None:
    box = EconomicResource("box", "Box", "s", "one", Decimal(1), Decimal(1), "coop", "coop")
    bolt = EconomicResource("bolt", "Bolt", "s", "one", Decimal(9), Decimal(9), "coop", "coop", contained_in="box")
    revised = revise_resource(bolt, ResourceRevision(note="zinc plated", classified_as=("fastener",)), set(), {})
    assert (revised.note, revised.classified_as, revised.onhand_quantity, revised.contained_in) == (
        "zinc plated", ("fastener",), Decimal(9), "box")
    assert ("containedIn", "containment_loop") in problems(
        lambda: revise_resource(box, ResourceRevision(contained_in="bolt"), set(), {"bolt": bolt, "box": box}))
    assert ("unitOfEffort", "unknown_unit") in problems(
        lambda: revise_resource(box, ResourceRevision(unit_of_effort="parsec"), {"hour"}, {}))
