"""Scalars: URI and DateTime as in vf-graphql, and our exact Decimal (decimal text on the wire).

Annotations use the plain NewTypes below (so type checkers see str and Decimal); the schema maps them to
GraphQL scalars through `SCALARS` (StrawberryConfig.scalar_map).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as PyDecimal
from typing import Any, NewType, cast

import strawberry

from valueflows.domain.chain import plain
from valueflows.domain.quantities import DECIMAL_TEXT, canonical

URI = NewType("URI", str)
Decimal = NewType("Decimal", PyDecimal)


def _parse_decimal(value: object) -> PyDecimal:
    if not isinstance(value, str):
        raise ValueError('a Decimal is sent as decimal text, e.g. "1733.50"')
    if not DECIMAL_TEXT.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not decimal text (digits 0-9, an optional sign and point; no exponent)")
    return PyDecimal(value)


def _serialize_decimal(value: PyDecimal | str) -> str:
    """Decimal text: a number in canonical form ("7.5"), or text already written for its meaning (money with its
    currency's decimals, "24000.00"), as it is."""
    return value if isinstance(value, str) else canonical(value)


def _serialize_datetime(value: datetime) -> str:
    """UTC with a `Z`, as every other door writes times."""
    return str(plain(value))


def _parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a DateTime is sent as ISO 8601 text, e.g. \"2026-03-02T09:00:00Z\"")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO 8601 date-time") from None


def money(text: str) -> Decimal:
    """An amount already written as money text ("24000.00"), served as it is."""
    return cast(Decimal, text)


VfFilteringDummy = NewType("VfFilteringDummy", str)  # vf-graphql 0.9's filtering module declares it; nothing uses it

SCALARS: dict[object, Any] = {
    VfFilteringDummy: strawberry.scalar(name="_vf_filtering_dummy", serialize=str, parse_value=str),
    datetime: strawberry.scalar(
        name="DateTime", serialize=_serialize_datetime, parse_value=_parse_datetime,
        description="Date with time (ISO 8601); the ledger answers in UTC with a `Z`."),
    URI: strawberry.scalar(
        name="URI", serialize=str, parse_value=str,
        description="The `URI` type simply declares a reference to an external web URL, Holochain entry or other "
                    "resource."),
    Decimal: strawberry.scalar(
        name="Decimal", serialize=_serialize_decimal, parse_value=_parse_decimal,
        description='An exact decimal number, as text ("1733.50"): what the ledger stores, without float rounding.'),
}
