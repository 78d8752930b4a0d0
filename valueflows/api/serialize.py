"""Records as JSON objects in the GraphQL door's representation: ValueFlows field names (camelCase), a measure as
`hasNumericalValue` (a number, as vf-graphql's Float) with its exact `hasDecimalValue` (decimal text) and `hasUnit`,
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
        return {"hasNumericalValue": float(value.has_numerical_value),
                "hasDecimalValue": amount_text(value.has_numerical_value, value.has_unit), "hasUnit": value.has_unit}
    return plain(value)


def to_json(record: Any) -> dict[str, Any]:
    return {RENAMED.get(f.name, camel(f.name)): _value(getattr(record, f.name)) for f in dataclasses.fields(record)}
