"""The floor for the GraphQL benchmark: the same stack (starlette, strawberry, uvicorn, SQLAlchemy) with one
mutation that does a single insert of an event row, no rules, no chain, no auth.

    python bench/floor_server.py --db URL --port PORT
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import strawberry
import uvicorn
from sqlalchemy import insert
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from valueflows.service.bootstrap import open_ledger
from valueflows.store.tables import economic_events


def build(url: str) -> Starlette:
    uow = open_ledger(url)
    statement = insert(economic_events)

    @strawberry.type
    class Query:
        ok: bool = True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def insert_event(self, provider: str, receiver: str, hours: str) -> str:
            event_id = str(uuid.uuid4())
            now = datetime.now(UTC)
            with uow.engine.begin() as conn:
                conn.execute(statement, {
                    "id": event_id, "seq": int(uuid.uuid4().int % 2**62), "action": "work", "provider": provider,
                    "receiver": receiver, "resource_classified_as": [], "effort_quantity_value": Decimal(hours),
                    "effort_quantity_unit": "hour", "has_point_in_time": now, "happened_at": now, "in_scope_of": []})
            return event_id

    schema = strawberry.Schema(query=Query, mutation=Mutation)

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.json()
        result = await run_in_threadpool(schema.execute_sync, body["query"], variable_values=body.get("variables"))
        return JSONResponse({"data": result.data, "errors": [e.formatted for e in result.errors or []] or None})

    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build(args.db), host="127.0.0.1", port=args.port, log_level="warning")
