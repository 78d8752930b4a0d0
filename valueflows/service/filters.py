"""What vf-graphql 0.9's filter parameters select, as predicates over records (applied as a window is read)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

Keep = Callable[[Any], bool] | None


def _contains(text: str | None, search: str) -> bool:
    return search.casefold() in (text or "").casefold()


def classified(any_of: Collection[str] | None, field: str = "classified_as") -> Keep:
    """Records classified as any of these (None: no condition)."""
    if not any_of:
        return None
    wanted = frozenset(any_of)
    return lambda r: bool(wanted.intersection(getattr(r, field)))


def processes(search: str | None = None, finished: bool | None = None, in_scope_of: Collection[str] | None = None,
              classified_as: Collection[str] | None = None, start: datetime | None = None,
              end: datetime | None = None) -> Keep:
    """Processes whose name or note holds `search`, finished or not, in any of the scopes, classified as any of
    the classes, and that began at or after `start` and ended at or before `end`."""
    if all(v is None or v == [] for v in (search, finished, in_scope_of, classified_as, start, end)):
        return None
    scopes, classes = frozenset(in_scope_of or ()), frozenset(classified_as or ())

    def keep(p: Any) -> bool:
        return all((
            search is None or _contains(p.name, search) or _contains(p.note, search),
            finished is None or p.finished is finished,
            not scopes or bool(scopes.intersection(p.in_scope_of)),
            not classes or bool(classes.intersection(p.classified_as)),
            start is None or (p.has_beginning is not None and p.has_beginning >= start),
            end is None or (p.has_end is not None and p.has_end <= end),
        ))

    return keep
