"""Licences through GraphQL, on SQLite and PostgreSQL: decisions, the obligation lifecycle end to end, access."""

from __future__ import annotations

from typing import Any

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema
from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.store.uow import UnitOfWork

BIGCO = Principal("bigco", Scope.WRITE)
ATELIER = Principal("atelier", Scope.READ)


def gql(uow: UnitOfWork, document: str, principal: Principal = BIGCO) -> dict[str, Any]:
    result = schema.execute_sync(document, context_value=Context(uow, principal))
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def code(uow: UnitOfWork, document: str, principal: Principal) -> str:
    result = schema.execute_sync(document, context_value=Context(uow, principal))
    return str(result.errors[0].extensions["code"]) if result.errors else "ok"  # type: ignore[index]


def sale(revenue: str, day: str) -> str:
    return (f'{{resource: "seed-drill", agent: "bigco", use: "sell", revenue: "{revenue}", currency: "EUR", '
            f'day: "{day}"}}')


OBLIGATIONS = '{{ obligations(agent: "bigco", asOf: "{day}") {{ amount outstanding status due licence }} }}'


def test_licences_are_listed_and_checked_without_a_token(commons: UnitOfWork) -> None:
    data = gql(commons, '{ licences { id title rules { clause kind actions } } }', ANONYMOUS)
    ids = {x["id"] for x in data["licences"]}
    assert {"PPL", "LicenseRef-CopyFair-1.0", "PolyForm-Small-Business-1.0.0", "BUSL-1.1", "CC0-1.0"} <= ids
    check = gql(commons, '{ checkLicence(licence: "PolyForm-Small-Business-1.0.0", facts: {use: "sell", '
                         'groupHeadcount: 100, groupRevenue: "5000", revenueCurrency: "USD"}) { permitted answer '
                         'summary reasons { clause outcome facts } } }', ANONYMOUS)["checkLicence"]
    assert check["permitted"] is False and check["answer"] == "not permitted"
    assert any("groupHeadcount is 100, not under 100" in f for r in check["reasons"] for f in r["facts"])
    undecided = gql(commons, '{ checkLicence(licence: "LicenseRef-CopyFair-1.0", facts: {use: "sell", legalForm: '
                             '"company"}) { permitted missing missingWords summary } }', ANONYMOUS)["checkLicence"]
    assert undecided == {"permitted": None, "missing": ["headcount"],
                         "missingWords": ["how many people work for your organisation"],
                         "summary": "It depends: to answer, we need to know how many people work for your "
                                    "organisation."}
    bad = schema.execute_sync('{ checkLicence(licence: "LicenseRef-CopyFair-1.0", facts: {use: "steal"}) '
                              '{ permitted } }', context_value=Context(commons, ANONYMOUS))
    assert bad.errors and bad.errors[0].extensions["code"] == "BAD_USER_INPUT"  # type: ignore[index]


def test_obligation_lifecycle_through_graphql(commons: UnitOfWork) -> None:
    uow = commons
    check = gql(uow, f'{{ checkUse(use: {sale("2000.00", "2026-07-10")}) {{ permitted summary duties {{ action '
                     'amount due hours words } } }')["checkUse"]
    assert check["permitted"] is True and check["summary"].startswith("Yes, if you contribute back")
    pay = next(d for d in check["duties"] if d["action"] == "compensate")
    assert (pay["amount"], pay["due"], pay["hours"]) == ("100.00", "2026-10-30", "2")

    first = gql(uow, f'mutation {{ recordLicensedUse(use: {sale("2000.00", "2026-07-10")}, idempotencyKey: "u1") '
                     '{ replayed economicEvent { action { id } provider { id } receiver { id } } obligation { id '
                     'provider { id } receiver { id } resourceQuantity { hasDecimalValue hasUnit { id } } due } } }')
    used = first["recordLicensedUse"]
    assert used["economicEvent"] == {"action": {"id": "cite"}, "provider": {"id": "atelier"},
                                     "receiver": {"id": "bigco"}}
    assert used["obligation"]["resourceQuantity"] == {"hasDecimalValue": "100.00", "hasUnit": {"id": "EUR"}}
    gql(uow, f'mutation {{ recordLicensedUse(use: {sale("5000.00", "2026-08-20")}) {{ replayed }} }}')

    pending = gql(uow, OBLIGATIONS.format(day="2026-10-01"))["obligations"]
    assert [(o["amount"], o["status"]) for o in pending] == [("100.00", "pending"), ("110.00", "pending")]
    listed = gql(uow, '{ obligations(steward: "atelier", asOf: "2026-10-01") { amount periodStart periodEnd '
                      'resource { id } claim { id provider { id } resourceQuantity { hasDecimalValue } due '
                      'triggeredBy { id } } } }', ATELIER)["obligations"]  # each its own whole claim, read together
    assert [(o["amount"], o["claim"]["resourceQuantity"]["hasDecimalValue"], o["claim"]["provider"]["id"],
             o["periodStart"], o["periodEnd"], o["resource"]["id"]) for o in listed] == [
        ("100.00", "100.00", "bigco", "2026-07-01", "2026-09-30", "seed-drill"),
        ("110.00", "110.00", "bigco", "2026-07-01", "2026-09-30", "seed-drill")]
    assert listed[0]["claim"]["id"] == used["obligation"]["id"] and listed[1]["claim"]["id"] != listed[0]["claim"]["id"]
    assert listed[0]["claim"]["triggeredBy"]["id"] and listed[0]["claim"]["due"].startswith("2026-10-30")
    assert gql(uow, OBLIGATIONS.format(day="2026-10-01"), ATELIER)["obligations"] == pending  # the steward sees it
    overdue = gql(uow, f'{{ checkUse(use: {sale("1.00", "2026-11-02")}) {{ permitted summary overdue }} }}')
    assert overdue["checkUse"]["permitted"] is False
    assert overdue["checkUse"]["summary"].startswith("Not now: permitted once the 2 overdue obligations")

    gql(uow, 'mutation { settleObligations(payment: {user: "bigco", steward: "atelier", '
             'licence: "LicenseRef-CopyFair-1.0", hasPointInTime: "2026-11-03T09:00:00Z", amount: "150.00", '
             'currency: "EUR", fromResource: "bigco-eur", toResource: "atelier-eur"}) { id } }')
    gql(uow, 'mutation { settleObligations(payment: {user: "bigco", steward: "atelier", '
             'licence: "LicenseRef-CopyFair-1.0", hasPointInTime: "2026-11-04T09:00:00Z", hours: "1.5"}) { id } }')
    settled = gql(uow, OBLIGATIONS.format(day="2026-11-05"))["obligations"]
    assert [(o["outstanding"], o["status"]) for o in settled] == [("0.00", "fulfilled"), ("0.00", "fulfilled")]
    assert gql(uow, f'{{ checkUse(use: {sale("1.00", "2026-11-05")}) {{ permitted }} }}')["checkUse"]["permitted"]


def test_who_may_read_and_record(commons: UnitOfWork) -> None:
    reading = OBLIGATIONS.format(day="2026-10-01")
    assert code(commons, reading, ANONYMOUS) == "UNAUTHENTICATED"
    assert gql(commons, reading, Principal("coop", Scope.READ)) == {"obligations": []}  # nothing owed to coop
    assert code(commons, '{ obligations(steward: "atelier") { status } }', BIGCO) == "FORBIDDEN"
    assert code(commons, reading, Principal("admin", Scope.ADMIN)) == "ok"
    record = f'mutation {{ recordLicensedUse(use: {sale("1.00", "2026-07-10")}) {{ replayed }} }}'
    assert code(commons, record, Principal("coop", Scope.WRITE)) == "FORBIDDEN"
    assert code(commons, record, Principal("bigco", Scope.READ)) == "FORBIDDEN"
    refused = ('mutation { recordLicensedUse(use: {resource: "crimper", agent: "bigco", use: "sell", '
               'day: "2026-07-10"}) { replayed } }')
    result = schema.execute_sync(refused, context_value=Context(commons, BIGCO))
    assert result.errors and "§4(d)" in result.errors[0].message


def test_facts_have_the_names_of_a_facts_file(commons: UnitOfWork) -> None:
    """`date` and `hours` as in a facts file (the old `day` still answers); money with its currency's decimals."""
    facts = ('legalForm: "company", headcount: 240, use: "sell", revenue: "12000", currency: "EUR", '
             'date: "2026-08-10", hours: "8"')
    decided = gql(commons, f'{{ checkLicence(licence: "LicenseRef-CopyFair-1.0", facts: {{{facts}}}) {{ permitted '
                           'duties { action amount workRate due periodStart minimumApplied } } }',
                  ANONYMOUS)["checkLicence"]
    [pay] = [d for d in decided["duties"] if d["action"] == "compensate"]
    assert decided["permitted"] is True
    assert pay == {"action": "compensate", "amount": "360.00", "workRate": "50.00", "due": "2026-10-30",
                   "periodStart": "2026-07-01", "minimumApplied": False}
    old = gql(commons, '{ checkLicence(licence: "LicenseRef-CopyFair-1.0", facts: {legalForm: "company", '
                       'headcount: 240, use: "sell", revenue: "12000", currency: "EUR", day: "2026-08-10"}) '
                       '{ duties { action due } } }', ANONYMOUS)["checkLicence"]
    assert {"action": "compensate", "due": "2026-10-30"} in old["duties"]
    both = schema.execute_sync('{ checkLicence(licence: "PPL", facts: {date: "2026-08-10", day: "2026-08-11"}) '
                               '{ permitted } }', context_value=Context(commons, ANONYMOUS))
    assert both.errors and both.errors[0].extensions["problems"][0]["field"] == "date"  # type: ignore[index]
