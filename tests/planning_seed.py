"""Every record of the planning layer, with every field it can say, on top of the demo: for the linked-data tests
(each kind in each format, the shapes, the round trip). Ids are chosen so that id order is not reference order (a
scenario refines one whose id sorts after it), which the export and import must handle."""

from __future__ import annotations

from datetime import UTC, datetime

from valueflows.domain.access import Principal, Scope
from valueflows.domain.claims import ClaimInput
from valueflows.domain.inputs import (
    AgentInput,
    EventInput,
    MeasureInput,
    NewResourceInput,
    ProcessInput,
    ProcessSpecificationInput,
)
from valueflows.domain.planning import AgreementInput, FlowInput, LinkInput, PlanInput
from valueflows.domain.proposals import ProposalInput, SpatialThingInput
from valueflows.domain.recipes import RecipeFlowInput, RecipeProcessInput
from valueflows.domain.scenarios import DefinitionInput, ScenarioInput
from valueflows.service import claims, ledger, planning, proposals, recipes, records, scenarios
from valueflows.service.demo import seed_demo
from valueflows.store.ports import UnitOfWork

ATELIER = Principal("atelier", Scope.WRITE)
T = datetime(2026, 11, 2, 8, tzinfo=UTC)
DUE = datetime(2026, 12, 15, 17, tzinfo=UTC)

# kind -> the ids seeded (beside what the demo has)
SEEDED = {
    "spatial_thing": ["workshop", "farm-gate"], "scenario_definition": ["yearly"],
    "scenario": ["z-budget", "a-budget-q1"], "plan": ["plan-drills"], "agreement": ["deal"],
    "intent": ["i-request", "i-offer", "i-price"], "commitment": ["c-drills", "c-work"],
    "fulfillment": ["f-work"], "satisfaction": ["s-by-commitment", "s-by-event"], "settlement": ["settle-work"],
    "appreciation": ["thanks"], "proposal": ["prop-drills"], "proposed_intent": ["pi-offer", "pi-price"],
    "proposed_to": ["pt-farm"], "recipe_exchange": ["rx-sale"], "recipe_process": ["rp-paint"],
    "recipe_flow": ["rf-paint", "rf-sale"],
}


def seed_planning(uow: UnitOfWork) -> None:
    seed_demo(uow)
    proposals.create_spatial_thing(uow, SpatialThingInput(
        "Atelier Commun workshop", "12 rue des Forges, Grenoble", "45.1885", "5.7245", "212.5", "the yard", "workshop"))
    proposals.create_spatial_thing(uow, SpatialThingInput("Farm gate", lat="46.2044", long="6.1432", id="farm-gate"))
    records.create_agent(uow, AgentInput("Val Farm", "Organization", legal_form="company", id="val-farm",
                                         primary_location="farm-gate"))
    scenarios.create_definition(uow, DefinitionInput("Yearly budget", "1", "year", "a year ahead", ("atelier",),
                                                     "yearly"))
    scenarios.create_scenario(uow, ScenarioInput("Budget 2027", T, DUE, "yearly", None, "what we aim for",
                                                 ("atelier",), "z-budget"))
    scenarios.create_scenario(uow, ScenarioInput("Budget 2027, Q1", refinement_of="z-budget", id="a-budget-q1"))
    planning.create_plan(uow, PlanInput("Three drills for the Val", "build and deliver", DUE, "plan-drills",
                                        "z-budget"))
    records.create_process(uow, ProcessInput("Paint the drills", id="p-paint", nested_in="a-budget-q1"))
    planning.create_agreement(uow, AgreementInput("Drills for the Val", "three drills, delivered", "deal"))
    records.create_process_specification(uow, ProcessSpecificationInput("Painting", id="painting"))
    recipes.create_recipe_exchange(uow, "Sale of a drill", "at the price offered", "rx-sale")
    recipes.create_recipe_process(uow, RecipeProcessInput("Paint a drill", "3", "hour", ("finishing",), "two coats",
                                                          "painting", "rp-paint"))
    recipes.create_recipe_flow(uow, RecipeFlowInput("work", "fabrication-work", None, MeasureInput("3", "hour"),
                                                    recipe_input_of="rp-paint", stage="painting", state="primed",
                                                    note="by hand", id="rf-paint"))
    recipes.create_recipe_flow(uow, RecipeFlowInput("transfer", "seed-drill", MeasureInput("1", "one"),
                                                    recipe_clause_of="rx-sale", id="rf-sale"))
    # a member's work at the workshop, with the claim it gives, paid in part
    work = ledger.record_event(uow, EventInput(
        "work", "ana", "atelier", resource_conforms_to="fabrication-work", effort_quantity=MeasureInput("6", "hour"),
        has_point_in_time=T, at_location="workshop", id="e-paint-work")).event
    ledger.record_event(uow, EventInput(
        "move", "atelier", "atelier", resource_inventoried_as="drills-batch-1", resource_quantity=MeasureInput(
            "1", "one"), has_point_in_time=T, at_location="workshop", to_location="farm-gate", id="e-move"))
    ledger.record_event(uow, EventInput(
        "raise", "atelier", "atelier", resource_quantity=MeasureInput("20", "kilogram"), has_point_in_time=T,
        id="e-paint-stock", new_resource=NewResourceInput("Paint", conforms_to="steel", id="paint-stock",
                                                          current_location="workshop")))
    paid = ledger.record_event(uow, EventInput(
        "transfer", "atelier", "ana", resource_inventoried_as="atelier-eur", resource_quantity=MeasureInput(
            "30.00", "EUR"), has_point_in_time=T, id="e-pay-ana")).event
    claims.create_claim(uow, ClaimInput("transfer", work.id, resource_quantity=MeasureInput("90.00", "EUR"),
                                        due=DUE, note="paint work", id="claim-work"))
    claims.create_claim(uow, ClaimInput("work", work.id, "ana", "atelier", effort_quantity=MeasureInput("2", "hour"),
                                        finished=True, note="two hours back", id="claim-hours"))
    claims.settle(uow, LinkInput("claim-work", paid.id, MeasureInput("30.00", "EUR"), note="first part",
                                 id="settle-work"))
    scenarios.appreciate(uow, work.id, paid.id, "thanks for the paint", "thanks")
    # the loop: a request, an offer with its price, an agreement, promises, the work that fulfils one
    atelier = uow.acting_as(ATELIER)
    planning.create_intent(uow, FlowInput(
        "transfer", receiver="val-farm", resource_conforms_to="seed-drill", resource_quantity=MeasureInput("3", "one"),
        due=DUE, name="Three seed drills", at_location="farm-gate", id="i-request"))
    planning.create_intent(atelier, FlowInput(
        "transfer", "atelier", resource_classified_as=("farm-tools",), resource_quantity=MeasureInput("1", "one"),
        available_quantity=MeasureInput("5", "one"), has_beginning=T, has_end=DUE, name="Seed drill",
        image="https://atelier.example/drill.jpg", note="built to order", in_scope_of=("atelier",),
        resource_conforms_to="seed-drill", at_location="workshop", id="i-offer"))
    planning.create_intent(atelier, FlowInput(
        "transfer", receiver="atelier", resource_conforms_to="eur-account",
        resource_quantity=MeasureInput("1200.00", "EUR"), id="i-price"))
    proposals.create_proposal(atelier, ProposalInput(
        "Seed drills", "open to farms", T, DUE, True, ("atelier",), "workshop", "prop-drills"))
    proposals.propose_intent(atelier, "prop-drills", "i-offer", record_id="pi-offer")
    proposals.propose_intent(atelier, "prop-drills", "i-price", True, record_id="pi-price")
    proposals.propose_to(atelier, "prop-drills", "val-farm", record_id="pt-farm")
    planning.create_commitment(uow, FlowInput(
        "transfer", "atelier", "val-farm", resource_conforms_to="seed-drill",
        resource_quantity=MeasureInput("3", "one"), due=DUE, agreed_in="deal", clause_of="deal",
        independent_demand_of="plan-drills", planned_within="plan-drills", at_location="farm-gate", id="c-drills"))
    planning.create_commitment(uow, FlowInput(
        "work", "ana", "atelier", resource_conforms_to="fabrication-work", effort_quantity=MeasureInput("6", "hour"),
        input_of="p-paint", stage="painting", planned_within="plan-drills", finished=True, note="paint",
        id="c-work"))
    planning.fulfil(uow, LinkInput("c-work", work.id, effort_quantity=MeasureInput("6", "hour"), note="done",
                                   id="f-work"))
    planning.satisfy(uow, LinkInput("i-request", "c-drills", MeasureInput("3", "one"), id="s-by-commitment"))
    planning.satisfy(uow, LinkInput("i-price", paid.id, MeasureInput("30.00", "EUR"), note="a first part",
                                    id="s-by-event"))
