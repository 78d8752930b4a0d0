"""The schema: reference queries and mutations, our additions, limits, and error codes."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from graphql import GraphQLError
from valueflows.api.gql import measures as m
from valueflows.api.gql import types as t
from valueflows.api.gql.books import BookMutations, BookQueries
from valueflows.api.gql.claims import ClaimMutations, ClaimQueries
from valueflows.api.gql.dividends import DividendMutations, DividendQueries
from valueflows.api.gql.equations import EquationMutations, EquationQueries
from valueflows.api.gql.errors import CodedErrors, OneMutationPerRequest
from valueflows.api.gql.federation import FederationMutations, FederationQueries
from valueflows.api.gql.filtering import Sort
from valueflows.api.gql.inputs import IDuration
from valueflows.api.gql.licences import LicenceMutations, LicenceQueries
from valueflows.api.gql.lists import Lists
from valueflows.api.gql.mutation import Mutation
from valueflows.api.gql.planning import PlanningMutations, PlanningQueries
from valueflows.api.gql.proposals import ProposalMutations, ProposalQueries
from valueflows.api.gql.query import Query
from valueflows.api.gql.recipes import RecipeMutations, RecipeQueries
from valueflows.api.gql.scalars import SCALARS, VfFilteringDummy
from valueflows.api.gql.scenarios import ScenarioMutations, ScenarioQueries
from valueflows.api.gql.versions import APIS, LEGACY, MAIN, serves

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000


class LedgerSchema(strawberry.Schema):
    """One API's schema: the fields of its version (see `versions`) and the ones both share."""

    def __init__(self, api: str, **kwargs: Any) -> None:
        self.api = api  # before the schema is built: `get_fields` asks for it
        super().__init__(**kwargs)

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        return [f for f in type_definition.fields if serves(f, self.api)]

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors (bad input, refused writes) are answers, not incidents: `CodedErrors` logs the rest."""


def _build(api: str) -> LedgerSchema:
    return LedgerSchema(
        api,
        query=merge_types(
            "Query", (Query, Lists, PlanningQueries, ProposalQueries, RecipeQueries, ScenarioQueries, ClaimQueries,
                      EquationQueries, DividendQueries,
                      LicenceQueries, BookQueries, FederationQueries)
        ),
        mutation=merge_types(
            "Mutation",
            (Mutation, PlanningMutations, ProposalMutations, RecipeMutations, ScenarioMutations, ClaimMutations,
             EquationMutations, DividendMutations,
             LicenceMutations, BookMutations, FederationMutations),
        ),
        # Reference types no field reaches still belong to the schema.
        types=[m.Duration, IDuration, t.AgentProcessSearchParams, *([Sort, VfFilteringDummy] if api == MAIN else [])],
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


schemas: dict[str, LedgerSchema] = {api: _build(api) for api in APIS}
schema = schemas[MAIN]
legacy = schemas[LEGACY]


def sdl(api: str = MAIN) -> str:
    """An API's schema as SDL: what `valueflows schema [--api 0.8]` prints, `graphql/schema.graphql` (the main API)
    and `graphql/schema-0.8.graphql` hold."""
    return schemas[api].as_str() + "\n"
