"""Linked data: one record in RDF, and the whole ledger (or a period of it) streamed out.

Records are read in the order that puts what a record refers to before it, a few thousand rows at a time, and
written one by one: memory stays flat however large the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from valueflows.domain.errors import NotFound
from valueflows.linkeddata import rdf
from valueflows.linkeddata.vocabulary import EXPORT_ORDER
from valueflows.store.mapping import FROM_ROW
from valueflows.store.repository import get
from valueflows.store.tables import RECORD_TABLES, economic_events
from valueflows.store.uow import UnitOfWork

FORMATS = {"jsonld": "application/ld+json", "turtle": "text/turtle", "nt": "application/n-triples"}
BATCH = 5000


def record(uow: UnitOfWork, kind: str, record_id: str) -> Any:
    with uow.read() as conn:
        found = get(conn, kind, record_id)
    if found is None:
        raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
    return found


def render(kind: str, found: Any, fmt: str, base: str) -> str:
    """One record as a whole document in `fmt`."""
    if fmt == "nt":
        return rdf.ntriples(kind, found, base)
    if fmt == "turtle":
        return rdf.turtle_prefixes() + rdf.turtle(kind, found, base)
    import json

    return json.dumps({"@context": rdf.ledger_context()["@context"], **rdf.jsonld_node(kind, found, base)},
                      ensure_ascii=False, indent=2) + "\n"


def records(uow: UnitOfWork, since: datetime | None = None) -> Iterator[tuple[str, Any]]:
    """Every record, referenced before referring; with `since`, only events (and their claims) from then on."""
    with uow.read() as conn:
        for kind in EXPORT_ORDER:
            table = RECORD_TABLES[kind]
            query = select(table).order_by(table.c.seq if kind == "economic_event" else table.c.id)
            if since is not None and kind == "economic_event":
                query = query.where(economic_events.c.happened_at >= since)
            for row in conn.execute(query, execution_options={"yield_per": BATCH}):
                yield kind, FROM_ROW[kind](row)


def export(uow: UnitOfWork, fmt: str, base: str, since: datetime | None = None) -> Iterator[str]:
    """The ledger as text chunks in `fmt` (jsonld, turtle or nt)."""
    if fmt == "turtle":
        yield rdf.turtle_prefixes()
    elif fmt == "jsonld":
        yield rdf.jsonld_document_start()
    first = True
    for kind, found in records(uow, since):
        if fmt == "nt":
            yield rdf.ntriples(kind, found, base)
        elif fmt == "turtle":
            yield rdf.turtle(kind, found, base)
        else:
            yield rdf.jsonld_item(kind, found, base, first)
        first = False
    if fmt == "jsonld":
        yield rdf.JSONLD_END
