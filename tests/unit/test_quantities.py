from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valueflows.domain.quantities import canonical, parse_decimal


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-1", "negative"),
        ("NaN", "not_finite"),
        ("nan", "not_finite"),
        ("Infinity", "not_finite"),
        ("-inf", "not_finite"),
        ("1e3", "not_decimal"),
        ("abc", "not_decimal"),
        ("", "not_decimal"),
        ("1,5", "not_decimal"),
        (1.5, "not_decimal"),
        (True, "not_decimal"),
        (None, "not_decimal"),
        ("1" * 21, "too_large"),
        ("0." + "1" * 19, "too_precise"),
    ],
)
def test_bad_quantities_are_refused_with_a_reason(raw: object, code: str) -> None:
    value, problem = parse_decimal(raw, "q")
    assert value is None
    assert problem is not None and problem.code == code and problem.field == "q"


@pytest.mark.parametrize(("raw", "expected"), [("1.50", "1.5"), (" 2 ", "2"), (3, "3"), (Decimal("0.000"), "0"),
                                               ("1" * 20, "1" * 20), ("0." + "1" * 18, "0." + "1" * 18)])
def test_good_quantities_parse_exactly(raw: object, expected: str) -> None:
    value, problem = parse_decimal(raw, "q")
    assert problem is None and value is not None
    assert canonical(value) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=0, max_value=10**12))
def test_canonical_text_round_trips(value: Decimal) -> None:
    assert Decimal(canonical(value)) == value
    assert canonical(Decimal(canonical(value))) == canonical(value)
    assert "E" not in canonical(value)


@pytest.mark.parametrize(("raw", "code"), [
    (Decimal("-1E+999999999999"), "too_large"), (Decimal("1E+999999999999"), "too_large"),
    (Decimal("-1E-999999999999"), "too_precise"), (Decimal("1E-999999999999"), "too_precise"),
    (Decimal("-1E+20"), "too_large"),
])
def test_an_exponent_far_out_is_refused_without_being_written_out(raw: Decimal, code: str) -> None:
    """Such a Decimal can come from JSON read with `parse_float=Decimal`: its digits are counted as written."""
    value, problem = parse_decimal(raw, "q", allow_negative=True)
    assert value is None and problem is not None and problem.code == code


def test_every_digit_of_a_stored_quantity_is_kept() -> None:
    """20 digits before the point and 18 after: Python's default context would round them to 28."""
    value = Decimal("12345678901234567890.123456789012345678")
    assert parse_decimal(str(value), "q") == (value, None)
    assert canonical(value) == "12345678901234567890.123456789012345678"
    assert parse_decimal("1234567890123456789.1234567890123456789", "q")[1] is not None  # a 19th fractional digit
