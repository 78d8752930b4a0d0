"""Running GraphQL documents against a ledger as someone, for the integration tests of the main API."""

from __future__ import annotations

from typing import Any

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import schema
from valueflows.domain.access import Principal, Scope
from valueflows.store.ports import UnitOfWork

ADMIN = Principal(agent=None, scope=Scope.ADMIN)
ANA = Principal("ana", Scope.WRITE)
FARM = Principal("farm", Scope.WRITE)
DUE = '"2027-03-01T00:00:00Z"'


def answer(uow: UnitOfWork, query: str, principal: Principal = ADMIN, **variables: Any) -> Any:
    return schema.execute_sync(query, variable_values=variables, context_value=Context(uow, principal))


def run(uow: UnitOfWork, query: str, principal: Principal = ADMIN, **variables: Any) -> Any:
    result = answer(uow, query, principal, **variables)
    assert not result.errors, [e.formatted for e in result.errors]
    return result.data


def refused(uow: UnitOfWork, query: str, principal: Principal = ADMIN) -> dict[str, Any]:
    result = answer(uow, query, principal)
    assert result.errors, result.data
    return dict(result.errors[0].formatted)
