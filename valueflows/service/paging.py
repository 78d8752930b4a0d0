"""Lists as windows (Relay connections, as vf-graphql 0.9 pages them): `first` records after a cursor, or the
`last` records before one, holding only what the reader may see.

A cursor names a place in the list's order: a record's id for records in id order, an event's ledger sequence
number for events. A window knows whether records lie beyond it in the direction it was read; in the other
direction, there are some whenever the window started from a cursor (the record at the cursor itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from valueflows.domain.errors import Problem, RuleViolation, violation
from valueflows.domain.limits import MAX_PAGE

DEFAULT_PAGE = 100


@dataclass(frozen=True)
class Slice:
    """What a client asks of a list: `first` after `after`, or `last` before `before` (both cursors optional)."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def backward(self) -> bool:
        return self.last is not None and self.first is None

    @property
    def limit(self) -> int:
        """How many records at most; every problem with the slice refused at once."""
        problems = []
        if self.first is not None and self.last is not None:
            problems.append(("last", "bad_slice", "give first (with after) or last (with before), not both"))
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and not 1 <= value <= MAX_PAGE:
                problems.append((name, "bad_limit", f"{name} is between 1 and {MAX_PAGE}"))
        if problems:
            raise RuleViolation([Problem(*p) for p in problems])
        return self.last if self.backward else (self.first or DEFAULT_PAGE)  # type: ignore[return-value]


@dataclass(frozen=True)
class Window:
    items: list[Any]
    cursors: list[str]
    has_previous: bool
    has_next: bool
    limit: int

    @property
    def start_cursor(self) -> str | None:
        return self.cursors[0] if self.cursors else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


Fetch = Callable[[int, Any, bool], Sequence[Any]]
"""(how many, cursor, backward) -> records in list order from the cursor onwards (nearest last when backward)."""


def read_window(s: Slice, fetch: Fetch, show: Callable[[list[Any]], list[Any]], cursor_of: Callable[[Any], str],
                batch: int, parse: Callable[[str, str], Any] = lambda c, _: c) -> Window:
    """Read batches from the cursor in the slice's direction until `limit` records the reader may see (and one
    more, to know the window is not the end) are found, or the list ends."""
    limit, backward = s.limit, s.backward
    cursor = parse(s.before, "before") if backward and s.before is not None else (
        parse(s.after, "after") if not backward and s.after is not None else None)
    n = min(MAX_PAGE + 1, max(limit + 1, batch))
    shown: list[Any] = []
    while True:
        found = list(fetch(n, cursor, backward))
        nearest_first = found[::-1] if backward else found
        shown += show(nearest_first)
        if len(shown) > limit or len(found) < n:
            break
        cursor = parse(cursor_of(nearest_first[-1]), "cursor")
    more = len(shown) > limit
    shown = shown[:limit]
    if backward:
        shown.reverse()
    return Window(shown, [cursor_of(x) for x in shown],
                  has_previous=more if backward else s.after is not None,
                  has_next=s.before is not None if backward else more, limit=limit)


def window_of(items: Sequence[Any], s: Slice, cursor_of: Callable[[Any], str]) -> Window:
    """A window over a list already read whole (a relation of one record, bounded by MAX_PAGE)."""
    limit, cursors = s.limit, [cursor_of(x) for x in items]
    start = cursors.index(s.after) + 1 if s.after is not None and s.after in cursors else 0
    end = cursors.index(s.before) if s.before is not None and s.before in cursors else len(items)
    for name, value in (("after", s.after), ("before", s.before)):
        if value is not None and value not in cursors:
            raise violation(name, "bad_cursor", f"{name} is a cursor of this list")
    lo, hi = (max(start, end - limit), end) if s.backward else (start, min(end, start + limit))
    return Window(list(items[lo:hi]), cursors[lo:hi], has_previous=lo > 0, has_next=hi < len(items), limit=limit)
