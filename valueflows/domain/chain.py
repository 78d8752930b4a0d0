"""The hash chain: each ledger record commits to its predecessor.

A record's hash is SHA-256 over the previous hash, the record's kind and id, and the canonical JSON of its
facts (sorted keys, absent values left out, decimals in canonical text, date-times in UTC ISO 8601).
Derived state (resource quantities, sequence numbers) is not part of a record's facts: it is recomputed from
events instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from valueflows.domain.quantities import Measure, canonical

GENESIS = "0" * 64
DERIVED_FIELDS = frozenset({"seq", "accounting_quantity", "onhand_quantity"})


def plain(value: Any, number: Callable[[Decimal], str] = canonical) -> Any:
    """A JSON-ready form of a domain value, identical for equal values (`number`: how decimals are written)."""
    if type(value) is str:  # most facts: as they are
        return value
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Measure):
        return {"hasNumericalValue": number(value.has_numerical_value), "hasUnit": value.has_unit}
    if isinstance(value, tuple | list):
        return [plain(v, number) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return facts(value, number)
    return value


def facts(record: Any, number: Callable[[Decimal], str] = canonical) -> dict[str, Any]:
    """The facts of a record that the chain commits to.

    Derived state is left out, and so are absent values (None, empty lists): a field added to a record type
    later, empty on old records, leaves their canonical form and so their hashes unchanged.
    """
    out: dict[str, Any] = {}
    for name in _fact_names(type(record)):
        value = getattr(record, name)
        if value is None or (type(value) is tuple and not value):
            continue
        out[name] = plain(value, number)
    return out


_FACT_NAMES: dict[type, tuple[str, ...]] = {}


def _fact_names(kind: type) -> tuple[str, ...]:
    """A record type's fields that are facts (not derived), in declaration order; worked out once per type."""
    found = _FACT_NAMES.get(kind)
    if found is None:
        found = _FACT_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.name not in DERIVED_FIELDS)
    return found


def restored(current: Any, payload: str) -> Any:
    """A record as one of its revisions recorded it: `current` (a record of the same kind, its newest version) with
    every fact replaced by the revision's; derived state (quantities, sequence numbers) is as now. The inverse of
    `facts`: a fact absent from the revision takes the field's default."""
    recorded = json.loads(payload)
    hints = typing.get_type_hints(type(current))
    values: dict[str, Any] = {}
    for f in dataclasses.fields(current):
        if f.name in DERIVED_FIELDS:
            continue
        if f.name in recorded:
            values[f.name] = _typed(recorded[f.name], hints[f.name])
        elif f.default is not dataclasses.MISSING:
            values[f.name] = f.default
    return dataclasses.replace(current, **values)


def _typed(value: Any, hint: Any) -> Any:
    """A JSON value of a fact as the field's type holds it (`plain` turned it into JSON)."""
    if value is None:
        return None
    options = [a for a in typing.get_args(hint) if a is not type(None)] if isinstance(hint, types.UnionType) or (
        typing.get_origin(hint) is typing.Union) else [hint]
    target = options[0]
    origin = typing.get_origin(target)
    if origin is tuple:
        inner = typing.get_args(target)[0]
        return tuple(_typed(v, inner) for v in value)
    if target is Measure:
        return Measure(Decimal(value["hasNumericalValue"]), value["hasUnit"])
    if target is Decimal:
        return Decimal(value)
    if target is datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if target is date:
        return date.fromisoformat(value)
    if isinstance(target, type) and issubclass(target, Enum):
        return target(value)
    return value


# The chain payload of a withdrawal: the record leaves the current state; its earlier revisions stay in the chain.
TOMBSTONE: dict[str, Any] = {"withdrawn": True}


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, kind: str, record_id: str, payload_json: str) -> str:
    h = hashlib.sha256()
    for part in (prev_hash, kind, record_id, payload_json):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainRevision:
    """A chain record of one record's revision, with when it was recorded (vf-graphql's history)."""

    seq: int
    hash: str  # the revision's id
    payload: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ChainRecord:
    seq: int
    kind: str
    record_id: str
    payload: str  # canonical JSON
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainFault:
    seq: int
    kind: str
    record_id: str
    reason: str

    def __str__(self) -> str:
        return f"record #{self.seq} ({self.kind} {self.record_id}): {self.reason}"


def verify_links(records: Iterable[ChainRecord]) -> Iterator[ChainFault]:
    """Recompute every link in sequence order; yield a fault for each record that does not match."""
    prev_hash = GENESIS
    expected_seq = 1
    for rec in records:
        if rec.seq != expected_seq:
            yield ChainFault(rec.seq, rec.kind, rec.record_id, f"sequence gap: expected #{expected_seq}")
        if rec.prev_hash != prev_hash:
            yield ChainFault(rec.seq, rec.kind, rec.record_id, "does not point to the hash of the record before it")
        if link_hash(rec.prev_hash, rec.kind, rec.record_id, rec.payload) != rec.hash:
            yield ChainFault(rec.seq, rec.kind, rec.record_id, "its hash does not match its content")
        prev_hash = rec.hash
        expected_seq = rec.seq + 1
