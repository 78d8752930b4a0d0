"""Linked data in, on SQLite and PostgreSQL: export -> import into an empty store -> export gives the same graph,
whatever the JSON-LD form; a second import writes nothing; a file with any problem writes nothing and the error
names the record, the property and why."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic
from sqlalchemy import func, select

from valueflows.domain.errors import RuleViolation
from valueflows.linkeddata.contexts import document_loader
from valueflows.service import linked
from valueflows.service.bootstrap import open_ledger
from valueflows.service.demo import seed_demo
from valueflows.service.verify import verify
from valueflows.store.tables import ledger as chain
from valueflows.store.uow import UnitOfWork

BASE = "https://ledger.example.org"
OPTIONS = {"documentLoader": document_loader}


def nt_graph(uow: UnitOfWork) -> rdflib.Graph:
    return rdflib.Graph().parse(data="".join(linked.export(uow, "nt", BASE)), format="nt")


@pytest.fixture
def source(uow: UnitOfWork) -> UnitOfWork:
    seed_demo(uow)
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
    target = open_ledger(_fresh(db_url, tmp_path))
    try:
        done = linked.import_data(target, data, fmt)
        assert done.written["economic_event"] == 173 and done.written["claim"] == 2
        assert isomorphic(nt_graph(source), nt_graph(target))
        assert verify(target).ok
        again = linked.import_data(target, data, fmt)
        assert again.written == {} and again.unchanged == sum(done.written.values()) + done.unchanged
    finally:
        target.engine.dispose()


def _fresh(db_url: str, tmp_path: Any) -> str:
    """A second, empty ledger beside the first: another SQLite file, or another PostgreSQL schema."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'target.db'}"
    from sqlalchemy import create_engine, text

    url, _, query = db_url.partition("?")
    schema = "target_" + query.rsplit("%3D", 1)[-1].rsplit("=", 1)[-1].replace(",", "")[:40]
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{url}?options=-csearch_path%3D{schema}"


# -- malformed input: each a clear error naming what is wrong, and nothing written ------------------------------

VALID = {
    "@context": "https://w3id.org/valueflows-ledger/contexts/ledger.jsonld",
    "@graph": [
        {"id": "https://x.org/agents/ana", "type": "Person", "name": "Ana"},
        {"id": "https://x.org/agents/coop", "type": "Organization", "name": "Coop", "legalForm": "worker_coop"},
        {"id": "https://x.org/specifications/steel", "type": "ResourceSpecification", "name": "Steel",
         "defaultUnitOfResource": "https://x.org/units/kilogram"},
        {"id": "https://x.org/resources/stock", "type": "EconomicResource", "name": "Stock",
         "conformsTo": "https://x.org/specifications/steel"},
        {"id": "https://x.org/events/e1", "type": "EconomicEvent", "action": "raise",
         "provider": "https://x.org/agents/coop", "receiver": "https://x.org/agents/coop",
         "resourceInventoriedAs": "https://x.org/resources/stock", "hasPointInTime": "2026-03-01T09:00:00Z",
         "resourceQuantity": {"type": "Measure", "hasNumericalValue": "10", "hasUnit": "https://x.org/units/kilogram"}},
        {"id": "https://x.org/events/e2", "type": "EconomicEvent", "action": "work",
         "provider": "https://x.org/agents/ana", "receiver": "https://x.org/agents/coop",
         "hasPointInTime": "2026-03-02T17:00:00Z",
         "effortQuantity": {"type": "Measure", "hasNumericalValue": "7.5", "hasUnit": "https://x.org/units/hour"}},
    ],
}


def node(doc: dict[str, Any], suffix: str) -> dict[str, Any]:
    return next(n for n in doc["@graph"] if n["id"].endswith(suffix))


def edit(change: Callable[[dict[str, Any]], Any]) -> str:
    doc = copy.deepcopy(VALID)
    change(doc)
    return json.dumps(doc)


def _set(suffix: str, key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda d: node(d, suffix).__setitem__(key, value)


def _drop(suffix: str, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: node(d, suffix).pop(key)


def _measure(suffix: str, key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda d: node(d, suffix)[
        "resourceQuantity" if "resourceQuantity" in node(d, suffix) else "effortQuantity"].__setitem__(key, value)


def _add(n: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d["@graph"].append(n)


def _event(eid: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"https://x.org/events/{eid}", "type": "EconomicEvent", "action": "work",
            "provider": "https://x.org/agents/ana", "receiver": "https://x.org/agents/coop",
            "hasPointInTime": "2026-03-03T17:00:00Z",
            "effortQuantity": {"type": "Measure", "hasNumericalValue": "1", "hasUnit": "https://x.org/units/hour"},
            **extra}


MALFORMED: list[tuple[str, str, str, str]] = [  # (case, data, format, words the error contains)
    ("empty", "", "jsonld", "not JSON"),
    ("truncated", json.dumps(VALID)[:-20], "jsonld", "not JSON"),
    ("not an object", "[1, 2, 3]", "jsonld", "no ValueFlows record"),
    ("trailing comma", '{"@graph": [],}', "jsonld", "not JSON"),
    ("remote context", json.dumps({**VALID, "@context": "https://evil.example/ctx.jsonld"}), "jsonld",
     "https://evil.example/ctx.jsonld is not one we publish"),
    ("bad turtle", "<a> <b> .", "turtle", "not valid turtle"),
    ("bad n-triples", "<a> <b> <c>", "nt", "not valid nt"),
    ("unknown format", "{}", "rdfxml", "format"),
    ("unknown action", edit(_set("/e2", "action", "steal")), "jsonld", "not a ValueFlows action"),
    ("action as text", edit(_set("/e2", "action", {"@value": "work"})), "jsonld", "not a ValueFlows action"),
    ("two actions", edit(_set("/e2", "action", ["work", "use"])), "jsonld", "takes one"),
    ("no action", edit(_drop("/e2", "action")), "jsonld", "action: is required"),
    ("no provider", edit(_drop("/e2", "provider")), "jsonld", "provider: is required"),
    ("no receiver", edit(_drop("/e2", "receiver")), "jsonld", "receiver: is required"),
    ("no time", edit(_drop("/e2", "hasPointInTime")), "jsonld", "needs a time"),
    ("time without zone", edit(_set("/e2", "hasPointInTime", "2026-03-02T17:00:00")), "jsonld", "no time zone"),
    ("time not a time", edit(_set("/e2", "hasPointInTime", "yesterday")), "jsonld", "not a valid time"),
    ("dangling provider", edit(_set("/e2", "provider", "https://x.org/agents/nobody")), "jsonld", "nobody"),
    ("dangling receiver", edit(_set("/e2", "receiver", "https://x.org/agents/ghost")), "jsonld", "ghost"),
    ("dangling resource", edit(_set("/e2", "resourceInventoriedAs", "https://x.org/resources/none")), "jsonld",
     "none"),
    ("dangling process", edit(_set("/e2", "inputOf", "https://x.org/processes/p9")), "jsonld", "p9"),
    ("dangling spec", edit(_set("/stock", "conformsTo", "https://x.org/specifications/wood")), "jsonld", "wood"),
    ("dangling unit", edit(_measure("/e2", "hasUnit", "https://x.org/units/parsec")), "jsonld", "parsec"),
    ("unit mismatch", edit(_measure("/e1", "hasUnit", "https://x.org/units/litre")), "jsonld", "kilogram"),
    ("effort in kilograms", edit(_measure("/e2", "hasUnit", "https://x.org/units/kilogram")), "jsonld", "effort"),
    ("negative quantity", edit(_measure("/e2", "hasNumericalValue", "-3")), "jsonld", "negative"),
    ("huge number", edit(_measure("/e2", "hasNumericalValue", "1" * 30)), "jsonld", "digits"),
    ("too precise", edit(_measure("/e2", "hasNumericalValue", "0." + "1" * 25)), "jsonld", "digits"),
    ("exponent", edit(_measure("/e2", "hasNumericalValue", "1e5")), "jsonld", "exponent"),
    ("not a number", edit(_measure("/e2", "hasNumericalValue", "seven")), "jsonld", "not"),
    ("NaN", edit(_measure("/e2", "hasNumericalValue", "NaN")), "jsonld", "NaN"),
    ("measure without unit", edit(lambda d: node(d, "/e2")["effortQuantity"].pop("hasUnit")), "jsonld",
     "hasUnit"),
    ("measure without value", edit(lambda d: node(d, "/e2")["effortQuantity"].pop("hasNumericalValue")),
     "jsonld", "hasNumericalValue"),
    ("no effort", edit(_drop("/e2", "effortQuantity")), "jsonld", "effort"),
    ("forbidden resource quantity on work", edit(_set("/e2", "resourceQuantity", {
        "type": "Measure", "hasNumericalValue": "1", "hasUnit": "https://x.org/units/hour"})), "jsonld", "resource"),
    ("duplicate ids", edit(_add({"id": "https://x.org/agents/ana", "type": "Organization", "name": "Ana 2"})),
     "jsonld", "id"),
    ("agent without name", edit(_drop("/ana", "name")), "jsonld", "name: is required"),
    ("spec without name", edit(_drop("/steel", "name")), "jsonld", "name: is required"),
    ("headcount as text", edit(_set("/coop", "headcount", {"@value": "many", "@type": "xsd:integer"})), "jsonld",
     "not a valid integer"),
    ("negative headcount", edit(_set("/coop", "headcount", -4)), "jsonld", "headcount"),
    ("unknown legal form", edit(_set("/coop", "legalForm", "cartel")), "jsonld", "cartel"),
    ("worker-owned not boolean", edit(_set("/coop", "workerOwned", {"@value": "perhaps", "@type": "xsd:boolean"})),
     "jsonld", "not a valid boolean"),
    ("correction loop", edit(lambda d: d["@graph"].extend([
        _event("c1", corrects="https://x.org/events/c2"), _event("c2", corrects="https://x.org/events/c1")])),
     "jsonld", "cycle"),
    ("corrects itself", edit(lambda d: d["@graph"].append(_event("c3", corrects="https://x.org/events/c3"))),
     "jsonld", "cycle"),
    ("corrects a missing event", edit(lambda d: d["@graph"].append(_event("c4", corrects="https://x.org/events/zz"))),
     "jsonld", "zz"),
    ("correction changes action", edit(lambda d: d["@graph"].append(
        {**_event("c5", corrects="https://x.org/events/e2"), "action": "deliverService"})), "jsonld", "action"),
    ("blank-node record", edit(_add({"type": "Person", "name": "Nobody"})), "jsonld", "needs an IRI"),
    ("consume more than there is", edit(lambda d: d["@graph"].append({
        "id": "https://x.org/events/e9", "type": "EconomicEvent", "action": "lower",
        "provider": "https://x.org/agents/coop", "receiver": "https://x.org/agents/coop",
        "resourceInventoriedAs": "https://x.org/resources/stock", "hasPointInTime": "2026-03-05T09:00:00Z",
        "resourceQuantity": {"type": "Measure", "hasNumericalValue": "11",
                             "hasUnit": "https://x.org/units/kilogram"}})), "jsonld", "would take it to -1"),
    ("membership without since", edit(_add({"id": "https://x.org/memberships/m1", "type": "Membership",
                                            "vfl:member": {"@id": "https://x.org/agents/ana"},
                                            "vfl:organization": {"@id": "https://x.org/agents/coop"}})),
     "jsonld", "since: is required"),
    ("membership of a person", edit(_add({"id": "https://x.org/memberships/m2", "type": "Membership",
                                          "vfl:member": {"@id": "https://x.org/agents/coop"},
                                          "vfl:organization": {"@id": "https://x.org/agents/ana"},
                                          "since": "2026-01-01"})), "jsonld", "organization"),
    ("id too long", edit(_set("/ana", "id", "urn:x:" + "a" * 300)), "jsonld", "longer than"),
    ("image not a string", edit(_set("/ana", "image", {"@id": "https://x.org/img.png"})), "jsonld", "image"),
    ("turtle dangling", "@prefix vf: <https://w3id.org/valueflows/ont/vf#> .\n<https://x.org/events/t1> a "
     "vf:EconomicEvent ; vf:action vf:work ; vf:provider <https://x.org/agents/a> ; vf:receiver "
     "<https://x.org/agents/b> ; vf:hasPointInTime \"2026-01-01T00:00:00Z\" .", "turtle", "https://x.org/events/t1"),
]


def chain_length(uow: UnitOfWork) -> int:
    with uow.read() as conn:
        return int(conn.execute(select(func.count()).select_from(chain)).scalar_one())


def test_the_valid_document_imports(uow: UnitOfWork) -> None:
    done = linked.import_data(uow, json.dumps(VALID), "jsonld")
    assert done.written == {"agent": 2, "resource_specification": 1, "economic_event": 2}


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
    target = open_ledger(_fresh(db_url, tmp_path))
    try:
        before = chain_length(target)
        broken = [*text.splitlines(keepends=True), "<https://x.org/a> <https://x.org/b> .\n"]
        with pytest.raises(RuleViolation) as refused:
            linked.import_stream(target, broken)
        assert "not N-Triples" in str(refused.value)
        assert chain_length(target) == before  # the whole file, or nothing
        done = linked.import_stream(target, text.splitlines(keepends=True))
        assert done.written["economic_event"] == 173 and chain_length(target) > before
        again = "".join(linked.export(target, "nt", BASE))
        assert sorted(again.splitlines()) == sorted(text.splitlines())  # line for line, blank nodes included
        assert linked.import_stream(target, text.splitlines(keepends=True)).written == {}
    finally:
        target.engine.dispose()
