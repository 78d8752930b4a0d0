"""Licence policies: ODRL 2.2 policies (JSON-LD) read into plain values the decision engine evaluates.

A policy is read by its meaning: the JSON-LD is expanded (pyld, with no network: a policy carries its context
inline, and our profile's context is resolved locally), and rules, actions, constraints and duties are taken
by their IRIs. What we read:

- `odrl:permission` / `odrl:prohibition` rules, each with `odrl:action`(s), an optional `odrl:constraint`
  (atomic: `odrl:leftOperand`, `odrl:operator`, `odrl:rightOperand`, optional `odrl:unit`; or logical:
  `odrl:and` / `odrl:or` over constraints), `odrl:duty` (each an action, optional constraint, and for
  `odrl:compensate` refinements giving the figures), and a clause (`vfl:clause`, where in the licence text)
  with what it says (`dcterms:description`), so every reason names the clause it came from.
- a policy's `dcterms:identifier` (the SPDX id or LicenseRef), `dcterms:title`, `dcterms:source` (the text's
  URL), and `vfl:parameter`s (template figures, for display).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

ODRL = "http://www.w3.org/ns/odrl/2/"
CC = "http://creativecommons.org/ns#"
DCT = "http://purl.org/dc/terms/"
VFL = "https://w3id.org/valueflows-ledger/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

OPERATORS = {"eq", "neq", "lt", "lteq", "gt", "gteq", "isAnyOf", "isNoneOf"}


class PolicyError(ValueError):
    """A policy document we cannot read; says where."""


@dataclass(frozen=True)
class Atomic:
    left: str  # the fact's IRI (our profile, or odrl:dateTime)
    operator: str  # local name: eq, lt, ...
    right: tuple[Any, ...]  # one value, or several for isAnyOf / isNoneOf
    unit: str | None = None  # e.g. the currency of an amount


@dataclass(frozen=True)
class Logical:
    operator: str  # "and" | "or"
    parts: tuple[Constraint, ...]


Constraint = Atomic | Logical

@dataclass(frozen=True)
class Duty:
    action: str  # IRI: odrl:attribute, odrl:shareAlike, odrl:compensate, cc:SourceCode, cc:Notice, ...
    text: str
    constraint: Constraint | None = None  # when the duty applies (e.g. only when distributing)
    figures: Mapping[str, Any] = field(default_factory=dict)  # compensate: refinements by local name
    to: str | None = None  # odrl:compensatedParty: "steward" or an agent IRI/id


@dataclass(frozen=True)
class Rule:
    kind: str  # "permission" | "prohibition"
    uid: str
    actions: frozenset[str]
    clause: str  # where in the licence text
    text: str  # what the clause says, in our words
    constraint: Constraint | None = None
    duties: tuple[Duty, ...] = ()


@dataclass(frozen=True, eq=False)  # a policy is itself: compiled once, found again by identity
class Policy:
    id: str  # SPDX id or LicenseRef-...
    title: str
    source: str  # URL of the licence text
    rules: tuple[Rule, ...]
    summary: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)  # the JSON-LD as published


@cache
def local(iri: str) -> str:
    """An IRI's name in the vocabularies we read (`odrl:eq` -> `eq`); worked out once per IRI."""
    for base in (ODRL, CC, VFL, DCT):
        if iri.startswith(base):
            return iri[len(base):]
    return iri


# -- reading expanded JSON-LD -----------------------------------------------------------------------------------

def _values(node: Mapping[str, Any], prop: str) -> list[Any]:
    found = node.get(prop, [])
    return found if isinstance(found, list) else [found]


def _one(node: Mapping[str, Any], prop: str, where: str, required: bool = True) -> Any:
    found = _values(node, prop)
    if not found:
        if required:
            raise PolicyError(f"{where}: missing {local(prop)}")
        return None
    return found[0]


def _literal(value: Any) -> Any:
    """A JSON-LD value object as a Python value: booleans, integers, decimals, dates, IRIs, strings."""
    if "@id" in value:
        return value["@id"]
    raw, kind = value.get("@value"), value.get("@type")
    if isinstance(raw, bool | int):
        return raw
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if kind == XSD + "decimal" or kind == XSD + "integer":
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise PolicyError(f"{raw!r} is not a number") from None
        return int(number) if kind == XSD + "integer" else number
    if kind == XSD + "date":
        return date.fromisoformat(str(raw))
    if kind == XSD + "boolean":
        return str(raw) == "true"
    return raw


def _text(node: Mapping[str, Any], prop: str) -> str:
    found = _values(node, prop)
    return str(found[0].get("@value", "")) if found else ""


def _constraint(node: Mapping[str, Any], where: str) -> Constraint:
    for op in ("and", "or"):
        if ODRL + op in node:
            items = _values(node, ODRL + op)
            if len(items) == 1 and "@list" in items[0]:
                items = items[0]["@list"]
            return Logical(op, tuple(_constraint(c, f"{where}.{op}") for c in items))
    left = _one(node, ODRL + "leftOperand", where)["@id"]
    operator = local(_one(node, ODRL + "operator", where)["@id"])
    if operator not in OPERATORS:
        raise PolicyError(f"{where}: operator {operator!r} is not one we evaluate")
    rights = [_literal(v) for v in _values(node, ODRL + "rightOperand")]
    if not rights:
        raise PolicyError(f"{where}: missing rightOperand")
    for v in rights:
        if isinstance(v, dict) and "@list" in v:
            rights = [_literal(x) for x in v["@list"]]
    unit = _one(node, ODRL + "unit", where, required=False)
    return Atomic(left, operator, tuple(rights), unit["@id"] if unit else None)


def _duty(node: Mapping[str, Any], where: str) -> Duty:
    action = _one(node, ODRL + "action", where)["@id"]
    constraint = _one(node, ODRL + "constraint", where, required=False)
    figures: dict[str, Any] = {}
    for r in _values(node, ODRL + "refinement"):
        refinement = _constraint(r, f"{where}.refinement")
        if isinstance(refinement, Atomic):
            figures[local(refinement.left)] = (refinement.right[0], refinement.unit)
    party = _one(node, ODRL + "compensatedParty", where, required=False)
    return Duty(action, _text(node, DCT + "description"),
                _constraint(constraint, f"{where}.constraint") if constraint else None, figures,
                party["@id"] if party else None)


def _rule(node: Mapping[str, Any], kind: str, where: str) -> Rule:
    actions = frozenset(a["@id"] for a in _values(node, ODRL + "action"))
    if not actions:
        raise PolicyError(f"{where}: a rule needs an action")
    constraint = _one(node, ODRL + "constraint", where, required=False)
    uid = node.get("@id") or _one(node, ODRL + "uid", where, required=False) or where
    return Rule(kind, uid if isinstance(uid, str) else uid.get("@id", where), actions,
                _text(node, VFL + "clause") or local(uid if isinstance(uid, str) else where),
                _text(node, DCT + "description"),
                _constraint(constraint, f"{where}.constraint") if constraint else None,
                tuple(_duty(d, f"{where}.duty[{i}]") for i, d in enumerate(_values(node, ODRL + "duty"))))


def policy_from_expanded(expanded: list[Mapping[str, Any]], document: Mapping[str, Any]) -> Policy:
    """The policy in an expanded JSON-LD document (the node typed odrl:Set, odrl:Offer or odrl:Policy)."""
    nodes = [n for n in expanded if {ODRL + "Set", ODRL + "Offer", ODRL + "Policy", ODRL + "Agreement"}
             & set(n.get("@type", []))]
    if len(nodes) != 1:
        raise PolicyError("a licence file holds exactly one ODRL policy (odrl:Set, odrl:Offer or odrl:Policy)")
    node = nodes[0]
    ident = _text(node, DCT + "identifier")
    if not ident:
        raise PolicyError("the policy needs dcterms:identifier (its SPDX id or LicenseRef-…)")
    rules = [_rule(r, "permission", f"{ident} permission[{i}]")
             for i, r in enumerate(_values(node, ODRL + "permission"))]
    rules += [_rule(r, "prohibition", f"{ident} prohibition[{i}]")
              for i, r in enumerate(_values(node, ODRL + "prohibition"))]
    source = _one(node, DCT + "source", ident, required=False)
    parameters = {}
    for p in _values(node, VFL + "parameter"):
        parameters[_text(p, VFL + "name")] = _text(p, VFL + "value")
    return Policy(ident, _text(node, DCT + "title"), source["@id"] if source else "", tuple(rules),
                  _text(node, DCT + "description"), parameters, document)


POLICY_CONTEXT = "https://w3id.org/valueflows-ledger/contexts/policy.jsonld"


def policy_from_document(document: Mapping[str, Any], contexts: Mapping[str, Any]) -> Policy:
    """Expand a policy's JSON-LD and read it. Remote contexts resolve only from `contexts` (URL -> document):
    nothing is fetched from the network."""

    def no_network(url: str, options: Any = None) -> Any:
        if url in contexts:
            return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}
        raise PolicyError(f"unknown context {url}: policies use {POLICY_CONTEXT} or an inline context")

    from pyld import jsonld  # loaded when a policy is read, not with every command

    try:
        expanded = jsonld.expand(dict(document), {"documentLoader": no_network})
    except jsonld.JsonLdError as exc:
        raise PolicyError(f"not valid JSON-LD: {exc.message if hasattr(exc, 'message') else exc}") from None
    return policy_from_expanded(expanded, document)
