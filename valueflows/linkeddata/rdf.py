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
from rdflib.plugins.serializers.nt import _quote_encode
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


@lru_cache(maxsize=4096)
def _uri(text: str) -> URIRef:
    """The terms a ledger repeats (classes, properties, actions, units, agents): built and checked once."""
    return URIRef(text)


# What a record says, before any syntax: (predicate IRI, form, value, extra), form one of
#   OURS   an IRI the ledger makes (a record, a class, an action, a unit): value is the IRI
#   THEIRS an IRI a user gave (checked by rdflib's URIRef when written)
#   LEX    a literal: value its lexical form, extra its datatype IRI or None
#   MEAS   a measure (a blank node): value the number's lexical form, extra the unit's IRI
OURS, THEIRS, LEX, MEAS = "ours", "theirs", "lex", "meas"
Statement = tuple[str, str, str, str | None]


@cache
def _fields_of(kind: str) -> tuple[tuple[str, str, str, bool], ...]:
    return tuple((f.name, f.predicate, f.kind, f.many) for f in FIELDS[kind])


def statements(kind: str, record: Any, base: str) -> list[Statement]:
    """The record as statements about its IRI: the one reading of a record that every syntax writes."""
    said: list[Statement] = [(RDF_TYPE, OURS, class_of(kind, record), None)]
    for name, predicate, fk, many in _fields_of(kind):
        found = getattr(record, name)
        if found is None or found == ():
            continue
        for value in found if many else (found,):
            if fk == MEASURE:
                said.append((predicate, MEAS, canonical(value.has_numerical_value), iri(base, "unit", value.has_unit)))
            elif fk == DURATION:
                said.append((predicate, MEAS, canonical(value[0]), TIME_UNIT_IRIS[value[1]]))
            elif fk == ACTION:
                said.append((predicate, OURS, VF + value, None))
            elif fk == IRI:
                said.append((predicate, THEIRS, value, None))
            elif fk in DATATYPES:
                said.append((predicate, LEX, lexical(fk, value), DATATYPES[fk]))
            elif fk == TEXT:
                said.append((predicate, LEX, lexical(fk, value), None))
            else:  # a reference to another record
                said.append((predicate, OURS, iri(base, fk, value), None))
    if isinstance(record, EconomicResource):
        for name, quantity in RESOURCE_QUANTITIES:
            said.append((quantity, MEAS, canonical(getattr(record, name)), iri(base, "unit", record.unit)))
    return said


def _measure_node(subject: str, predicate: str) -> str:
    """A measure's blank node, named after its record and property: the same record always writes the same text."""
    return "m" + hashlib.sha1(f"{subject} {predicate}".encode()).hexdigest()[:20]


def triples(kind: str, record: Any, base: str) -> Iterator[Triple]:
    """The statements as rdflib terms (for graphs)."""
    subject_iri = iri(base, kind, record.id)
    subject = URIRef(subject_iri)
    for predicate, form, value, extra in statements(kind, record, base):
        p = _uri(predicate)
        if form == MEAS:
            node = BNode(_measure_node(subject_iri, predicate))
            yield subject, p, node
            yield node, TYPE, MEASURE_CLASS
            yield node, HAS_VALUE, Literal(value, datatype=_uri(XSD + "decimal"))
            yield node, HAS_UNIT, _uri(extra or "")
        elif form == LEX:
            yield subject, p, Literal(value, datatype=_uri(extra) if extra else None)
        else:
            yield subject, p, _uri(value) if form == OURS else URIRef(value)


# -- N-Triples and Turtle ---------------------------------------------------------------------------------------

_QUOTED = re.compile(r'[\\"\n\r]')  # what rdflib's N-Triples and Turtle quoting change in a literal's text


def ntriples(kind: str, record: Any, base: str) -> str:
    """The record's statements as N-Triples rows: the text rdflib's row writer gives for `triples` (a test holds them
    equal for every kind of record), without a term object each. Literals are escaped by rdflib's N-Triples
    quoting; IRIs users gave are checked by rdflib's URIRef."""
    subject_iri = iri(base, kind, record.id)
    s = f"<{subject_iri}>"
    rows = []
    for predicate, form, value, extra in statements(kind, record, base):
        if form == MEAS:
            node = "_:" + _measure_node(subject_iri, predicate)
            rows.append(f"{s} <{predicate}> {node} .\n{node} <{RDF_TYPE}> <{VF}Measure> .\n"
                        f'{node} <{VF}hasNumericalValue> "{value}"^^<{XSD}decimal> .\n'
                        f"{node} <{VF}hasUnit> <{extra}> .\n")
        elif form == LEX:
            quoted = _quote_encode(value) if _QUOTED.search(value) else f'"{value}"'  # rdflib's quoting, if it changes
            rows.append(f"{s} <{predicate}> {quoted}{f'^^<{extra}>' if extra else ''} .\n")
        elif form == THEIRS:
            rows.append(f"{s} <{predicate}> {_n3(_uri(value))} .\n")
        else:
            rows.append(f"{s} <{predicate}> <{value}> .\n")
    return "".join(rows)


@lru_cache(maxsize=4096)
def _n3(node: URIRef) -> str:
    return node.n3()


_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@lru_cache(maxsize=4096)
def _short_iri(text: str) -> str:
    """An IRI in Turtle: prefixed where one of ours fits, else in angle brackets (checked by rdflib)."""
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and _LOCAL.match(text[len(namespace):]):
            return f"{prefix}:{text[len(namespace):]}"
    return URIRef(text).n3()


def _turtle_literal(value: str, datatype: str | None) -> str:
    # rdflib's Turtle quoting (a long string where the text has line breaks); text it would leave as it is, as is
    text = Literal(value).n3() if _QUOTED.search(value) else f'"{value}"'
    if datatype is None:
        return text
    return f"{text}^^xsd:{datatype[len(XSD):]}" if datatype.startswith(XSD) else f"{text}^^{URIRef(datatype).n3()}"


def turtle_prefixes() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"


def turtle(kind: str, record: Any, base: str) -> str:
    """One record as a Turtle block (subject, its properties; measures as blank-node property lists)."""
    lines = []
    for predicate, form, value, extra in statements(kind, record, base):
        p = "a" if predicate == RDF_TYPE else _short_iri(predicate)
        if form == MEAS:
            lines.append(f"{p} [ a vf:Measure ; vf:hasNumericalValue {_turtle_literal(value, XSD + 'decimal')} ; "
                         f"vf:hasUnit {_short_iri(extra or '')} ]")
        elif form == LEX:
            lines.append(f"{p} {_turtle_literal(value, extra)}")
        elif form == OURS and predicate != RDF_TYPE and not value.startswith(tuple(PREFIXES.values())):
            lines.append(f"{p} <{value}>")  # a record's IRI: no prefix of ours fits it
        else:
            lines.append(f"{p} {_short_iri(value)}")
    return f"<{iri(base, kind, record.id)}>\n    " + " ;\n    ".join(lines) + " .\n\n"


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
    # the text the value's rdflib term would give (as `triples` builds it), written directly: no term a value
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
