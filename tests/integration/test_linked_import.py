"""Linked data in, on SQLite and PostgreSQL: export -> import into an empty store -> export gives the same graph,
whatever the JSON-LD form, the planning layer included (when and by whom a record was made kept); a second import
writes nothing; a file with any problem writes nothing and the error names the record, the property and why."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
import rdflib
from malformed_linked import MALFORMED, VALID
from planning_seed import SEEDED, seed_planning
from pyld import jsonld
from rdflib.compare import isomorphic

from valueflows.domain.errors import RuleViolation
from valueflows.linkeddata.contexts import document_loader
from valueflows.service import linked
from valueflows.service.bootstrap import MEMORY, open_any
from valueflows.service.queries import ledger_size
from valueflows.service.verify import verify
from valueflows.store.uow import UnitOfWork

BASE = "https://ledger.example.org"
OPTIONS = {"documentLoader": document_loader}


def nt_graph(uow: UnitOfWork) -> rdflib.Graph:
    return rdflib.Graph().parse(data="".join(linked.export(uow, "nt", BASE)), format="nt")


@pytest.fixture
def source(uow: UnitOfWork) -> UnitOfWork:
    seed_planning(uow)
    return uow


@pytest.mark.parametrize("form", ["compacted", "expanded", "flattened", "other-context", "turtle", "nt"])
def test_round_trip(source: UnitOfWork, db_url: str, form: str, tmp_path: Any) -> None:
    document = json.loads("".join(linked.export(source, "jsonld", BASE)))
    data, fmt = {
        "compacted": lambda: (json.dumps(document), "jsonld"),
        "expanded": lambda: (json.dumps(jsonld.expand(document, OPTIONS)), "jsonld"),
        "flattened": lambda: (json.dumps(jsonld.flatten(document, None, OPTIONS)), "jsonld"),
        "other-context": lambda: (json.dumps(jsonld.compact(document, {"@context": {
            "v": "https://w3id.org/valueflows/ont/vf#", "e": "https://w3id.org/valueflows-ledger/ns#"}}, OPTIONS)),
            "jsonld"),
        "turtle": lambda: ("".join(linked.export(source, "turtle", BASE)), "turtle"),
        "nt": lambda: ("".join(linked.export(source, "nt", BASE)), "nt"),
    }[form]()
    target = open_any(_fresh(db_url, tmp_path))
    try:
        done = linked.import_data(target, data, fmt)
        assert done.written["economic_event"] == 177 and done.written["claim"] == 4
        assert all(done.written.get(kind, 0) >= len(ids) for kind, ids in SEEDED.items()), done.written
        assert isomorphic(nt_graph(source), nt_graph(target))
        assert verify(target).ok
        again = linked.import_data(target, data, fmt)
        assert again.written == {} and again.unchanged == sum(done.written.values()) + done.unchanged
    finally:
        if isinstance(target, UnitOfWork):
            target.engine.dispose()


def _fresh(db_url: str, tmp_path: Any, name: str = "target") -> str:
    """A second, empty ledger beside the first: another SQLite file, another PostgreSQL schema, or in memory."""
    if db_url == MEMORY:
        return MEMORY
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    from sqlalchemy import create_engine, text

    url, _, query = db_url.partition("?")
    schema = f"{name}_" + query.rsplit("%3D", 1)[-1].rsplit("=", 1)[-1].replace(",", "")[:40]
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{url}?options=-csearch_path%3D{schema}"


def chain_length(uow: UnitOfWork) -> int:
    return ledger_size(uow)["chain"]


def test_the_valid_document_imports(uow: UnitOfWork) -> None:
    done = linked.import_data(uow, json.dumps(VALID), "jsonld")
    assert done.written == {"agent": 2, "resource_specification": 1, "economic_event": 2, "spatial_thing": 1,
                            "commitment": 1, "fulfillment": 1, "recipe_process": 1}


@pytest.mark.parametrize(("case", "data", "fmt", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_is_refused_whole(uow: UnitOfWork, case: str, data: str, fmt: str, words: str) -> None:
    before = chain_length(uow)
    with pytest.raises(RuleViolation) as refused:
        linked.import_data(uow, data, fmt)
    message = str(refused.value)
    assert words.lower() in message.lower(), f"{case}: {message}"
    assert chain_length(uow) == before, f"{case} wrote something"


def test_streaming_import_round_trips_and_refuses_whole(source: UnitOfWork, db_url: str, tmp_path: Any) -> None:
    text = "".join(linked.export(source, "nt", BASE))
    target = open_any(_fresh(db_url, tmp_path))
    try:
        before = chain_length(target)
        broken = [*text.splitlines(keepends=True), "<https://x.org/a> <https://x.org/b> .\n"]
        with pytest.raises(RuleViolation) as refused:
            linked.import_stream(target, broken)
        assert f"line {len(broken)}: not N-Triples: column 37: " in str(refused.value)  # the line and where in it
        assert chain_length(target) == before  # the whole file, or nothing
        done = linked.import_stream(target, text.splitlines(keepends=True))
        assert done.written["economic_event"] == 177 and chain_length(target) > before
        again = "".join(linked.export(target, "nt", BASE))
        assert sorted(again.splitlines()) == sorted(text.splitlines())  # line for line, blank nodes included
        assert linked.import_stream(target, text.splitlines(keepends=True)).written == {}
    finally:
        if isinstance(target, UnitOfWork):
            target.engine.dispose()


@pytest.mark.parametrize(("lines", "words"), [
    (["<https://x.org/a> <https://x.org/b> <https://x.org/c> .\n", "<a> <b> <c> .\n"],
     "line 2: not N-Triples: column 1: No scheme found in an absolute IRI"),
    (['<https://x.org/agents/z> <https://w3id.org/valueflows/ont/vf#name> "a\\u0000b" .\n'],
     "<https://x.org/agents/z> <https://w3id.org/valueflows/ont/vf#name>: the value contains a NUL character"),
    (["<https://x.org/a> <https://x.org/b> <https://x.org/c> .\n", '<https://x.org/a> <https://x.org/b> "\ud800" .\n'],
     "line 2: not N-Triples: column 38: Invalid UTF-8"),
    (["_:m <https://x.org/b> <https://x.org/c> .\n"], "a blank node before any record"),
], ids=["syntax", "NUL", "lone surrogate", "order"])
def test_a_streamed_file_that_cannot_be_read_names_where(uow: UnitOfWork, lines: list[str], words: str) -> None:
    before = chain_length(uow)
    with pytest.raises(RuleViolation) as refused:
        linked.import_stream(uow, lines)
    assert words in str(refused.value)
    assert chain_length(uow) == before


def test_literals_stay_as_written_whatever_rdflib_was_left_at(uow: UnitOfWork, monkeypatch: Any) -> None:
    """pySHACL sets rdflib's global NORMALIZE_LITERALS back to True after it validates; an import must still see
    "1e5" and "perhaps" as written, not as 100000 and false."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", True)
    for case in ("exponent", "worker-owned not boolean"):
        _, data, fmt, words = next(m for m in MALFORMED if m[0] == case)
        with pytest.raises(RuleViolation, match=words):
            linked.import_data(uow, data, fmt)
    assert rdflib.NORMALIZE_LITERALS is True  # restored after each parse


def test_imported_obligations_are_settled_as_at_home(commons: UnitOfWork, db_url: str, tmp_path: Any) -> None:
    """A ledger's obligations and the payments towards them, exported and imported into another: each obligation
    imported keeps its settlement (as the payment's or the obligation's transaction keeps it at home), and its
    status is the one it had there."""
    from datetime import date, datetime
    from decimal import Decimal

    from valueflows.service import obligations
    from valueflows.service.obligations import Settlement, UseRequest

    use = UseRequest("seed-drill", "bigco", "sell", revenue=Decimal("5000.00"), currency="EUR", day=date(2026, 7, 10))
    assert obligations.record_use(commons, use).claim is not None
    obligations.settle(commons, Settlement("bigco", "atelier", "LicenseRef-CopyFair-1.0",
                                           datetime.fromisoformat("2026-11-03T09:00:00+00:00"), hours=Decimal("1.5")))
    target, streamed = open_any(_fresh(db_url, tmp_path)), open_any(_fresh(db_url, tmp_path, "streamed"))
    try:
        text = "".join(linked.export(commons, "nt", BASE))
        assert linked.import_data(target, text, "nt").written["claim"] == 1  # the file whole
        assert linked.import_stream(streamed, text.splitlines(keepends=True)).written["claim"] == 1  # line by line
        assert isomorphic(nt_graph(target), nt_graph(streamed))
        with target.read() as tx:
            rows = tx.claims.owed()
        assert len(rows) == 1 and rows[0].holds_from is not None and rows[0].settled == Decimal("75.00")
        home, imported = (
            [(o.owed.id, o.status) for o in obligations.obligations(u, date(2026, 11, 5), user="bigco")]
            for u in (commons, target))
        assert imported == home and home[0][1].state == "overdue"
        assert verify(target).ok
    finally:
        for made in (target, streamed):
            if isinstance(made, UnitOfWork):
                made.engine.dispose()


def test_the_collector_is_paused_while_a_file_is_imported_and_as_it_was_after(source: UnitOfWork, db_url: str,
                                                                               tmp_path: Any) -> None:
    text = "".join(linked.export(source, "nt", BASE))
    target = open_any(_fresh(db_url, tmp_path))
    try:
        seen: set[bool] = set()
        linked.import_data(target, text, "nt", on_record=lambda i, n: seen.add(gc.isenabled()))
        assert seen == {False} and gc.isenabled()
        with pytest.raises(RuleViolation):  # refused: the collector is back on all the same
            linked.import_stream(target, [*text.splitlines(keepends=True), "<https://x.org/a> .\n"])
        assert gc.isenabled()
        gc.disable()  # whoever paused it before the import turns it back on, not the import
        try:
            linked.import_stream(target, text.splitlines(keepends=True), on_record=lambda n: seen.add(gc.isenabled()))
            assert seen == {False} and not gc.isenabled()
        finally:
            gc.enable()
    finally:
        if isinstance(target, UnitOfWork):
            target.engine.dispose()
