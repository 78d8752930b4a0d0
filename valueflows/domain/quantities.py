"""Exact quantities: Decimal in, Decimal out, and a canonical text form for hashing and storage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_PREC, Context, Decimal, InvalidOperation

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
# every digit of a normalization or a sum (never used to divide); its exponents are bounded as the default's are
# (an exponent beyond them overflows instead of being written out digit by digit).
WHOLE = Context(prec=MAX_PREC, Emax=999_999, Emin=-999_999)
_BEFORE_WHOLE = Context(prec=28, Emax=999_999, Emin=-999_999)  # Python's default context


def _plain_text(value: Decimal, context: Context) -> str:
    text = format(value.normalize(context), "f")
    return "0" if text in ("-0", "") else text


def canonical(value: Decimal) -> str:
    """'1.50' and '1.5' are the same quantity: one text form, plain notation, no trailing zeros (every digit kept)."""
    return _plain_text(value, WHOLE)


def canonical_before_whole(value: Decimal) -> str:
    """`canonical` as the ledger wrote it until 2026-12-01: rounded to 28 significant digits. The chain records of
    that time hashed a longer quantity in this form; `verify` accepts it for them."""
    return _plain_text(value, _BEFORE_WHOLE)


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
    # the digits counted from the number as written, trailing zeros aside (no arithmetic: an exponent of a billion
    # is refused, not written out), before anything is shown of it
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0")) if number else 0
    fraction_digits = max(0, -(exponent + zeros)) if number else 0
    integer_digits = max(0, len(digits) + exponent) if number else 0
    if integer_digits > MAX_INTEGER_DIGITS:
        return None, Problem(field, "too_large", f"more than {MAX_INTEGER_DIGITS} digits before the decimal point")
    if fraction_digits > MAX_FRACTION_DIGITS:
        return None, Problem(field, "too_precise", f"more than {MAX_FRACTION_DIGITS} digits after the decimal point")
    if number < 0 and not allow_negative:
        return None, Problem(field, "negative", f"{canonical(number)} is negative; quantities are zero or more")
    return (number if number != 0 else Decimal(0)), None
