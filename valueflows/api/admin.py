"""Admin pages: members (add a person to a co-op, end a membership) and tokens (create one, shown once; revoke one),
as forms that work without JavaScript. Every form carries the session-bound check of the member pages; the use
cases ask the access policy themselves (only an admin gets anywhere)."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from valueflows.api import i18n
from valueflows.api.auth import principal_of
from valueflows.api.members import checked, form_check, new_key
from valueflows.api.pages import render_page
from valueflows.domain.access import Forbidden, Principal, Unauthenticated
from valueflows.domain.errors import LedgerError, Problem, RuleViolation
from valueflows.domain.model import AgentType
from valueflows.service import clock, members, node, tokens
from valueflows.store.ports import UnitOfWork


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleViolation([Problem(name, "bad_date", i18n.gettext("a day is written YYYY-MM-DD"))]) from None


def routes(uow: UnitOfWork) -> list[Route]:
    def admin_of(request: Request) -> Principal:
        principal = principal_of(uow, request)
        if principal.agent is None:
            raise Unauthenticated(i18n.gettext("Sign in to see your own page."))
        return principal  # the use cases each page calls ask the access policy whether it is an admin's

    def refused(request: Request, exc: LedgerError) -> Response:
        if isinstance(exc, Unauthenticated):
            return render_page("signin.html", 401, next=request.url.path, message=i18n.gettext(
                "This page is for the co-op's members: sign in with your token or a sign-in link."))
        status = 403 if isinstance(exc, Forbidden) else 404 if exc.code == "NOT_FOUND" else 400
        message = "; ".join(f"{p.field}: {p.message}" for p in exc.problems) if isinstance(
            exc, RuleViolation) else str(exc)
        return render_page("message.html", status, title=i18n.gettext("Refused"), message=message)

    async def members_page(request: Request, done: str | None = None) -> Response:
        try:
            principal = await run_in_threadpool(admin_of, request)
            found = await run_in_threadpool(members.people, uow.acting_as(principal))
        except LedgerError as exc:
            return refused(request, exc)
        key = new_key()
        return render_page("admin_members.html", people=found, today=clock.today().isoformat(), done=done, key=key,
                           check=form_check(request, key))

    async def change_members(request: Request) -> Response:
        form = await request.form()
        text = {k: str(v).strip() for k, v in form.items()}
        try:
            acting = uow.acting_as(await run_in_threadpool(admin_of, request))
            checked(request, form)
            if text.get("action") == "end":
                ended = await run_in_threadpool(node.end_member, acting, text.get("member", ""),
                                                text.get("organization", ""), _day(text.get("until", ""), "until"))
                done = i18n.gettext("Membership ended:") + f" {ended.member}, {ended.until}"
            else:
                since = _day(text.get("since", ""), "since")
                member = text.get("person", "")
                if not member:
                    if not text.get("name"):
                        raise RuleViolation([Problem("name", "required", i18n.gettext(
                            "a new person's name, or a person already here"))])
                    member = (await run_in_threadpool(node.add_agent, acting, text["name"],
                                                      AgentType.PERSON.value)).id
                added = await run_in_threadpool(node.add_member, acting, member, text.get("organization", ""), since)
                done = i18n.gettext("Member added:") + f" {added.member}, {added.since}"
        except LedgerError as exc:
            return refused(request, exc)
        return await members_page(request, done)

    async def tokens_page(request: Request, shown: dict[str, Any] | None = None) -> Response:
        try:
            principal = await run_in_threadpool(admin_of, request)
            acting = uow.acting_as(principal)
            found = await run_in_threadpool(tokens.list_tokens, acting)
            people = await run_in_threadpool(members.people, acting)
        except LedgerError as exc:
            return refused(request, exc)
        key = new_key()
        page = render_page("admin_tokens.html", tokens=found, persons=people.persons, shown=shown, key=key,
                           check=form_check(request, key))
        page.headers["cache-control"] = "no-store"  # a new token is on it
        return page

    async def change_tokens(request: Request) -> Response:
        form = await request.form()
        text = {k: str(v).strip() for k, v in form.items()}
        try:
            acting = uow.acting_as(await run_in_threadpool(admin_of, request))
            checked(request, form)
            if text.get("action") == "revoke":
                await run_in_threadpool(tokens.revoke_token, acting, text.get("token", ""))
                return RedirectResponse("/admin/tokens", status_code=303)
            info, secret = await run_in_threadpool(tokens.create_token, acting, text.get("agent", ""),
                                                   text.get("scope", "read"), text.get("note") or None)
        except LedgerError as exc:
            return refused(request, exc)
        return await tokens_page(request, {"id": info.id, "agent": info.agent, "scope": info.scope.value,
                                           "token": secret})

    return [
        Route("/admin/members", members_page, methods=["GET"]),
        Route("/admin/members", change_members, methods=["POST"]),
        Route("/admin/tokens", tokens_page, methods=["GET"]),
        Route("/admin/tokens", change_tokens, methods=["POST"]),
    ]
