"""One event of every ValueFlows action through the store, with the quantities it leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from valueflows.domain.actions import ACTIONS
from valueflows.domain.inputs import EventInput, MeasureInput, NewResourceInput, ProcessInput
from valueflows.service import ledger, records
from valueflows.service.verify import verify
from valueflows.store import repository as repo
from valueflows.store.ports import Tx
from valueflows.store.uow import UnitOfWork

T = datetime(2026, 3, 1, 9, tzinfo=UTC)


def kg(q: str) -> MeasureInput:
    return MeasureInput(q, "kilogram")


def test_every_action(seeded: UnitOfWork) -> None:
    records.create_process(seeded, ProcessInput("Repair", id="repair"))
    records.create_process(seeded, ProcessInput("Haul", id="haul"))

    def rec(action: str, **kw: object) -> str:
        kw.setdefault("provider", "coop")
        kw.setdefault("receiver", "coop")
        event = EventInput(action=action, has_point_in_time=T, **kw)  # type: ignore[arg-type]
        return str(ledger.record_event(seeded, event).event.id)

    rec("raise", resource_quantity=kg("100"), new_resource=NewResourceInput("stock", conforms_to="steel", id="s"))
    rec("produce", resource_quantity=kg("10"), resource_inventoried_as="s", output_of="repair")
    rec("copy", resource_quantity=kg("1"), new_resource=NewResourceInput("copy", conforms_to="steel", id="c"))
    rec("lower", resource_quantity=kg("5"), resource_inventoried_as="s")
    rec("consume", resource_quantity=kg("5"), resource_inventoried_as="s", input_of="repair")
    rec("use", effort_quantity=MeasureInput("2", "hour"), resource_inventoried_as="s", input_of="repair")
    rec("cite", resource_quantity=kg("1"), resource_inventoried_as="s", input_of="repair")
    rec("work", provider="ana", effort_quantity=MeasureInput("3", "hour"), input_of="repair")
    rec("deliverService", provider="ana", receiver="coop", resource_quantity=MeasureInput("1", "one"),
        resource_conforms_to="design", output_of="repair")
    for a, b, process in (("accept", "modify", "repair"), ("accept", "pass", "repair"), ("accept", "fail", "repair"),
                          ("pickup", "dropoff", "haul"), ("combine", "separate", "repair")):
        rec(a, resource_quantity=kg("4"), resource_inventoried_as="s", input_of=process)
        with seeded.read() as conn:
            assert repo.get(conn, "economic_resource", "s").onhand_quantity == Decimal(96)  # out, in the process
        rec(b, resource_quantity=kg("4"), resource_inventoried_as="s", output_of=process)
    rec("move", resource_quantity=kg("10"), resource_inventoried_as="s")
    rec("transferCustody", receiver="ana", resource_quantity=kg("10"), resource_inventoried_as="s")
    rec("transferAllRights", receiver="ana", resource_quantity=kg("10"), resource_inventoried_as="s")
    rec("transfer", receiver="ana", resource_quantity=kg("10"), resource_inventoried_as="s")

    with seeded.read() as conn:
        s = repo.get(conn, "economic_resource", "s")
        recorded = {e.action for e in repo.get_many(conn, "economic_event", _all_ids(conn)).values()}
    # 100 + 10 - 5 - 5 = 100; then move -10, custody -10 (onhand), rights -10 (accounting), transfer -10
    assert (s.accounting_quantity, s.onhand_quantity) == (Decimal(70), Decimal(70))
    assert recorded == set(ACTIONS)
    assert verify(seeded).ok


def _all_ids(conn: Tx) -> list[str]:
    return [e.id for e in conn.events.stream()]
