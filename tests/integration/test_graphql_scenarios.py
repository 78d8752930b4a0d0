"""Scenarios and appreciations in the main API: a yearly budget scenario defined as such, refined by another and by
plans, with processes nested in it; a gift acknowledged by an event given in return, seen as its events are. On
SQLite, PostgreSQL and the memory store."""

from __future__ import annotations

from gql_support import ADMIN, ANA, FARM, refused, run

from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

ATELIER = Principal("atelier", Scope.WRITE)


def _chain(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def test_a_budget_scenario_refined_by_a_scenario_and_a_plan(network: UnitOfWork) -> None:
    uow = network
    run(uow, '''mutation { createScenarioDefinition(plan: {id: "yearly", name: "Yearly budget", inScopeOf: ["atelier"],
        hasDuration: {numericDuration: "1", unitType: year}}) { scenarioDefinition { id } } }''', ATELIER)
    budget = run(uow, '''mutation { createScenario(plan: {id: "b2027", name: "Budget 2027", definedAs: "yearly",
        hasBeginning: "2027-01-01T00:00:00Z", hasEnd: "2028-01-01T00:00:00Z", inScopeOf: ["atelier"]})
        { scenario { id revisionId definedAs { name hasDuration { numericDuration unitType } } } } }''',
                 ATELIER)["createScenario"]["scenario"]
    assert budget["definedAs"] == {"name": "Yearly budget", "hasDuration": {"numericDuration": "1", "unitType": "year"}}
    run(uow, '''mutation { createScenario(plan: {id: "b2027-low", name: "Budget 2027, a dry year",
        refinementOf: "b2027"}) { scenario { id } } }''', ANA)
    run(uow, '''mutation { createPlan(plan: {id: "drills", name: "Seed drills 2027", refinementOf: "b2027"})
        { plan { id } } }''')
    run(uow, '''mutation { createProcess(process: {id: "p-assemble", name: "Assemble", nestedIn: "b2027"})
        { process { id } } }''')
    seen = run(uow, '''{ scenario(id: "b2027") { name refinements { id } plans { id } processes { edges { node { id
        nestedIn { id } } } } inScopeOf { ... on Organization { id } } }
        plan(id: "drills") { refinementOf { id } }
        scenarioDefinition(id: "yearly") { scenarios { edges { node { id } } } }
        agent(id: "atelier") { scenariosInScope { edges { node { id } } } }
        scenarios { edges { node { id } } } scenarioDefinitions { edges { node { id } } } }''', ANONYMOUS)
    assert seen["scenario"] == {"name": "Budget 2027", "refinements": [{"id": "b2027-low"}],
                                "plans": [{"id": "drills"}], "inScopeOf": [{"id": "atelier"}],
                                "processes": {"edges": [{"node": {"id": "p-assemble", "nestedIn": {"id": "b2027"}}}]}}
    assert seen["plan"] == {"refinementOf": {"id": "b2027"}}
    assert [e["node"]["id"] for e in seen["scenarioDefinition"]["scenarios"]["edges"]] == ["b2027"]
    assert [e["node"]["id"] for e in seen["agent"]["scenariosInScope"]["edges"]] == ["b2027"]
    assert [e["node"]["id"] for e in seen["scenarios"]["edges"]] == ["b2027", "b2027-low"]

    before = _chain(uow)
    change = f'''mutation {{ updateScenario(plan: {{revisionId: "{budget["revisionId"]}", note: "as voted"}})
        {{ scenario {{ note name }} }} }}'''
    assert refused(uow, change, FARM)["extensions"]["code"] == "FORBIDDEN"  # not in its scope
    loop = refused(uow, f'''mutation {{ updateScenario(plan: {{revisionId: "{budget["revisionId"]}",
        refinementOf: "b2027-low"}}) {{ scenario {{ id }} }} }}''', ATELIER)
    assert loop["extensions"]["problems"][0]["code"] == "loop"
    bad = refused(uow, '''mutation { createScenario(plan: {name: "", definedAs: "monthly", refinementOf: "nothing",
        hasBeginning: "2027-02-01T00:00:00Z", hasEnd: "2027-01-01T00:00:00Z"}) { scenario { id } } }''')
    assert {p["code"] for p in bad["extensions"]["problems"]} == {
        "required", "unknown_scenario_definition", "unknown_scenario", "before_beginning"}
    assert refused(uow, 'mutation { createPlan(plan: {name: "x", refinementOf: "nothing"}) { plan { id } } }')[
        "extensions"]["problems"][0]["code"] == "unknown_scenario"
    assert refused(uow, f'mutation {{ deleteScenario(revisionId: "{budget["revisionId"]}") }}')["extensions"][
        "code"] == "IMMUTABLE"
    assert _chain(uow) == before
    assert run(uow, change, ATELIER)["updateScenario"]["scenario"] == {"note": "as voted", "name": "Budget 2027"}
    assert verify(uow).ok


def test_a_gift_acknowledged_by_an_event_given_in_return(network: UnitOfWork) -> None:
    uow = network
    gift = run(uow, '''mutation { createEconomicEvent(event: {action: "deliverService", provider: "farm",
        receiver: "atelier", hasPointInTime: "2027-04-01T10:00:00Z", resourceConformsTo: "seed-drill",
        resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}, note: "field trial of the drill"})
        { economicEvent { id } } }''', FARM)["createEconomicEvent"]["economicEvent"]["id"]
    thanks = run(uow, '''mutation { createEconomicEvent(event: {action: "work", provider: "ana", receiver: "farm",
        hasPointInTime: "2027-04-10T10:00:00Z", effortQuantity: {hasNumericalValue: "4", hasUnit: "hour"},
        note: "helped at the harvest"}) { economicEvent { id } } }''',
                 ANA)["createEconomicEvent"]["economicEvent"]["id"]
    made = run(uow, f'''mutation {{ createAppreciation(appreciation: {{appreciationOf: "{gift}",
        appreciationWith: "{thanks}", note: "thanks for the trial"}}) {{ appreciation {{ id revisionId
        appreciationOf {{ id }} appreciationWith {{ id }} }} }} }}''', ANA)["createAppreciation"]["appreciation"]
    assert (made["appreciationOf"], made["appreciationWith"]) == ({"id": gift}, {"id": thanks})
    document = f'''{{ appreciations {{ edges {{ node {{ id note }} }} }}
        of: economicEvent(id: "{gift}") {{ appreciationOf {{ id }} }}
        with: economicEvent(id: "{thanks}") {{ appreciationWith {{ id }} }} }}'''
    mine = run(uow, document, ANA)
    assert [e["node"]["note"] for e in mine["appreciations"]["edges"]] == ["thanks for the trial"]
    assert mine["of"]["appreciationOf"] == [{"id": made["id"]}] and mine["with"]["appreciationWith"] == [
        {"id": made["id"]}]
    # Ana's help to a farm is hers and the farm's: an outsider sees neither the work nor the appreciation
    outside = run(uow, document, ANONYMOUS)
    assert outside["appreciations"]["edges"] == [] and outside["with"] is None
    missing = refused(uow, f'{{ appreciation(id: "{made["id"]}") {{ id }} }}', ANONYMOUS)
    assert missing["extensions"]["code"] == "NOT_FOUND"
    assert run(uow, f'{{ appreciation(id: "{made["id"]}") {{ note }} }}', FARM)["appreciation"] == {
        "note": "thanks for the trial"}
    before = _chain(uow)
    assert refused(uow, f'''mutation {{ createAppreciation(appreciation: {{appreciationOf: "{gift}",
        appreciationWith: "{gift}"}}) {{ appreciation {{ id }} }} }}''')["extensions"]["problems"][0]["code"] == (
        "same_event")
    assert refused(uow, f'''mutation {{ createAppreciation(appreciation: {{appreciationOf: "{gift}",
        appreciationWith: "{thanks}"}}) {{ appreciation {{ id }} }} }}''', Principal("bo", Scope.WRITE))[
        "extensions"]["code"] == "FORBIDDEN"
    assert _chain(uow) == before
    noted = run(uow, f'''mutation {{ updateAppreciation(appreciation: {{revisionId: "{made["revisionId"]}",
        note: "thank you!"}}) {{ appreciation {{ note }} }} }}''', ADMIN)
    assert noted["updateAppreciation"]["appreciation"] == {"note": "thank you!"}
