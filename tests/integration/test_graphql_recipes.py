"""Recipes in the main API, and plans made from them: a seed drill's recipe written step by step, a plan for three
drills (processes with committed inputs and outputs, scheduled backwards), events that fulfil it and its progress;
who may write which; bad recipes refused whole. On SQLite, PostgreSQL and the memory store."""

from __future__ import annotations

from gql_support import ADMIN, ANA, FARM, refused, run

from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

ATELIER = Principal("atelier", Scope.WRITE)
DUE = "2027-03-01T12:00:00Z"


def _chain(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def write_recipe(uow: UnitOfWork, who: Principal = ATELIER) -> None:
    """Assemble a seed drill (2 days) from a frame, 20.5 kg of steel and 16 hours; weld a frame (1 day) from 12 kg
    of steel with the welder for 6 hours."""
    for document in [
        'createResourceSpecification(resourceSpecification: {name: "Frame", id: "frame", '
        'defaultUnitOfResource: "one"}) { resourceSpecification { id } }',
        'createResourceSpecification(resourceSpecification: {name: "Steel", id: "steel", '
        'defaultUnitOfResource: "kilogram"}) { resourceSpecification { id } }',
        'createResourceSpecification(resourceSpecification: {name: "Welding", id: "welding"}) '
        '{ resourceSpecification { id } }',
        'createProcessSpecification(processSpecification: {name: "Assembly", id: "assembly"}) '
        '{ processSpecification { id } }',
    ]:
        run(uow, "mutation { " + document + " }", who)
    run(uow, '''mutation { createRecipeProcess(recipeProcess: {id: "assemble", name: "Assemble a seed drill",
        hasDuration: {numericDuration: "2", unitType: day}, processConformsTo: "assembly",
        processClassifiedAs: ["https://example.org/assembly"]}) { recipeProcess { id } } }''', who)
    run(uow, '''mutation { createRecipeProcess(recipeProcess: {id: "weld", name: "Weld a frame",
        hasDuration: {numericDuration: "1", unitType: day}}) { recipeProcess { id } } }''', who)
    for flow in [
        'action: "produce", resourceConformsTo: "seed-drill", recipeOutputOf: "assemble", '
        'resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}',
        'action: "consume", resourceConformsTo: "frame", recipeInputOf: "assemble", '
        'resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}',
        'action: "consume", resourceConformsTo: "steel", recipeInputOf: "assemble", '
        'resourceQuantity: {hasNumericalValue: "20.5", hasUnit: "kilogram"}',
        'action: "work", resourceConformsTo: "welding", recipeInputOf: "assemble", '
        'effortQuantity: {hasNumericalValue: "16", hasUnit: "hour"}',
        'action: "produce", resourceConformsTo: "frame", recipeOutputOf: "weld", '
        'resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}, stage: "assembly"',
        'action: "consume", resourceConformsTo: "steel", recipeInputOf: "weld", '
        'resourceQuantity: {hasNumericalValue: "12", hasUnit: "kilogram"}',
    ]:
        run(uow, f"mutation {{ createRecipeFlow(recipeFlow: {{{flow}}}) {{ recipeFlow {{ id }} }} }}", who)


PLAN = f'''mutation {{ createPlanFromRecipe(plan: {{output: "seed-drill", quantity: "3", due: "{DUE}",
    provider: "atelier", receiver: "farm", name: "3 seed drills for the Val"}}, idempotencyKey: "val-drills")
    {{ plan {{ id name due independentDemands {{ id provider {{ id }} receiver {{ id }}
      resourceQuantity {{ hasNumericalValue }} }}
      processes {{ id name hasBeginning hasEnd basedOn {{ id }}
        committedInputs {{ id action {{ id }} resourceConformsTo {{ id }} resourceQuantity {{ hasNumericalValue }}
          effortQuantity {{ hasNumericalValue hasUnit {{ id }} }} due }}
        committedOutputs {{ id action {{ id }} resourceConformsTo {{ id }} resourceQuantity {{ hasNumericalValue }} }}
      }} }} }} }}'''


def test_a_recipe_is_read_as_it_was_written(network: UnitOfWork) -> None:
    uow = network
    write_recipe(uow)
    step = run(uow, '''{ recipeProcess(id: "assemble") { name hasDuration { numericDuration unitType }
        processClassifiedAs processConformsTo { name conformingRecipeProcesses { edges { node { id } } } }
        recipeInputs { action { id } resourceConformsTo { name } } recipeOutputs { resourceQuantity
        { hasNumericalValue hasUnit { id } } } } }''', ANONYMOUS)["recipeProcess"]  # recipes are public
    assert step["hasDuration"] == {"numericDuration": "2", "unitType": "day"}
    assert step["processConformsTo"]["conformingRecipeProcesses"]["edges"] == [{"node": {"id": "assemble"}}]
    assert sorted(i["resourceConformsTo"]["name"] for i in step["recipeInputs"]) == ["Frame", "Steel", "Welding"]
    assert step["recipeOutputs"] == [{"resourceQuantity": {"hasNumericalValue": "1", "hasUnit": {"id": "one"}}}]
    listed = run(uow, '''{ recipeProcesses { edges { node { id } } } recipeFlows(first: 2) { edges { node { id } }
        pageInfo { hasNextPage } } staged: processSpecification(id: "assembly") { recipeFlowsRequiringStage
        { edges { node { resourceConformsTo { id } } } } } }''')
    assert [e["node"]["id"] for e in listed["recipeProcesses"]["edges"]] == ["assemble", "weld"]
    assert listed["recipeFlows"]["pageInfo"]["hasNextPage"]
    assert listed["staged"]["recipeFlowsRequiringStage"]["edges"] == [{"node": {"resourceConformsTo": {"id": "frame"}}}]


def test_a_plan_for_three_seed_drills_from_the_recipe_and_the_work_that_fulfils_it(network: UnitOfWork) -> None:
    uow = network
    write_recipe(uow)
    before = _chain(uow)
    made = run(uow, PLAN, ATELIER)["createPlanFromRecipe"]["plan"]
    assert made["name"] == "3 seed drills for the Val" and made["due"] == DUE
    demand = made["independentDemands"]
    assert demand == [{"id": demand[0]["id"], "provider": {"id": "atelier"}, "receiver": {"id": "farm"},
                       "resourceQuantity": {"hasNumericalValue": "3"}}]
    by_name = {p["name"]: p for p in made["processes"]}
    assemble, weld = by_name["Assemble a seed drill"], by_name["Weld a frame"]
    assert (assemble["hasBeginning"], assemble["hasEnd"], assemble["basedOn"]) == (
        "2027-02-27T12:00:00Z", DUE, {"id": "assembly"})
    assert (weld["hasBeginning"], weld["hasEnd"]) == ("2027-02-26T12:00:00Z", "2027-02-27T12:00:00Z")
    inputs = {(c["action"]["id"], c["resourceConformsTo"]["id"]): c for c in assemble["committedInputs"]}
    assert inputs[("consume", "steel")]["resourceQuantity"] == {"hasNumericalValue": "61.5"}
    assert inputs[("work", "welding")]["effortQuantity"] == {"hasNumericalValue": "48", "hasUnit": {"id": "hour"}}
    assert inputs[("consume", "frame")]["due"] == assemble["hasBeginning"]
    assert [(c["resourceConformsTo"]["id"], c["resourceQuantity"]) for c in weld["committedOutputs"]] == [
        ("frame", {"hasNumericalValue": "3"})]
    # 1 plan, 2 processes, 1 independent demand and 6 commitments of the steps: each chained
    assert _chain(uow) == before + 10
    again = run(uow, PLAN, ATELIER)["createPlanFromRecipe"]["plan"]
    assert again["id"] == made["id"] and _chain(uow) == before + 10  # the key makes a retry harmless

    # Ana's work fulfils the atelier's committed work
    work = inputs[("work", "welding")]["id"]
    event = run(uow, f'''mutation {{ createEconomicEvent(event: {{action: "work", provider: "atelier",
        receiver: "atelier", inputOf: "{assemble["id"]}", resourceConformsTo: "welding",
        effortQuantity: {{hasNumericalValue: "20", hasUnit: "hour"}}, hasPointInTime: "2027-02-28T09:00:00Z"}})
        {{ economicEvent {{ id }} }} }}''', ATELIER)["createEconomicEvent"]["economicEvent"]["id"]
    run(uow, f'''mutation {{ createFulfillment(fulfillment: {{fulfills: "{work}", fulfilledBy: "{event}"}})
        {{ fulfillment {{ id }} }} }}''', ATELIER)
    progress = run(uow, f'{{ commitment(id: "{work}") {{ progress {{ planned done remaining }} plannedWithin {{ id }} '
                        f'inputOf {{ id }} }} }}')["commitment"]
    assert progress == {"progress": {"planned": "48", "done": "20", "remaining": "28"},
                        "plannedWithin": {"id": made["id"]}, "inputOf": {"id": assemble["id"]}}
    assert verify(uow).ok


def test_who_writes_recipes_and_plans_from_them(network: UnitOfWork) -> None:
    uow = network
    write_recipe(uow)
    before = _chain(uow)
    assert refused(uow, PLAN, FARM)["extensions"]["code"] == "FORBIDDEN"  # the farm does not commit the atelier
    assert refused(uow, PLAN, ANONYMOUS)["extensions"]["code"] == "UNAUTHENTICATED"
    step = run(uow, '{ recipeProcess(id: "weld") { revisionId } }')["recipeProcess"]["revisionId"]
    change = f'''mutation {{ updateRecipeProcess(recipeProcess: {{revisionId: "{step}",
        hasDuration: {{numericDuration: "3", unitType: hour}}}}) {{ recipeProcess {{ name hasDuration
        {{ numericDuration unitType }} }} }} }}'''
    assert refused(uow, change, ATELIER)["extensions"]["code"] == "FORBIDDEN"  # an admin revises recipes
    assert refused(uow, f'mutation {{ deleteRecipeProcess(revisionId: "{step}") }}')["extensions"]["code"] == (
        "IMMUTABLE")
    assert _chain(uow) == before
    assert run(uow, change, ADMIN)["updateRecipeProcess"]["recipeProcess"] == {
        "name": "Weld a frame", "hasDuration": {"numericDuration": "3", "unitType": "hour"}}
    made = run(uow, PLAN, ADMIN)["createPlanFromRecipe"]["plan"]
    weld = next(p for p in made["processes"] if p["name"] == "Weld a frame")
    assert weld["hasBeginning"] == "2027-02-27T09:00:00Z"
    assert run(uow, 'mutation { createRecipeExchange(recipeExchange: {name: "Sale"}) { recipeExchange { name } } }',
               ANA)["createRecipeExchange"]["recipeExchange"] == {"name": "Sale"}


def test_bad_recipes_and_plans_are_refused_whole(network: UnitOfWork) -> None:
    uow = network
    before = _chain(uow)
    flow = refused(uow, '''mutation { createRecipeFlow(recipeFlow: {action: "fly", resourceConformsTo: "nothing",
        recipeInputOf: "nowhere"}) { recipeFlow { id } } }''')
    assert {p["code"] for p in flow["extensions"]["problems"]} == {"unknown_action", "unknown_resource_specification",
                                                                   "unknown_recipe_process", "required"}
    step = refused(uow, '''mutation { createRecipeProcess(recipeProcess: {name: "", hasDuration: {numericDuration:
        "1.5", unitType: month}}) { recipeProcess { id } } }''')
    assert {p["code"] for p in step["extensions"]["problems"]} == {"required", "not_whole"}
    nothing = refused(uow, f'''mutation {{ createPlanFromRecipe(plan: {{output: "seed-drill", quantity: "0",
        due: "{DUE}", provider: "atelier", receiver: "ghost"}}) {{ plan {{ id }} }} }}''')
    assert {p["code"] for p in nothing["extensions"]["problems"]} == {"no_recipe", "not_positive", "unknown_agent"}
    assert _chain(uow) == before
    assert run(uow, '{ plans { edges { node { id } } } }')["plans"]["edges"] == []

