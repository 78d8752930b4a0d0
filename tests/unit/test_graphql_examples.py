from pathlib import Path

from graphql import build_schema, parse, validate

GRAPHQL = Path(__file__).resolve().parents[2] / "graphql"


def test_every_example_operation_is_valid_against_the_schema() -> None:
    schema = build_schema((GRAPHQL / "schema.graphql").read_text())
    document = parse((GRAPHQL / "examples.graphql").read_text())
    assert len(document.definitions) >= 7
    assert validate(schema, document) == []
