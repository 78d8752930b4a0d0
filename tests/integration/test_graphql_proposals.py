"""Proposals and places in the main API: offers and requests published as proposals with what is expected in
return, addressed to agents and valid in a place; listed and filtered; revised by their publisher; withdrawn with
what they publish (the chain keeps them). On SQLite, PostgreSQL and the memory store."""

from __future__ import annotations

from typing import Any

from gql_support import ADMIN, ANA, FARM, refused, run

from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

ATELIER = Principal("atelier", Scope.WRITE)


def _intent(uow: UnitOfWork, fields: str, who: Principal = ADMIN) -> str:
    done = run(uow, f'mutation {{ createIntent(intent: {{{fields}}}) {{ intent {{ id }} }} }}', who)
    return str(done["createIntent"]["intent"]["id"])


def _chain(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def _offer(uow: UnitOfWork) -> dict[str, Any]:
    """The atelier offers seed drills at its workshop, for money in return, addressed to the farm."""
    place = run(uow, '''mutation { createSpatialThing(spatialThing: {name: "Atelier Commun", lat: "45.1885",
        long: "5.7245", mappableAddress: "12 rue des Forges, Grenoble"}) { spatialThing { id lat long } } }''',
                ATELIER)["createSpatialThing"]["spatialThing"]
    assert (place["lat"], place["long"]) == ("45.1885", "5.7245")
    proposal = run(uow, f'''mutation {{ createProposal(proposal: {{name: "Seed drills, 2027",
        hasBeginning: "2026-01-01T00:00:00Z", unitBased: true, inScopeOf: ["atelier"],
        eligibleLocation: "{place["id"]}"}}) {{ proposal {{ id revisionId created unitBased
        eligibleLocation {{ name }} proposedBy {{ id }} inScopeOf {{ ... on Organization {{ id }} }} }} }} }}''',
                   ATELIER)["createProposal"]["proposal"]
    assert proposal["proposedBy"] == {"id": "atelier"} and proposal["unitBased"] is True
    assert proposal["eligibleLocation"] == {"name": "Atelier Commun"} and proposal["inScopeOf"] == [{"id": "atelier"}]
    drills = _intent(uow, 'action: "transfer", provider: "atelier", name: "Seed drill", resourceConformsTo: '
                          '"seed-drill", resourceQuantity: {hasNumericalValue: "1", hasUnit: "one"}', ATELIER)
    price = _intent(uow, 'action: "transfer", receiver: "atelier", name: "Price of a seed drill", '
                         'resourceQuantity: {hasNumericalValue: "2400", hasUnit: "EUR"}', ATELIER)
    published = run(uow, f'''mutation {{ proposeIntent(publishedIn: "{proposal["id"]}", publishes: "{drills}")
        {{ proposedIntent {{ id reciprocal publishes {{ id }} publishedIn {{ id }} }} }} }}''',
                    ATELIER)["proposeIntent"]["proposedIntent"]
    assert published["reciprocal"] is False and published["publishes"] == {"id": drills}
    run(uow, f'''mutation {{ proposeIntent(publishedIn: "{proposal["id"]}", publishes: "{price}", reciprocal: true)
        {{ proposedIntent {{ id }} }} }}''', ATELIER)
    run(uow, f'''mutation {{ proposeTo(proposed: "{proposal["id"]}", proposedTo: "farm")
        {{ proposedTo {{ proposedTo {{ id }} proposed {{ id }} }} }} }}''', ATELIER)
    return {"proposal": proposal, "drills": drills, "price": price, "place": place}


def test_an_offer_published_with_what_is_asked_in_return(network: UnitOfWork) -> None:
    uow = network
    made = _offer(uow)
    pid = made["proposal"]["id"]
    seen = run(uow, f'''{{ proposal(id: "{pid}") {{ name primaryIntents {{ id }} reciprocalIntents {{ id }}
        publishes {{ reciprocal publishes {{ name }} }} publishedTo {{ proposedTo {{ id }} }} }} }}''',
               ANONYMOUS)["proposal"]  # published: anyone reads it
    assert seen["primaryIntents"] == [{"id": made["drills"]}] and seen["reciprocalIntents"] == [{"id": made["price"]}]
    assert sorted(p["publishes"]["name"] for p in seen["publishes"]) == ["Price of a seed drill", "Seed drill"]
    assert seen["publishedTo"] == [{"proposedTo": {"id": "farm"}}]
    in_proposal = run(uow, f'{{ intent(id: "{made["drills"]}") {{ publishedIn {{ publishedIn {{ id }} }} }} }}')
    assert in_proposal["intent"]["publishedIn"] == [{"publishedIn": {"id": pid}}]

    # a request of the farm, published by the farm
    wanted = _intent(uow, 'action: "transfer", receiver: "farm", name: "3 seed drills", resourceQuantity: '
                          '{hasNumericalValue: "3", hasUnit: "one"}', FARM)
    asked = run(uow, 'mutation { createProposal(proposal: {name: "Wanted: seed drills"}) { proposal { id } } }',
                FARM)["createProposal"]["proposal"]["id"]
    run(uow, f'mutation {{ proposeIntent(publishedIn: "{asked}", publishes: "{wanted}") '
             '{ proposedIntent { id } } }', FARM)
    lists = run(uow, '''{ offers { edges { node { id } } } requests { edges { node { id } } }
        all: proposals { edges { node { id } } }
        scoped: proposals(filter: {inScopeOf: ["atelier"]}) { edges { node { id } } }
        active: proposals(filter: {active: true, isOffer: true}) { edges { node { id } } }
        farm: proposals(filter: {agent: "farm"}) { edges { node { id } } } }''', ANONYMOUS)
    ids = {k: [e["node"]["id"] for e in v["edges"]] for k, v in lists.items()}
    assert ids["offers"] == [pid] and ids["requests"] == [asked] and sorted(ids["all"]) == sorted([pid, asked])
    assert ids["scoped"] == [pid] and ids["active"] == [pid] and ids["farm"] == [asked]
    agents = run(uow, '''{ farm: agent(id: "farm") { proposals { edges { node { id } } }
        proposalsTo { edges { node { id } } } }
        atelier: agent(id: "atelier") { proposals(filter: {searchString: "DRILLS, 2027"}) { edges { node { id } } }
        proposalsInScope { edges { node { id } } } } }''')
    assert [e["node"]["id"] for e in agents["farm"]["proposals"]["edges"]] == [asked]
    assert [e["node"]["id"] for e in agents["farm"]["proposalsTo"]["edges"]] == [pid]
    assert [e["node"]["id"] for e in agents["atelier"]["proposals"]["edges"]] == [pid]
    assert [e["node"]["id"] for e in agents["atelier"]["proposalsInScope"]["edges"]] == [pid]
    first = run(uow, '{ proposals(first: 1) { edges { node { id } } pageInfo { hasNextPage endCursor } } }')
    rest = run(uow, f'{{ proposals(after: "{first["proposals"]["pageInfo"]["endCursor"]}") '
                    '{ edges { node { id } } pageInfo { hasNextPage } } }')
    assert first["proposals"]["pageInfo"]["hasNextPage"] and not rest["proposals"]["pageInfo"]["hasNextPage"]
    assert len(first["proposals"]["edges"]) + len(rest["proposals"]["edges"]) == 2
    assert verify(uow).ok


def test_a_proposal_is_changed_only_by_its_publisher_and_by_its_newest_revision(network: UnitOfWork) -> None:
    uow = network
    made = _offer(uow)
    pid, revision = made["proposal"]["id"], made["proposal"]["revisionId"]
    before = _chain(uow)
    for who in (FARM, ANA):
        assert refused(uow, f'''mutation {{ updateProposal(proposal: {{revisionId: "{revision}", name: "mine"}})
            {{ proposal {{ id }} }} }}''', who)["extensions"]["code"] == "FORBIDDEN"
        assert refused(uow, f'mutation {{ deleteProposal(revisionId: "{revision}") }}', who)["extensions"][
            "code"] == "FORBIDDEN"
    # the farm may not publish the atelier's offer as its own, in its own proposal; it may ask it in return
    own = run(uow, 'mutation { createProposal(proposal: {name: "Swap"}) { proposal { id } } }',
              FARM)["createProposal"]["proposal"]["id"]
    after_own = _chain(uow)
    assert refused(uow, f'''mutation {{ proposeIntent(publishedIn: "{own}", publishes: "{made["drills"]}")
        {{ proposedIntent {{ id }} }} }}''', FARM)["extensions"]["code"] == "FORBIDDEN"
    assert refused(uow, f'''mutation {{ proposeIntent(publishedIn: "{pid}", publishes: "{made["price"]}",
        reciprocal: true) {{ proposedIntent {{ id }} }} }}''', FARM)["extensions"]["code"] == "FORBIDDEN"
    twice = refused(uow, f'''mutation {{ proposeIntent(publishedIn: "{pid}", publishes: "{made["drills"]}")
        {{ proposedIntent {{ id }} }} }}''', ATELIER)
    assert twice["extensions"]["problems"][0]["code"] == "already_published"
    assert refused(uow, 'mutation { createProposal(proposal: {name: "x"}) { proposal { id } } }',
                   ANONYMOUS)["extensions"]["code"] == "UNAUTHENTICATED"
    assert _chain(uow) == after_own == before + 1
    run(uow, f'''mutation {{ proposeIntent(publishedIn: "{own}", publishes: "{made["drills"]}", reciprocal: true)
        {{ proposedIntent {{ id }} }} }}''', FARM)

    changed = run(uow, f'''mutation {{ updateProposal(proposal: {{revisionId: "{revision}",
        name: "Seed drills, 2027 batch", hasEnd: "2027-06-01T00:00:00Z", unitBased: false}})
        {{ proposal {{ name hasBeginning hasEnd unitBased created proposedBy {{ id }} revisionId }} }} }}''',
                  ATELIER)["updateProposal"]["proposal"]
    assert changed["hasBeginning"] == "2026-01-01T00:00:00Z" and changed["unitBased"] is False
    assert changed["created"] == made["proposal"]["created"] and changed["proposedBy"] == {"id": "atelier"}
    stale = refused(uow, f'''mutation {{ updateProposal(proposal: {{revisionId: "{revision}", name: "late"}})
        {{ proposal {{ id }} }} }}''', ATELIER)
    assert stale["extensions"]["code"] == "CONFLICT"
    backwards = refused(uow, f'''mutation {{ updateProposal(proposal: {{revisionId: "{changed["revisionId"]}",
        hasBeginning: "2028-01-01T00:00:00Z"}}) {{ proposal {{ id }} }} }}''', ATELIER)
    assert backwards["extensions"]["problems"][0]["code"] == "before_beginning"
    ended = run(uow, '{ proposals(filter: {active: false}) { edges { node { id } } } }')["proposals"]["edges"]
    assert [e["node"]["id"] for e in ended] == []  # published until June 2027
    place = run(uow, f'''mutation {{ updateSpatialThing(spatialThing: {{revisionId: "{
        run(uow, f'{{ spatialThing(id: "{made["place"]["id"]}") {{ revisionId }} }}')["spatialThing"]["revisionId"]}",
        alt: "212.5"}}) {{ spatialThing {{ name alt lat }} }} }}''')["updateSpatialThing"]["spatialThing"]
    assert place == {"name": "Atelier Commun", "alt": "212.5", "lat": "45.1885"}
    assert verify(uow).ok


def test_withdrawing_a_proposal_takes_what_it_publishes_with_it(network: UnitOfWork) -> None:
    uow = network
    made = _offer(uow)
    pid = made["proposal"]["id"]
    revision = run(uow, f'{{ proposal(id: "{pid}") {{ revisionId publishes {{ id revisionId }} '
                        'publishedTo { revisionId } } }')["proposal"]
    # one published intent out first, by its own revision
    price = next(p for p in revision["publishes"])
    assert run(uow, f'mutation {{ deleteProposedIntent(revisionId: "{price["revisionId"]}") }}',
               ATELIER)["deleteProposedIntent"] is True
    assert len(run(uow, f'{{ proposal(id: "{pid}") {{ publishes {{ id }} }} }}')["proposal"]["publishes"]) == 1
    updated = run(uow, f'''mutation {{ updateProposal(proposal: {{revisionId: "{revision["revisionId"]}",
        note: "two left"}}) {{ proposal {{ revisionId }} }} }}''', ATELIER)["updateProposal"]["proposal"]
    before = _chain(uow)
    stale = refused(uow, f'mutation {{ deleteProposal(revisionId: "{revision["revisionId"]}") }}', ATELIER)
    assert stale["extensions"]["code"] == "CONFLICT" and _chain(uow) == before
    assert run(uow, f'mutation {{ deleteProposal(revisionId: "{updated["revisionId"]}") }}',
               ATELIER)["deleteProposal"] is True
    assert _chain(uow) == before + 3  # the proposal, its last published intent, its addressee: one tombstone each
    gone = run(uow, f'''{{ proposal(id: "{pid}") {{ id }} offers {{ edges {{ node {{ id }} }} }}
        intent(id: "{made["drills"]}") {{ id publishedIn {{ id }} }}
        agent(id: "farm") {{ proposalsTo {{ edges {{ node {{ id }} }} }} }} }}''', ANONYMOUS)
    assert gone["proposal"] is None and gone["offers"]["edges"] == [] and gone["intent"]["publishedIn"] == []
    assert gone["agent"]["proposalsTo"]["edges"] == []  # the intents stay: an offer is ended by finishing it
    again = refused(uow, f'mutation {{ deleteProposal(revisionId: "{updated["revisionId"]}") }}', ATELIER)
    assert again["extensions"]["code"] == "NOT_FOUND"
    place = refused(uow, f'''mutation {{ deleteSpatialThing(revisionId: "{
        run(uow, f'{{ spatialThing(id: "{made["place"]["id"]}") {{ revisionId }} }}')["spatialThing"]["revisionId"]}")
        }}''')
    assert place["extensions"]["code"] == "IMMUTABLE"
    report = verify(uow)
    assert report.ok, report.faults
    with uow.read() as tx:  # the chain still holds every revision of the withdrawn proposal
        assert [r.kind for r in tx.chain.stream() if r.record_id == pid] == ["proposal", "proposal", "proposal"]


def test_a_tampered_withdrawal_is_found_by_verify(network: UnitOfWork) -> None:
    uow = network
    made = _offer(uow)
    addressed = run(uow, f'{{ proposal(id: "{made["proposal"]["id"]}") {{ publishedTo {{ id }} }} }}')
    with uow.write() as tx:  # a record taken out behind the chain's back
        tx.records("proposed_to").remove(addressed["proposal"]["publishedTo"][0]["id"])
    report = verify(uow)
    assert [f.reason for f in report.faults] == ["is in the chain but missing from the tables"]


def test_bad_proposals_and_places_are_refused_whole(network: UnitOfWork) -> None:
    uow = network
    before = _chain(uow)
    place = refused(uow, '''mutation { createSpatialThing(spatialThing: {name: " ", lat: "91", long: "-181"})
        { spatialThing { id } } }''')
    codes = {p["field"]: p["code"] for p in place["extensions"]["problems"]}
    assert codes == {"name": "required", "lat": "out_of_range", "long": "out_of_range"}
    half = refused(uow, 'mutation { createSpatialThing(spatialThing: {name: "x", lat: "45"}) { spatialThing { id } } }')
    assert half["extensions"]["problems"][0]["field"] == "long"
    proposal = refused(uow, '''mutation { createProposal(proposal: {hasBeginning: "2027-01-01T00:00:00Z",
        hasEnd: "2026-01-01T00:00:00Z", eligibleLocation: "nowhere", inScopeOf: ["ghost"]}) { proposal { id } } }''')
    assert {p["code"] for p in proposal["extensions"]["problems"]} == {"before_beginning", "unknown_spatial_thing",
                                                                         "unknown_scope"}
    unknown = refused(uow, 'mutation { proposeIntent(publishedIn: "none", publishes: "nothing") '
                           '{ proposedIntent { id } } }')
    assert {p["code"] for p in unknown["extensions"]["problems"]} == {"unknown_proposal", "unknown_intent"}
    assert refused(uow, 'mutation { proposeTo(proposed: "none", proposedTo: "ghost") { proposedTo { id } } }')[
        "extensions"]["code"] == "BAD_USER_INPUT"
    assert refused(uow, 'mutation { deleteProposal(revisionId: "abc") }')["extensions"]["code"] == "BAD_USER_INPUT"
    assert _chain(uow) == before
