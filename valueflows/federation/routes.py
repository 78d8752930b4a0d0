"""The ActivityPub door: WebFinger, actor documents, outboxes and their activities, the collections actors link
to (every answer public: what the access policy shows an anonymous reader), and the inboxes.

An inbox takes a delivery only when it is small enough (`MAX_ACTIVITY`), comes from a node that may deliver, not
faster than `RATE` per sending node, and carries an HTTP signature that verifies with the key of the actor it
names; refused, it gets a clear status (413, 403, 429, 401, 400) and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from valueflows.api.graphql_http import BodyTooLarge, read_body
from valueflows.domain.errors import NotFound
from valueflows.federation import documents
from valueflows.federation.signatures import SignatureError, key_id_of, verify
from valueflows.service import federation, inbox
from valueflows.service.federation import Peers
from valueflows.store.ports import UnitOfWork

MAX_ACTIVITY = 262_144  # bytes: an activity larger than this is refused (413)
RATE = "200/second"  # deliveries per sending node, per server process

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]


def _answer(document: dict[str, Any], media_type: str = documents.ACTIVITY_JSON) -> Response:
    return Response(json.dumps(document, ensure_ascii=False), media_type=media_type,
                    headers={"access-control-allow-origin": "*"})


def _request_base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _before(request: Request) -> int | None:
    raw = request.query_params.get("before")
    if raw is None:
        return None
    if not raw.isdigit():
        raise ValueError(f"before is a position in the outbox (a whole number), not {raw!r}")
    return int(raw)


def _refused(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"error": {"code": code, "message": message}}), status_code=status,
                    media_type="application/json", headers={"retry-after": "1"} if status == 429 else None)


def routes(uow: UnitOfWork, guard: Guard, peers: Peers) -> list[Route]:
    limiter, rate = MovingWindowRateLimiter(MemoryStorage()), parse(RATE)

    async def _base(request: Request) -> str:
        """The node's public URL (what its actors' ids and keys are made of), else the request's."""
        try:
            found: str = await run_in_threadpool(federation.public_url, uow)
        except NotFound:
            return _request_base(request)
        return found

    async def receive(request: Request) -> Response:
        """POST an activity to an actor's inbox (or the node's shared one)."""
        name = request.path_params.get("name")
        try:
            body = await read_body(request, MAX_ACTIVITY)
        except BodyTooLarge:
            return _refused(413, "TOO_LARGE", f"an activity is at most {MAX_ACTIVITY} bytes")
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            key_id = key_id_of(headers)
        except SignatureError as exc:
            return _refused(401, "UNSIGNED", str(exc))
        await run_in_threadpool(inbox.may_deliver, uow, key_id)  # Forbidden: 403
        if not limiter.hit(rate, urlsplit(key_id).netloc.lower()):
            return _refused(429, "SLOW_DOWN", f"at most {RATE} deliveries from one node")
        base = await _base(request)
        try:
            sender = await run_in_threadpool(inbox.sender, uow, peers, base, key_id)
            try:
                verify(request.method, str(request.url), headers, body, sender.public_pem)
            except SignatureError:  # its key may have changed since we kept it: fetch it once more
                sender = await run_in_threadpool(inbox.sender, uow, peers, base, key_id, True)
                verify(request.method, str(request.url), headers, body, sender.public_pem)
        except SignatureError as exc:
            return _refused(401, "BAD_SIGNATURE", str(exc))
        except NotFound as exc:
            return _refused(401, "UNKNOWN_KEY", str(exc))
        try:
            activity = json.loads(body)
        except ValueError:
            return _refused(400, "NOT_JSON", "the body is not JSON")
        done = await run_in_threadpool(inbox.receive, uow, base, name, activity, sender)
        return Response(json.dumps({"activity": done.activity, "done": done.done}), status_code=202,
                        media_type="application/json")

    async def webfinger(request: Request) -> Response:
        """`resource=acct:NAME@HOST` (or the actor's URL): the actor's links, as Mastodon looks accounts up."""
        resource = request.query_params.get("resource", "")
        host = request.url.netloc
        base = await _base(request)
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
        return _answer(documents.actor_document(found, await _base(request)))

    async def outbox(request: Request) -> Response:
        found = await run_in_threadpool(federation.actor, uow, request.path_params["name"])
        if request.query_params.get("page") != "true":
            return _answer(documents.outbox_collection(found, await _base(request)))
        before = _before(request)
        page = await run_in_threadpool(federation.outbox, uow, found.name, before)
        return _answer(documents.outbox_page(found, page, await _base(request), before))

    async def activity(request: Request) -> Response:
        name, seq = request.path_params["name"], request.path_params["seq"]
        found = await run_in_threadpool(federation.actor, uow, name)
        page = await run_in_threadpool(federation.outbox, uow, name, seq + 1, 1)
        if not page.items or page.items[0].seq != seq:
            raise NotFound(f"no activity {seq} in the outbox of {name!r}")
        return _answer({"@context": documents.AS, **documents.activity(found, page.items[0], await _base(request))})

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
        Route("/actors/{name}/inbox", guard(receive), methods=["POST"]),
        Route("/inbox", guard(receive), methods=["POST"]),
    ]
