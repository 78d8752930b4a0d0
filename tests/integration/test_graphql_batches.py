"""`createEconomicEvents` on both GraphQL APIs: many events in one transaction, all or nothing, every problem by its
index, one idempotency key for the batch, the access policy on each event."""

from __future__ import annotations

from typing import Any

from gql_support import ADMIN, ANA, answer, run

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy
from valueflows.domain.access import Principal
from valueflows.service.verify import verify
from valueflows.store.ports import UnitOfWork

BATCH = """mutation ($events: [EconomicEventBatchItem!]!, $key: String) {
  createEconomicEvents(events: $events, idempotencyKey: $key) {
    economicEvents { id action { id } provider { id }
                     resourceInventoriedAs { id onhandQuantity { hasNumericalValue } } }
    replayed } }"""


def events(hours: str = "3") -> list[dict[str, Any]]:
    return [
        {"event": {"action": "raise", "provider": "atelier", "receiver": "atelier", "id": "raised",
                   "hasPointInTime": "2026-03-02T09:00:00Z", "resourceQuantity": {"hasNumericalValue": "3",
                                                                                   "hasUnit": "one"}},
         "newInventoriedResource": {"name": "Drills", "conformsTo": "seed-drill", "id": "drills"}},
        {"event": {"action": "work", "provider": "ana", "receiver": "atelier", "inputOf": "build",
                   "hasPointInTime": "2026-03-02T10:00:00Z",
                   "effortQuantity": {"hasNumericalValue": hours, "hasUnit": "hour"}}},
        {"event": {"action": "transfer", "provider": "atelier", "receiver": "farm", "resourceInventoriedAs": "drills",
                   "hasPointInTime": "2026-03-02T11:00:00Z", "resourceQuantity": {"hasNumericalValue": "1",
                                                                                   "hasUnit": "one"}}},
    ]


def chain(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return tx.chain.count()


def test_a_batch_records_every_event_in_order(network: UnitOfWork) -> None:
    done = run(network, BATCH, events=events(), key="sync-1")["createEconomicEvents"]
    assert [e["action"]["id"] for e in done["economicEvents"]] == ["raise", "work", "transfer"]
    assert done["economicEvents"][0]["id"] == "raised" and not done["replayed"]
    # the transfer found the drills the raise made in the same batch
    assert done["economicEvents"][2]["resourceInventoriedAs"]["onhandQuantity"]["hasNumericalValue"] == "2"
    length = chain(network)
    again = run(network, BATCH, events=events(), key="sync-1")["createEconomicEvents"]
    assert again["replayed"] and [e["id"] for e in again["economicEvents"]] == [
        e["id"] for e in done["economicEvents"]]
    assert chain(network) == length
    conflict = answer(network, BATCH, events=events("4"), key="sync-1")
    assert conflict.errors and conflict.errors[0].formatted["extensions"]["code"] == "CONFLICT"
    assert chain(network) == length
    assert verify(network).ok


def test_a_refused_batch_names_each_problem_by_index_and_writes_nothing(network: UnitOfWork) -> None:
    bad = events()
    bad[1]["event"]["provider"] = "nobody"
    bad[2]["event"]["resourceQuantity"]["hasNumericalValue"] = "5"  # more drills than were raised
    length = chain(network)
    result = answer(network, BATCH, events=bad)
    assert result.errors
    error = result.errors[0].formatted
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert {(p["field"], p["code"]) for p in error["extensions"]["problems"]} == {
        ("events[1].provider", "unknown_agent"), ("events[2].resourceQuantity", "below_zero")}
    assert chain(network) == length


def test_each_event_of_a_batch_is_asked_of_the_access_policy(network: UnitOfWork) -> None:
    length = chain(network)
    result = answer(network, BATCH, ANA, events=events())  # Ana may record her work, not the atelier's raise
    assert result.errors and result.errors[0].formatted["extensions"]["code"] == "FORBIDDEN"
    assert chain(network) == length
    assert run(network, BATCH, ANA, events=events()[1:2])["createEconomicEvents"]["economicEvents"][0][
        "provider"]["id"] == "ana"


def test_the_legacy_api_has_the_batch_door_too(network: UnitOfWork) -> None:
    sent = events()
    for item in sent:  # 0.8 measures are Floats
        for measure in ("resourceQuantity", "effortQuantity"):
            if measure in item["event"]:
                item["event"][measure]["hasNumericalValue"] = float(item["event"][measure]["hasNumericalValue"])
    result = legacy.execute_sync(BATCH, variable_values={"events": sent},
                                 context_value=Context(network, Principal(ADMIN.agent, ADMIN.scope)))
    assert not result.errors, result.errors
    assert result.data is not None and len(result.data["createEconomicEvents"]["economicEvents"]) == 3
