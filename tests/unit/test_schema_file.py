from pathlib import Path

import pytest

from valueflows.api.gql.schema import sdl
from valueflows.api.gql.versions import LEGACY, MAIN

GRAPHQL = Path(__file__).resolve().parents[2] / "graphql"


@pytest.mark.parametrize(("api", "name", "command"), [
    (MAIN, "schema.graphql", "valueflows schema"),
    (LEGACY, "schema-0.8.graphql", "valueflows schema --api 0.8"),
])
def test_the_committed_schemas_are_what_the_server_prints(api: str, name: str, command: str) -> None:
    assert (GRAPHQL / name).read_text() == sdl(api), f"run: {command} > graphql/{name}"
