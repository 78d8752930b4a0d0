"""Scalars: URI and DateTime as in vf-graphql, and our exact Decimal (decimal text on the wire).

Annotations use the plain NewTypes below (so type checkers see str and Decimal); the schema maps them to
GraphQL scalars through `SCALARS` (StrawberryConfig.scalar_map).
"""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from typing import Any, NewType

import strawberry

from valueflows.domain.quantities import DECIMAL_TEXT, canonical

URI = NewType("URI", str)
Decimal = NewType("Decimal", PyDecimal)


def _parse_decimal(value: object) -> PyDecimal:
    if not isinstance(value, str):
        raise ValueError('a Decimal is sent as decimal text, e.g. "1733.50"')
    if not DECIMAL_TEXT.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not decimal text (digits 0-9, an optional sign and point; no exponent)")
    return PyDecimal(value)


SCALARS: dict[object, Any] = {
    URI: strawberry.scalar(
        name="URI", serialize=str, parse_value=str,
        description="The `URI` type simply declares a reference to an external web URL, Holochain entry or other "
                    "resource."),
    Decimal: strawberry.scalar(
        name="Decimal", serialize=canonical, parse_value=_parse_decimal,
        description='An exact decimal number, as text ("1733.50"): what the ledger stores, without float rounding.'),
}
