"""Records the event rules look up on every write and that never change or disappear once written.

Units and resource specifications are immutable; agents and processes are never deleted, and the event rules
only ask whether they exist (a newer version of an agent's facts changes no event rule). A record revised through
its use case is forgotten, so the next read fetches it again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from valueflows.store.ports import Records


class RecordCache:
    KINDS = frozenset({"unit", "resource_specification", "agent", "process"})

    # Appending one of these changes which periods are closed (`service.ledger.closed_books`).
    CLOSING = frozenset({"dividend_run", "books_closed"})

    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {kind: {} for kind in self.KINDS}
        # Each organization's closed periods as the chain stood at record `closed_at` (None: nothing known). Only a
        # writer holding the writers' lock at that very head may use them (`closed_periods`); a commit from this
        # process that appended no run and no closed books moves them on to its own head.
        self._closed: dict[str, Any] = {}
        self._closed_at: int | None = None
        self._lock = threading.Lock()

    def closed_periods(self, head: int, organizations: Iterable[str]) -> tuple[dict[str, Any], list[str]]:
        """The closed periods known for these organizations at chain record `head`, and those not known."""
        with self._lock:
            if self._closed_at != head:
                self._closed, self._closed_at = {}, head
            known = {o: self._closed[o] for o in organizations if o in self._closed}
        return known, [o for o in organizations if o not in known]

    def remember_closed(self, head: int, found: dict[str, Any]) -> None:
        with self._lock:
            if self._closed_at == head:
                self._closed.update(found)

    def committed(self, began_at: int, head: int, kinds: Iterable[str]) -> None:
        """A write transaction that began at record `began_at` committed up to `head`, appending `kinds`."""
        with self._lock:
            if self.CLOSING & set(kinds):
                self._closed, self._closed_at = {}, None
            elif self._closed_at == began_at:
                self._closed_at = head

    def get_many(self, repository: Records[Any], ids: Iterable[str | None]) -> dict[str, Any]:
        known = self._records[repository.kind]
        wanted = {i for i in ids if i}
        found = {i: known[i] for i in wanted if i in known}
        missing = wanted - found.keys()
        if missing:
            fetched = repository.get_many(missing)
            known.update(fetched)
            found.update(fetched)
        return found

    def forget(self, kind: str, record_id: str) -> None:
        if kind in self._records:
            self._records[kind].pop(record_id, None)
