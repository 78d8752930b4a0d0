from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from valueflows.domain.chain import GENESIS, ChainRecord, canonical_json, facts, link_hash, verify_links
from valueflows.domain.model import EconomicEvent
from valueflows.domain.quantities import Measure


def chain(*payloads: str) -> list[ChainRecord]:
    records, prev = [], GENESIS
    for i, payload in enumerate(payloads, start=1):
        digest = link_hash(prev, "k", f"r{i}", payload)
        records.append(ChainRecord(i, "k", f"r{i}", payload, prev, digest))
        prev = digest
    return records


def test_an_intact_chain_verifies() -> None:
    assert list(verify_links(chain("{}", '{"a":1}', '{"b":2}'))) == []


def test_a_changed_payload_is_named() -> None:
    records = chain("{}", '{"a":1}', '{"b":2}')
    records[1] = replace(records[1], payload='{"a":2}')
    faults = list(verify_links(records))
    assert [(f.seq, f.reason) for f in faults] == [(2, "its hash does not match its content")]


def test_a_removed_record_breaks_the_next_link() -> None:
    records = chain("{}", '{"a":1}', '{"b":2}')
    faults = list(verify_links([records[0], records[2]]))
    assert {f.seq for f in faults} == {3} and any("sequence gap" in f.reason for f in faults)


def test_equal_facts_have_one_canonical_form() -> None:
    t = datetime(2026, 3, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    a = EconomicEvent("e", "work", "a", "b", effort_quantity=Measure(Decimal("1.50"), "hour"), has_point_in_time=t)
    b = replace(a, effort_quantity=Measure(Decimal("1.5"), "hour"), has_point_in_time=t.astimezone(UTC), seq=7)
    assert canonical_json(facts(a)) == canonical_json(facts(b))
    assert facts(a)["has_point_in_time"] == "2026-03-01T09:00:00Z"
    assert "note" not in facts(a) and "seq" not in facts(b)  # absent and derived values are left out


def test_a_field_added_later_leaves_old_hashes_alone() -> None:
    @dataclass(frozen=True)
    class V1:
        id: str
        name: str

    @dataclass(frozen=True)
    class V2:
        id: str
        name: str
        classified_as: tuple[str, ...] = ()
        note: str | None = None

    assert canonical_json(facts(V1("x", "X"))) == canonical_json(facts(V2("x", "X")))
