"""Member pages: server-rendered forms that work without JavaScript, in the page's language.

- `/session/link/{link}`: a one-time sign-in link (`valueflows login-link`) asks for a click (a POST), so a mail
  scanner that fetches the link does not use it up; the POST opens a 12-hour browser session.
- `/me`: my contributions in a year (a table and a chart by month and kind of work), my statement in each co-op
  (dividends, cash, capital account), what I owe and what is owed to us.
- `/me/work`: log a day's work through `record_event`, as GraphQL does. The form carries an idempotency key, so a
  double submit writes once, and a check tied to the session (an HMAC of the key under the session's token), so
  another site cannot post it even where a browser would send the cookie.
- `/dividends/new`, `/dividends/commit`: the treasurer prepares a run, previews it (the meeting report), and commits
  it after a confirmation step.

Who sees what is the core's policy, as on every door: these pages call the same use cases as the signed-in member.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from valueflows.api import i18n
from valueflows.api.auth import COOKIE, principal_of
from valueflows.api.pages import render_page, run_request
from valueflows.domain.access import Forbidden, Principal, Unauthenticated
from valueflows.domain.errors import LedgerError, Problem, RuleViolation
from valueflows.service import clock, dividends, members
from valueflows.service.tokens import SESSION_LIFETIME, open_session
from valueflows.store.ports import UnitOfWork

CHART_WIDTH, CHART_HEIGHT = 640, 220
PALETTE = ("#2f7d5b", "#6a8fd1", "#d1a15a", "#a05aa0", "#5aa0a0", "#a4461e", "#7a7a7a")


def form_check(request: Request, key: str) -> str:
    """The check a form carries: an HMAC of its key under the session's token ('' without a session)."""
    token = request.cookies.get(COOKIE, "")
    return hmac.new(token.encode(), key.encode(), hashlib.sha256).hexdigest() if token else ""


def new_key() -> str:
    """A form's idempotency key."""
    return uuid.uuid4().hex


def checked(request: Request, form: FormData) -> str:
    """The form's idempotency key, once its check holds; refused otherwise."""
    key, check = str(form.get("key", "")), str(form.get("check", ""))
    if not key or not check or not hmac.compare_digest(form_check(request, key), check):
        raise Forbidden(i18n.gettext("This form did not come from your session here: open it again and resend."))
    return key


def month_chart(page: members.MyPage) -> dict[str, Any]:
    """A stacked bar per month, one colour per kind of work, scaled to the busiest month."""
    kinds = list(page.kinds) + ([""] if any("" in m.hours for m in page.months) else [])
    most = max((m.total for m in page.months), default=Decimal(0))
    left, bottom, width = 40, CHART_HEIGHT - 24, (CHART_WIDTH - 40) / 12
    bars = []
    for i, m in enumerate(page.months):
        y = float(bottom)
        for k in kinds:
            h = m.hours.get(k, Decimal(0))
            if not h or not most:
                continue
            height = float(h / most) * (bottom - 10)
            y -= height
            bars.append({"x": left + i * width + 4, "y": y, "width": width - 8, "height": height,
                         "colour": PALETTE[kinds.index(k) % len(PALETTE)],
                         "title": f"{i18n.month(m.month)}: {i18n.quantity(h)} h ({page.kinds.get(k, '—')})"})
    labels = [{"x": left + i * width + width / 2, "y": CHART_HEIGHT - 6, "text": i18n.month(m.month, "abbreviated")}
              for i, m in enumerate(page.months)]
    legend = [{"colour": PALETTE[i % len(PALETTE)], "name": page.kinds.get(k, i18n.gettext("other work"))}
              for i, k in enumerate(kinds)]
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": bars, "labels": labels, "legend": legend,
            "most": i18n.quantity(most), "top": 10, "left": left, "bottom": bottom}


def _day(value: str, name: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(name, "bad_date", i18n.gettext("a day is written YYYY-MM-DD")))
        return None


def _decimal(value: str, name: str, problems: list[Problem]) -> Decimal | None:
    try:
        found = Decimal(value.replace(",", ".").strip())
    except InvalidOperation:
        problems.append(Problem(name, "not_decimal", i18n.gettext("a number, such as 7.5")))
        return None
    return found if found.is_finite() else None


def read_work(form: FormData) -> members.Work:
    """The work form as a `Work`, or every problem named by its field."""
    problems: list[Problem] = []
    text = {k: str(form.get(k, "")).strip() for k in ("organization", "day", "hours", "start", "end", "kind",
                                                       "process", "note")}
    day = _day(text["day"], "day", problems)
    hours = _decimal(text["hours"], "hours", problems) if text["hours"] else None
    if hours is None and not (text["start"] and text["end"]) and "hours" not in {p.field for p in problems}:
        problems.append(Problem("hours", "required", i18n.gettext("the hours, or a start and an end time")))
    for name in ("start", "end"):
        if text[name] and not _is_time(text[name]):
            problems.append(Problem(name, "bad_time", i18n.gettext("a time is written HH:MM")))
    if text["start"] and text["end"] and _is_time(text["start"]) and _is_time(text["end"]) and (
            text["end"] <= text["start"]):
        problems.append(Problem("end", "before_start", i18n.gettext("the end comes after the start")))
    if not text["organization"]:
        problems.append(Problem("organization", "required", i18n.gettext("the co-op you worked for")))
    if problems or day is None:
        raise RuleViolation(problems)
    return members.Work(text["organization"], day, hours, text["start"] or None, text["end"] or None,
                        text["kind"] or None, text["process"] or None, text["note"] or None)


def _is_time(value: str) -> bool:
    hours, _, minutes = value.partition(":")
    return (len(value) == 5 and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60)


# Where a use case's problem shows on the work form.
WORK_FIELDS = {"hasPointInTime": "day", "hasBeginning": "start", "hasEnd": "end", "effortQuantity": "hours",
               "receiver": "organization", "resourceConformsTo": "kind", "inputOf": "process", "note": "note"}


def routes(uow: UnitOfWork) -> list[Route]:
    def signed_in(request: Request) -> Principal:
        principal = principal_of(uow, request)
        if principal.agent is None:
            raise Unauthenticated(i18n.gettext("Sign in to see your own page."))
        return principal

    def to_sign_in(request: Request, message: str | None = None) -> Response:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return render_page("signin.html", 401, next=here, message=message or i18n.gettext(
            "This page is for the co-op's members: sign in with your token or a sign-in link."))

    def refused(request: Request, exc: LedgerError) -> Response:
        if isinstance(exc, Unauthenticated):
            return to_sign_in(request)
        title = i18n.gettext("Not for this session") if isinstance(exc, Forbidden) else i18n.gettext("Refused")
        return render_page("message.html", 403 if isinstance(exc, Forbidden) else 400, title=title, message=str(exc))

    async def link_page(request: Request) -> Response:
        return render_page("link.html", link=request.path_params["link"])

    async def use_link(request: Request) -> Response:
        form = await request.form()
        try:
            _, token, _ = await run_in_threadpool(open_session, uow, str(form.get("link", "")))
        except Unauthenticated as exc:
            return render_page("message.html", 401, title=i18n.gettext("Not signed in"), message=str(exc))
        response = RedirectResponse("/me", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                            max_age=int(SESSION_LIFETIME.total_seconds()))
        return response

    async def my_page(request: Request) -> Response:
        year_text = request.query_params.get("year", "")
        try:
            year = int(year_text) if year_text else None
            if year is not None and not 1900 <= year <= 9999:
                raise ValueError
        except ValueError:
            return render_page("message.html", 400, title=i18n.gettext("Refused"),
                               message=i18n.gettext("year: a year such as 2026"))
        try:
            principal = await run_in_threadpool(signed_in, request)
            page = await run_in_threadpool(members.my_page, uow.acting_as(principal), clock.today(), year)
        except LedgerError as exc:
            return refused(request, exc)
        return render_page("me.html", page=page, chart=month_chart(page), recorded=request.query_params.get("recorded"),
                           month=i18n.month)

    async def work_form(request: Request, problems: list[Problem] | None = None, values: dict[str, str] | None = None,
                        key: str | None = None) -> Response:
        try:
            principal = await run_in_threadpool(signed_in, request)
            offered = await run_in_threadpool(members.work_form, uow.acting_as(principal), clock.today())
        except LedgerError as exc:
            return refused(request, exc)
        key = key or new_key()
        errors: dict[str, list[str]] = {}
        for p in problems or []:
            errors.setdefault(WORK_FIELDS.get(p.field, p.field if p.field in WORK_FIELDS.values() else "form"),
                              []).append(p.message)
        values = values or {"day": clock.today().isoformat(),
                            "organization": offered.organizations[0][0] if offered.organizations else ""}
        return render_page("work.html", 400 if problems else 200, offered=offered, errors=errors, values=values,
                           key=key, check=form_check(request, key))

    async def log_work(request: Request) -> Response:
        form = await request.form()
        values = {k: str(v) for k, v in form.items()}
        try:
            principal = await run_in_threadpool(signed_in, request)
            key = checked(request, form)
        except LedgerError as exc:
            return refused(request, exc)
        try:
            work = read_work(form)
            done = await run_in_threadpool(members.log_work, uow.acting_as(principal), work, f"work-form:{key}")
        except RuleViolation as exc:
            return await work_form(request, exc.problems, values, key)
        except LedgerError as exc:
            return await work_form(request, [Problem("form", exc.code.lower(), str(exc))], values, key)
        return RedirectResponse(f"/me?year={work.day.year}&recorded={done.event.id}", status_code=303)

    async def new_run(request: Request) -> Response:
        try:
            principal = await run_in_threadpool(signed_in, request)
            organizations = await run_in_threadpool(members.run_form, uow.acting_as(principal))
        except LedgerError as exc:
            return refused(request, exc)
        year, key = clock.today().year - 1, new_key()
        return render_page("new_run.html", organizations=organizations, start=date(year, 1, 1),
                           end=date(year, 12, 31), key=key, check=form_check(request, key))

    async def commit_run(request: Request) -> Response:
        form = await request.form()
        try:
            principal = await run_in_threadpool(signed_in, request)
            key = checked(request, form)
            terms = run_request(form)
            if str(form.get("confirmed", "")) != "yes":
                preview = await run_in_threadpool(dividends.preview, uow.acting_as(principal), terms)
                names = await run_in_threadpool(dividends.agent_names, uow, [
                    preview.terms.organization, *(a.agent for a in preview.allocations)])
                return render_page("confirm_run.html", terms={k: str(v) for k, v in form.items()}, result=preview,
                                   organization=names[preview.terms.organization], names=names, key=key,
                                   check=form_check(request, key))
            done = await run_in_threadpool(dividends.commit, uow.acting_as(principal), terms, f"run-form:{key}")
        except LedgerError as exc:
            return refused(request, exc)
        return RedirectResponse(f"/dividends/{done.run.id}", status_code=303)

    return [
        Route("/session/link/{link}", link_page, methods=["GET"]),
        Route("/session/link", use_link, methods=["POST"]),
        Route("/me", my_page, methods=["GET"]),
        Route("/me/work", work_form, methods=["GET"]),
        Route("/me/work", log_work, methods=["POST"]),
        Route("/dividends/new", new_run, methods=["GET"]),
        Route("/dividends/commit", commit_run, methods=["POST"]),
    ]
