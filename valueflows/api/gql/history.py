"""History in the main API (vf-graphql 0.9's history module): every record's `meta` (its revisions around the one
retrieved) and `revision(revisionId)` (the record as that revision recorded it). A revision is a chain record of the
record: its id is the chain hash (the record's `revisionId` at the time), its time when the ledger recorded it.

Each record type inherits `Historied` (which answers `meta`) and declares its own `revision` field, typed as itself
(`revision(self, info, revision_id) -> Intent | None: return revised(info, self, revision_id)`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql.context import Info
from valueflows.api.gql.versions import MAIN, only
from valueflows.domain.chain import ChainRevision

if TYPE_CHECKING:
    from valueflows.api.gql.types import Agent

MAIN_ONLY = only(MAIN)
REVISION = "The record as its revision `revisionId` recorded it (null if that is no revision of this record)."
LazyAgent = Annotated["Agent", strawberry.lazy("valueflows.api.gql.types")]


@strawberry.type(name="Revision", description="One version of a record.")
class Revision:
    id: ID = strawberry.field(description="The revision's id: the chain hash of the record's version.")
    time: datetime | None = strawberry.field(description="When the ledger recorded it.")

    @strawberry.field(description="Who wrote it: not recorded by this ledger yet (always null).")
    def author(self) -> LazyAgent | None:
        return None


def _revision(found: ChainRevision | None) -> Revision | None:
    return Revision(id=ID(found.hash), time=found.recorded_at) if found is not None else None


@strawberry.type(name="RecordMeta", description="Where the retrieved version of a record stands in its history.")
class RecordMeta:
    revisions: Private[list[ChainRevision]]
    index: Private[int]  # the retrieved revision's place in `revisions`

    @strawberry.field
    def previous_revision(self) -> Revision | None:
        return _revision(self.revisions[self.index - 1]) if self.index > 0 else None

    @strawberry.field
    def previous_revisions_count(self) -> int | None:
        return self.index

    @strawberry.field
    def future_revisions_count(self) -> int | None:
        return len(self.revisions) - self.index - 1

    @strawberry.field
    def latest_revision(self) -> Revision | None:
        return _revision(self.revisions[-1])

    @strawberry.field
    def retrieved_revision(self) -> Revision:
        found = _revision(self.revisions[self.index])
        assert found is not None
        return found


@strawberry.type(name="HistoriedRecord")
class Historied:
    """What every record type has of its history (a base of theirs; not in the schema by itself)."""

    r: Private[Any]
    at_revision: Private[str | None] = None  # the revision retrieved through `revision(revisionId)`, else the newest
    KIND: ClassVar[str] = ""

    def history_kind(self) -> str:
        """The kind of record its chain records name (most types: one kind)."""
        return self.KIND

    @strawberry.field(metadata=MAIN_ONLY, description="Its revisions around the one retrieved.")
    def meta(self, info: Info) -> RecordMeta:
        revisions = info.context.reading.history(self.history_kind(), self.r.id)
        index = next((i for i, r in enumerate(revisions) if r.hash == self.at_revision), len(revisions) - 1)
        return RecordMeta(revisions=revisions, index=index)

    def restore(self, info: Info, revision_id: str) -> Any | None:
        return info.context.reading.at_revision(self.history_kind(), self.r, revision_id)


def revised(info: Info, record: Historied, revision_id: ID) -> Any | None:
    """The same GraphQL type, over the record as `revision_id` recorded it; None if that is no revision of it."""
    found = record.restore(info, str(revision_id))
    return type(record)(r=found, at_revision=str(revision_id)) if found is not None else None
