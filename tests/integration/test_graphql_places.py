"""Where things are, in the main API: agents' primary locations, events' places (and where they move resources),
resources' current locations, intents' and commitments' places; what a place holds; offers and requests near a
point; 0.9's filters of intents, commitments, a process's flows and a plan's processes. On SQLite, PostgreSQL and
the memory store."""

from __future__ import annotations

from typing import Any

from gql_support import FARM, refused, run

from valueflows.domain.access import ANONYMOUS
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork


def _place(uow: UnitOfWork, place_id: str, name: str, lat: str, long: str) -> None:
    run(uow, f'''mutation {{ createSpatialThing(spatialThing: {{id: "{place_id}", name: "{name}", lat: "{lat}",
        long: "{long}"}}) {{ spatialThing {{ id }} }} }}''')


def _chain(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def _ids(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in connection["edges"]]


def test_records_name_their_places_and_a_place_lists_what_is_there(network: UnitOfWork) -> None:
    uow = network
    _place(uow, "grenoble", "Atelier Commun, Grenoble", "45.1885", "5.7245")
    _place(uow, "val", "Ferme du Val", "45.0400", "5.0500")
    farm = run(uow, '{ organization(id: "farm") { revisionId } }')["organization"]["revisionId"]
    run(uow, f'''mutation {{ updateOrganization(organization: {{revisionId: "{farm}", primaryLocation: "val"}})
        {{ agent {{ id }} }} }}''')
    run(uow, '''mutation { createPerson(person: {name: "Léa", id: "lea", primaryLocation: "grenoble"})
        { agent { id } } }''')
    made = run(uow, '''mutation { createEconomicEvent(event: {action: "produce", provider: "atelier",
        receiver: "atelier", hasPointInTime: "2027-02-28T17:00:00Z", atLocation: "grenoble",
        resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}},
        newInventoriedResource: {name: "3 seed drills", conformsTo: "seed-drill", id: "drills"})
        { economicEvent { id atLocation { name } } economicResource { currentLocation { id } } } }''')
    made = made["createEconomicEvent"]
    assert made["economicEvent"]["atLocation"] == {"name": "Atelier Commun, Grenoble"}
    assert made["economicResource"]["currentLocation"] == {"id": "grenoble"}  # where it was made, by default
    delivered = run(uow, '''mutation { createEconomicEvent(event: {action: "transfer", provider: "atelier",
        receiver: "farm", hasPointInTime: "2027-03-01T10:00:00Z", resourceInventoriedAs: "drills",
        resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}, toLocation: "val", atLocation: "val"})
        { economicEvent { id toLocation { id } toResourceInventoriedAs { id currentLocation { id } } } } }''')
    delivered = delivered["createEconomicEvent"]
    assert delivered["economicEvent"]["toLocation"] == {"id": "val"}
    received = delivered["economicEvent"]["toResourceInventoriedAs"]
    assert received["currentLocation"] == {"id": "val"}  # the farm's side of the drills is at the farm
    run(uow, '''mutation { createIntent(intent: {action: "transfer", receiver: "farm", name: "Seed drills",
        atLocation: "val", resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}}) { intent { id } } }''', FARM)
    run(uow, '''mutation { createCommitment(commitment: {action: "transfer", provider: "atelier", receiver: "farm",
        atLocation: "val", resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}})
        { commitment { atLocation { id } } } }''')
    there = run(uow, '''{ val: spatialThing(id: "val") { agents { id } intents { name } commitments { id }
        economicResources { edges { node { id } } } economicEvents { edges { node { id } } } }
        grenoble: spatialThing(id: "grenoble") { agents { id } economicResources { edges { node { id } } }
        economicEvents { edges { node { id } } } }
        person(id: "lea") { primaryLocation { name } } }''', ANONYMOUS)
    assert there["val"]["agents"] == [{"id": "farm"}] and there["val"]["intents"] == [{"name": "Seed drills"}]
    assert len(there["val"]["commitments"]) == 1 and _ids(there["val"]["economicResources"]) == [received["id"]]
    assert _ids(there["val"]["economicEvents"]) == [delivered["economicEvent"]["id"]]
    assert there["grenoble"]["agents"] == [{"id": "lea"}]
    assert _ids(there["grenoble"]["economicResources"]) == ["drills"]
    assert _ids(there["grenoble"]["economicEvents"]) == [made["economicEvent"]["id"]]
    assert there["person"]["primaryLocation"] == {"name": "Atelier Commun, Grenoble"}
    assert verify(uow).ok

    before = _chain(uow)
    nowhere = refused(uow, '''mutation { createEconomicEvent(event: {action: "produce", provider: "atelier",
        receiver: "atelier", hasPointInTime: "2027-02-28T17:00:00Z", atLocation: "moon", toLocation: "mars",
        resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}}, newInventoriedResource: {name: "x",
        conformsTo: "seed-drill", currentLocation: "venus"}) { economicEvent { id } } }''')
    assert {(p["field"], p["code"]) for p in nowhere["extensions"]["problems"]} == {
        ("atLocation", "unknown_spatial_thing"), ("toLocation", "unknown_spatial_thing"),
        ("newInventoriedResource.currentLocation", "unknown_spatial_thing")}
    for document in ('mutation { createPerson(person: {name: "X", primaryLocation: "moon"}) { agent { id } } }',
                     'mutation { createIntent(intent: {action: "work", provider: "farm", atLocation: "moon"}) '
                     '{ intent { id } } }'):
        assert refused(uow, document)["extensions"]["problems"][0]["code"] == "unknown_spatial_thing"
    assert _chain(uow) == before


def test_offers_and_requests_near_a_point(network: UnitOfWork) -> None:
    uow = network
    _place(uow, "grenoble", "Grenoble", "45.1885", "5.7245")
    _place(uow, "lyon", "Lyon", "45.7640", "4.8357")  # about 95 km from Grenoble
    _place(uow, "paris", "Paris", "48.8566", "2.3522")  # about 480 km
    for place, who in (("grenoble", "provider"), ("lyon", "receiver"), ("paris", "receiver")):
        agent = "atelier" if who == "provider" else "farm"
        run(uow, f'''mutation {{ createIntent(intent: {{id: "i-{place}", action: "transfer", {who}: "{agent}",
            name: "seed drills at {place}", atLocation: "{place}", finished: false,
            resourceQuantity: {{hasNumericalValue: "1", hasUnit: "one"}}}}) {{ intent {{ id }} }} }}''')
        run(uow, f'''mutation {{ createProposal(proposal: {{id: "p-{place}", name: "{place}",
            eligibleLocation: "{place}"}}) {{ proposal {{ id }} }} }}''')
    near = run(uow, '''{ close: intents(filter: {near: {lat: "45.1885", long: "5.7245", radiusKm: "100"}})
        { edges { node { id } } }
        far: intents(filter: {near: {lat: "45.1885", long: "5.7245", radiusKm: "1000"}, receiverId: ["farm"]})
        { edges { node { id } } }
        here: proposals(filter: {near: {lat: "45.19", long: "5.72", radiusKm: "5"}}) { edges { node { id } } } }''',
               ANONYMOUS)
    assert _ids(near["close"]) == ["i-grenoble", "i-lyon"]
    assert _ids(near["far"]) == ["i-lyon", "i-paris"]
    assert _ids(near["here"]) == ["p-grenoble"]
    bad = refused(uow, '{ intents(filter: {near: {lat: "95", long: "5", radiusKm: "-1"}}) { edges { cursor } } }')
    assert {p["code"] for p in bad["extensions"]["problems"]} >= {"out_of_range"}


def test_the_0_9_filters_of_intents_commitments_processes_and_plans(network: UnitOfWork) -> None:
    uow = network
    for i, (who, action, spec, due) in enumerate([("provider", "transfer", "seed-drill", "2027-01-10"),
                                                  ("receiver", "transfer", "seed-drill", "2027-02-10"),
                                                  ("provider", "work", None, "2027-03-10")]):
        agent = "atelier" if who == "provider" else "farm"
        conforms = f', resourceConformsTo: "{spec}"' if spec else ""
        run(uow, f'''mutation {{ createIntent(intent: {{id: "i{i}", action: "{action}", {who}: "{agent}",
            name: "item {i}", due: "{due}T00:00:00Z"{conforms}, inScopeOf: ["atelier"],
            finished: {"true" if i == 2 else "false"}}}) {{ intent {{ id }} }} }}''')
    found = run(uow, '''{ a: intents(filter: {providerId: ["atelier"]}) { edges { node { id } } }
        b: intents(filter: {action: ["transfer"], resourceConformsTo: ["seed-drill"], finished: false})
          { edges { node { id } } }
        c: intents(filter: {startDate: "2027-02-01T00:00:00Z", endDate: "2027-03-31T00:00:00Z"})
          { edges { node { id } } }
        d: intents(filter: {searchString: "ITEM 1", inScopeOf: ["atelier"]}) { edges { node { id } } } }''')
    assert {k: _ids(v) for k, v in found.items()} == {"a": ["i0", "i2"], "b": ["i0", "i1"], "c": ["i1", "i2"],
                                                      "d": ["i1"]}
    run(uow, 'mutation { createPlan(plan: {name: "Drills", id: "p1"}) { plan { id } } }')
    for side, action in (("inputOf", "work"), ("outputOf", "produce")):
        quantity = ('effortQuantity: {hasNumericalValue: "8", hasUnit: "hour"}' if action == "work"
                    else 'resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}')
        run(uow, f'''mutation {{ createCommitment(commitment: {{action: "{action}", provider: "atelier",
            receiver: "atelier", {side}: "build", plannedWithin: "p1", {quantity}}}) {{ commitment {{ id }} }} }}''')
    process = run(uow, '''{ process(id: "build") { all: committedInputs { id }
        work: committedInputs(filter: {action: ["work"]}) { action { id } }
        none: committedInputs(filter: {action: ["consume"]}) { id }
        out: committedOutputs(filter: {providerId: ["atelier"]}) { action { id } }
        events: observedInputs(filter: {action: ["work"]}) { id } }
        commitments(filter: {action: ["produce"]}) { edges { node { action { id } } } } }''')
    assert len(process["process"]["all"]) == 1 and process["process"]["work"] == [{"action": {"id": "work"}}]
    assert process["process"]["none"] == [] and process["process"]["out"] == [{"action": {"id": "produce"}}]
    assert process["process"]["events"] == []
    assert [e["node"]["action"]["id"] for e in process["commitments"]["edges"]] == ["produce"]
    plan = run(uow, '''{ plan(id: "p1") { all: processes { id } built: processes(filter: {searchString: "SEED DRILLS"})
        { id } done: processes(filter: {finished: true}) { id } } }''')["plan"]
    assert plan == {"all": [{"id": "build"}], "built": [{"id": "build"}], "done": []}
