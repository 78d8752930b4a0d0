"""Records by kind name on an open transaction: a shorthand for the store's own tests and tools
(`tx.records(kind)` is the same)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from valueflows.store.ports import Tx
from valueflows.store.sql.records import fitting

__all__ = ["fitting", "get", "get_many"]


def get(tx: Tx, kind: str, record_id: str) -> Any | None:
    return tx.records(kind).get(record_id)


def get_many(tx: Tx, kind: str, ids: Iterable[str | None]) -> dict[str, Any]:
    return tx.records(kind).get_many(ids)
