"""Measures in the main API are exact (vf-graphql 0.9's Decimal); the legacy API keeps 0.8's Float."""

from __future__ import annotations

from typing import Any

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy, schema
from valueflows.domain.access import Principal, Scope
from valueflows.service.demo import seed_demo
from valueflows.store.ports import UnitOfWork

ADMIN = Principal(agent=None, scope=Scope.ADMIN)
RECORD = """mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) {
  economicEvent { id effortQuantity { hasNumericalValue hasDecimalValue hasUnit { id } } } } }"""


def answer(uow: UnitOfWork, query: str, api: Any = schema, **variables: Any) -> Any:
    return api.execute_sync(query, variable_values=variables, context_value=Context(uow, ADMIN))


def work(value: dict[str, Any]) -> dict[str, Any]:
    return {"action": "work", "provider": "ana", "receiver": "atelier", "hasPointInTime": "2026-12-01T17:00:00Z",
            "resourceConformsTo": "design-work", "effortQuantity": {**value, "hasUnit": "hour"}}


def test_measures_are_decimal_text_in_the_main_api_and_floats_in_the_legacy_one(uow: UnitOfWork) -> None:
    seed_demo(uow)
    done = answer(uow, RECORD, e=work({"hasNumericalValue": "0.10"}))
    assert not done.errors, done.errors
    event = done.data["createEconomicEvent"]["economicEvent"]
    assert event["effortQuantity"] == {"hasNumericalValue": "0.1", "hasDecimalValue": "0.1", "hasUnit": {"id": "hour"}}
    read = answer(uow, f'{{ economicEvent(id: "{event["id"]}") {{ effortQuantity {{ hasNumericalValue }} }} }}', legacy)
    assert read.data["economicEvent"]["effortQuantity"]["hasNumericalValue"] == 0.1
    legacy_write = answer(uow, RECORD, legacy, e=work({"hasNumericalValue": 2.5}))
    assert legacy_write.data["createEconomicEvent"]["economicEvent"]["effortQuantity"]["hasDecimalValue"] == "2.5"


def test_an_exact_value_that_disagrees_or_is_not_a_number_is_refused(uow: UnitOfWork) -> None:
    seed_demo(uow)
    both = answer(uow, RECORD, e=work({"hasNumericalValue": "1.5", "hasDecimalValue": "1.25"}))
    assert both.errors and both.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert "differ" in both.errors[0].message
    text = answer(uow, RECORD, e=work({"hasNumericalValue": "seven"}))
    assert text.errors and text.errors[0].extensions["code"] == "BAD_USER_INPUT"
    float_sent = answer(uow, RECORD, e=work({"hasNumericalValue": 1.5}))  # a JSON number where 0.9 wants Decimal
    assert float_sent.errors and float_sent.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert "decimal text" in float_sent.errors[0].message
