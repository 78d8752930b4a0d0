"""The ActivityPub door: WebFinger, actor documents, outboxes and their activities, and the collections actors
link to. Read-only in this part; every answer is public (what the access policy shows an anonymous reader)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from valueflows.domain.errors import NotFound
from valueflows.federation import documents
from valueflows.service import federation
from valueflows.store.ports import UnitOfWork

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]


def _answer(document: dict[str, Any], media_type: str = documents.ACTIVITY_JSON) -> Response:
    return Response(json.dumps(document, ensure_ascii=False), media_type=media_type,
                    headers={"access-control-allow-origin": "*"})


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _before(request: Request) -> int | None:
    raw = request.query_params.get("before")
    if raw is None:
        return None
    if not raw.isdigit():
        raise ValueError(f"before is a position in the outbox (a whole number), not {raw!r}")
    return int(raw)


def routes(uow: UnitOfWork, guard: Guard) -> list[Route]:
    async def webfinger(request: Request) -> Response:
        """`resource=acct:NAME@HOST` (or the actor's URL): the actor's links, as Mastodon looks accounts up."""
        resource = request.query_params.get("resource", "")
        host = request.url.netloc
        base = _base(request)
        if resource.startswith("acct:"):
            name, _, at = resource[len("acct:"):].rpartition("@")
            if at.lower() != host.lower():
                raise NotFound(f"{resource} is not an account on this node ({host})")
        elif resource.startswith(base + "/actors/"):
            name = resource[len(base + "/actors/"):]
        else:
            raise ValueError("resource is acct:NAME@HOST or an actor's URL")
        found = await run_in_threadpool(federation.actor, uow, name)
        return _answer(documents.webfinger(found, base, host), documents.JRD_JSON)

    async def actor(request: Request) -> Response:
        found = await run_in_threadpool(federation.actor, uow, request.path_params["name"])
        return _answer(documents.actor_document(found, _base(request)))

    async def outbox(request: Request) -> Response:
        found = await run_in_threadpool(federation.actor, uow, request.path_params["name"])
        if request.query_params.get("page") != "true":
            return _answer(documents.outbox_collection(found, _base(request)))
        before = _before(request)
        page = await run_in_threadpool(federation.outbox, uow, found.name, before)
        return _answer(documents.outbox_page(found, page, _base(request), before))

    async def activity(request: Request) -> Response:
        name, seq = request.path_params["name"], request.path_params["seq"]
        found = await run_in_threadpool(federation.actor, uow, name)
        page = await run_in_threadpool(federation.outbox, uow, name, seq + 1, 1)
        if not page.items or page.items[0].seq != seq:
            raise NotFound(f"no activity {seq} in the outbox of {name!r}")
        return _answer({"@context": documents.AS, **documents.activity(found, page.items[0], _base(request))})

    async def collection(request: Request) -> Response:
        await run_in_threadpool(federation.actor, uow, request.path_params["name"])
        return _answer(documents.empty_collection(str(request.url.replace(query=""))))

    return [
        Route("/.well-known/webfinger", guard(webfinger)),
        Route("/actors/{name}", guard(actor)),
        Route("/actors/{name}/outbox", guard(outbox)),
        Route("/actors/{name}/activities/{seq:int}", guard(activity)),
        Route("/actors/{name}/followers", guard(collection)),
        Route("/actors/{name}/following", guard(collection)),
    ]
