"""Today, for the rules that turn on it (a run's period must have ended, closed days must be over, the status of
obligations today). `VALUEFLOWS_TODAY=YYYY-MM-DD` sets it, to rehearse an annual meeting before the year is over
(and in the tests, whose ledgers hold a year that has to be over); the chain keeps the real time of every record."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

SETTING = "VALUEFLOWS_TODAY"


def today() -> date:
    chosen = os.environ.get(SETTING)
    if chosen:
        try:
            return date.fromisoformat(chosen)
        except ValueError:
            raise ValueError(f"{SETTING}={chosen!r} is not a date (YYYY-MM-DD)") from None
    return datetime.now(UTC).date()
