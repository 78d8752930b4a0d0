"""Instants as the doors accept them in filters (`since`, `from`, `to`): one rule for REST, GraphQL and the CLI."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from valueflows.domain.errors import violation

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_instant(text: str, name: str) -> datetime:
    """ISO 8601 with a time zone, or a plain date (YYYY-MM-DD): the start of that day in UTC."""
    value = text.strip()
    try:
        if _DAY.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), time.min, UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise violation(name, "bad_date", f"{text[:40]!r} is not an ISO 8601 date or date-time") from None
    if parsed.utcoffset() is None:
        raise violation(name, "no_timezone", "a date-time needs a time zone (e.g. 2026-03-01T00:00:00Z), "
                                             "or give a date (the start of that day in UTC)")
    return parsed


