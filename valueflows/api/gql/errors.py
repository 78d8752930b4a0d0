"""GraphQL errors a person understands, each with `extensions.code`; never a stack trace."""

from __future__ import annotations

import logging

from strawberry.extensions import MaskErrors

from graphql import GraphQLError, OperationDefinitionNode, OperationType, ValidationRule
from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.store.engine import is_transient, refused_value

TRY_AGAIN = "TRY_AGAIN"
TRY_AGAIN_MESSAGE = ("the ledger was busy and nothing was written; send the same request again "
                     "(with the same idempotency key)")

log = logging.getLogger("valueflows.graphql")


def coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    extensions = dict(error.extensions or {})
    message = error.message
    if isinstance(original, RuleViolation):
        extensions["code"] = original.code
        extensions["problems"] = [{"field": p.field, "code": p.code, "message": p.message} for p in original.problems]
    elif isinstance(original, LedgerError):
        extensions["code"] = original.code
    elif original is None:
        extensions.setdefault("code", "GRAPHQL_PARSE_FAILED" if message.startswith("Syntax Error")
                              else "GRAPHQL_VALIDATION_FAILED")
    elif isinstance(original, GraphQLError) or (isinstance(original, ValueError | TypeError) and error.path is None):
        extensions["code"] = "BAD_USER_INPUT"  # a variable or literal our scalars refused
    elif (refused := refused_value(original)) is not None:
        # A value the database refused (too long for its column, say) that the rules should have caught first.
        log.warning("database refused a value in %s: %s", error.path, refused)
        extensions["code"] = "BAD_USER_INPUT"
        message = f"a value does not fit the ledger: {refused}; nothing was written"
    elif is_transient(original):
        log.warning("transient database failure in %s: %s", error.path, str(original).splitlines()[0])
        extensions["code"], extensions["retryable"] = TRY_AGAIN, True
        message = TRY_AGAIN_MESSAGE
    else:
        log.error("unexpected error in %s", error.path, exc_info=original)
        extensions["code"] = "INTERNAL_SERVER_ERROR"
        message = "the server could not answer this; nothing was written"
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions=extensions)


class CodedErrors(MaskErrors):
    """Every error leaves with a code; unexpected ones leave without their details."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [coded(e) for e in errors]


class OneMutationPerRequest(ValidationRule):
    """Each mutation is one transaction; a document with several could leave some written and some not.
    One mutation field per request keeps every request whole or nothing."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        if node.operation is OperationType.MUTATION and len(node.selection_set.selections) > 1:
            self.report_error(GraphQLError(
                "send one mutation per request: each mutation is one transaction, so a request is written "
                "whole or not at all", node, extensions={"code": "BAD_USER_INPUT"}))

