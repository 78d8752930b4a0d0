"""Column types that keep the domain's values exact on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

from valueflows.domain.quantities import canonical


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(38, 18) on PostgreSQL; canonical decimal text on SQLite (whose NUMERIC is a float)."""

    impl = Numeric(38, 18)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(48))
        return dialect.type_descriptor(Numeric(38, 18, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return canonical(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite: the canonical text written above
            return Decimal(value)
        return Decimal(canonical(Decimal(value)))


class DecimalText(TypeDecorator[Decimal]):
    """A decimal kept as its canonical text on both databases, every digit of it whatever its scale: a figure worked
    out by division (an obligation's settled part, paid in minutes at an hourly rate) can have more decimals than
    NUMERIC(38, 18) keeps, and is compared digit for digit with the same figure worked out again."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else canonical(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Time-zone-aware date-times, stored in UTC; SQLite gets them without the offset and back with UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
