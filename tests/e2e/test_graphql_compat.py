"""The legacy API (at /graphql/0.8) is a superset of the reference ValueFlows GraphQL schema,
@valueflows/vf-graphql 0.8.5; the main API (at /graphql) is a superset of 0.9.0-alpha.10, every module.

The reference SDL is built at test time from the npm package (for 0.8.5, modules agent, observation, knowledge,
measurement and the bridging schemas they bring); nothing of it is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graphql import build_schema, find_breaking_changes
from valueflows.api.gql.schema import sdl
from valueflows.api.gql.versions import LEGACY, MAIN

MODULES = ["agent", "observation", "knowledge", "measurement"]
# The 0.9 modules the main API serves whole: the observation half alone, and then every module of 0.9 together.
MAIN_MODULES = ["agent", "action", "measurement", "observation", "process", "resource_specification",
                "process_specification", "product_batch"]


def _reference(where: Path, version: str, modules: list[str] | None) -> str:
    """The reference SDL built from the npm package; `modules` None: every module."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        message = "node and npm are needed to build the reference schema"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run([npm, "install", "--prefix", str(where), "--no-audit", "--no-fund", "--loglevel=error",
                    f"@valueflows/vf-graphql@{version}", "graphql@15"], check=True, timeout=600, capture_output=True)
    chosen = repr(modules) if modules is not None else ""
    script = ("const {buildSchema, printSchema} = require('@valueflows/vf-graphql');"
              f"process.stdout.write(printSchema(buildSchema({chosen})));")
    return subprocess.run([node, "-e", script], cwd=where, check=True, capture_output=True, text=True,
                          timeout=120).stdout


@pytest.fixture(scope="session")
def reference_sdl(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _reference(tmp_path_factory.mktemp("vf-graphql"), "0.8.5", MODULES)


@pytest.fixture(scope="session")
def reference_09(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _reference(tmp_path_factory.mktemp("vf-graphql-0.9"), "0.9.0-alpha.10", MAIN_MODULES)


@pytest.fixture(scope="session")
def reference_09_all(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _reference(tmp_path_factory.mktemp("vf-graphql-0.9-all"), "0.9.0-alpha.10", None)


def test_reference_schema_was_built(reference_sdl: str) -> None:
    reference = build_schema(reference_sdl)
    assert {"EconomicEvent", "EconomicResource", "Agent", "Measure", "Unit", "Action"} <= set(reference.type_map)
    assert "createEconomicEvent" in reference.mutation_type.fields  # type: ignore[union-attr]


def test_no_breaking_changes_against_the_reference(reference_sdl: str) -> None:
    changes = find_breaking_changes(build_schema(reference_sdl), build_schema(sdl(LEGACY)))
    assert [f"{c.type.name}: {c.description}" for c in changes] == []


def test_every_reference_operation_is_served(reference_sdl: str) -> None:
    reference, ours = build_schema(reference_sdl), build_schema(sdl(LEGACY))
    for root in ("query_type", "mutation_type"):
        theirs = set(getattr(reference, root).fields)
        assert theirs <= set(getattr(ours, root).fields)


def test_the_main_api_is_a_superset_of_the_whole_of_0_9(reference_09: str, reference_09_all: str) -> None:
    """0.9's observation half by itself, and every module of 0.9 together (agent, action, agreement, appreciation,
    claim, commitment, filtering, fulfillment, geolocation, history, intent, measurement, observation, ordering,
    pagination, plan, process, process specification, product batch, proposal, recipe, resource specification,
    satisfaction, scenario, util, with their bridging schemas): every reference type, field, argument, input field
    and enum value is in the main API with a compatible type."""
    for reference_sdl_09 in (reference_09, reference_09_all):
        reference = build_schema(reference_sdl_09)
        assert {"PageInfo", "AgentConnection", "EconomicEventEdge"} <= set(reference.type_map)
        changes = find_breaking_changes(reference, build_schema(sdl(MAIN)))
        assert [c.description for c in changes] == []
    everything = build_schema(reference_09_all).type_map
    assert {"IntentConnection", "Proposal", "RecipeFlow", "Settlement", "Scenario", "SpatialThing", "RecordMeta",
            "Appreciation"} <= set(everything)
