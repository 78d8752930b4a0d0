"""The open-shop page: a seller picks a design, describes their organisation and intended use in a plain form,
and reads the answer in plain words: may they, what must they do, what do they owe and when.

A public page (decisions are public: the licences are). The form is sent with GET, so an answer is a link one
can share; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from valueflows.api import i18n
from valueflows.api.pages import money, render_page
from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.domain.model import LegalForm
from valueflows.reciprocity.decide import Decision
from valueflows.reciprocity.facts import USES, facts_from_json
from valueflows.reciprocity.words import Voice, duty_words, fact_words, headline
from valueflows.service import declarations, licences, obligations
from valueflows.store.ports import UnitOfWork


def legal_forms() -> dict[str, str]:
    _ = i18n.gettext
    return {
        LegalForm.WORKER_COOP.value: _("Worker co-operative"),
        LegalForm.MULTI_STAKEHOLDER_COOP.value: _("Multi-stakeholder co-operative"),
        LegalForm.CONSUMER_COOP.value: _("Consumer co-operative"),
        LegalForm.NONPROFIT.value: _("Non-profit or association"),
        LegalForm.COMPANY.value: _("Company"),
        LegalForm.INDIVIDUAL.value: _("Individual"),
    }


def use_words() -> dict[str, str]:
    _ = i18n.gettext
    return {"use": _("Use it"), "copy": _("Copy it"), "modify": _("Adapt it"),
            "distribute": _("Share or distribute it"), "sell": _("Sell products made with it")}


def voice() -> Voice:
    """The licence engine's plain words in the page's language, with money and days written its way."""
    language = i18n.current()
    return Voice(_=i18n.gettext,
                 money=lambda amount, currency: f"{money(amount, currency or '')} {currency or ''}".rstrip(),
                 day=lambda d: format_date(d, "d MMMM y", locale=language),  # 30 October 2026, 30 octobre 2026
                 short_day=lambda d: format_date(d, "dd MMM y", locale=language),  # 01 Jul 2026, 01 juil. 2026
                 hours=i18n.quantity)
YES_NO = {"yes": True, "no": False}
FIELDS = {  # form field -> fact key (the same keys as a facts file)
    "legal_form": "legalForm", "headcount": "headcount", "group_headcount": "groupHeadcount",
    "group_revenue": "groupRevenue", "revenue_currency": "revenueCurrency", "use": "use",
    "revenue": "revenue", "currency": "currency", "date": "date", "first_published": "firstPublished",
}
CHOICES = {"worker_owned": "workerOwned", "surplus": "surplusToWorkerOwners", "commercial": "commercial",
           "adapted": "adapted", "production": "production"}
COUNTS = {"headcount", "groupHeadcount"}


def facts_from_form(form: Any) -> dict[str, Any]:
    """The form's answers as a facts document; an empty answer is an unknown fact."""
    raw: dict[str, Any] = {}
    for field, key in FIELDS.items():
        value = str(form.get(field, "")).strip()
        if value:
            raw[key] = int(value) if key in COUNTS and value.isdigit() else value
    for field, key in CHOICES.items():
        value = form.get(field, "")
        if value in YES_NO:
            raw[key] = YES_NO[value]
    return raw


@dataclass(frozen=True)
class Shown:
    """A design as the shop shows it: this node's, or another node's that this node follows."""

    name: str
    steward: str
    licence: str
    href: str  # its page in the shop
    action: str  # where its form is sent
    iri: str = ""
    node: str | None = None  # the other node's host; None: this node

    @staticmethod
    def local(d: obligations.Design) -> Shown:
        href = f"/shop/{quote(d.resource.id, safe='')}"
        return Shown(d.resource.name, d.steward, d.resource.licence or "", href, href)

    @staticmethod
    def remote(d: declarations.RemoteDesign) -> Shown:
        return Shown(d.name, d.steward_name, d.licence, f"/shop?design={quote(d.iri, safe='')}", "/shop", d.iri,
                     d.node)


def routes(uow: UnitOfWork) -> list[Route]:
    async def shop(request: Request) -> Response:
        if "design" in request.query_params:  # a design of another node, by its IRI
            try:
                found = await run_in_threadpool(declarations.remote_design, uow, request.query_params["design"])
            except LedgerError:
                return _missing(request.query_params["design"])
            return _page(request, Shown.remote(found))
        local = await run_in_threadpool(obligations.licensed_resources, uow)
        remote = await run_in_threadpool(declarations.remote_designs, uow)
        titles = {p.id: p.title for p in licences.policies().values()}
        return render_page("shop.html", designs=[*map(Shown.local, local), *map(Shown.remote, remote)],
                           titles=titles)

    async def design(request: Request) -> Response:
        resource_id = request.path_params["resource"]
        found = await run_in_threadpool(obligations.licensed_resources, uow)
        chosen = next((d for d in found if d.resource.id == resource_id), None)
        if chosen is None:
            return _missing(resource_id)
        return _page(request, Shown.local(chosen))

    return [Route("/shop", shop, methods=["GET"]), Route("/shop/{resource}", design, methods=["GET"])]


def _missing(which: str) -> Response:
    return render_page("message.html", 404, title=i18n.gettext("No such design"),
                       message=i18n.gettext("No licensed design here has the id") + f" {which!r}")


def _page(request: Request, chosen: Shown) -> Response:
    """A design's page: its licence, and the answer to the form when it was sent."""
    policy = licences.policy(chosen.licence)
    form = request.query_params
    answer: Decision | None = None
    problems: list[str] = []
    said = voice()
    if form.get("use"):
        try:
            answer = licences.check(policy.id, facts_from_json(facts_from_form(form)))
        except RuleViolation as exc:
            problems = [f"{fact_words(p.field, said)}: {p.message}" for p in exc.problems]
        except LedgerError as exc:
            problems = [str(exc)]
    status = 400 if problems else 200
    return render_page("shop_design.html", status, design=chosen, policy=policy, form=form, answer=answer,
                       problems=problems, summary=headline(answer, said) if answer else "",
                       legal_forms=legal_forms(), uses=[(u, use_words()[u]) for u in USES],
                       duty_words=lambda d: duty_words(d, said),
                       missing_words=[fact_words(m, said) for m in answer.missing] if answer else [])
