"""A unit of work inside another's open write transaction (any store)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from valueflows.domain.access import Principal
from valueflows.store.cache import RecordCache
from valueflows.store.ports import WriteTx


class WithinTransaction:
    """Every use case run through it writes into one open transaction, so many use cases commit together or not at
    all (an import is written whole or not at all). It has its own record cache, dropped with it: a rolled-back
    record must not stay cached."""

    def __init__(self, writer: WriteTx, principal: Principal) -> None:
        self.writer = writer
        self.principal = principal
        self.cache = RecordCache()

    def acting_as(self, principal: Principal) -> WithinTransaction:
        return WithinTransaction(self.writer, principal)

    @contextmanager
    def read(self) -> Iterator[WriteTx]:
        yield self.writer

    @contextmanager
    def write(self) -> Iterator[WriteTx]:
        yield self.writer
