"""The planning half of ValueFlows in the main API: offers and requests, agreements with their clauses, plans with
their demands, events that fulfil commitments and satisfy intents, and how far each is; who may write and see
which. On SQLite, PostgreSQL and the memory store."""

from __future__ import annotations

from typing import Any

from gql_support import ADMIN, ANA, DUE, FARM, refused, run

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy
from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.store.ports import UnitOfWork


def test_an_offer_a_request_and_the_agreement_that_meets_them(network: UnitOfWork) -> None:
    uow = network
    request = run(uow, f'''mutation {{ createIntent(intent: {{action: "transfer", receiver: "farm",
        name: "3 seed drills",
        resourceConformsTo: "seed-drill", resourceQuantity: {{hasNumericalValue: "3", hasUnit: "one"}}, due: {DUE}}},
        idempotencyKey: "farm-request") {{ intent {{ id name receiver {{ id }} provider {{ id }} revisionId }} }} }}''',
                  FARM)["createIntent"]["intent"]
    assert (request["receiver"], request["provider"]) == ({"id": "farm"}, None) and len(request["revisionId"]) == 64
    again = run(uow, f'''mutation {{ createIntent(intent: {{action: "transfer", receiver: "farm",
        name: "3 seed drills",
        resourceConformsTo: "seed-drill", resourceQuantity: {{hasNumericalValue: "3", hasUnit: "one"}}, due: {DUE}}},
        idempotencyKey: "farm-request") {{ intent {{ id }} }} }}''', FARM)["createIntent"]["intent"]
    assert again["id"] == request["id"]  # a retry writes nothing new
    offer = run(uow, '''mutation { createIntent(intent: {action: "transfer", provider: "atelier", name: "Seed drills",
        availableQuantity: {hasNumericalValue: "5", hasUnit: "one"}, resourceConformsTo: "seed-drill",
        resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}}) { intent { id availableQuantity
        { hasNumericalValue } } } }''')["createIntent"]["intent"]
    assert offer["availableQuantity"] == {"hasNumericalValue": "5"}

    intents = run(uow, "{ intents(first: 1) { edges { node { id } } pageInfo { hasNextPage endCursor } } }")
    cursor = intents["intents"]["pageInfo"]["endCursor"]
    rest = run(uow, f'{{ intents(after: "{cursor}") {{ edges {{ node {{ id }} }} }} }}')
    seen = [e["node"]["id"] for e in intents["intents"]["edges"] + rest["intents"]["edges"]]
    assert sorted(seen) == sorted([request["id"], offer["id"]]) and intents["intents"]["pageInfo"]["hasNextPage"]
    # offers and requests are public
    assert run(uow, f'{{ intent(id: "{request["id"]}") {{ name }} }}', ANONYMOUS)["intent"]["name"] == "3 seed drills"

    agreement = run(uow, 'mutation { createAgreement(agreement: {name: "Seed drills for the Val", id: "deal"}) '
                         '{ agreement { id name created } } }')["createAgreement"]["agreement"]
    assert agreement["id"] == "deal" and agreement["created"]
    clause = run(uow, f'''mutation {{ createCommitment(commitment: {{action: "transfer", provider: "atelier",
        receiver: "farm", clauseOf: "deal", resourceConformsTo: "seed-drill",
        resourceQuantity: {{hasNumericalValue: "3", hasUnit: "one"}}, due: {DUE}}}) {{ commitment {{ id
        clauseOf {{ id }} provider {{ id }} receiver {{ id }} involvedAgents {{ id }} }} }} }}''')
    commitment = clause["createCommitment"]["commitment"]
    assert commitment["clauseOf"] == {"id": "deal"}
    assert {a["id"] for a in commitment["involvedAgents"]} == {"atelier", "farm"}
    satisfied = run(uow, f'''mutation {{ createSatisfaction(satisfaction: {{satisfies: "{request["id"]}",
        satisfiedBy: "{commitment["id"]}"}}) {{ satisfaction {{ id satisfiedBy {{ __typename ... on Commitment
        {{ id }} }} resourceQuantity {{ hasNumericalValue }} }} }} }}''')["createSatisfaction"]["satisfaction"]
    assert satisfied["satisfiedBy"] == {"__typename": "Commitment", "id": commitment["id"]}
    assert satisfied["resourceQuantity"] == {"hasNumericalValue": "3"}  # the whole commitment, by default
    deal = run(uow, '{ agreement(id: "deal") { commitments { id } involvedAgents { edges { node { id } } } } }')
    assert deal["agreement"]["commitments"] == [{"id": commitment["id"]}]
    progress = run(uow, f'{{ intent(id: "{request["id"]}") {{ satisfiedBy {{ id }} progress {{ planned done '
                        'remaining complete unit { id } } } }')["intent"]
    assert progress["satisfiedBy"] == [{"id": satisfied["id"]}]
    assert progress["progress"] == {"planned": "3", "done": "3", "remaining": "0", "complete": True,
                                    "unit": {"id": "one"}}


def test_a_plan_its_commitments_and_the_events_that_fulfil_them(network: UnitOfWork) -> None:
    uow = network
    plan = run(uow, f'mutation {{ createPlan(plan: {{name: "Seed drills for the Val", due: {DUE}, id: "p1"}}) '
                    '{ plan { id name due } } }')["createPlan"]["plan"]
    assert plan == {"id": "p1", "name": "Seed drills for the Val", "due": "2027-03-01T00:00:00Z"}
    demand = run(uow, f'''mutation {{ createCommitment(commitment: {{action: "produce", provider: "atelier",
        receiver: "atelier", outputOf: "build", independentDemandOf: "p1", plannedWithin: "p1",
        resourceConformsTo: "seed-drill", resourceQuantity: {{hasNumericalValue: "3", hasUnit: "one"}}, due: {DUE}}})
        {{ commitment {{ id }} }} }}''')["createCommitment"]["commitment"]["id"]
    work = run(uow, '''mutation { createCommitment(commitment: {action: "work", provider: "ana", receiver: "atelier",
        inputOf: "build", plannedWithin: "p1", effortQuantity: {hasNumericalValue: "40", hasUnit: "hour"},
        note: "weld the frames"}) { commitment { id } } }''', ANA)["createCommitment"]["commitment"]["id"]
    p1 = run(uow, '{ plan(id: "p1") { independentDemands { id } nonProcessCommitments { id } processes { id } '
                  'involvedAgents { edges { node { id } } } } }')["plan"]
    assert p1["independentDemands"] == [{"id": demand}] and p1["nonProcessCommitments"] == []
    assert p1["processes"] == [{"id": "build"}]
    assert {e["node"]["id"] for e in p1["involvedAgents"]["edges"]} == {"ana", "atelier"}

    worked = legacy.execute_sync('''mutation { createEconomicEvent(event: {action: "work", provider: "ana",
        receiver: "atelier", inputOf: "build", hasPointInTime: "2026-11-20T17:00:00Z",
        effortQuantity: {hasDecimalValue: "46", hasUnit: "hour"}}) { economicEvent { id } } }''',
                                 context_value=Context(uow, ANA)).data["createEconomicEvent"]["economicEvent"]["id"]
    fulfilled = run(uow, f'''mutation {{ createFulfillment(fulfillment: {{fulfills: "{work}", fulfilledBy: "{worked}"}})
        {{ fulfillment {{ id fulfills {{ id }} fulfilledBy {{ id }} effortQuantity {{ hasNumericalValue }} }} }} }}''',
                    ANA)["createFulfillment"]["fulfillment"]
    assert fulfilled["fulfilledBy"] == {"id": worked} and fulfilled["effortQuantity"] == {"hasNumericalValue": "46"}
    promise = run(uow, f'{{ commitment(id: "{work}") {{ fulfilledBy {{ id }} progress {{ planned done remaining over '
                       'complete } } }', ANA)["commitment"]
    assert promise["fulfilledBy"] == [{"id": fulfilled["id"]}]
    assert promise["progress"] == {"planned": "40", "done": "46", "remaining": "0", "over": "6", "complete": True}
    # Ana's promise of work to the co-op is private, as her work is: members see it, outsiders do not
    assert run(uow, f'{{ commitment(id: "{work}") {{ id }} }}', ANONYMOUS)["commitment"] is None
    assert run(uow, f'{{ fulfillment(id: "{fulfilled["id"]}") {{ id }} }}', FARM)["fulfillment"] is None
    outsiders = run(uow, "{ commitments { edges { node { id } } } }", ANONYMOUS)["commitments"]["edges"]
    assert [e["node"]["id"] for e in outsiders] == [demand]
    assert run(uow, f'{{ commitment(id: "{work}") {{ id }} }}', Principal("atelier", Scope.READ))["commitment"]


def test_bad_planning_input_is_refused_whole_and_writes_nothing(network: UnitOfWork) -> None:
    uow = network
    with uow.read() as tx:
        before = tx.chain.count()
    nobody = refused(uow, 'mutation { createIntent(intent: {action: "transfer", name: "x"}) { intent { id } } }')
    assert nobody["extensions"]["code"] == "BAD_USER_INPUT" and "provider" in nobody["message"]
    many = refused(uow, '''mutation { createCommitment(commitment: {action: "fly", provider: "ghost", receiver: "farm",
        clauseOf: "no-deal", resourceQuantity: {hasNumericalValue: "-1", hasUnit: "one"}}) { commitment { id } } }''')
    codes = {p["code"] for p in many["extensions"]["problems"]}
    assert {"unknown_action", "unknown_agent"} <= codes and len(codes) >= 3
    mismatch = refused(uow, '''mutation { createFulfillment(fulfillment: {fulfills: "nothing", fulfilledBy: "none"})
        { fulfillment { id } } }''')
    assert mismatch["extensions"]["code"] == "BAD_USER_INPUT"
    others = refused(uow, '''mutation { createIntent(intent: {action: "transfer", provider: "atelier", name: "x"})
        { intent { id } } }''', FARM)  # the farm may not make offers for the atelier
    assert others["extensions"]["code"] == "FORBIDDEN"
    assert refused(uow, 'mutation { createPlan(plan: {name: "x"}) { plan { id } } }',
                   ANONYMOUS)["extensions"]["code"] == "UNAUTHENTICATED"
    with uow.read() as tx:
        assert tx.chain.count() == before
    assert legacy.execute_sync("{ intents { edges { cursor } } }", context_value=Context(uow, ADMIN)).errors


def test_what_planning_adds_to_agents_processes_events_and_specifications(network: UnitOfWork) -> None:
    uow = network
    run(uow, 'mutation { createPlan(plan: {name: "Drills", id: "p1"}) { plan { id } } }')
    run(uow, 'mutation { createAgreement(agreement: {name: "Deal", id: "deal"}) { agreement { id } } }')
    steel = run(uow, '''mutation { createIntent(intent: {action: "consume", receiver: "atelier", inputOf: "build",
        name: "steel wanted", resourceQuantity: {hasNumericalValue: "40", hasUnit: "kilogram"}}) { intent { id } } }''')
    request = run(uow, '''mutation { createIntent(intent: {action: "transfer", receiver: "farm",
        resourceConformsTo: "seed-drill", resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"},
        inScopeOf: ["farm"]})
        { intent { id } } }''', FARM)["createIntent"]["intent"]["id"]
    work = run(uow, '''mutation { createCommitment(commitment: {action: "work", provider: "ana", receiver: "atelier",
        inputOf: "build", plannedWithin: "p1", clauseOf: "deal",
        effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}})
        { commitment { id } } }''', ANA)["createCommitment"]["commitment"]["id"]
    made = run(uow, '''mutation { createCommitment(commitment: {action: "produce", provider: "atelier",
        receiver: "atelier", outputOf: "build", plannedWithin: "p1", resourceConformsTo: "seed-drill",
        resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}}) { commitment { id } } }''')
    produce = made["createCommitment"]["commitment"]["id"]
    worked = legacy.execute_sync('''mutation { createEconomicEvent(event: {action: "work", provider: "ana",
        receiver: "atelier", inputOf: "build", hasPointInTime: "2026-11-20T17:00:00Z", realizationOf: "deal",
        effortQuantity: {hasDecimalValue: "8", hasUnit: "hour"}}) { economicEvent { id } } }''',
                                 context_value=Context(uow, ANA)).data["createEconomicEvent"]["economicEvent"]["id"]
    run(uow, f'mutation {{ createFulfillment(fulfillment: {{fulfills: "{work}", fulfilledBy: "{worked}"}}) '
             '{ fulfillment { id } } }', ANA)

    def ids(connection: dict[str, Any]) -> list[str]:
        return [e["node"]["id"] for e in connection["edges"]]

    farm = run(uow, '{ agent(id: "farm") { intents { edges { node { id } } } '
                    'intentsAsReceiver { edges { node { id } } } '
                    'intentsAsProvider { edges { node { id } } } intentsInScope { edges { node { id } } } } }')["agent"]
    assert ids(farm["intents"]) == ids(farm["intentsAsReceiver"]) == ids(farm["intentsInScope"]) == [request]
    assert ids(farm["intentsAsProvider"]) == []
    ana = run(uow, '{ agent(id: "ana") { commitments { edges { node { id } } } commitmentsAsProvider { edges { node '
                   '{ id } } } commitmentsAsReceiver { edges { node { id } } } plans { edges { node { id } } } } }',
              ANA)["agent"]
    assert ids(ana["commitments"]) == ids(ana["commitmentsAsProvider"]) == [work]
    assert ids(ana["commitmentsAsReceiver"]) == [] and ids(ana["plans"]) == ["p1"]
    build = run(uow, '{ process(id: "build") { committedInputs { id } committedOutputs { id } intendedInputs { id } '
                     'intendedOutputs { id } plannedWithin { id } committedWork: committedInputs(action: "work") '
                     '{ id } } }', ANA)["process"]
    assert build["committedInputs"] == build["committedWork"] == [{"id": work}]
    assert build["committedOutputs"] == [{"id": produce}]
    assert build["intendedInputs"] == [{"id": steel["createIntent"]["intent"]["id"]}]
    assert build["intendedOutputs"] == [] and build["plannedWithin"] == {"id": "p1"}
    event = run(uow, f'{{ economicEvent(id: "{worked}") {{ fulfills {{ fulfills {{ id }} }} satisfies {{ id }} '
                     'realizationOf { id name } } }', ANA)["economicEvent"]
    assert event == {"fulfills": [{"fulfills": {"id": work}}], "satisfies": [], "realizationOf": {"id": "deal",
                                                                                              "name": "Deal"}}
    drill = run(uow, '{ resourceSpecification(id: "seed-drill") { intents { edges { node { id } } } '
                     'commitments { edges { node { id } } } } }')["resourceSpecification"]
    assert ids(drill["intents"]) == [request] and ids(drill["commitments"]) == [produce]
    # the legacy API keeps realizationOf as the agreement's id
    legacy_event = legacy.execute_sync(f'{{ economicEvent(id: "{worked}") {{ realizationOf }} }}',
                                       context_value=Context(uow, ADMIN)).data["economicEvent"]
    assert legacy_event == {"realizationOf": "deal"}
    # an outsider does not see Ana's promise through the process either
    outsider = run(uow, '{ process(id: "build") { committedInputs { id } } }', FARM)["process"]
    assert outsider["committedInputs"] == []


def test_updates_name_the_revision_they_change_and_nothing_is_deleted(network: UnitOfWork) -> None:
    uow = network
    offer = run(uow, '''mutation { createIntent(intent: {action: "transfer", provider: "atelier", name: "Seed drills",
        resourceConformsTo: "seed-drill", resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}})
        { intent { id revisionId } } }''')["createIntent"]["intent"]
    changed = run(uow, f'''mutation {{ updateIntent(intent: {{revisionId: "{offer["revisionId"]}",
        name: "Seed drills, 2027 batch", availableQuantity: {{hasNumericalValue: "4", hasUnit: "one"}}}})
        {{ intent {{ id name revisionId availableQuantity {{ hasNumericalValue }} provider {{ id }}
        resourceQuantity {{ hasNumericalValue }} }} }} }}''')["updateIntent"]["intent"]
    assert changed["id"] == offer["id"] and changed["name"] == "Seed drills, 2027 batch"
    assert changed["availableQuantity"] == {"hasNumericalValue": "4"} and changed["provider"] == {"id": "atelier"}
    assert changed["resourceQuantity"] == {"hasNumericalValue": "1"}  # what the update does not name stays
    assert changed["revisionId"] != offer["revisionId"]
    with uow.read() as tx:
        before = tx.chain.count()
    stale = refused(uow, f'''mutation {{ updateIntent(intent: {{revisionId: "{offer["revisionId"]}", finished: true}})
        {{ intent {{ id }} }} }}''')
    assert stale["extensions"]["code"] == "CONFLICT"
    others = refused(uow, f'''mutation {{ updateIntent(intent: {{revisionId: "{changed["revisionId"]}",
        finished: true}}) {{ intent {{ id }} }} }}''', FARM)
    assert others["extensions"]["code"] == "FORBIDDEN"
    bad = refused(uow, f'''mutation {{ updateIntent(intent: {{revisionId: "{changed["revisionId"]}",
        action: "fly"}}) {{ intent {{ id }} }} }}''')
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    gone = refused(uow, f'mutation {{ deleteIntent(revisionId: "{changed["revisionId"]}") }}')
    assert gone["extensions"]["code"] == "IMMUTABLE" and "finished: true" in gone["message"]
    with uow.read() as tx:
        assert tx.chain.count() == before
    withdrawn = run(uow, f'''mutation {{ updateIntent(intent: {{revisionId: "{changed["revisionId"]}",
        finished: true}}) {{ intent {{ finished }} }} }}''')["updateIntent"]["intent"]
    assert withdrawn == {"finished": True}

    promise = run(uow, '''mutation { createCommitment(commitment: {action: "work", provider: "ana", receiver: "atelier",
        effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}}) { commitment { id revisionId created } } }''',
                  ANA)["createCommitment"]["commitment"]
    kept = run(uow, f'''mutation {{ updateCommitment(commitment: {{revisionId: "{promise["revisionId"]}",
        effortQuantity: {{hasNumericalValue: "10", hasUnit: "hour"}}, note: "two more hours"}})
        {{ commitment {{ created note effortQuantity {{ hasNumericalValue }} }} }} }}''', ANA)
    assert kept["updateCommitment"]["commitment"] == {"created": promise["created"], "note": "two more hours",
                                                      "effortQuantity": {"hasNumericalValue": "10"}}
    plan = run(uow, 'mutation { createPlan(plan: {name: "Drills"}) { plan { revisionId } } }')["createPlan"]["plan"]
    renamed = run(uow, f'mutation {{ updatePlan(plan: {{revisionId: "{plan["revisionId"]}", name: "Drills 2027", '
                       f'due: {DUE}}}) {{ plan {{ name due }} }} }}')["updatePlan"]["plan"]
    assert renamed == {"name": "Drills 2027", "due": "2027-03-01T00:00:00Z"}
    deal = run(uow, 'mutation { createAgreement(agreement: {name: "Deal"}) { agreement { revisionId } } }')
    noted = run(uow, f'mutation {{ updateAgreement(agreement: {{revisionId: '
                     f'"{deal["createAgreement"]["agreement"]["revisionId"]}", note: "signed"}}) '
                     '{ agreement { name note } } }')["updateAgreement"]["agreement"]
    assert noted == {"name": "Deal", "note": "signed"}


def test_a_fulfilment_and_a_satisfaction_revised(network: UnitOfWork) -> None:
    uow = network
    promise = run(uow, '''mutation { createCommitment(commitment: {action: "work", provider: "ana", receiver: "atelier",
        effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}}) { commitment { id } } }''',
                  ANA)["createCommitment"]["commitment"]["id"]
    worked = legacy.execute_sync('''mutation { createEconomicEvent(event: {action: "work", provider: "ana",
        receiver: "atelier", hasPointInTime: "2026-11-20T17:00:00Z",
        effortQuantity: {hasDecimalValue: "10", hasUnit: "hour"}}) { economicEvent { id } } }''',
                                 context_value=Context(uow, ANA)).data["createEconomicEvent"]["economicEvent"]["id"]
    link = run(uow, f'''mutation {{ createFulfillment(fulfillment: {{fulfills: "{promise}", fulfilledBy: "{worked}"}})
        {{ fulfillment {{ revisionId }} }} }}''', ANA)["createFulfillment"]["fulfillment"]
    part = run(uow, f'''mutation {{ updateFulfillment(fulfillment: {{revisionId: "{link["revisionId"]}",
        effortQuantity: {{hasNumericalValue: "6", hasUnit: "hour"}}, note: "6 of the 10 hours"}})
        {{ fulfillment {{ note effortQuantity {{ hasNumericalValue }} fulfills {{ progress {{ done remaining }} }} }}
        }} }}''', ANA)["updateFulfillment"]["fulfillment"]
    assert part == {"note": "6 of the 10 hours", "effortQuantity": {"hasNumericalValue": "6"},
                    "fulfills": {"progress": {"done": "6", "remaining": "2"}}}
    stale = refused(uow, f'''mutation {{ updateFulfillment(fulfillment: {{revisionId: "{link["revisionId"]}",
        note: "x"}}) {{ fulfillment {{ id }} }} }}''', ANA)
    assert stale["extensions"]["code"] == "CONFLICT"  # the revision read before the change is stale
    wanted = run(uow, '''mutation { createIntent(intent: {action: "work", receiver: "atelier", name: "welding",
        effortQuantity: {hasNumericalValue: "20", hasUnit: "hour"}}) { intent { id } } }''')["createIntent"]
    met = run(uow, f'''mutation {{ createSatisfaction(satisfaction: {{satisfies: "{wanted["intent"]["id"]}",
        satisfiedBy: "{promise}"}}) {{ satisfaction {{ revisionId }} }} }}''', ANA)["createSatisfaction"]
    more = run(uow, f'''mutation {{ updateSatisfaction(satisfaction: {{revisionId:
        "{met["satisfaction"]["revisionId"]}", satisfiedBy: "{worked}"}}) {{ satisfaction {{ satisfiedBy
        {{ __typename }} effortQuantity {{ hasNumericalValue }} }} }} }}''', ANA)["updateSatisfaction"]
    # relinked to the event: its quantity stays what the satisfaction carried (8 hours, the commitment's)
    assert more["satisfaction"] == {"satisfiedBy": {"__typename": "EconomicEvent"},
                                    "effortQuantity": {"hasNumericalValue": "8"}}
