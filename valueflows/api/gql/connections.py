"""Relay connections, as vf-graphql 0.9 pages its lists: `XConnection { edges { node cursor } pageInfo }`.

`Connection[Intent]` is named `IntentConnection` and its edges `IntentEdge`, as the reference names them. The
window behind a connection is read by `service/paging`, through the access policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from valueflows.service.paging import Slice, Window, window_of

T = TypeVar("T")


@strawberry.type(name="PageInfo", description="Cursors for pagination")
class PageInfo:
    start_cursor: str | None = strawberry.field(description="Cursor of the first result; pass as `before` for the "
                                                            "page before it.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last result; pass as `after` for the page "
                                                          "after it.")
    has_previous_page: bool = strawberry.field(description="True if there are results before `startCursor`.")
    has_next_page: bool = strawberry.field(description="True if there are results after `endCursor`.")
    total_count: int | None = strawberry.field(description="The total result count: null, as counting every "
                                                           "record a reader may see costs as much as reading them.")
    page_limit: int | None = strawberry.field(description="The number of results asked for (100 when not given).")


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


def connection(window: Window, wrap: Callable[[Any], T]) -> Connection[T]:
    return Connection(
        edges=[Edge(node=wrap(item), cursor=cursor) for item, cursor in zip(window.items, window.cursors, strict=True)],
        page_info=PageInfo(start_cursor=window.start_cursor, end_cursor=window.end_cursor,
                           has_previous_page=window.has_previous, has_next_page=window.has_next, total_count=None,
                           page_limit=window.limit))


def by_id(items: list[Any], first: int | None, after: str | None, last: int | None, before: str | None
          ) -> Window:
    """A window over a relation read whole (at most MAX_PAGE records), its cursors the records' ids."""
    return window_of(items, sliced(first, after, last, before), lambda x: str(x.id))


def sliced(first: int | None, after: str | None, last: int | None, before: str | None) -> Slice:
    return Slice(first, after, last, before)
