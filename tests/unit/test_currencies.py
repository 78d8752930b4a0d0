"""Money in one representation: decimal text with the currency's decimals (CLDR, through Babel)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valueflows.accounting.allocation import unit_of
from valueflows.domain.currencies import amount_text, is_currency, money_text
from valueflows.domain.errors import RuleViolation


@pytest.mark.parametrize(("value", "currency", "text"), [
    ("24000", "EUR", "24000.00"), (Decimal("5040"), "EUR", "5040.00"), ("0", "EUR", "0.00"),
    ("-700.01", "EUR", "-700.01"), ("1200", "JPY", "1200"), ("1.5", "BHD", "1.500"), ("360.0", "CHF", "360.00"),
])
def test_money_has_its_currencys_decimals(value: str, currency: str, text: str) -> None:
    assert money_text(value, currency) == text


def test_quantities_that_are_not_money_stay_exact() -> None:
    assert amount_text("7.50", "hour") == "7.5" and amount_text("40", "kilogram") == "40"
    assert amount_text("14700", "EUR") == "14700.00"


def test_only_iso_currency_codes_are_currencies() -> None:
    assert is_currency("EUR") and is_currency("SEK") and not is_currency("hour") and not is_currency("EURO")
    assert unit_of("SEK") == Decimal("0.01") and unit_of("JPY") == Decimal("1")
    with pytest.raises(RuleViolation) as refused:
        unit_of("EURO")
    assert refused.value.problems[0].field == "currency"
