"""Linked-data files that must be refused, shared by the import tests (the service) and the hostile-input suite
(over HTTP): each case is (name, data, format, words the error contains). `VALID` is the document they break."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

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
        # the planning layer: a place, a promise of that work there, the work fulfilling it, a recipe step
        {"id": "https://x.org/places/yard", "type": "SpatialThing", "name": "Yard", "lat": "45.19", "long": "5.72"},
        {"id": "https://x.org/commitments/c1", "type": "Commitment", "action": "work",
         "provider": "https://x.org/agents/ana", "receiver": "https://x.org/agents/coop",
         "atLocation": "https://x.org/places/yard",
         "effortQuantity": {"type": "Measure", "hasNumericalValue": "8", "hasUnit": "https://x.org/units/hour"}},
        {"id": "https://x.org/fulfillments/f1", "type": "Fulfillment", "fulfilledBy": "https://x.org/events/e2",
         "fulfillmentOf": "https://x.org/commitments/c1"},
        {"id": "https://x.org/recipe-processes/rp1", "type": "RecipeProcess", "name": "Cut the steel",
         "hasDuration": {"type": "Measure", "hasNumericalValue": "2", "hasUnit": "time:unitHour"}},
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
    ("IRI not valid RDF", edit(_set("/e2", "provider", "https://x.org/agents/a{b}")), "jsonld",
     "e2> <https://w3id.org/valueflows/ont/vf#provider>: Invalid IRI code point '{'"),  # the statement named
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
    ("commitment without receiver", edit(_drop("/c1", "receiver")), "jsonld", "receiver is missing"),
    ("commitment in a missing plan", edit(_set("/c1", "plannedWithin", "https://x.org/plans/p-none")), "jsonld",
     "p-none"),
    ("fulfilment of a missing commitment", edit(_set("/f1", "fulfillmentOf", "https://x.org/commitments/c9")),
     "jsonld", "c9"),
    ("fulfilment without its event", edit(_drop("/f1", "fulfilledBy")), "jsonld", "fulfilled_by: is required"),
    ("satisfaction by nothing", edit(_add({"id": "https://x.org/satisfactions/s1", "type": "Satisfaction",
                                           "satisfactionOf": "https://x.org/intents/i1"})), "jsonld",
     "satisfiedByEvent"),
    ("duration in kilograms", edit(lambda d: node(d, "/rp1")["hasDuration"].__setitem__(
        "hasUnit", "https://x.org/units/kilogram")), "jsonld", "unit of a duration"),
    ("place off the globe", edit(_set("/yard", "lat", "123.5")), "jsonld", "lat"),
    ("place at a missing spot", edit(_set("/c1", "atLocation", "https://x.org/places/atlantis")), "jsonld",
     "atlantis"),
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


# Found by the hostile-input suite: escapes that make text no database can store.
MALFORMED += [
    ("lone surrogate in JSON-LD", edit(_set("/ana", "name", "\ud800")), "jsonld", "lone surrogate"),
    ("lone surrogate in Turtle", '<https://x.org/agents/z> a <https://w3id.org/valueflows/ont/vf#Person> ; '
     '<https://w3id.org/valueflows/ont/vf#name> "\\uD800" .', "turtle", "not a valid unicode character"),
    ("NUL in N-Triples", '<https://x.org/agents/z> <https://w3id.org/valueflows/ont/vf#name> "a\\u0000b" .\n',
     "nt", "NUL"),
]
