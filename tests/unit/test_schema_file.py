from pathlib import Path

from valueflows.api.gql.schema import sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


def test_the_committed_schema_is_what_the_server_prints() -> None:
    assert SCHEMA_FILE.read_text() == sdl(), "run: valueflows schema > graphql/schema.graphql"
