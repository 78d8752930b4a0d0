"""Our schema is a superset of the reference ValueFlows GraphQL schema, @valueflows/vf-graphql 0.8.5.

The reference SDL is built at test time from the npm package (modules agent, observation, knowledge,
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

MODULES = ["agent", "observation", "knowledge", "measurement"]
PRINT_REFERENCE = (
    "const {buildSchema, printSchema} = require('@valueflows/vf-graphql');"
    f"process.stdout.write(printSchema(buildSchema({MODULES!r})));"
)


@pytest.fixture(scope="session")
def reference_sdl(tmp_path_factory: pytest.TempPathFactory) -> str:
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        message = "node and npm are needed to build the reference schema"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    where: Path = tmp_path_factory.mktemp("vf-graphql")
    subprocess.run([npm, "install", "--prefix", str(where), "--no-audit", "--no-fund", "--loglevel=error",
                    "@valueflows/vf-graphql@0.8.5", "graphql@15"], check=True, timeout=600, capture_output=True)
    printed = subprocess.run([node, "-e", PRINT_REFERENCE], cwd=where, check=True, capture_output=True, text=True,
                             timeout=120)
    return printed.stdout


def test_reference_schema_was_built(reference_sdl: str) -> None:
    reference = build_schema(reference_sdl)
    assert {"EconomicEvent", "EconomicResource", "Agent", "Measure", "Unit", "Action"} <= set(reference.type_map)
    assert "createEconomicEvent" in reference.mutation_type.fields  # type: ignore[union-attr]


def test_no_breaking_changes_against_the_reference(reference_sdl: str) -> None:
    changes = find_breaking_changes(build_schema(reference_sdl), build_schema(sdl()))
    assert [f"{c.type.name}: {c.description}" for c in changes] == []


def test_every_reference_operation_is_served(reference_sdl: str) -> None:
    reference, ours = build_schema(reference_sdl), build_schema(sdl())
    for root in ("query_type", "mutation_type"):
        theirs = set(getattr(reference, root).fields)
        assert theirs <= set(getattr(ours, root).fields)
