"""The schema: reference queries and mutations, our additions, limits, and error codes."""

from __future__ import annotations

import strawberry
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graphql import GraphQLError
from valueflows.api.gql import measures as m
from valueflows.api.gql import types as t
from valueflows.api.gql.books import BookMutations, BookQueries
from valueflows.api.gql.dividends import DividendMutations, DividendQueries
from valueflows.api.gql.equations import EquationMutations, EquationQueries
from valueflows.api.gql.errors import CodedErrors, OneMutationPerRequest
from valueflows.api.gql.inputs import IDuration
from valueflows.api.gql.licences import LicenceMutations, LicenceQueries
from valueflows.api.gql.mutation import Mutation
from valueflows.api.gql.query import Query
from valueflows.api.gql.scalars import SCALARS

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000

class LedgerSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors (bad input, refused writes) are answers, not incidents: `CodedErrors` logs the rest."""


schema = LedgerSchema(
    query=merge_types("Query", (Query, EquationQueries, DividendQueries, LicenceQueries, BookQueries)),
    mutation=merge_types("Mutation", (Mutation, EquationMutations, DividendMutations, LicenceMutations,
                                        BookMutations)),
    # Reference types no field reaches still belong to the schema.
    types=[m.Duration, IDuration, t.AgentProcessSearchParams],
    config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALARS),
    # Factories, not instances: each operation (run in its own worker thread) gets its own.
    extensions=[
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules([OneMutationPerRequest]),
        CodedErrors,
    ],
)


def sdl() -> str:
    """The schema as SDL: what `valueflows schema` prints and `graphql/schema.graphql` holds."""
    return schema.as_str() + "\n"
