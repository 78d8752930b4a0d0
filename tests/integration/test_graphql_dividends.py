"""Dividends through GraphQL, on SQLite and PostgreSQL: define an equation, preview, commit, read back, reverse,
statements, and contribution reports with points."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema
from valueflows.domain.access import Principal, Scope
from valueflows.store.uow import UnitOfWork

ADMIN = Principal("admin", Scope.ADMIN)
RUN = ('start: "2026-01-01", end: "2026-12-31", surplus: "1000.01", currency: "EUR", reserveRate: "0.3", '
       'cashRate: "0.25"')
FIELDS = ("id committed distributable reserve distributed undistributed basis equation { name version } "
          "allocations { agent { id } points share dividend cash retained explanation { bucket rule quantity value } } "
          "undistributedDetail { bucket reason amount } excluded { agent { id } quantity } "
          "claims { provider { id } receiver { id } resourceQuantity { hasDecimalValue hasUnit { id } } "
          "resourceClassifiedAs }")


def gql(uow: UnitOfWork, document: str, principal: Principal = ADMIN) -> dict[str, Any]:
    result = schema.execute_sync(document, context_value=Context(uow, principal))
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_dividends_through_graphql(uow: UnitOfWork) -> None:
    data = gql(uow, 'mutation { createPerson(person: {name: "Ana", id: "ana"}) { agent { id } } }')
    assert data["createPerson"]["agent"]["id"] == "ana"
    for p in ("bo", "cy", "admin"):
        gql(uow, f'mutation {{ createPerson(person: {{name: "{p}", id: "{p}"}}) {{ agent {{ id }} }} }}')
    gql(uow, 'mutation { createOrganization(organization: {name: "Coop", id: "coop"}) { agent { id } } }')
    gql(uow, 'mutation { createResourceSpecification(resourceSpecification: {name: "Design", id: "design"}) '
             '{ resourceSpecification { id } } }')
    for who, since in (("ana", "2025-01-01"), ("bo", "2026-01-01")):
        gql(uow, f'mutation {{ createAgentRelationship(relationship: {{subject: "{who}", object: "coop", '
                 f'relationship: "member", since: "{since}"}}) {{ agentRelationship {{ id }} }} }}')
    for who, hours, kind, day in (("ana", "10", "design", "03"), ("bo", "30", None, "04"), ("cy", "5", None, "05")):
        spec = f', resourceConformsTo: "{kind}"' if kind else ""
        gql(uow, f'mutation {{ createEconomicEvent(event: {{action: "work", provider: "{who}", receiver: "coop", '
                 f'hasPointInTime: "2026-{day}-01T10:00:00Z", effortQuantity: {{hasDecimalValue: "{hours}", '
                 f'hasUnit: "hour"}}{spec}}}) {{ economicEvent {{ id }} }} }}')

    eq = gql(uow, 'mutation { createValueEquation(name: "agm", note: "design counts double", buckets: [{name: "work", '
                  'percent: "100", rules: [{action: "work", unit: "hour", rate: "2", resourceConformsTo: "design"}, '
                  '{action: "work", unit: "hour", rate: "1"}]}]) { valueEquation { id name version buckets '
                  '{ of rules { rate resourceConformsTo } } } } }')["createValueEquation"]["valueEquation"]
    assert (eq["name"], eq["version"], eq["buckets"][0]["rules"][0]) == ("agm", 1, {"rate": "2",
                                                                                   "resourceConformsTo": "design"})
    preview = gql(uow, f'{{ dividendPreview(run: {{{RUN}, equation: "agm"}}) {{ {FIELDS} }} }}')["dividendPreview"]
    assert preview["id"] is None and preview["committed"] is False
    # 1000.01: reserve 300.003 -> 300.00; 700.01 over 20 + 30 points -> ana 280.004, bo 420.006
    assert (preview["reserve"], preview["distributable"]) == ("300.00", "700.01")  # money: the currency's decimals
    got = {a["agent"]["id"]: (a["points"], a["dividend"], a["cash"], a["retained"]) for a in preview["allocations"]}
    assert got == {"ana": ("20", "280.00", "70.00", "210.00"), "bo": ("30", "420.01", "105.00", "315.01")}
    assert preview["excluded"] == [{"agent": {"id": "cy"}, "quantity": "5"}]
    assert preview["claims"] == []

    committed = gql(uow, f'mutation {{ commitDividendRun(idempotencyKey: "agm-2026", run: {{{RUN}, equation: "agm"}}) '
                         f'{{ replayed dividendRun {{ {FIELDS} }} }} }}')["commitDividendRun"]
    run = committed["dividendRun"]
    assert not committed["replayed"] and run["committed"] and run["equation"] == {"name": "agm", "version": 1}
    assert run["allocations"] == preview["allocations"]
    total = sum(D(a["dividend"]) for a in run["allocations"]) + D(run["reserve"]) + D(run["undistributed"])
    assert total == D("1000.01")
    assert len(run["claims"]) == 4 and {c["provider"]["id"] for c in run["claims"]} == {"coop"}
    again = gql(uow, f'mutation {{ commitDividendRun(idempotencyKey: "agm-2026", run: {{{RUN}, equation: "agm"}}) '
                     '{ replayed dividendRun { id } } }')["commitDividendRun"]
    assert again == {"replayed": True, "dividendRun": {"id": run["id"]}}
    read = gql(uow, f'{{ dividendRun(id: "{run["id"]}") {{ {FIELDS} }} }}', Principal("bo", Scope.READ))
    # a member reads the run's totals and their own lines; the treasurer reads it whole
    mine = {k: [x for x in v if x.get("agent", x.get("receiver")) == {"id": "bo"}] if k in (
        "allocations", "excluded", "claims") else v for k, v in run.items()}
    assert read["dividendRun"] == mine and len(mine["allocations"]) == 1 and len(mine["claims"]) == 2

    statement = gql(uow, '{ memberStatement(agent: "bo", start: "2026-01-01", end: "2026-12-31") { hours '
                         'shareOfHours dividend cash retained capitalAccount currency dividends { run } } }',
                    Principal("bo", Scope.READ))["memberStatement"]
    assert statement == {"hours": "30", "shareOfHours": "0.666667", "dividend": "420.01", "cash": "105.00",
                         "retained": "315.01", "capitalAccount": "315.01", "currency": "EUR",
                         "dividends": [{"run": run["id"]}]}

    report = gql(uow, '{ contributionReport(start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z", '
                      'receiver: "coop", equation: "agm") { contributors { agent { id } hours points } } }',
                 Principal("bo", Scope.READ))
    assert report["contributionReport"]["contributors"] == [
        {"agent": {"id": "bo"}, "hours": "30", "points": "30"}, {"agent": {"id": "ana"}, "hours": "10", "points": "20"},
        {"agent": {"id": "cy"}, "hours": "5", "points": "5"}]

    refused = schema.execute_sync(f'mutation {{ updateValueEquation(id: "{eq["id"]}", buckets: [{{name: "w", '
                                  'percent: "50", rules: [{action: "work", unit: "hour", rate: "1"}]}]) '
                                  '{ valueEquation { id } } }', context_value=Context(uow, ADMIN))
    assert refused.errors and refused.errors[0].extensions["code"] == "IMMUTABLE"  # type: ignore[index]

    reversed_run = gql(uow, f'mutation {{ reverseDividendRun(id: "{run["id"]}", idempotencyKey: "undo", '
                            'note: "wrong surplus") { dividendRun { reverses distributed claims { provider { id } } } '
                            '} }')["reverseDividendRun"]["dividendRun"]
    assert reversed_run["reverses"] == run["id"] and reversed_run["distributed"] == "-700.01"
    assert {c["provider"]["id"] for c in reversed_run["claims"]} == {"ana", "bo"}
    after = gql(uow, '{ memberStatement(agent: "bo", start: "2026-01-01", end: "2026-12-31") { capitalAccount } }')
    assert after["memberStatement"]["capitalAccount"] == "0.00"


def test_bad_run_input_is_named(uow: UnitOfWork) -> None:
    gql(uow, 'mutation { createOrganization(organization: {name: "Coop", id: "coop"}) { agent { id } } }')
    result = schema.execute_sync('{ dividendPreview(run: {start: "2026-01-01", end: "2025-12-31", surplus: "-1", '
                                 'currency: "EUR", reserveRate: "2", cashRate: "0", organization: "coop"}) { id } }',
                                 context_value=Context(uow, ADMIN))
    assert result.errors is not None
    error = result.errors[0]
    assert error.extensions["code"] == "BAD_USER_INPUT"  # type: ignore[index]
    fields = {p["field"] for p in error.extensions["problems"]}  # type: ignore[index]
    assert fields == {"to", "surplus", "reserve"}
    bad_date = schema.execute_sync('{ dividendPreview(run: {start: "2026-13-01", end: "2026-12-31", surplus: "1", '
                                   'currency: "EUR", reserveRate: "0", cashRate: "0"}) { id } }',
                                   context_value=Context(uow, ADMIN))
    assert bad_date.errors and "2026-13-01" in bad_date.errors[0].message
