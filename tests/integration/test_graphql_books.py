"""Closed books through GraphQL, on SQLite, PostgreSQL and the in-memory store: `closeBooks` (admins only),
`closedPeriods`, an event in a closed period refused with the way to record it, and a prior-period adjustment
(`priorPeriod`) recorded, read back and shown on the next run's own lines."""

from __future__ import annotations

from typing import Any

import pytest

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema
from valueflows.domain.access import Principal, Scope
from valueflows.service.queries import ledger_size
from valueflows.store.ports import UnitOfWork

ADMIN = Principal("admin", Scope.ADMIN)
ANA = Principal("ana", Scope.WRITE)


def execute(uow: UnitOfWork, document: str, principal: Principal = ADMIN) -> Any:
    return schema.execute_sync(document, context_value=Context(uow, principal))


def gql(uow: UnitOfWork, document: str, principal: Principal = ADMIN) -> dict[str, Any]:
    result = execute(uow, document, principal)
    assert result.errors is None, result.errors
    return dict(result.data)


def work(day: str, hours: str, prior: str | None = None, who: str = "ana") -> str:
    extra = f', priorPeriod: "{prior}"' if prior else ""
    return (f'mutation {{ createEconomicEvent(event: {{action: "work", provider: "{who}", receiver: "coop", '
            f'hasPointInTime: "{day}T10:00:00Z", effortQuantity: {{hasDecimalValue: "{hours}", hasUnit: "hour"}}'
            f'{extra}}}) {{ economicEvent {{ id priorPeriod hasPointInTime }} }} }}')


@pytest.fixture
def coop(uow: UnitOfWork) -> UnitOfWork:
    for p in ("ana", "admin"):
        gql(uow, f'mutation {{ createPerson(person: {{name: "{p}", id: "{p}"}}) {{ agent {{ id }} }} }}')
    gql(uow, 'mutation { createOrganization(organization: {name: "Coop", id: "coop"}) { agent { id } } }')
    gql(uow, 'mutation { createAgentRelationship(relationship: {subject: "ana", object: "coop", '
             'relationship: "member", since: "2025-01-01"}) { agentRelationship { id } } }')
    gql(uow, work("2026-03-02", "8"))
    return uow


def test_closing_books_and_recording_an_adjustment(coop: UnitOfWork) -> None:
    close = ('mutation { closeBooks(organization: "coop", through: "2026-06-30", note: "first half", '
             'idempotencyKey: "h1") { replayed closedPeriod { organization { id } start end closedBy } } }')
    refused = execute(coop, close, ANA)
    assert refused.errors and refused.errors[0].extensions["code"] == "FORBIDDEN"
    done = gql(coop, close)["closeBooks"]
    assert done["replayed"] is False
    assert {k: v for k, v in done["closedPeriod"].items() if k != "closedBy"} == {
        "organization": {"id": "coop"}, "start": None, "end": "2026-06-30"}
    assert gql(coop, close)["closeBooks"]["replayed"] is True
    # public: anyone may read when an organization's books closed
    periods = gql(coop, '{ closedPeriods(organization: "coop") { start end closedBy } }', Principal())
    assert periods["closedPeriods"] == [{"start": None, "end": "2026-06-30",
                                         "closedBy": done["closedPeriod"]["closedBy"]}]

    before = ledger_size(coop)
    late = execute(coop, work("2026-05-04", "3"), ANA)
    assert late.errors and late.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert late.errors[0].extensions["problems"] == [{
        "field": "hasPointInTime", "code": "closed_period", "message": late.errors[0].extensions["problems"][0][
            "message"]}]
    assert "priorPeriod 2026-05-04" in late.errors[0].message
    assert ledger_size(coop) == before

    event = gql(coop, work("2026-07-06", "3", prior="2026-05-04"), ANA)["createEconomicEvent"]["economicEvent"]
    assert (event["priorPeriod"], event["hasPointInTime"]) == ("2026-05-04", "2026-07-06T10:00:00Z")
    run = gql(coop, '{ dividendPreview(run: {start: "2026-07-01", end: "2026-12-31", surplus: "100", '
                    'currency: "EUR", reserveRate: "0", cashRate: "1"}) { distributed adjustments { agent { id } '
                    'action quantity events priorPeriods } allocations { agent { id } dividend '
                    'shareOfDividend } } }')["dividendPreview"]
    assert run["distributed"] == "100.00"
    assert run["allocations"] == [{"agent": {"id": "ana"}, "dividend": "100.00", "shareOfDividend": "1"}]
    assert run["adjustments"] == [{"agent": {"id": "ana"}, "action": "work", "quantity": "3", "events": 1,
                                   "priorPeriods": ["2026-05-04"]}]
