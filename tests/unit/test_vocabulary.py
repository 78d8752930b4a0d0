"""The vocabulary in `vocab/`: every term of ours the code uses is defined with a label and a comment; the SHACL
shapes accept what we export and catch what is malformed."""

from __future__ import annotations

import dataclasses
import json
import re

import rdflib

from valueflows.data import data_dir
from valueflows.linkeddata.vocabulary import CLASSES, EXPORT_ORDER, FIELDS, VFL

RDFS = rdflib.RDFS


def vocabulary() -> rdflib.Graph:
    return rdflib.Graph().parse(data=(data_dir("vocab") / "vfl.ttl").read_text(encoding="utf-8"), format="turtle")


def test_every_term_we_use_is_defined_with_a_label_and_a_comment() -> None:
    used = {f.predicate for fields in FIELDS.values() for f in fields if f.predicate.startswith(VFL)}
    used |= {c for c in CLASSES.values() if c.startswith(VFL)}
    for path in (data_dir("licences")).iterdir():
        if path.name.endswith(".jsonld"):
            used |= {VFL + t for t in re.findall(r'"vfl:([A-Za-z]+)"', path.read_text(encoding="utf-8"))}
    used |= {VFL + t for t in ("DividendCash", "CapitalCredit", "DividendReversal", "ReciprocityObligation",
                               "CommercialUse")}
    g = vocabulary()
    for term in sorted(used):
        subject = rdflib.URIRef(term)
        assert g.value(subject, RDFS.label) is not None, f"{term} has no label"
        assert g.value(subject, RDFS.comment) is not None, f"{term} has no comment"


def test_the_policy_context_names_only_defined_terms() -> None:
    context = json.loads((data_dir("vocab") / "policy-context.jsonld").read_text(encoding="utf-8"))["@context"]
    ours = {v if isinstance(v, str) else v["@id"] for v in context.values() if isinstance(v, str | dict)}
    g = vocabulary()
    for compact in sorted(x for x in ours if isinstance(x, str) and x.startswith("vfl:")):
        assert g.value(rdflib.URIRef(VFL + compact[4:]), RDFS.label) is not None, compact


# What a record holds that linked data says another way, or not at all, and why.
SAID_OTHERWISE = {
    "agent": {"type"},  # the class: vf:Person or vf:Organization
    "economic_resource": {"accounting_quantity", "onhand_quantity"},  # said, but derived from the events
    "economic_event": {"seq"},  # the ledger's own order of writing
    "claim": {"dividend_run"},  # dividend runs are private records, not linked data
    "satisfaction": {"satisfied_by"},  # vfl:satisfiedByEvent or vfl:satisfiedByCommitment
    "recipe_process": {"duration_value", "duration_unit"},  # vf:hasDuration, a measure in an OWL-Time unit
    "scenario_definition": {"duration_value", "duration_unit"},  # vfl:duration, likewise
}


def test_every_fact_of_every_record_is_said() -> None:
    """A field added to a record without a property would silently leave the export (and the round trip)."""
    from valueflows.domain import model, planning, proposals, recipes, scenarios

    classes = {
        "unit": model.Unit, "agent": model.Agent, "agent_relationship_role": model.AgentRelationshipRole,
        "agent_relationship": model.AgentRelationship, "membership": model.Membership,
        "resource_specification": model.ResourceSpecification, "process_specification": model.ProcessSpecification,
        "product_batch": model.ProductBatch, "process": model.Process, "economic_resource": model.EconomicResource,
        "economic_event": model.EconomicEvent, "claim": model.EconomicClaim, "spatial_thing": proposals.SpatialThing,
        "agreement": planning.Agreement, "plan": planning.Plan, "intent": planning.Intent,
        "commitment": planning.Commitment, "fulfillment": planning.Fulfillment, "satisfaction": planning.Satisfaction,
        "settlement": planning.Settlement, "appreciation": scenarios.Appreciation, "proposal": proposals.Proposal,
        "proposed_intent": proposals.ProposedIntent, "proposed_to": proposals.ProposedTo,
        "recipe_process": recipes.RecipeProcess, "recipe_flow": recipes.RecipeFlow,
        "recipe_exchange": recipes.RecipeExchange, "scenario_definition": scenarios.ScenarioDefinition,
        "scenario": scenarios.Scenario,
    }
    assert set(classes) == set(EXPORT_ORDER) == set(FIELDS) == set(CLASSES) | {"agent"}
    for kind, cls in classes.items():
        held = {f.name for f in dataclasses.fields(cls)} - {"id"}
        said = {f.name for f in FIELDS[kind]}
        assert held - said == SAID_OTHERWISE.get(kind, set()), kind
