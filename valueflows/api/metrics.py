"""What a node's operator watches, in Prometheus's text format at `GET /metrics` (prometheus_client): requests and
their latency by route, refusals by error code, TRY_AGAIN answers, and the hash chain's length (every write adds
to it). Routes are their templates (`/agents/{id}`), never the ids asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from time import perf_counter

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valueflows.store.ports import UnitOfWork

TRY_AGAIN = "TRY_AGAIN"

# The error codes the request being answered has refused with (set by the middleware for each request).
_codes: ContextVar[list[str] | None] = ContextVar("valueflows_refusal_codes", default=None)


def refused(*codes: str) -> None:
    """Note the codes a request is refused with (a door calls it where it answers an error)."""
    found = _codes.get()
    if found is not None:
        found.extend(codes)


class _Chain(Collector):
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("valueflows_chain_records", "Records in the hash chain: every write adds to it")
        try:
            with self.uow.read() as tx:
                family.add_metric([], tx.chain.count())
        except Exception:  # a scrape never fails on the database: /healthz says what is wrong
            return
        yield family


class Metrics:
    """One node's metrics, in a registry of its own (several apps in one process, as in the tests, do not mix)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("valueflows_http_requests", "HTTP requests answered, by route, method and status",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("valueflows_http_request_duration_seconds", "Time to answer a request, by route",
                                 ["route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.refusals = Counter("valueflows_refusals", "Requests refused, by error code (BAD_USER_INPUT, NOT_FOUND, "
                                "FORBIDDEN, …); a GraphQL answer counts each of its errors", ["code"],
                                registry=self.registry)
        self.try_again = Counter("valueflows_try_again", "Requests answered TRY_AGAIN: the database was busy, "
                                 "nothing was written", registry=self.registry)
        self.registry.register(_Chain(uow))

    def observe(self, route: str, method: str, status: int, seconds: float, codes: list[str]) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        for code in codes:
            self.refusals.labels(code).inc()
            if code == TRY_AGAIN:
                self.try_again.inc()

    async def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MeasuredRequests:
    """Middleware: each request's route, status, time and refusal codes into `metrics`."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        codes: list[str] = []
        token = _codes.set(codes)
        status = 500
        start = perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, sending)
        finally:
            _codes.reset(token)
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(route, scope.get("method", ""), status, perf_counter() - start, codes)
