from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valueflows.accounting.allocation import allocate, group_by_agent, unit_of
from valueflows.domain.currencies import currencies, minor_units, money_text
from valueflows.domain.errors import RuleViolation

CENT = Decimal("0.01")


def test_three_ways_of_one_euro() -> None:
    # exact shares 0.3333…: each gets 0.33, the cent left goes to the tie-break winner (equal weights: agent id)
    assert allocate(Decimal("1.00"), {"c": Decimal(1), "a": Decimal(1), "b": Decimal(1)}, CENT) == {
        "a": Decimal("0.34"), "b": Decimal("0.33"), "c": Decimal("0.33")}


def test_largest_remainder_wins_before_weight_and_id() -> None:
    # 10.00 by 1:2:3 → 1.6666…, 3.3333…, 5.00: remainders .66 (a), .33 (b), 0 (c): a gets the cent
    assert allocate(Decimal("10.00"), {"a": Decimal(1), "b": Decimal(2), "c": Decimal(3)}, CENT) == {
        "a": Decimal("1.67"), "b": Decimal("3.33"), "c": Decimal("5.00")}


def test_equal_remainders_go_to_the_larger_weight_then_to_the_first_id() -> None:
    # 0.02 by 1:3 → 0.5 and 1.5 cents: equal remainders, the larger weight (b) gets the cent left over
    assert allocate(Decimal("0.02"), {"a": Decimal(1), "b": Decimal(3)}, CENT) == {
        "a": Decimal("0.00"), "b": Decimal("0.02")}
    # 0.01 by 1:1 → equal remainders and weights: the first id in ascending order gets it
    assert allocate(Decimal("0.01"), {"b": Decimal(1), "a": Decimal(1)}, CENT) == {
        "a": Decimal("0.01"), "b": Decimal("0.00")}


def test_zero_weights_get_zero_and_errors_are_clear() -> None:
    assert allocate(Decimal("5.00"), {"a": Decimal(0), "b": Decimal("2.5")}, CENT) == {
        "a": Decimal("0.00"), "b": Decimal("5.00")}
    with pytest.raises(RuleViolation, match="every weight is zero"):
        allocate(Decimal("5.00"), {"a": Decimal(0)}, CENT)
    with pytest.raises(RuleViolation, match="negative weights for a"):
        allocate(Decimal("5.00"), {"a": Decimal(-1), "b": Decimal(2)}, CENT)
    with pytest.raises(RuleViolation, match="not a whole number"):
        allocate(Decimal("5.001"), {"a": Decimal(1)}, CENT)


def test_amounts_are_grouped_by_agent_before_rounding() -> None:
    weights = group_by_agent([("a", Decimal(1)), ("b", Decimal(1)), ("a", Decimal(1))])
    assert weights == {"a": Fraction(2), "b": Fraction(1)}
    assert allocate(Decimal("1.00"), weights, CENT) == {"a": Decimal("0.67"), "b": Decimal("0.33")}


def test_currency_units() -> None:
    assert unit_of("EUR") == CENT and unit_of("JPY") == Decimal(1)
    with pytest.raises(RuleViolation):
        unit_of("XYZ")


agents = st.text(alphabet="abcdefgh", min_size=1, max_size=3)
weights = st.dictionaries(agents, st.decimals(min_value=0, max_value=10**6, places=3), min_size=1, max_size=12)


@given(cents=st.integers(min_value=0, max_value=10**10), weights=weights)
def test_parts_sum_exactly_and_stay_within_a_unit_of_the_exact_share(cents: int, weights: dict[str, Decimal]
                                                                      ) -> None:
    if sum(weights.values()) == 0:
        weights = {**weights, "z": Decimal(1)}
    amount = CENT * cents
    parts = allocate(amount, weights, CENT)
    assert sum(parts.values()) == amount
    total = sum(Fraction(w) for w in weights.values())
    for agent, part in parts.items():
        exact = Fraction(amount) * Fraction(weights[agent]) / total
        assert abs(Fraction(part) - exact) < Fraction(CENT)
        assert part % CENT == 0 and part >= 0
        if weights[agent] == 0:
            assert part == 0


@given(cents=st.integers(min_value=0, max_value=10**8), weights=weights, seed=st.randoms())
def test_the_order_of_the_inputs_does_not_matter(cents: int, weights: dict[str, Decimal], seed: object) -> None:
    if sum(weights.values()) == 0:
        weights = {**weights, "z": Decimal(1)}
    items = list(weights.items())
    seed.shuffle(items)  # type: ignore[attr-defined]
    assert allocate(CENT * cents, dict(items), CENT) == allocate(CENT * cents, weights, CENT)


@given(currency=st.sampled_from(sorted(currencies())),
       units=st.integers(min_value=0, max_value=10**12),
       weights=st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=1, max_value=10**6),
                               min_size=1, max_size=8))
def test_every_iso_currency_is_allocated_to_its_smallest_unit_and_sums_exactly(
        currency: str, units: int, weights: dict[str, int]) -> None:
    """Over every currency of the data package (CLDR through Babel), each in its own smallest unit: what is
    shared out adds up to the amount, unit for unit, and reads with the currency's decimals."""
    unit = unit_of(currency)
    amount = units * unit
    shares = allocate(amount, {k: Decimal(v) for k, v in weights.items()}, unit)
    assert sum(shares.values(), Decimal(0)) == amount
    assert all(s % unit == 0 and s >= 0 for s in shares.values())
    assert all(money_text(s, currency) == f"{s:.{minor_units(currency)}f}" for s in shares.values())


def test_the_currency_data_says_what_a_treasurer_expects() -> None:
    assert {c: minor_units(c) for c in ("EUR", "SEK", "KES", "JPY", "BHD", "CHF")} == {
        "EUR": 2, "SEK": 2, "KES": 2, "JPY": 0, "BHD": 3, "CHF": 2}
    assert len(currencies()) > 150
