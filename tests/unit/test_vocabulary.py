"""The vocabulary in `vocab/`: every term of ours the code uses is defined with a label and a comment; the SHACL
shapes accept what we export and catch what is malformed."""

from __future__ import annotations

import json
import re

import rdflib

from valueflows.data import data_dir
from valueflows.linkeddata.vocabulary import CLASSES, FIELDS, VFL

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
