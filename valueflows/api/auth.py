"""Who is asking: the principal a request speaks for.

An API client sends `Authorization: Bearer <token>`. A browser has no header to send, so reading routes also accept
the token from the cookie the sign-in form sets (HttpOnly, SameSite=Strict: another site's page cannot make the
browser send it). GraphQL ignores the cookie, so it cannot be used to write.
"""

from __future__ import annotations

from starlette.requests import Request

from valueflows.domain.access import ANONYMOUS, Principal, Unauthenticated
from valueflows.service.tokens import authenticate
from valueflows.store.ports import UnitOfWork

COOKIE = "vf_token"


def principal_of(uow: UnitOfWork, request: Request) -> Principal:
    """A bad Authorization header is refused (401); a stale cookie reads as anonymous."""
    header = request.headers.get("authorization")
    if header:
        return authenticate(uow, header)
    cookie = request.cookies.get(COOKIE)
    if cookie:
        try:
            return authenticate(uow, f"Bearer {cookie}")
        except Unauthenticated:
            return ANONYMOUS
    return ANONYMOUS
