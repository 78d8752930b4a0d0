"""Reading linked data back: a graph (from JSON-LD in any form, Turtle or N-Triples) into the requests the ledger's
use cases take, in an order where what a record refers to comes first.

It works on the meaning: JSON-LD is expanded to triples first, so key names, contexts and document shapes do
not matter, only the IRIs of classes and properties (those of `vocabulary.py`). Every problem names the record
(its IRI), the property and why. Resources are not created on their own: the event that brings a resource into
being (produce, raise, copy, or a transfer into a new resource) carries it, as in the GraphQL API.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import unquote

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.term import Node

from valueflows.domain.actions import ACTIONS
from valueflows.domain.errors import Problem
from valueflows.domain.inputs import (
    AgentInput,
    BatchInput,
    EventInput,
    MeasureInput,
    MembershipInput,
    NewResourceInput,
    ProcessInput,
    ProcessSpecificationInput,
    RelationshipInput,
    RoleInput,
    SpecificationInput,
)
from valueflows.domain.limits import MAX_ID
from valueflows.domain.model import EconomicClaim, Unit, moment
from valueflows.domain.planning import AgreementInput, FlowInput, LinkInput, PlanInput
from valueflows.domain.proposals import ProposalInput, ProposedIntent, ProposedTo, SpatialThingInput
from valueflows.domain.quantities import DECIMAL_TEXT, Measure
from valueflows.domain.recipes import RecipeExchange, RecipeFlowInput, RecipeProcessInput
from valueflows.domain.rules import NO_TIME, receiving_side
from valueflows.domain.scenarios import DefinitionInput, ScenarioInput
from valueflows.linkeddata.parsing import Triples
from valueflows.linkeddata.vocabulary import (
    ACTION,
    BOOLEAN,
    CLASSES,
    COLLECTIONS,
    DATE,
    DECIMAL,
    DURATION,
    EXPORT_ORDER,
    FIELDS,
    INTEGER,
    JSON,
    MEASURE,
    ORGANIZATION,
    PERSON,
    TEXT,
    TIME,
    TIME_UNIT_IRIS,
    URI,
    VF,
    Field,
)

KIND_OF_CLASS = {v: k for k, v in CLASSES.items()} | {PERSON: "agent", ORGANIZATION: "agent"}
CREATING = {a for a, spec in ACTIONS.items() if spec.creates_resource}
TIME_UNIT_OF_IRI = {v: k for k, v in TIME_UNIT_IRIS.items()}
HAS_VALUE, HAS_UNIT = URIRef(VF + "hasNumericalValue"), URIRef(VF + "hasUnit")
T = TypeVar("T")


@dataclass
class Plan:
    """What to write, in order: (kind, record IRI, request) — and the problems found (nothing is written if any)."""

    steps: list[tuple[str, str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def record_id(node: Node, kind: str) -> str:
    """Our id for a record IRI: the last path segment under its collection, else the IRI itself."""
    text = str(node)
    marker = f"/{COLLECTIONS[kind]}/"
    if "://" in text and marker in text:
        return unquote(text.rsplit(marker, 1)[1])
    return text


class Reader:
    def __init__(self, graph: Triples) -> None:
        self.g = graph
        self.problems: list[Problem] = []

    def fail(self, subject: Node, prop: str, message: str) -> None:
        self.problems.append(Problem(f"<{subject}> {prop}".strip(), "invalid", message))

    def values(self, subject: Node, f: Field, said: list[Node] | None = None) -> list[Node]:
        found = said if said is not None else list(self.g.objects(subject, _iri(f.predicate)))
        if len(found) > 1:
            found = sorted(found, key=str)
            if not f.many:
                self.fail(subject, _name(f), f"has {len(found)} values; it takes one")
                return found[:1]
        return found

    def value(self, subject: Node, f: Field, node: Node) -> Any:
        """A Python value for one object, or None after noting why it is wrong."""
        name = _name(f)
        if f.kind == MEASURE:
            return self.measure(subject, name, node)
        if f.kind == DURATION:
            return self.duration(subject, name, node)
        if f.kind == ACTION:
            text = str(node)
            action = text[len(VF):] if text.startswith(VF) else text
            if not isinstance(node, URIRef) or action not in ACTIONS:
                self.fail(subject, name, f"{text!r} is not a ValueFlows action")
                return None
            return action
        if f.kind in (TEXT, URI):
            if not isinstance(node, Literal):
                self.fail(subject, name, f"is a literal ({'xsd:anyURI' if f.kind == URI else 'text'}), not {node}")
                return None
            return str(node)
        if f.kind == JSON:
            try:
                found = json.loads(str(node))
            except json.JSONDecodeError:
                found = None
            if not isinstance(found, dict) or not all(isinstance(x, str) for x in found.values()):
                self.fail(subject, name, "is a JSON object of texts")
                return None
            return found
        if f.kind in (DECIMAL, INTEGER, BOOLEAN, DATE, TIME):
            return self.literal(subject, name, f.kind, node)
        if not isinstance(node, URIRef):  # a reference to another record
            self.fail(subject, name, f"refers to {node!r}, which is not an IRI")
            return None
        return record_id(node, f.kind)

    def literal(self, subject: Node, name: str, kind: str, node: Node) -> Any:
        if not isinstance(node, Literal):
            self.fail(subject, name, f"{node} is not a literal")
            return None
        text = str(node)
        try:
            if kind == DECIMAL:
                if not DECIMAL_TEXT.fullmatch(text):
                    raise InvalidOperation
                number = Decimal(text)
                if not number.is_finite():
                    raise InvalidOperation
                return text
            if kind == INTEGER:
                return int(text)
            if kind == BOOLEAN:
                if text not in ("true", "false", "1", "0"):
                    raise ValueError
                return text in ("true", "1")
            if kind == DATE:
                return date.fromisoformat(text)
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.utcoffset() is None:
                self.fail(subject, name, f"{text!r} has no time zone")
                return None
            return moment.astimezone(UTC)
        except (ValueError, InvalidOperation):
            self.fail(subject, name, f"{text!r} is not a valid {kind}")
            return None

    def _number_and_unit(self, subject: Node, name: str, node: Node) -> tuple[str, Node] | None:
        number, unit = self.g.value(node, HAS_VALUE), self.g.value(node, HAS_UNIT)
        if number is None or unit is None or not isinstance(node, BNode | URIRef):
            self.fail(subject, name, "a measure needs vf:hasNumericalValue and vf:hasUnit")
            return None
        if not isinstance(number, Literal) or not DECIMAL_TEXT.fullmatch(str(number)):
            self.fail(subject, name, f"vf:hasNumericalValue {str(number)!r} is not decimal text (digits, one "
                                     "point, no exponent)")
            return None
        return str(number), unit

    def measure(self, subject: Node, name: str, node: Node) -> MeasureInput | None:
        found = self._number_and_unit(subject, name, node)
        if found is None:
            return None
        number, unit = found
        return MeasureInput(number, record_id(unit, "unit") if isinstance(unit, URIRef) else str(unit))

    def duration(self, subject: Node, name: str, node: Node) -> tuple[str, str] | None:
        """(number, time unit) from a measure whose unit is an OWL-Time unit (time:unitDay, …)."""
        found = self._number_and_unit(subject, name, node)
        if found is None:
            return None
        unit = TIME_UNIT_OF_IRI.get(str(found[1]))
        if unit is None:
            self.fail(subject, name, f"the unit of a duration is one of {', '.join(TIME_UNIT_IRIS.values())}, not "
                                     f"{found[1]}")
            return None
        return found[0], unit

    def fields(self, subject: Node, kind: str) -> dict[str, Any]:
        """The fields of `kind` said of `subject` (a field that takes many and is not said: no values), each
        problem noted; the fields are read in their vocabulary's order, whatever the file's."""
        by_predicate, many = _fields_of(kind)
        out: dict[str, Any] = dict.fromkeys(many, ())
        said = self.g.said(subject)
        for _, f, objects in sorted((at, f, objects) for predicate, objects in said.items()
                                    for at, f in by_predicate.get(predicate, ())):
            nodes = self.values(subject, f, objects)
            values = [v for v in (self.value(subject, f, n) for n in nodes) if v is not None]
            if len(values) != len(nodes):
                out.pop(f.name, None)
                continue  # already noted
            if f.many:
                out[f.name] = tuple(values)
            elif values:
                out[f.name] = values[0]
        return out


def _require(reader: Reader, subject: Node, values: dict[str, Any], *names: str) -> bool:
    missing = [n for n in names if values.get(n) in (None, "")]
    for n in missing:
        reader.fail(subject, n, "is required")
    return not missing


def _iri(text: str, made: dict[str, URIRef] = {}) -> URIRef:  # noqa: B006 (a cache of the vocabulary's IRIs)
    found = made.get(text)
    if found is None:
        found = made[text] = URIRef(text)
    return found


def _name(f: Field, made: dict[str, str] = {}) -> str:  # noqa: B006 (a cache)
    """The property's name in problems (`effortQuantity`)."""
    found = made.get(f.predicate)
    if found is None:
        found = made[f.predicate] = f.predicate.rsplit("#", 1)[-1]
    return found


_FIELDS_OF: dict[str, tuple[dict[Node, list[tuple[int, Field]]], tuple[str, ...]]] = {}


def _fields_of(kind: str) -> tuple[dict[Node, list[tuple[int, Field]]], tuple[str, ...]]:
    """A kind's fields by their predicate's IRI (each with its place in the vocabulary), and those that take many."""
    found = _FIELDS_OF.get(kind)
    if found is None:
        by_predicate: dict[Node, list[tuple[int, Field]]] = {}
        for at, f in enumerate(FIELDS[kind]):
            by_predicate.setdefault(_iri(f.predicate), []).append((at, f))
        found = _FIELDS_OF[kind] = (by_predicate, tuple(f.name for f in FIELDS[kind] if f.many))
    return found


def plan(graph: Triples) -> Plan:
    reader = Reader(graph)
    out = Plan()
    by_kind: dict[str, list[tuple[Node, dict[str, Any]]]] = defaultdict(list)
    for subject, cls in graph.subject_objects(RDF.type):
        kind = KIND_OF_CLASS.get(str(cls))
        if kind is None:
            continue
        if isinstance(subject, BNode):
            reader.fail(subject, "", f"a {kind.replace('_', ' ')} needs an IRI")
            continue
        values = reader.fields(subject, kind)
        values["id"] = record_id(subject, kind)
        if len(values["id"]) > MAX_ID:
            reader.fail(subject, "", f"its id is longer than {MAX_ID} characters")
        if kind == "agent":
            values["type"] = "Person" if (subject, RDF.type, URIRef(PERSON)) in graph else "Organization"
        by_kind[kind].append((subject, values))
    for kind, found in by_kind.items():
        ids = [v["id"] for _, v in found]
        for duplicate in sorted(i for i, n in Counter(ids).items() if n > 1):
            reader.fail(URIRef(duplicate), "", f"two {kind.replace('_', ' ')} records have the id {duplicate!r}")
        found.sort(key=lambda sv: sv[1]["id"])
    resources = {v["id"]: (s, v) for s, v in by_kind.get("economic_resource", [])}
    for kind in EXPORT_ORDER:  # what a record refers to first
        if kind == "economic_event":
            out.steps += _events(reader, by_kind.get(kind, []), resources)
            continue
        found = by_kind.get(kind, [])
        if kind == "scenario":
            found = refined_first(found, lambda sv: sv[1].get("refinement_of"), lambda sv: sv[1]["id"])
        elif kind == "agent":  # an agent's group before it
            found = refined_first(found, lambda sv: sv[1].get("group"), lambda sv: sv[1]["id"])
        for subject, v in found if kind != "economic_resource" else ():  # resources come with their events
            request = _request(reader, kind, subject, v)
            if request is not None:
                out.steps.append((kind, str(subject), request))
    out.problems = reader.problems
    if not out.steps and not out.problems:
        out.problems.append(Problem("file", "empty", "no ValueFlows record in it (nothing typed vf:EconomicEvent, "
                                                     "vf:Person, …)"))
    return out


def refined_first(found: list[T], parent: Callable[[T], Hashable | None], ident: Callable[[T], Hashable]) -> list[T]:
    """Records after the one each refines when it is among them (scenarios), else in the order given."""
    by_id = {ident(r): r for r in found}

    def depth(record: T) -> int:
        seen: set[Hashable] = set()
        up = parent(record)
        while up is not None and up in by_id and up not in seen:
            seen.add(up)
            up = parent(by_id[up])
        return len(seen)
    return sorted(found, key=depth)


# What a record of each kind must say for its request to be built (the use case checks the rest).
REQUIRED = {
    "unit": ("label", "symbol"), "agent": ("name",), "agent_relationship_role": ("role_label",),
    "agent_relationship": ("subject", "object", "relationship"), "membership": ("member", "organization", "since"),
    "resource_specification": ("name",), "process_specification": ("name",), "product_batch": ("batch_number",),
    "process": ("name",), "claim": ("action", "provider", "receiver", "created"), "intent": ("action",),
    "commitment": ("action",), "fulfillment": ("fulfills", "fulfilled_by"), "satisfaction": ("satisfies",),
    "settlement": ("settles", "settled_by"), "appreciation": ("appreciation_of", "appreciation_with"),
    "proposed_intent": ("published_in", "publishes"), "proposed_to": ("proposed", "proposed_to"),
    "recipe_flow": ("action",),
}


def _request(reader: Reader, kind: str, subject: Node, v: dict[str, Any]) -> Any:
    if not _require(reader, subject, v, *REQUIRED.get(kind, ())):
        return None
    if kind == "satisfaction" and not (v.get("by_event") or v.get("by_commitment")):
        reader.fail(subject, "satisfiedByEvent", "a satisfaction is by an event or by a commitment "
                                                 "(vfl:satisfiedByEvent or vfl:satisfiedByCommitment)")
        return None
    build = {
        "unit": lambda: Unit(v["id"], v["label"], v["symbol"], v.get("om2"), v.get("dimension", "other")),
        "agent": lambda: AgentInput(v["name"], v["type"], v.get("legal_form"), v.get("worker_owned"),
                                    v.get("surplus_to_worker_owners"), v.get("headcount"), v.get("annual_revenue"),
                                    v.get("revenue_currency"), v.get("group"), v.get("note"), v.get("image"),
                                    v["id"], v.get("classified_as", ()), v.get("contributions"),
                                    v.get("primary_location")),
        "agent_relationship_role": lambda: RoleInput(v["role_label"], v.get("inverse_role_label"), v.get("note"),
                                                     v["id"]),
        "agent_relationship": lambda: RelationshipInput(v["subject"], v["object"], v["relationship"],
                                                        v.get("in_scope_of", ()), v.get("note"), v["id"]),
        "membership": lambda: MembershipInput(v["member"], v["organization"], v["since"], v.get("until"), v["id"]),
        "resource_specification": lambda: SpecificationInput(
            v["name"], v.get("note"), v.get("default_unit_of_resource"), v.get("default_unit_of_effort"),
            v.get("resource_classified_as", ()), v.get("image"), v["id"], tuple(v.get("image_list", ())),
            v.get("substitutable")),
        "process_specification": lambda: ProcessSpecificationInput(v["name"], v.get("note"), v["id"]),
        "product_batch": lambda: BatchInput(v["batch_number"], v.get("expiry_date"), v.get("production_date"),
                                            v["id"]),
        "process": lambda: ProcessInput(v["name"], v.get("note"), v.get("has_beginning"), v.get("has_end"),
                                        v.get("finished", False), v.get("classified_as", ()), v.get("based_on"),
                                        v.get("in_scope_of", ()), v["id"], v.get("nested_in")),
        "claim": lambda: _claim(v),
        **_planning_requests(v),
    }[kind]
    try:
        return build()
    except TypeError as exc:  # a field of the wrong shape reached an input
        reader.fail(subject, "", str(exc))
        return None


def _planning_requests(v: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """How each record of the planning layer becomes the request its use case takes."""
    duration: tuple[str | None, str | None] = v.get("has_duration") or v.get("duration") or (None, None)

    def link(of: str, by: str | None) -> LinkInput:
        return LinkInput(v[of], by or "", v.get("resource_quantity"), v.get("effort_quantity"), v.get("note"),
                         v["id"])
    return {
        "spatial_thing": lambda: SpatialThingInput(v.get("name"), v.get("mappable_address"), v.get("lat"),
                                                   v.get("long"), v.get("alt"), v.get("note"), v["id"]),
        "agreement": lambda: AgreementInput(v.get("name"), v.get("note"), v["id"], v.get("created")),
        "plan": lambda: PlanInput(v.get("name"), v.get("note"), v.get("due"), v["id"], v.get("refinement_of"),
                                  v.get("created")),
        "intent": lambda: _flow(v),
        "commitment": lambda: _flow(v),
        "fulfillment": lambda: link("fulfills", v["fulfilled_by"]),
        "satisfaction": lambda: link("satisfies", v.get("by_event") or v.get("by_commitment")),
        "settlement": lambda: link("settles", v["settled_by"]),
        "appreciation": lambda: LinkInput(v["appreciation_of"], v["appreciation_with"], note=v.get("note"),
                                          id=v["id"]),
        "proposal": lambda: ProposalInput(v.get("name"), v.get("note"), v.get("has_beginning"), v.get("has_end"),
                                          v.get("unit_based", False), v.get("in_scope_of", ()),
                                          v.get("eligible_location"), v["id"], v.get("created"),
                                          v.get("proposed_by")),
        "proposed_intent": lambda: ProposedIntent(v["id"], v["published_in"], v["publishes"],
                                                  v.get("reciprocal", False)),
        "proposed_to": lambda: ProposedTo(v["id"], v["proposed"], v["proposed_to"]),
        "recipe_process": lambda: RecipeProcessInput(v.get("name"), duration[0], duration[1],
                                                     v.get("process_classified_as", ()), v.get("note"),
                                                     v.get("process_conforms_to"), v["id"]),
        "recipe_flow": lambda: RecipeFlowInput(
            v["action"], v.get("resource_conforms_to"), v.get("resource_quantity"), v.get("effort_quantity"),
            v.get("recipe_input_of"), v.get("recipe_output_of"), v.get("recipe_clause_of"), v.get("stage"),
            v.get("state"), v.get("note"), v["id"]),
        "recipe_exchange": lambda: RecipeExchange(v["id"], v.get("name", ""), v.get("note")),
        "scenario_definition": lambda: DefinitionInput(v.get("name"), duration[0], duration[1], v.get("note"),
                                                       v.get("in_scope_of", ()), v["id"]),
        "scenario": lambda: ScenarioInput(v.get("name"), v.get("has_beginning"), v.get("has_end"),
                                          v.get("defined_as"), v.get("refinement_of"), v.get("note"),
                                          v.get("in_scope_of", ()), v["id"]),
    }


def _flow(v: dict[str, Any]) -> FlowInput:
    """An intent's or a commitment's request (each rule refuses what is not its kind's)."""
    return FlowInput(
        v["action"], v.get("provider"), v.get("receiver"), v.get("resource_classified_as", ()),
        v.get("resource_quantity"), v.get("effort_quantity"), v.get("available_quantity"), v.get("has_beginning"),
        v.get("has_end"), v.get("has_point_in_time"), v.get("due"), v.get("finished", False), v.get("note"),
        v.get("name"), v.get("image"), v.get("agreed_in"), v.get("in_scope_of", ()),
        v.get("resource_inventoried_as"), v.get("resource_conforms_to"), v.get("input_of"), v.get("output_of"),
        v.get("clause_of"), v.get("independent_demand_of"), v.get("planned_within"), v.get("stage"),
        v.get("at_location"), v["id"], v.get("created"))


def _events(reader: Reader, found: list[tuple[Node, dict[str, Any]]],
            resources: dict[str, tuple[Node, dict[str, Any]]]) -> list[tuple[str, str, Any]]:
    """Events in an order the ledger accepts: by time, but after the events they need (the one they correct or
    were triggered by, the one that created the resources they use)."""
    valid = [(s, v) for s, v in found if _require(reader, s, v, "action", "provider", "receiver")]
    when = {v["id"]: moment(v.get("has_point_in_time"), v.get("has_end"), v.get("has_beginning")) for _, v in valid}
    for s, v in valid:
        if when[v["id"]] is None:
            reader.fail(s, "hasPointInTime", NO_TIME)
    ordered = sorted(valid, key=lambda sv: (when[sv[1]["id"]] or datetime.min.replace(tzinfo=UTC), sv[1]["id"]))
    creator: dict[str, str] = {}
    for _, v in ordered:  # the first event that can bring each resource into being creates it
        target = v.get("resource_inventoried_as") if v["action"] in CREATING else None
        to = v.get("to_resource_inventoried_as")
        for rid in (target, to):
            if rid and rid in resources and rid not in creator:
                creator[rid] = v["id"]
    ids = {v["id"] for _, v in valid}
    needs: dict[str, set[str]] = {v["id"]: set() for _, v in valid}
    for _, v in valid:
        for other in (v.get("corrects"), v.get("triggered_by")):
            if other is not None and other in ids:
                needs[v["id"]].add(other)
        for rid in (v.get("resource_inventoried_as"), v.get("to_resource_inventoried_as")):
            if rid in creator and creator[rid] != v["id"]:
                needs[v["id"]].add(creator[rid])
    rank = {v["id"]: i for i, (_, v) in enumerate(ordered)}
    waiting = {k: set(n) for k, n in needs.items()}
    dependents: dict[str, list[str]] = defaultdict(list)
    for k, n in needs.items():
        for d in n:
            dependents[d].append(k)
    ready = [(rank[k], k) for k, n in waiting.items() if not n]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, k = heapq.heappop(ready)
        order.append(k)
        for d in dependents[k]:
            waiting[d].discard(k)
            if not waiting[d]:
                heapq.heappush(ready, (rank[d], d))
    by_id = {v["id"]: (s, v) for s, v in valid}
    for k in sorted(set(ids) - set(order), key=rank.__getitem__):
        reader.fail(by_id[k][0], "corrects", "is part of a cycle of corrections or triggers")
    steps = []
    renamed: dict[str, str] = {}  # receiving sides the ledger names itself (`rules.receiving_side`)
    for k in order:
        s, v = by_id[k]
        for ref in ("resource_inventoried_as", "to_resource_inventoried_as"):
            if v.get(ref) in renamed:
                v = {**v, ref: renamed[v[ref]]}
        to = v.get("to_resource_inventoried_as")
        if to and creator.get(to) == k and v["action"] not in CREATING:
            # a transfer into a new resource: the ledger makes the receiving side from the source
            renamed[to] = receiving_side(k)
            v = {**v, "to_resource_inventoried_as": None}
        new_resource = None
        rid = v.get("resource_inventoried_as")
        if rid and v["action"] in CREATING and creator.get(rid) == k:
            # the event that made the resource carries it (a transfer's receiving side the ledger makes itself)
            new_resource = new_resource_input(resources[rid][1])
            v = {**v, "resource_inventoried_as": None}
        steps.append(("economic_event", str(s), _event(v, new_resource)))
    return steps


def new_resource_input(r: dict[str, Any]) -> NewResourceInput:
    return NewResourceInput(r.get("name"), r.get("conforms_to"), r.get("tracking_identifier"), r.get("licence"),
                            r.get("unit_of_effort"), r.get("classified_as", ()), r.get("note"), r.get("image"),
                            r["id"], r.get("lot"), r.get("contained_in"), tuple(r.get("image_list", ())),
                            current_location=r.get("current_location"))


def _event(v: dict[str, Any], new_resource: NewResourceInput | None) -> EventInput:
    return EventInput(
        v["action"], v["provider"], v["receiver"], resource_inventoried_as=v.get("resource_inventoried_as"),
        to_resource_inventoried_as=v.get("to_resource_inventoried_as"),
        resource_conforms_to=v.get("resource_conforms_to"),
        resource_classified_as=v.get("resource_classified_as", ()), resource_quantity=v.get("resource_quantity"),
        effort_quantity=v.get("effort_quantity"), has_point_in_time=v.get("has_point_in_time"),
        has_beginning=v.get("has_beginning"), has_end=v.get("has_end"), input_of=v.get("input_of"),
        output_of=v.get("output_of"), note=v.get("note"), corrects=v.get("corrects"),
        triggered_by=v.get("triggered_by"), agreed_in=v.get("agreed_in"), realization_of=v.get("realization_of"),
        in_scope_of=v.get("in_scope_of", ()), new_resource=new_resource, id=v["id"],
        prior_period=v.get("prior_period"), at_location=v.get("at_location"), to_location=v.get("to_location"))


def record_step(reader: Reader, kind: str, subject: Node) -> Any:
    """One record's request from its own block of triples (streaming import): for an economic resource, its
    fields (the creating event will carry it); None when the record has problems (noted in the reader)."""
    v = reader.fields(subject, kind)
    v["id"] = record_id(subject, kind)
    if kind == "agent":
        v["type"] = "Person" if (subject, RDF.type, URIRef(PERSON)) in reader.g else "Organization"
    if kind == "economic_resource":
        return v
    if kind == "economic_event":
        if not _require(reader, subject, v, "action", "provider", "receiver"):
            return None
        if moment(v.get("has_point_in_time"), v.get("has_end"), v.get("has_beginning")) is None:
            reader.fail(subject, "hasPointInTime", NO_TIME)
            return None
        return _event(v, None)
    return _request(reader, kind, subject, v)


def _claim(v: dict[str, Any]) -> EconomicClaim:
    quantity, effort = v.get("resource_quantity"), v.get("effort_quantity")
    return EconomicClaim(
        v["id"], v["action"], v["provider"], v["receiver"], v["created"],
        Measure(Decimal(quantity.has_numerical_value), quantity.has_unit) if quantity else None,
        v.get("resource_conforms_to"), v.get("resource_classified_as", ()), v.get("due"), v.get("triggered_by"),
        v.get("agreed_in"), v.get("note"), v.get("in_scope_of", ()), None, v.get("licence"), v.get("about_resource"),
        v.get("period_start"), v.get("period_end"), v.get("basis"),
        Measure(Decimal(effort.has_numerical_value), effort.has_unit) if effort else None, v.get("finished", False))
