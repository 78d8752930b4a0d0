"""The checks the hostile-input suite led to, each on its own: text no database can store, documents that expand
past the limit, texts longer than their column, strict decimal text, and which database failures are transient."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import exc as sa_exc

from valueflows.api.gql.limits import MAX_EXPANDED_FIELDS, expanded_fields, parsed, text_problem
from valueflows.domain.errors import RuleViolation
from valueflows.domain.quantities import parse_decimal
from valueflows.domain.rules import text_fault
from valueflows.store.engine import is_transient
from valueflows.store.repository import fitting


@pytest.mark.parametrize(("text", "fault"), [
    ("plain", None), ("emoji 😀 and \u202e", None), ("a\x00b", "NUL"), ("\ud800", "lone surrogate"),
    ("ok\udfff", "lone surrogate at character 2")])
def test_text_fault(text: str, fault: str | None) -> None:
    found = text_fault(text)
    assert found is None if fault is None else (found is not None and fault in found)


def bomb(levels: int) -> str:
    spreads = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query {{ ...F0 }} {spreads} fragment F{levels} on Query {{ actions {{ id }} }}"


def test_a_fragment_bomb_is_measured_in_linear_time() -> None:
    document = parsed(bomb(60), 4000)
    assert document is not None
    # 2^60 spreads of a two-field fragment: walking them would never end; counting each fragment once does.
    assert expanded_fields(document) == 2 ** 61
    small = parsed("{ a { b c } ...X } fragment X on Query { d }", 4000)
    assert small is not None and expanded_fields(small) == 4 <= MAX_EXPANDED_FIELDS
    cycle = parsed("query { ...A } fragment A on Query { x ...B } fragment B on Query { ...A }", 4000)
    assert cycle is not None and expanded_fields(cycle) == 1  # counted once; validation refuses the cycle
    assert parsed("{ not closed", 4000) is None


def test_text_problem_looks_at_every_string() -> None:
    document = parsed('mutation { createPerson(person: {name: "Ana\\u0000"}) { __typename } }', 4000)
    assert "NUL" in str(text_problem(document, None))
    assert text_problem(parsed("{ actions { id } }", 4000), {"e": {"list": [{"deep": "\ud800"}]}})
    assert text_problem(parsed("{ actions { id } }", 4000), {"\ud800": 1})  # keys too
    assert text_problem(parsed("{ actions { id } }", 4000), {"e": ["fine", 1, None]}) is None


def test_texts_longer_than_their_column_are_refused_by_field() -> None:
    row = {"id": "a", "name": "Ana", "type": "Person", "image": "https://x.org/" + "i" * 2000}
    with pytest.raises(RuleViolation) as refused:
        fitting("agent", row)
    assert [(p.field, p.code) for p in refused.value.problems] == [("image", "too_long")]
    assert fitting("agent", {**row, "image": "https://x.org/i.png"})["image"] == "https://x.org/i.png"


@pytest.mark.parametrize("text", ["1_000", "\u0661\u0662", "\uff11", "1e5", "0x10", "1,5", "+", "."])
def test_decimal_text_is_plain(text: str) -> None:
    number, problem = parse_decimal(text, "q")
    assert number is None and problem is not None


@pytest.mark.parametrize(("text", "value"), [("12", "12"), ("+1.50", "1.50"), (".5", "0.5"), ("3.", "3")])
def test_plain_decimal_text_is_taken(text: str, value: str) -> None:
    number, problem = parse_decimal(text, "q")
    assert problem is None and str(number) == value


def test_transient_failures() -> None:
    locked = sa_exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    assert is_transient(locked)
    assert is_transient(sa_exc.TimeoutError("QueuePool limit reached"))
    no_table = sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: agents"))
    assert not is_transient(no_table)
    assert not is_transient(ValueError("bad"))
    assert not is_transient(sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint")))
