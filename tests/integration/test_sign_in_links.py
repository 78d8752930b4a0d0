"""One-time sign-in links and the browser sessions they open: good once, for 15 minutes; a forged, reused or
expired link is refused and opens nothing; a link is no API token; a session expires and ends at sign-out."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from valueflows.domain.access import OPERATOR, Principal, Scope, Unauthenticated
from valueflows.domain.errors import NotFound
from valueflows.domain.inputs import AgentInput
from valueflows.service import records
from valueflows.service.tokens import (
    LINK_LIFETIME,
    SESSION_LIFETIME,
    authenticate,
    create_sign_in_link,
    end_session,
    open_session,
)
from valueflows.store.ports import TokenRow, UnitOfWork


@pytest.fixture
def bruno(uow: UnitOfWork) -> UnitOfWork:
    records.create_agent(uow, AgentInput("Bruno", "Person", id="bruno"))
    return uow


def _sessions(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return sum(1 for t in tx.tokens.all() if t.kind == "session")


def test_a_link_opens_one_session_once(bruno: UnitOfWork) -> None:
    info, link, expires = create_sign_in_link(bruno, "bruno")
    assert timedelta(minutes=14) < expires - info.created_at <= LINK_LIFETIME
    principal, session, until = open_session(bruno, link)
    assert principal == Principal("bruno", Scope.WRITE)
    assert authenticate(bruno, f"Bearer {session}") == principal
    assert until - datetime.now(UTC) <= SESSION_LIFETIME
    with pytest.raises(Unauthenticated, match="already used"):
        open_session(bruno, link)
    assert _sessions(bruno) == 1


def test_a_link_is_not_an_api_token(bruno: UnitOfWork) -> None:
    _, link, _ = create_sign_in_link(bruno, "bruno", "admin")
    with pytest.raises(Unauthenticated):
        authenticate(bruno, f"Bearer {link}")
    assert open_session(bruno, link)[0].scope is Scope.ADMIN  # still good for what it is for


@pytest.mark.parametrize("forged", ["nonsense", "vf_000000000000_" + "a" * 43])
def test_a_forged_link_is_refused(bruno: UnitOfWork, forged: str) -> None:
    _, link, _ = create_sign_in_link(bruno, "bruno")
    with pytest.raises(Unauthenticated, match="not a sign-in link"):
        open_session(bruno, forged)
    wrong_secret = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    with pytest.raises(Unauthenticated, match="not a sign-in link"):
        open_session(bruno, wrong_secret)
    assert _sessions(bruno) == 0
    assert open_session(bruno, link)  # the real one still works: the forgeries used nothing up


def _stale(uow: UnitOfWork, kind: str) -> str:
    """A link or a session whose time ran out a second ago (stored as `create_sign_in_link` stores one)."""
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with uow.write() as tx:
        tx.tokens.add(TokenRow(token_id, "bruno", "write", hashlib.sha256(secret.encode()).hexdigest(),
                               tx.now - timedelta(days=1), None, None, kind, tx.now - timedelta(seconds=1)))
    return f"vf_{token_id}_{secret}"


def test_an_expired_link_and_an_expired_session_are_refused(bruno: UnitOfWork) -> None:
    with pytest.raises(Unauthenticated, match="expired"):
        open_session(bruno, _stale(bruno, "link"))
    assert _sessions(bruno) == 0  # the link opened nothing
    with pytest.raises(Unauthenticated, match="expired"):
        authenticate(bruno, f"Bearer {_stale(bruno, 'session')}")


def test_signing_out_ends_a_session_not_an_api_token(bruno: UnitOfWork) -> None:
    _, link, _ = create_sign_in_link(bruno, "bruno")
    _, session, _ = open_session(bruno, link)
    assert end_session(bruno, session)
    with pytest.raises(Unauthenticated):
        authenticate(bruno, f"Bearer {session}")
    assert not end_session(bruno, session) and not end_session(bruno, "nonsense")


def test_only_an_admin_makes_links_and_only_for_an_agent_that_exists(bruno: UnitOfWork) -> None:
    from valueflows.domain.access import Forbidden

    with pytest.raises(Forbidden):
        create_sign_in_link(bruno.acting_as(Principal("bruno", Scope.WRITE)), "bruno")
    with pytest.raises(NotFound):
        create_sign_in_link(bruno.acting_as(OPERATOR), "nobody")
