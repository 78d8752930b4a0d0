"""Records as JSON objects in the GraphQL door's representation: ValueFlows field names (camelCase), a measure as
`hasNumericalValue` (decimal text, as vf-graphql 0.9's Decimal) with the same `hasDecimalValue` and `hasUnit`,
the ledger's sequence number as `sequence`, times in UTC with a `Z`."""

from __future__ import annotations

import dataclasses
from typing import Any

from valueflows.domain.chain import plain
from valueflows.domain.currencies import amount_text
from valueflows.domain.quantities import Measure

RENAMED = {"seq": "sequence"}  # the names the GraphQL door gives these fields


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _value(value: Any) -> Any:
    if isinstance(value, Measure):
        text = amount_text(value.has_numerical_value, value.has_unit)
        return {"hasNumericalValue": text, "hasDecimalValue": text, "hasUnit": value.has_unit}
    return plain(value)


def to_json(record: Any) -> dict[str, Any]:
    return {RENAMED.get(f.name, camel(f.name)): _value(getattr(record, f.name)) for f in dataclasses.fields(record)}
