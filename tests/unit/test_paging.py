"""Windows over a list, as Relay pages it: forward from `after`, backward from `before`, refused slices."""

from __future__ import annotations

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.service.paging import Slice, read_window, window_of

ITEMS = [f"r{i:02}" for i in range(10)]


def fetch(n: int, cursor: str | None, backward: bool) -> list[str]:
    if backward:
        return [x for x in ITEMS if cursor is None or x < cursor][-n:]
    return [x for x in ITEMS if cursor is None or x > cursor][:n]


def test_a_window_read_in_batches_keeps_only_what_is_shown() -> None:
    odd = read_window(Slice(first=3), fetch, lambda xs: [x for x in xs if int(x[1:]) % 2], str, batch=2)
    assert odd.items == ["r01", "r03", "r05"] and odd.has_next and not odd.has_previous
    rest = read_window(Slice(first=3, after="r05"), fetch, lambda xs: [x for x in xs if int(x[1:]) % 2], str, 2)
    assert rest.items == ["r07", "r09"] and not rest.has_next and rest.has_previous
    last = read_window(Slice(last=4, before="r09"), fetch, lambda xs: xs, str, batch=2)
    assert last.items == ["r05", "r06", "r07", "r08"] and last.has_previous and last.has_next
    assert (last.start_cursor, last.end_cursor) == ("r05", "r08")


def test_a_window_over_a_list_read_whole() -> None:
    assert window_of(ITEMS, Slice(first=2, after="r03"), str).items == ["r04", "r05"]
    back = window_of(ITEMS, Slice(last=3, before="r02"), str)
    assert back.items == ["r00", "r01"] and not back.has_previous and back.has_next
    whole = window_of(ITEMS, Slice(), str)
    assert whole.items == ITEMS and whole.limit == 100 and not whole.has_next
    with pytest.raises(RuleViolation, match="after is a cursor of this list"):
        window_of(ITEMS, Slice(after="zz"), str)


def test_refused_slices_name_every_problem() -> None:
    with pytest.raises(RuleViolation) as refused:
        _ = Slice(first=0, last=5000).limit
    assert {p.field for p in refused.value.problems} == {"first", "last"}
    assert len(refused.value.problems) == 3
