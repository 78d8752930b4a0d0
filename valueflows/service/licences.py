"""Licences: the policies in `licences/`, read once, and decisions on them."""

from __future__ import annotations

import json
from functools import cache

from valueflows.data import data_dir
from valueflows.domain.errors import NotFound
from valueflows.reciprocity.decide import Decision, decide
from valueflows.reciprocity.facts import Facts
from valueflows.reciprocity.policy import POLICY_CONTEXT, Policy, policy_from_document


@cache
def contexts() -> dict[str, object]:
    return {POLICY_CONTEXT: json.loads((data_dir("vocab") / "policy-context.jsonld").read_text(encoding="utf-8"))}


@cache
def policies() -> dict[str, Policy]:
    """Every licence policy, by its id (SPDX id or LicenseRef-…)."""
    found: dict[str, Policy] = {}
    for entry in sorted(data_dir("licences").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonld"):
            policy = policy_from_document(json.loads(entry.read_text(encoding="utf-8")), contexts())
            found[policy.id] = policy
    return found


def policy(licence: str) -> Policy:
    found = policies().get(licence)
    if found is None:
        raise NotFound(f"no licence {licence!r}; known: {', '.join(sorted(policies()))}")
    return found


def check(licence: str, facts: Facts, overdue: tuple[str, ...] = ()) -> Decision:
    return decide(policy(licence), facts, overdue)


@cache
def agreements() -> frozenset[str]:
    """The policy IRIs of every licence: what licensed uses and payments under a licence are `agreedIn`."""
    return frozenset(agreement(licence) for licence in policies())


def agreement(licence: str) -> str:
    """The IRI of a licence's policy: what obligations under it, and payments towards them, are `agreedIn`."""
    return str(policy(licence).document.get("uid") or licence)
