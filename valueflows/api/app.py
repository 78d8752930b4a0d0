"""The HTTP service: GraphQL at /graphql (the legacy API at /graphql/0.8), and a read-only JSON view of the
ledger."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from valueflows.api import admin, i18n, members, metrics, pages, shop
from valueflows.api.auth import principal_of
from valueflows.api.gql.errors import TRY_AGAIN, TRY_AGAIN_MESSAGE
from valueflows.api.gql.versions import LEGACY
from valueflows.api.graphiql import LOCAL_PREFIX
from valueflows.api.graphql_http import BodyTooLarge, graphql_endpoint, read_body
from valueflows.api.negotiation import CONTENT_TYPES, choose
from valueflows.api.pages import record_page
from valueflows.api.serialize import to_json
from valueflows.domain import access
from valueflows.domain.actions import get_action
from valueflows.domain.errors import LedgerError, NotFound, Problem, RuleViolation
from valueflows.domain.instants import parse_instant
from valueflows.domain.model import AgentType
from valueflows.federation.client import HttpPeers
from valueflows.federation.routes import routes as federation_routes
from valueflows.federation.worker import deliveries_worker
from valueflows.linkeddata import documents, rdf
from valueflows.linkeddata.vocabulary import COLLECTIONS
from valueflows.service import clock, licences, linked, node, queries
from valueflows.service.federation import Peers
from valueflows.service.health import check as health_check
from valueflows.service.reading import Reading
from valueflows.service.verify import report_json, verify
from valueflows.store.engine import is_transient
from valueflows.store.ports import UnitOfWork

# Every collection of records at `/{collection}` (events have their own route with filters).
KINDS = {name: kind for kind, name in COLLECTIONS.items() if kind != "economic_event"}

MAX_IMPORT = 50_000_000  # bytes over HTTP
Handler = Callable[[Request], Awaitable[Response]]


def _error(status: int, code: str, message: str, problems: list[dict[str, str]] | None = None) -> JSONResponse:
    metrics.refused(code)
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if problems:
        body["error"]["problems"] = problems
    return JSONResponse(body, status_code=status)


class Negotiated:
    """A handler's answer in a negotiated format (anything else a handler returns is plain JSON)."""

    def __init__(self, status: int, fmt: str, body: Any) -> None:
        self.status, self.fmt, self.body = status, fmt, body
        self.headers: dict[str, str] = {"vary": "accept"}

    def response(self) -> Response:
        if self.fmt == "json":
            return JSONResponse(self.body, status_code=self.status)
        return Response(self.body, status_code=self.status, media_type=CONTENT_TYPES[self.fmt],
                        headers=self.headers)


def _page_of(request: Request, kind: str, page: Any, said: list[Any], fmt: str) -> Negotiated:
    """A page of records (`said`: as linked data says them) as linked data; the next page is in a
    `Link: <…>; rel="next"` header."""
    base = str(request.base_url).rstrip("/")
    records = [(kind, r) for r in said]
    answer = Negotiated(200, fmt, "".join(documents.render_many(records, fmt, base)))
    if page.next_cursor is not None:
        answer.headers["link"] = f'<{request.url.include_query_params(after=page.next_cursor)}>; rel="next"'
    return answer


def _json(reading: Reading, kind: str, record: Any) -> dict[str, Any]:
    """A record as plain JSON, with the fields this reader may not see named in `withheld`."""
    out = to_json(record)
    if kind == "economic_event":
        out["withheld"] = sorted(reading.event_views([record])[record.id].withheld)
    return out


def _guard(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
    """Typed ledger errors become 400/404 with a message; anything else a 500 without internals."""

    async def wrapped(request: Request) -> Response:
        try:
            answer = await handler(request)
            if isinstance(answer, Response):
                return answer
            return answer.response() if isinstance(answer, Negotiated) else JSONResponse(answer)
        except RuleViolation as exc:
            problems = [{"field": p.field, "code": p.code, "message": p.message} for p in exc.problems]
            return _error(400, exc.code, str(exc), problems)
        except LedgerError as exc:
            status = {"NOT_FOUND": 404, "UNAUTHENTICATED": 401, "FORBIDDEN": 403}.get(exc.code, 400)
            return _error(status, exc.code, str(exc))
        except ValueError as exc:
            return _error(400, "BAD_USER_INPUT", str(exc))
        except Exception as exc:
            if is_transient(exc):
                return _try_again()
            raise

    return wrapped


def _try_again() -> JSONResponse:
    """503 with Retry-After: the database was busy or unreachable; nothing was written."""
    answer = _error(503, TRY_AGAIN, TRY_AGAIN_MESSAGE)
    answer.headers["retry-after"] = "1"
    return answer


def _time(value: str | None, name: str) -> datetime | None:
    return None if value is None else parse_instant(value, name)


EVENT_PARAMS = frozenset({"agent", "action", "resource", "process", "from", "to", "corrected", "limit", "after"})


def _event_filter(q: Mapping[str, str]) -> queries.EventFilter:
    """`GET /events`' query, every parameter checked: an unknown one, or an unknown action, is refused."""
    problems = [Problem(name, "unknown_parameter", f"unknown query parameter {name!r}; the filters are "
                                                   f"{', '.join(sorted(EVENT_PARAMS))}")
                for name in q if name not in EVENT_PARAMS]
    action = q.get("action")
    if action is not None and get_action(action) is None:
        problems.append(Problem("action", "unknown_action", f"{action!r} is not a ValueFlows action"))
    corrected = q.get("corrected")
    if corrected not in (None, "include", "exclude"):
        problems.append(Problem("corrected", "bad_value", f"corrected is `include` or `exclude`, not {corrected!r}"))
    if problems:
        raise RuleViolation(problems)
    return queries.EventFilter(agent=q.get("agent"), action=action, resource=q.get("resource"),
                               process=q.get("process"), start=_time(q.get("from"), "from"),
                               end=_time(q.get("to"), "to"), include_corrected=corrected == "include")


def _int(value: str | None, name: str, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} is a whole number, not {value!r}") from None


def create_app(uow: UnitOfWork, graphiql_assets: Path | None = None, peers: Peers | None = None,
               deliver_every: float | None = None) -> Starlette:
    """`graphiql_assets`: a local copy of GraphiQL's scripts (see `valueflows graphiql-assets`), else the CDN.
    `peers`: how to reach other nodes (HTTP by default); `deliver_every`: seconds between rounds of the outbox
    queue's deliveries (None: this process delivers nothing, as in tests of the door alone)."""
    peers = peers or HttpPeers()
    measured = metrics.Metrics(uow)

    async def healthz(_: Request) -> Response:
        """Whether this node can serve (a load balancer's question): 200, or 503 with what is wrong."""
        found = await run_in_threadpool(health_check, uow)
        return JSONResponse(found.as_json(), status_code=200 if found.ok else 503)

    async def health(_: Request) -> dict[str, Any]:
        return {"status": "ok", "records": await run_in_threadpool(queries.ledger_size, uow)}

    async def reading(request: Request) -> Reading:
        return Reading(uow.acting_as(await run_in_threadpool(principal_of, uow, request)))

    async def collection(request: Request) -> Any:
        kind = KINDS.get(request.path_params["collection"])
        if kind is None:
            raise NotFound(f"no collection {request.path_params['collection']!r}")
        fmt = choose(request.headers.get("accept"))
        limit = _int(request.query_params.get("limit"), "limit", 100)
        reader = await reading(request)
        page = await run_in_threadpool(reader.list_page, kind, limit, request.query_params.get("after"))
        if fmt in (None, "json", "html"):
            return {"items": [_json(reader, kind, r) for r in page.items], "next": page.next_cursor}
        said = await run_in_threadpool(linked.said, reader.uow, kind, list(page.items))
        return _page_of(request, kind, page, said, fmt)

    async def item(request: Request) -> Any:
        """A record at its IRI, in the format the client asks for (plain JSON when it asks for nothing else)."""
        name = request.path_params["collection"]
        kind = "economic_event" if name == "events" else KINDS.get(name)
        if kind is None:
            raise NotFound(f"no collection {name!r}")
        fmt = choose(request.headers.get("accept"))
        if fmt is None:
            return Negotiated(406, "json", {"error": {"code": "NOT_ACCEPTABLE", "message": (
                "this record is served as application/json, application/ld+json, text/turtle, "
                "application/n-triples or text/html")}})
        reader = await reading(request)
        found = await run_in_threadpool(reader.record, kind, request.path_params["id"])
        if fmt == "json":
            return _json(reader, kind, found)
        base = str(request.base_url).rstrip("/")
        found = (await run_in_threadpool(linked.said, reader.uow, kind, [found]))[0]
        if fmt == "html" and kind == "agent" and found.type is AgentType.ORGANIZATION:
            shown = await run_in_threadpool(node.organization_page, reader.uow, found.id, clock.today())
            page = Negotiated(200, "html", pages.organization_html(shown, found, base))
            page.headers.update({"content-language": i18n.current(), "vary": "Accept, Accept-Language, Cookie"})
            return page
        if fmt == "html":
            return Negotiated(200, "html", record_page(kind, found, base))
        return Negotiated(200, fmt, documents.render(kind, found, fmt, base))

    async def import_file(request: Request) -> Any:
        """POST a file (Content-Type: application/ld+json, text/turtle or application/n-triples); admin only."""
        acting = uow.acting_as(await run_in_threadpool(principal_of, uow, request))
        linked.may_import(acting)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        fmt = {"application/ld+json": "jsonld", "application/json": "jsonld", "text/turtle": "turtle",
               "application/n-triples": "nt"}.get(media)
        if fmt is None:
            return Negotiated(415, "json", {"error": {"code": "UNSUPPORTED_MEDIA_TYPE", "message": (
                "send application/ld+json, text/turtle or application/n-triples")}})
        try:
            body = await read_body(request, MAX_IMPORT)
        except BodyTooLarge:
            return Negotiated(413, "json", {"error": {"code": "TOO_LARGE", "message": (
                f"at most {MAX_IMPORT // 1_000_000} MB over HTTP; use `valueflows import` for larger files")}})
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise RuleViolation([Problem("body", "not_utf8", "the body is not UTF-8 text")]) from None
        done = await run_in_threadpool(linked.import_data, acting, text, fmt, None,
                                       (str(request.base_url).rstrip("/"),))
        return {"written": done.written, "unchanged": done.unchanged}

    async def licence(request: Request) -> Any:
        """A licence at its IRI: its ODRL policy as JSON-LD, Turtle, N-Triples or a page."""
        fmt = choose(request.headers.get("accept"), "jsonld")
        if fmt is None:
            return Negotiated(406, "json", {"error": {"code": "NOT_ACCEPTABLE", "message": (
                "a licence is served as application/ld+json, text/turtle, application/n-triples or text/html")}})
        policy = licences.policy(request.path_params["licence"])
        if fmt in ("json", "jsonld"):
            return Negotiated(200, "jsonld", documents.policy_document(policy))
        if fmt == "html":
            return Negotiated(200, "html", pages.licence_page(policy))
        return Negotiated(200, fmt, documents.policy_rdf(policy, fmt))

    async def context(_: Request) -> Response:
        return JSONResponse(rdf.ledger_context(), media_type="application/ld+json")

    async def export(request: Request) -> Response:
        fmt = request.query_params.get("format") or {"jsonld": "jsonld", "turtle": "turtle", "nt": "nt"}.get(
            choose(request.headers.get("accept"), "jsonld") or "", "jsonld")
        if fmt not in documents.FORMATS:
            return _error(400, "BAD_USER_INPUT", "format is jsonld, turtle or nt")
        try:
            since = _time(request.query_params.get("since"), "since")
        except RuleViolation as exc:
            return _error(400, exc.code, str(exc))
        base = str(request.base_url).rstrip("/")
        try:
            reader = await reading(request)
        except access.Unauthenticated as exc:
            return _error(401, exc.code, str(exc))
        return StreamingResponse(linked.export(reader.uow, fmt, base, since), media_type=CONTENT_TYPES[fmt])

    async def events(request: Request) -> Any:
        q = request.query_params
        where = _event_filter(q)
        limit = _int(q.get("limit"), "limit", 100)
        after = _int(q["after"], "after", 0) if "after" in q else None
        reader = await reading(request)
        page = await run_in_threadpool(reader.event_list, where, limit, after)
        fmt = choose(request.headers.get("accept"))
        if fmt in (None, "json", "html"):
            return {"items": [_json(reader, "economic_event", e) for e in page.items], "next": page.next_cursor}
        return _page_of(request, "economic_event", page, list(page.items), fmt)

    async def verify_chain(_: Request) -> dict[str, Any]:
        return report_json(await run_in_threadpool(verify, uow))

    routes = [
        Route("/graphql", graphql_endpoint(uow, graphiql_assets is not None, peers=peers), methods=["GET", "POST"]),
        Route(f"/graphql/{LEGACY}", graphql_endpoint(uow, graphiql_assets is not None, LEGACY),
              methods=["GET", "POST"]),
        *([Mount(LOCAL_PREFIX.rstrip("/"), StaticFiles(directory=graphiql_assets))] if graphiql_assets else []),
        Route("/health", _guard(health)),
        Route("/healthz", healthz),
        Route("/metrics", measured.endpoint),
        Route("/verify", _guard(verify_chain)),
        Route("/events", _guard(events)),
        Route("/licences/{licence}", _guard(licence)),
        Route("/context.jsonld", context),
        Route("/export", export),
        Route("/import", _guard(import_file), methods=["POST"]),
        *federation_routes(uow, _guard, peers),
        *admin.routes(uow),
        *members.routes(uow),  # before the meeting reports: /dividends/new is not a run's id
        *pages.routes(uow),
        *shop.routes(uow),
        Route("/{collection}", _guard(collection)),
        Route("/{collection}/{id:path}", _guard(item)),
    ]

    async def not_found(_: Request, __: Exception) -> JSONResponse:
        return _error(404, "NOT_FOUND", "no such page")

    async def server_error(_: Request, exc: Exception) -> JSONResponse:
        if is_transient(exc):
            return _try_again()
        return _error(500, "INTERNAL", "the server could not answer; nothing was written")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        worker = asyncio.create_task(deliveries_worker(uow, peers, deliver_every)) if deliver_every else None
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker

    return Starlette(routes=routes, exception_handlers={404: not_found, 500: server_error},
                     middleware=[Middleware(metrics.MeasuredRequests, measured), Middleware(RefuseNul),
                                 Middleware(i18n.Languages)], lifespan=lifespan)


class RefuseNul:
    """A NUL in the path or the query string (`%00`) is refused before any route sees it: it is never a valid
    id or filter, and PostgreSQL refuses it in text, which would otherwise surface as a server error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")):
            answer = _error(400, "BAD_USER_INPUT", "the address contains a NUL character (%00)")
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)
