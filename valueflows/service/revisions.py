"""Revisions (vf-graphql 0.9's history): every version of a record is a chain record, and its hash is the
version's revision id. An update that names a revision is applied only if that revision is still the record's
newest (optimistic concurrency): otherwise it is refused with CONFLICT and nothing is written.
"""

from __future__ import annotations

from collections.abc import Collection

from valueflows.domain.errors import NotFound, StaleRevision, violation
from valueflows.store.ports import Tx, UnitOfWork

REVISION_LENGTH = 64  # a SHA-256 in hex


def record_of(uow: UnitOfWork, revision_id: str, kinds: Collection[str]) -> tuple[str, str]:
    """(kind, record id) of the record a revision belongs to; NotFound if it is no revision of such a record."""
    if len(revision_id) != REVISION_LENGTH or any(c not in "0123456789abcdef" for c in revision_id):
        raise violation("revisionId", "bad_revision", "revisionId is the revisionId a record was read with")
    with uow.read() as tx:
        found = tx.chain.by_hash(revision_id)
    if found is None or found.kind not in kinds:
        what = " or ".join(sorted(k.replace("_", " ") for k in kinds))
        raise NotFound(f"no revision {revision_id!r} of a {what}")
    return found.kind, found.record_id


def expect_newest(tx: Tx, kind: str, record_id: str, revision_id: str | None) -> None:
    """Inside the write transaction (the chain head is held): refuse unless `revision_id` is the newest."""
    if revision_id is None:
        return
    newest = tx.chain.latest(kind, [record_id]).get(record_id)
    if newest != revision_id:
        raise StaleRevision(f"revision {revision_id} is not the newest of {kind.replace('_', ' ')} {record_id!r} "
                            f"(it is {newest}): read the record again and apply the change to what it is now")
