"""Exact quantities: Decimal in, Decimal out, and a canonical text form for hashing and storage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

from valueflows.domain.errors import Problem

# Stored as NUMERIC(38, 18) on PostgreSQL: 20 integer digits, 18 fractional digits.
MAX_INTEGER_DIGITS = 20
MAX_FRACTION_DIGITS = 18
# Decimal text as the ledger takes it everywhere: ASCII digits, an optional sign and point; no exponent, no
# underscores, no other scripts' digits (Python's Decimal() would take "1_000", "1e5" and "١٢").
DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True, slots=True)
class Measure:
    """om2-style measure: a numerical value with a unit (the unit's id)."""

    has_numerical_value: Decimal
    has_unit: str


# Python's default decimal context rounds to 28 significant digits; a stored quantity has up to 38. This one keeps
# every digit of a normalization or a sum (never used to divide).
WHOLE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def canonical(value: Decimal) -> str:
    """'1.50' and '1.5' are the same quantity: one text form, plain notation, no trailing zeros (every digit kept)."""
    text = format(value.normalize(WHOLE), "f")
    return "0" if text in ("-0", "") else text


def parse_decimal(value: object, field: str, *, allow_negative: bool = False) -> tuple[Decimal | None, Problem | None]:
    """Turn what a client sent into a Decimal, or say exactly why not.

    Accepts Decimal, int and decimal text. Floats are refused: they are not decimal numbers
    (adapters that must accept floats convert them with `Decimal(repr(x))` first).
    """
    if isinstance(value, bool | float):
        return None, Problem(field, "not_decimal", f"{value!r} is not a decimal number; send it as decimal text")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, Problem(field, "not_decimal", f"{value!r} is not a decimal number")
        if not DECIMAL_TEXT.fullmatch(text) and not number.is_nan() and not number.is_infinite():
            return None, Problem(field, "not_decimal", f"{value!r} is not plain decimal text (no exponents)")
    else:
        return None, Problem(field, "not_decimal", f"a {type(value).__name__} is not a decimal number")
    if number.is_nan():
        return None, Problem(field, "not_finite", "NaN is not a quantity")
    if number.is_infinite():
        return None, Problem(field, "not_finite", "an infinite value is not a quantity")
    if number < 0 and not allow_negative:
        return None, Problem(field, "negative", f"{canonical(number)} is negative; quantities are zero or more")
    _sign, digits, exponent = number.normalize(WHOLE).as_tuple()
    assert isinstance(exponent, int)
    fraction_digits = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if integer_digits > MAX_INTEGER_DIGITS:
        return None, Problem(field, "too_large", f"more than {MAX_INTEGER_DIGITS} digits before the decimal point")
    if fraction_digits > MAX_FRACTION_DIGITS:
        return None, Problem(field, "too_precise", f"more than {MAX_FRACTION_DIGITS} digits after the decimal point")
    return (number if number != 0 else Decimal(0)), None
