"""Claims and settlements in the main API: the co-op claims payment for the seed drills it delivered, the farm's
payments settle it in part; who may write and see which; the ledger's own claims keep their rules. On SQLite,
PostgreSQL and the memory store."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from gql_support import ADMIN, ANA, FARM, refused, run

from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.domain.chain import facts
from valueflows.domain.model import EconomicClaim
from valueflows.domain.quantities import Measure
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

ATELIER = Principal("atelier", Scope.WRITE)


def _chain(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def _event(uow: UnitOfWork, fields: str, who: Principal = ADMIN, resource: str = "") -> str:
    done = run(uow, f'mutation {{ createEconomicEvent(event: {{{fields}}}{resource}) {{ economicEvent {{ id }} }} }}',
               who)
    return str(done["createEconomicEvent"]["economicEvent"]["id"])


def _delivered_and_paid(uow: UnitOfWork) -> dict[str, Any]:
    run(uow, '''mutation { createResourceSpecification(resourceSpecification: {name: "Euro account", id: "eur",
        defaultUnitOfResource: "EUR"}) { resourceSpecification { id } } }''')
    _event(uow, 'action: "raise", provider: "farm", receiver: "farm", hasPointInTime: "2027-01-01T00:00:00Z", '
                'resourceQuantity: {hasNumericalValue: "10000.00", hasUnit: "EUR"}',
           resource=', newInventoriedResource: {name: "Farm account", conformsTo: "eur", id: "farm-eur"}')
    _event(uow, 'action: "raise", provider: "atelier", receiver: "atelier", hasPointInTime: "2027-01-01T00:00:00Z", '
                'resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}',
           resource=', newInventoriedResource: {name: "Drills", conformsTo: "seed-drill", id: "drills"}')
    delivery = _event(uow, 'action: "transfer", provider: "atelier", receiver: "farm", '
                           'resourceInventoriedAs: "drills", hasPointInTime: "2027-03-01T10:00:00Z", '
                           'resourceQuantity: {hasNumericalValue: "3", hasUnit: "one"}', ATELIER)
    claim = run(uow, f'''mutation {{ createClaim(claim: {{action: "transfer", triggeredBy: "{delivery}",
        resourceConformsTo: "eur", resourceQuantity: {{hasNumericalValue: "7200.00", hasUnit: "EUR"}},
        due: "2027-04-01T00:00:00Z", note: "3 seed drills"}}) {{ claim {{ id revisionId provider {{ id }}
        receiver {{ id }} created due finished triggeredBy {{ id }}
        resourceQuantity {{ hasNumericalValue }} }} }} }}''',
                ATELIER)["createClaim"]["claim"]
    payment = _event(uow, 'action: "transfer", provider: "farm", receiver: "atelier", resourceInventoriedAs: '
                          '"farm-eur", hasPointInTime: "2027-03-15T10:00:00Z", resourceQuantity: '
                          '{hasNumericalValue: "2400.00", hasUnit: "EUR"}', FARM)
    return {"delivery": delivery, "claim": claim, "payment": payment}


def test_a_claim_for_payment_settled_in_part(network: UnitOfWork) -> None:
    uow = network
    made = _delivered_and_paid(uow)
    claim = made["claim"]
    # owed by the receiver of what was delivered, to its provider
    assert (claim["provider"], claim["receiver"]) == ({"id": "farm"}, {"id": "atelier"})
    assert claim["triggeredBy"] == {"id": made["delivery"]} and claim["finished"] is False
    assert claim["resourceQuantity"] == {"hasNumericalValue": "7200.00"} and claim["due"] == "2027-04-01T00:00:00Z"
    settled = run(uow, f'''mutation {{ createSettlement(settlement: {{settles: "{claim["id"]}",
        settledBy: "{made["payment"]}"}}) {{ settlement {{ id settles {{ id }} settledBy {{ id }}
        resourceQuantity {{ hasNumericalValue hasUnit {{ id }} }} }} }} }}''', FARM)["createSettlement"]["settlement"]
    assert settled["resourceQuantity"] == {"hasNumericalValue": "2400.00", "hasUnit": {"id": "EUR"}}
    seen = run(uow, f'''{{ claim(id: "{claim["id"]}") {{ settledBy {{ edges {{ node {{ id }} }} }} }}
        economicEvent(id: "{made["payment"]}") {{ settles {{ settles {{ id }} }} }}
        claims(filter: {{providerId: ["farm"], finished: false}}) {{ edges {{ node {{ id }} }} }}
        settlements {{ edges {{ node {{ id }} }} }}
        resourceSpecification(id: "eur") {{ claims {{ edges {{ node {{ id }} }} }} }} }}''', FARM)
    assert [e["node"]["id"] for e in seen["claim"]["settledBy"]["edges"]] == [settled["id"]]
    assert seen["economicEvent"]["settles"] == [{"settles": {"id": claim["id"]}}]
    assert [e["node"]["id"] for e in seen["claims"]["edges"]] == [claim["id"]]
    assert [e["node"]["id"] for e in seen["settlements"]["edges"]] == [settled["id"]]
    assert [e["node"]["id"] for e in seen["resourceSpecification"]["claims"]["edges"]] == [claim["id"]]

    done = run(uow, f'''mutation {{ updateClaim(claim: {{revisionId: "{claim["revisionId"]}", finished: true}})
        {{ claim {{ finished note created }} }} }}''', ATELIER)["updateClaim"]["claim"]
    assert done == {"finished": True, "note": "3 seed drills", "created": claim["created"]}
    assert refused(uow, f'''mutation {{ updateClaim(claim: {{revisionId: "{claim["revisionId"]}", note: "late"}})
        {{ claim {{ id }} }} }}''', ATELIER)["extensions"]["code"] == "CONFLICT"
    assert verify(uow).ok


def test_who_writes_and_sees_claims(network: UnitOfWork) -> None:
    uow = network
    made = _delivered_and_paid(uow)
    claim = made["claim"]["id"]
    before = _chain(uow)
    # Ana is neither party: she writes no claim nor settlement about them, and sees none
    assert refused(uow, f'''mutation {{ createClaim(claim: {{action: "transfer", triggeredBy: "{made["delivery"]}",
        resourceQuantity: {{hasNumericalValue: "1.00", hasUnit: "EUR"}}}}) {{ claim {{ id }} }} }}''', ANA)[
        "extensions"]["code"] == "FORBIDDEN"
    assert refused(uow, f'''mutation {{ createSettlement(settlement: {{settles: "{claim}",
        settledBy: "{made["payment"]}"}}) {{ settlement {{ id }} }} }}''', ANA)["extensions"]["code"] == "FORBIDDEN"
    assert run(uow, f'{{ claim(id: "{claim}") {{ id }} claims {{ edges {{ cursor }} }} }}', ANA) == {
        "claim": None, "claims": {"edges": []}}
    assert refused(uow, "{ claims { edges { cursor } } }", ANONYMOUS)["extensions"]["code"] == "UNAUTHENTICATED"
    assert run(uow, f'{{ economicEvent(id: "{made["payment"]}") {{ settles {{ id }} }} }}', ANA)["economicEvent"] \
        in (None, {"settles": []})
    bad = refused(uow, '''mutation { createClaim(claim: {action: "fly", triggeredBy: "nothing"}) { claim { id } } }''')
    assert {p["code"] for p in bad["extensions"]["problems"]} >= {"unknown_action", "unknown_event", "required"}
    mismatch = refused(uow, f'''mutation {{ createSettlement(settlement: {{settles: "{claim}",
        settledBy: "{made["delivery"]}", resourceQuantity: {{hasNumericalValue: "3", hasUnit: "one"}}}})
        {{ settlement {{ id }} }} }}''')
    assert mismatch["extensions"]["problems"][0]["code"] == "unit_mismatch"  # drills do not pay euros
    not_served = refused(uow, '{ agent(id: "farm") { claims { edges { cursor } } } }', FARM)
    assert not_served["extensions"]["problems"][0]["code"] == "reference_type"
    assert "claims(filter" in not_served["message"]
    assert refused(uow, f'mutation {{ deleteClaim(revisionId: "{made["claim"]["revisionId"]}") }}', ATELIER)[
        "extensions"]["code"] == "IMMUTABLE"
    assert _chain(uow) == before


def test_the_ledger_s_own_claims_keep_their_rules(network: UnitOfWork) -> None:
    uow = network
    made = _delivered_and_paid(uow)
    owed = EconomicClaim("obligation-1", "transfer", "farm", "atelier", datetime(2027, 3, 2, tzinfo=UTC),
                         resource_quantity=Measure(Decimal("100.00"), "EUR"), licence="LicenseRef-CopyFair-1.0",
                         agreed_in="https://example.org/licences/copyfair")
    with uow.write() as tx:  # as `record_use` writes a licence obligation
        tx.records("claim").add(owed)
        tx.append("claim", owed.id, facts(owed))
    revision = run(uow, '{ claim(id: "obligation-1") { revisionId } }')["claim"]["revisionId"]
    assert refused(uow, f'''mutation {{ updateClaim(claim: {{revisionId: "{revision}", finished: true}})
        {{ claim {{ id }} }} }}''')["extensions"]["code"] == "IMMUTABLE"
    by_payments = refused(uow, f'''mutation {{ createSettlement(settlement: {{settles: "obligation-1",
        settledBy: "{made["payment"]}"}}) {{ settlement {{ id }} }} }}''')
    assert by_payments["extensions"]["problems"][0]["code"] == "settled_by_payments"
    untriggered = refused(uow, '{ claim(id: "obligation-1") { id triggeredBy { id } } }')
    assert untriggered["extensions"]["code"] == "NOT_FOUND" and "no one event" in untriggered["message"]
