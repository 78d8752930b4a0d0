"""Currencies: which unit ids are ISO 4217 currency codes and how many decimals each has, from Babel's CLDR data
(EUR 2, JPY 0, BHD 3), not a list of our own."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from babel.numbers import get_currency_name, get_currency_precision, list_currencies

from valueflows.domain.model import Unit
from valueflows.domain.quantities import canonical


@cache
def currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in currencies()


def minor_units(code: str) -> int:
    """Decimals of a currency's smallest unit; 2 for anything that is not a currency code."""
    return get_currency_precision(code) if is_currency(code) else 2


def currency_unit(code: str) -> Unit:
    """The unit record of an ISO 4217 currency (its English name from CLDR, its code as symbol)."""
    return Unit(code, get_currency_name(code, locale="en").lower(), code, None, "currency")


def money_text(value: str | Decimal, currency: str) -> str:
    """Money as decimal text with its currency's decimals ("24000.00", "1200" for yen): one representation on
    every door (JSON, GraphQL, CSV, the CLI's machine-readable output)."""
    return f"{Decimal(value):.{minor_units(currency)}f}"


def amount_text(value: str | Decimal, unit: str) -> str:
    """A quantity in `unit`: money text when the unit is a currency, else the exact decimal ("7.5" hours)."""
    return money_text(value, unit) if is_currency(unit) else canonical(Decimal(value))
