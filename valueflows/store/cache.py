"""Records the event rules look up on every write and that never change or disappear once written.

Units and resource specifications are immutable; agents and processes are never deleted, and the event rules
only ask whether they exist (a newer version of an agent's facts changes no event rule). A record revised through
its use case is forgotten, so the next read fetches it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from valueflows.store.ports import Records


class RecordCache:
    KINDS = frozenset({"unit", "resource_specification", "agent", "process"})

    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {kind: {} for kind in self.KINDS}

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
