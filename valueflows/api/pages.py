"""Pages for people: the dividend report for the annual meeting (HTML with an SVG chart, printable) and its CSV.

A browser has no Authorization header to send, so the pages also accept the token as a cookie, set by the small
sign-in form at POST /session (HttpOnly, SameSite=Strict: the cookie is never sent by another site's form, and
the GraphQL endpoint ignores it, so it cannot be used to write). The access rules are those of GraphQL: a
committed run is for admins and the members of its organization; a preview is for admins.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import BNode, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from valueflows.api import i18n
from valueflows.api.auth import COOKIE, principal_of
from valueflows.api.negotiation import choose
from valueflows.domain.access import Forbidden, Principal, Unauthenticated
from valueflows.domain.currencies import is_currency, minor_units
from valueflows.domain.errors import LedgerError, Problem, RuleViolation
from valueflows.linkeddata import rdf
from valueflows.reciprocity.policy import local
from valueflows.service import clock, dividends, node
from valueflows.service.dividend_views import preview_json, run_csv, run_json
from valueflows.service.tokens import authenticate, end_session
from valueflows.store.ports import UnitOfWork

CHART_WIDTH = 640
BAR_HEIGHT = 26

_templates = Environment(loader=FileSystemLoader(str(files("valueflows.api") / "templates")),
                         autoescape=select_autoescape(["html"]))


def money(value: str | Decimal, currency: str) -> str:
    """12345.6 EUR -> '12,345.60' in English, '12 345,60' in French (the currency's minor units, grouped as the
    page's language groups them)."""
    return i18n.number(value, minor_units(currency))


def amount(value: str | Decimal, unit: str) -> str:
    """A quantity in a unit: money with its currency's decimals, anything else as exact as it is."""
    return money(value, unit) if is_currency(unit) else i18n.quantity(value)


def percent(share: str | Decimal) -> str:
    return f"{i18n.number(Decimal(share) * 100, 2)} %"


def chart(view: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the bar chart: one bar per member, cash and retained parts side by side, scaled to the largest."""
    rows = [a for a in view["allocations"] if Decimal(a["dividend"]) != 0]
    largest = max((abs(Decimal(a["dividend"])) for a in rows), default=Decimal(0))
    label_width, value_width = 150, 130
    span = CHART_WIDTH - label_width - value_width
    bars = []
    for i, a in enumerate(rows):
        cash, retained = abs(Decimal(a["cash"])), abs(Decimal(a["retained"]))
        scale = Decimal(span) / largest if largest else Decimal(0)
        bars.append({"y": i * BAR_HEIGHT, "name": a["name"], "x": label_width,
                     "cash": float(cash * scale), "retained": float(retained * scale),
                     "label": f"{money(a['dividend'], view['currency'])} ({percent(a['shareOfDividend'])})",
                     "label_x": label_width + float((cash + retained) * scale) + 6})
    return {"width": CHART_WIDTH, "height": len(bars) * BAR_HEIGHT + 30, "bars": bars, "bar": BAR_HEIGHT - 8,
            "legend_y": len(bars) * BAR_HEIGHT + 14}


def page_text(name: str, **context: Any) -> str:
    """A page in the request's language, with the helpers every template may use."""
    return _templates.get_template(name).render(
        money=money, percent=percent, amount=amount, _=i18n.gettext, lang=i18n.current(), languages=i18n.LANGUAGES,
        day=i18n.day, quantity=i18n.quantity, **context)


def organization_html(page: node.OrganizationPage, record: Any, base: str) -> str:
    """An organization's page, with every property of its record below (what the plain record page shows)."""
    legal = page.agent.legal_form.value.replace("_", " ") if page.agent.legal_form else ""
    _, subject, rows = record_rows("agent", record, base)
    return page_text("organization.html", page=page, data_link=subject, legal_form=legal, rows=rows)


def render_page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = page_text(name, **context)
    return HTMLResponse(page, status_code=status, headers={"content-language": i18n.current(),
                                                            "vary": "Accept-Language, Cookie"})


def _refused(request: Request, exc: LedgerError) -> HTMLResponse:
    if isinstance(exc, Unauthenticated):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return render_page("signin.html", 401, next=here,
                     message="This report is for the co-op's members: sign in with your token.")
    if isinstance(exc, Forbidden):
        return render_page("message.html", 403, title="Not for this token", message=str(exc))
    if isinstance(exc, RuleViolation):
        return render_page("message.html", 400, title="Cannot compute this run",
                     message="; ".join(f"{p.field}: {p.message}" for p in exc.problems))
    return render_page("message.html", 404 if exc.code == "NOT_FOUND" else 400, title="Not found", message=str(exc))


def _bad(name: str, value: str | None) -> RuleViolation:
    return RuleViolation([Problem(name, "not_decimal", f"{value!r} is not a decimal number")])


def run_request(q: Mapping[str, Any]) -> dividends.RunRequest:
    """A dividend run's terms as a page's query or form gives them (`from`, `to`, `surplus`, `currency`,
    `reserve`, `cash`, `equation`, `org`), or every problem named by its field."""
    problems = []
    values: dict[str, Any] = {}
    for name in ("from", "to"):
        try:
            values[name] = date.fromisoformat(str(q.get(name, "")))
        except ValueError:
            problems.append(Problem(name, "bad_date", f"{q.get(name)!r} is not a date (YYYY-MM-DD)"))
    for name in ("surplus", "reserve", "cash"):
        try:
            values[name] = Decimal(str(q.get(name, "")))
        except InvalidOperation:
            problems.extend(_bad(name, q.get(name)).problems)
    if problems:
        raise RuleViolation(problems)
    return dividends.RunRequest(values["from"], values["to"], values["surplus"], str(q.get("currency") or "EUR"),
                                values["reserve"], values["cash"], str(q.get("equation") or "") or None,
                                str(q.get("org") or "") or None)


def routes(uow: UnitOfWork) -> list[Route]:
    def view_run(principal: Principal, run_id: str) -> tuple[dict[str, Any], str]:
        found = dividends.read_run(uow.acting_as(principal), run_id)
        ids = [a.agent for a in found.allocations] + [x["agent"] for x in found.run.excluded] + [
            found.run.organization]
        names = dividends.agent_names(uow, ids)
        view = run_json(found, names)
        view["reversedBy"] = dividends.reversal_of(uow.acting_as(principal), run_id, found.run.organization)
        return view, names[found.run.organization]

    def view_preview(principal: Principal, q: Any) -> tuple[dict[str, Any], str]:
        result = dividends.preview(uow.acting_as(principal), run_request(q))
        names = dividends.agent_names(uow, [a.agent for a in result.allocations] + [c.agent for c in result.excluded]
                                      + [result.terms.organization])
        view = preview_json(result, names)
        view["reversedBy"] = None
        return view, names[result.terms.organization]

    async def run_page(request: Request) -> Response:
        run_id: str = request.path_params["run_id"]
        as_csv = run_id.endswith(".csv")
        try:
            principal = await run_in_threadpool(principal_of, uow, request)
            if run_id in ("preview", "preview.csv"):
                view, org = await run_in_threadpool(view_preview, principal, request.query_params)
            else:
                view, org = await run_in_threadpool(view_run, principal, run_id.removesuffix(".csv"))
        except LedgerError as exc:
            return _refused(request, exc)
        if as_csv:
            filename = f"dividends-{view['from']}-{view['to']}.csv"
            return Response(run_csv(view), media_type="text/csv; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{filename}"'})
        csv_link = request.url.path + ".csv" + (f"?{request.url.query}" if request.url.query else "")
        return render_page("dividends.html", view=view, organization=org, chart=chart(view), csv_link=csv_link)

    async def run_list(request: Request) -> Response:
        def find() -> list[Any]:
            return dividends.runs(uow.acting_as(principal_of(uow, request)))
        try:
            runs = await run_in_threadpool(find)
        except LedgerError as exc:
            return _refused(request, exc)
        return render_page("runs.html", runs=runs)

    async def sign_in(request: Request) -> Response:
        form = await request.form()
        token, target = str(form.get("token", "")).strip(), str(form.get("next", "/dividends"))
        if not target.startswith("/") or target.startswith("//"):
            target = "/dividends"  # only this site's pages
        try:
            await run_in_threadpool(authenticate, uow, f"Bearer {token}")
        except Unauthenticated as exc:
            return render_page("signin.html", 401, next=target, message=f"Not signed in: {exc}.")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    async def sign_in_form(request: Request) -> Response:
        target = request.query_params.get("next", "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        return render_page("signin.html", next=target, message=i18n.gettext(
            "Sign in with your token to see what concerns you."))

    async def home(request: Request) -> Response:
        """What this node is and the ways in: a page, or the same as JSON for a machine that asks for it."""
        found = await run_in_threadpool(node.overview, uow, clock.today())
        if choose(request.headers.get("accept"), "html") in ("json", "jsonld"):
            return JSONResponse({
                "organizations": [{"id": o.agent.id, "name": o.agent.name, "members": o.members,
                                   "designs": o.designs} for o in found.organizations],
                "events": found.events, "agents": found.agents, "designs": found.designs,
                "links": {"graphql": "/graphql", "graphqlLegacy": "/graphql/0.8", "shop": "/shop",
                          "meetingReports": "/dividends", "export": "/export", "context": "/context.jsonld",
                          "signIn": "/session", "health": "/healthz", "metrics": "/metrics"}})
        names = [o.agent.name for o in found.organizations if o.members]
        return render_page("home.html", overview=found, title=", ".join(names) or i18n.gettext("A valueflows ledger"))

    async def sign_out(request: Request) -> Response:
        await run_in_threadpool(end_session, uow, request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/dividends", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return [
        Route("/dividends", run_list, methods=["GET"]),
        Route("/dividends/{run_id}", run_page, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/session", sign_in_form, methods=["GET"]),
        Route("/session", sign_in, methods=["POST"]),
        Route("/session/end", sign_out, methods=["POST"]),
    ]



def record_page(kind: str, record: Any, base: str) -> str:
    """A record for a person: its properties, references as links to their own pages."""
    title, subject, rows = record_rows(kind, record, base)
    return page_text("record.html", title=title, subject=subject, rows=rows)


def record_rows(kind: str, record: Any, base: str) -> tuple[str, str, list[tuple[str, str, str | None]]]:
    """A record's title, IRI and properties (name, value, link when the value is a record of this node)."""
    found = list(rdf.triples(kind, record, base))
    subject = found[0][0]
    measures: dict[Any, dict[str, str]] = {}
    for s, p, o in found:
        if isinstance(s, BNode):
            measures.setdefault(s, {})[str(p).rsplit("#", 1)[-1]] = str(o).rsplit("/", 1)[-1]
    rows: list[tuple[str, str, str | None]] = []
    for s, p, o in found:
        if s != subject:
            continue
        name = rdf.compact(str(p)) if str(p) != rdf.RDF_TYPE else "type"
        if isinstance(o, BNode):
            m = measures[o]
            rows.append((name, f"{m.get('hasNumericalValue', '')} {m.get('hasUnit', '')}", None))
        elif isinstance(o, URIRef):
            text = str(o)
            rows.append((name, rdf.compact(text), text if text.startswith(base) else None))
        else:
            rows.append((name, str(o), None))
    title = getattr(record, "name", None) or getattr(record, "label", None) or f"{kind.replace('_', ' ')} {record.id}"
    return title, str(subject), rows


def licence_page(policy: Any) -> str:
    """A licence for a person: what it says, rule by rule, with the clause each comes from."""
    rows = [(f"{r.kind} ({', '.join(sorted(local(a) for a in r.actions))})", f"{r.clause}: {r.text}", None)
            for r in policy.rules]
    rows += [("parameter", f"{k}: {v}", None) for k, v in policy.parameters.items()]
    return page_text("record.html", title=policy.title, subject=policy.source, rows=rows)
