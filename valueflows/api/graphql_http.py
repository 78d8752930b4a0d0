"""POST /graphql (JSON in, JSON out) and GraphiQL at GET /graphql for a browser; the same at /graphql/0.8 for the
legacy API.

The body is refused past `MAX_BODY` bytes before it is parsed; the operation runs in a worker thread (the
use cases are synchronous); errors leave as GraphQL errors with `extensions.code`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from valueflows.api import graphiql, metrics
from valueflows.api.gql.context import Context
from valueflows.api.gql.errors import TRY_AGAIN, TRY_AGAIN_MESSAGE, coded
from valueflows.api.gql.limits import MAX_EXPANDED_FIELDS, expanded_fields, parsed, text_problem
from valueflows.api.gql.schema import MAX_TOKENS, schemas
from valueflows.api.gql.versions import MAIN
from valueflows.domain.access import Unauthenticated
from valueflows.service.federation import Peers
from valueflows.service.tokens import authenticate
from valueflows.store.engine import is_transient
from valueflows.store.ports import UnitOfWork

MAX_BODY = 1024 * 1024  # a batch of 1,000 events with every field fits


class BodyTooLarge(Exception):
    pass


def _error(status: int, code: str, message: str, retry: bool = False) -> JSONResponse:
    metrics.refused(code)
    extensions: dict[str, Any] = {"code": code, **({"retryable": True} if retry else {})}
    return JSONResponse({"errors": [{"message": message, "extensions": extensions}]}, status_code=status,
                        headers={"retry-after": "1"} if retry else None)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused (`BodyTooLarge`) as soon as it is known to be over `limit` bytes: from its declared
    length, or while it streams in (a chunked body declares none)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


# Only an escape (JSON's or GraphQL's, both \uXXXX) can put NUL or a lone surrogate into a string of the request:
# bodies without one skip the walk through every string.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _operation(payload: Any) -> tuple[str, dict[str, Any] | None, str | None]:
    if not isinstance(payload, dict):
        raise ValueError("the body is a JSON object with `query` (and `variables`, `operationName`)")
    query, variables, name = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("`query` is missing or not a string")
    if variables is not None and not isinstance(variables, dict):
        raise ValueError("`variables` is a JSON object")
    if name is not None and not isinstance(name, str):
        raise ValueError("`operationName` is a string")
    return query, variables, name


def graphql_endpoint(uow: UnitOfWork, local_graphiql: bool = False, api: str = MAIN, peers: Peers | None = None
                     ) -> Any:
    ide = graphiql.page(local_graphiql)
    schema = schemas[api]

    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            if "text/html" in request.headers.get("accept", ""):
                return HTMLResponse(ide)
            return _error(405, "METHOD_NOT_ALLOWED", "send GraphQL operations with POST")
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _error(415, "UNSUPPORTED_MEDIA_TYPE", "send the operation as application/json")
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return _error(413, "PAYLOAD_TOO_LARGE", f"the request body is over {MAX_BODY} bytes")
        try:
            query, variables, name = _operation(json.loads(body.decode("utf-8")))  # RFC 8259: UTF-8
        except UnicodeDecodeError:
            return _error(400, "BAD_REQUEST", "the body is not UTF-8")
        except json.JSONDecodeError as exc:
            return _error(400, "BAD_REQUEST", f"the body is not JSON: {exc.msg} at character {exc.pos}")
        except ValueError as exc:
            return _error(400, "BAD_REQUEST", str(exc))
        try:
            principal = await run_in_threadpool(authenticate, uow, request.headers.get("authorization"))
        except Unauthenticated as exc:
            return _error(401, exc.code, str(exc))
        except Exception as exc:
            if is_transient(exc):
                return _error(503, TRY_AGAIN, TRY_AGAIN_MESSAGE, retry=True)
            raise
        document = parsed(query, MAX_TOKENS)
        fields = expanded_fields(document) if document is not None else 0
        if fields > MAX_EXPANDED_FIELDS:
            return _error(200, "GRAPHQL_VALIDATION_FAILED", f"the document asks for {fields} fields once its "
                          f"fragments are spread; at most {MAX_EXPANDED_FIELDS}")
        problem = text_problem(document, variables) if _RISKY_ESCAPE.search(body) else None
        if problem is not None:
            return _error(200, "BAD_USER_INPUT", f"{problem}; nothing was written")
        result = await run_in_threadpool(schema.execute_sync, query, variable_values=variables,
                                         context_value=Context(uow, principal, peers), operation_name=name)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            # Errors raised before the extensions ran (a document that does not parse) get their code here.
            out["errors"] = [coded(e).formatted for e in result.errors]
            metrics.refused(*(str(e.get("extensions", {}).get("code", "INTERNAL")) for e in out["errors"]))
        return JSONResponse(out)

    return endpoint
