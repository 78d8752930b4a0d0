"""Records as RDF: triples, and the three ways we write them (N-Triples, Turtle, compacted JSON-LD nodes).

Each writer works one record at a time, so a whole ledger streams out in flat memory. The JSON-LD node of a
record is compacted with our context (`ledger_context()`); the tests check that expanding it gives exactly the
record's triples.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Literal, URIRef
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node

from valueflows.domain.model import AgentType, EconomicResource
from valueflows.domain.quantities import Measure, canonical
from valueflows.linkeddata.vocabulary import (
    ACTION,
    BOOLEAN,
    CLASSES,
    COLLECTIONS,
    DATE,
    DCTERMS,
    DECIMAL,
    DURATION,
    FIELDS,
    INTEGER,
    IRI,
    JSON,
    MEASURE,
    OM2,
    ORGANIZATION,
    PERSON,
    RDF_TYPE,
    RESOURCE_QUANTITIES,
    TEXT,
    TIME,
    TIME_NS,
    TIME_UNIT_IRIS,
    URI,
    VF,
    VFL,
    XSD,
    Field,
)

Triple = tuple[Node, Node, Node]
PREFIXES = {"vf": VF, "vfl": VFL, "om2": OM2, "xsd": XSD, "time": TIME_NS, "dcterms": DCTERMS}
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
DATATYPES = {DECIMAL: XSD + "decimal", INTEGER: XSD + "integer", BOOLEAN: XSD + "boolean", DATE: XSD + "date",
             TIME: XSD + "dateTimeStamp", URI: XSD + "anyURI", JSON: RDF_JSON}
TYPE = URIRef(RDF_TYPE)
MEASURE_CLASS = URIRef(VF + "Measure")
HAS_VALUE, HAS_UNIT = URIRef(VF + "hasNumericalValue"), URIRef(VF + "hasUnit")


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")  # what percent-encoding leaves as it is


def iri(base: str, kind: str, record_id: str) -> str:
    path = record_id if _UNRESERVED.fullmatch(record_id) else quote(record_id, safe="")
    return f"{base.rstrip('/')}/{COLLECTIONS[kind]}/{path}"


def class_of(kind: str, record: Any) -> str:
    if kind == "agent":
        return PERSON if record.type is AgentType.PERSON else ORGANIZATION
    return CLASSES[kind]


def lexical(kind: str, value: Any) -> str:
    if kind == DECIMAL:
        return canonical(value)
    if kind == BOOLEAN:
        return "true" if value else "false"
    if kind == TIME:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if kind == DATE:
        return value.isoformat()
    if kind == JSON:
        return json.dumps(dict(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(getattr(value, "value", value))


def _values(field: Field, record: Any) -> list[Any]:
    value = getattr(record, field.name)
    if value is None or value == ():
        return []
    return list(value) if field.many else [value]


@lru_cache(maxsize=4096)
def _uri(text: str) -> URIRef:
    """The terms a ledger repeats (classes, properties, actions, units, agents): built and checked once."""
    return URIRef(text)


@cache
def _predicates(kind: str) -> tuple[tuple[Field, URIRef], ...]:
    return tuple((field, URIRef(field.predicate)) for field in FIELDS[kind])


def triples(kind: str, record: Any, base: str) -> Iterator[Triple]:
    subject = URIRef(iri(base, kind, record.id))
    yield subject, TYPE, _uri(class_of(kind, record))
    for field, predicate in _predicates(kind):
        for value in _values(field, record):
            if field.kind == MEASURE:
                yield from _measure(subject, predicate, value, base)
            elif field.kind == DURATION:
                yield from _measure_node(subject, predicate, value[0], _uri(TIME_UNIT_IRIS[value[1]]))
            else:
                yield subject, predicate, _object(field.kind, value, base)
    if isinstance(record, EconomicResource):
        for name, quantity in RESOURCE_QUANTITIES:
            yield from _measure(subject, _uri(quantity), Measure(getattr(record, name), record.unit), base)


# references that name few records many times (agents, units, specifications): their terms are kept
_REPEATED = frozenset({"agent", "unit", "resource_specification", "process_specification", "agreement",
                       "spatial_thing"})


def _object(kind: str, value: Any, base: str) -> Node:
    if kind == ACTION:
        return _uri(VF + value)
    if kind == IRI:
        return URIRef(value)
    if kind in DATATYPES:
        return Literal(lexical(kind, value), datatype=_uri(DATATYPES[kind]))
    if kind == TEXT:
        return Literal(lexical(kind, value))
    if kind in _REPEATED:
        return _uri(iri(base, kind, value))
    return URIRef(iri(base, kind, value))  # a reference to another record


def _measure(subject: Node, predicate: Node, m: Measure, base: str) -> Iterator[Triple]:
    return _measure_node(subject, predicate, m.has_numerical_value, _uri(iri(base, "unit", m.has_unit)))


def _measure_node(subject: Node, predicate: Node, value: Any, unit: URIRef) -> Iterator[Triple]:
    # a blank node named after its record and property: the same record always writes the same text
    node = BNode("m" + hashlib.sha1(f"{subject} {predicate}".encode()).hexdigest()[:20])
    yield subject, predicate, node
    yield node, TYPE, MEASURE_CLASS
    yield node, HAS_VALUE, Literal(canonical(value), datatype=URIRef(XSD + "decimal"))
    yield node, HAS_UNIT, unit


# -- N-Triples and Turtle ---------------------------------------------------------------------------------------

def ntriples(kind: str, record: Any, base: str) -> str:
    # rdflib's N-Triples row, not Node.n3(): n3() writes a literal with a line break as a Turtle long string
    # ("""…"""), which is not N-Triples.
    return "".join(_row(t) for t in triples(kind, record, base))


@lru_cache(maxsize=4096)
def _n3(node: URIRef) -> str:
    return node.n3()


def _row(triple: Triple) -> str:
    """rdflib's N-Triples row (`_nt_row`), the text of repeated terms kept once."""
    s, p, o = triple
    if isinstance(o, Literal):
        return _nt_row(triple)
    return f"{_n3(s) if type(s) is URIRef else s.n3()} {_n3(p)} {_n3(o) if type(o) is URIRef else o.n3()} .\n"


_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _short(node: Node) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in PREFIXES.items():
            if text.startswith(namespace) and _LOCAL.match(text[len(namespace):]):
                return f"{prefix}:{text[len(namespace):]}"
        return node.n3()
    if isinstance(node, Literal) and node.datatype is not None:
        dt = str(node.datatype)
        if dt.startswith(XSD):
            return f"{Literal(str(node)).n3()}^^xsd:{dt[len(XSD):]}"
    return node.n3()


def turtle_prefixes() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"


def turtle(kind: str, record: Any, base: str) -> str:
    """One record as a Turtle block (subject, its properties; measures as blank-node property lists)."""
    found = list(triples(kind, record, base))
    subject = found[0][0]
    measures: dict[Node, list[Triple]] = {}
    for t in found:
        if isinstance(t[0], BNode):
            measures.setdefault(t[0], []).append(t)
    lines = []
    for s, p, o in found:
        if s != subject:
            continue
        if isinstance(o, BNode):
            inner = " ; ".join(f"{'a' if q == TYPE else _short(q)} {_short(v)}" for _, q, v in measures[o])
            lines.append(f"{_short(p)} [ {inner} ]")
        else:
            lines.append(f"{'a' if p == TYPE else _short(p)} {_short(o)}")
    return f"{subject.n3()}\n    " + " ;\n    ".join(lines) + " .\n\n"


# -- JSON-LD ----------------------------------------------------------------------------------------------------

def _term_table() -> dict[str, tuple[str, dict[str, Any]]]:
    """Predicate IRI -> (term, its definition); a local name two predicates share is a term for neither."""
    seen: dict[str, set[str]] = {}
    kinds: dict[str, tuple[str, bool]] = {}
    for fields in FIELDS.values():
        for f in fields:
            local = _local(f.predicate)
            seen.setdefault(local, set()).add(f.predicate)
            kinds[f.predicate] = (f.kind, f.many)
    for _, predicate in RESOURCE_QUANTITIES:
        seen.setdefault(_local(predicate), set()).add(predicate)
        kinds[predicate] = (MEASURE, False)
    table: dict[str, tuple[str, dict[str, Any]]] = {}
    for local, predicates in sorted(seen.items()):
        if len(predicates) != 1:
            continue
        predicate = next(iter(predicates))
        kind, many = kinds[predicate]
        definition: dict[str, Any] = {"@id": compact(predicate)}
        if kind == ACTION:
            definition["@type"] = "@vocab"
        elif kind == JSON:
            definition["@type"] = "@json"
        elif kind in DATATYPES:
            definition["@type"] = compact(DATATYPES[kind])
        elif kind not in (TEXT, MEASURE, DURATION):
            definition["@type"] = "@id"
        if many:
            definition["@container"] = "@set"
        table[predicate] = (local, definition)
    return table


def _local(predicate: str) -> str:
    return predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def compact(value: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and _LOCAL.match(value[len(namespace):]):
            return f"{prefix}:{value[len(namespace):]}"
    return value


TERMS = _term_table()
CLASS_TERMS = {c: c.rsplit("#", 1)[-1] for c in [*CLASSES.values(), PERSON, ORGANIZATION, VF + "Measure"]}


def ledger_context() -> dict[str, Any]:
    """The JSON-LD context we publish: prefixes, classes by their local names, properties as terms with their
    value types (`action` values are VF action names, resolved against `@vocab`)."""
    context: dict[str, Any] = {"@version": 1.1, "@vocab": VF, **PREFIXES, "id": "@id", "type": "@type"}
    for cls, term in sorted(CLASS_TERMS.items(), key=lambda kv: kv[1]):
        context[term] = compact(cls)
    context["hasNumericalValue"] = {"@id": "vf:hasNumericalValue", "@type": "xsd:decimal"}
    context["hasUnit"] = {"@id": "vf:hasUnit", "@type": "@id"}
    for term, definition in sorted(TERMS.values()):
        context[term] = definition
    return {"@context": context}


def _json_value(kind: str, value: Any, base: str, coerced: bool) -> Any:
    if kind == MEASURE:
        return {"type": "Measure", "hasNumericalValue": canonical(value.has_numerical_value),
                "hasUnit": iri(base, "unit", value.has_unit)}
    if kind == DURATION:
        return {"type": "Measure", "hasNumericalValue": canonical(value[0]), "hasUnit": TIME_UNIT_IRIS[value[1]]}
    if kind == JSON:
        if coerced:
            return json.loads(lexical(JSON, value))
        return {"@value": json.loads(lexical(JSON, value)), "@type": "@json"}
    # the text `_object`'s term would give, written directly (no rdflib term a value)
    if kind == ACTION:
        return value if coerced else {"@id": VF + value}
    if kind in DATATYPES:
        text = lexical(kind, value)
        return text if coerced else {"@value": text, "@type": compact(DATATYPES[kind])}
    if kind == TEXT:
        return lexical(kind, value)
    text = value if kind == IRI else iri(base, kind, value)  # an IRI, or a reference to another record
    return text if coerced else {"@id": text}


def _key(predicate: str) -> tuple[str, bool]:
    """A property's key in a compacted node, and whether the context coerces its values (a term of ours)."""
    term = TERMS.get(predicate)
    return (term[0], True) if term else (compact(predicate), False)


@cache
def _json_fields(kind: str) -> tuple[tuple[str, str, bool, str, bool], ...]:
    """Each field of a kind of record as a compacted node writes it: name, kind, many, key, coerced (once a kind)."""
    return tuple((f.name, f.kind, f.many, *_key(f.predicate)) for f in FIELDS[kind])


def jsonld_node(kind: str, record: Any, base: str) -> dict[str, Any]:
    """The record as a node compacted with `ledger_context()` (no @context: the document carries it)."""
    node: dict[str, Any] = {"id": iri(base, kind, record.id), "type": CLASS_TERMS[class_of(kind, record)]}
    for name, kind_, many, key, coerced in _json_fields(kind):
        value = getattr(record, name)
        if value is None or value == () or (many and not value):
            continue
        node[key] = ([_json_value(kind_, v, base, coerced) for v in value] if many
                     else _json_value(kind_, value, base, coerced))
    if isinstance(record, EconomicResource):
        for name, predicate in RESOURCE_QUANTITIES:
            key, coerced = _key(predicate)
            node[key] = _json_value(MEASURE, Measure(getattr(record, name), record.unit), base, coerced)
    return node


def jsonld_document_start() -> str:
    """The context goes inline: a consumer needs nothing else (no fetch), whatever its network."""
    return '{"@context": ' + json.dumps(ledger_context()["@context"]) + ', "@graph": [\n'


def jsonld_item(kind: str, record: Any, base: str, first: bool) -> str:
    return ("" if first else ",\n") + json.dumps(jsonld_node(kind, record, base), ensure_ascii=False)


JSONLD_END = "\n]}\n"
