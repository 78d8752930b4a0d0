"""The open-shop page: a seller picks a design, describes their organisation and intended use in a plain form,
and reads the answer in plain words: may they, what must they do, what do they owe and when.

A public page (decisions are public: the licences are). The form is sent with GET, so an answer is a link one
can share; it writes nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from valueflows.api.pages import render_page
from valueflows.domain.errors import LedgerError, RuleViolation
from valueflows.domain.model import LegalForm
from valueflows.reciprocity.decide import Decision
from valueflows.reciprocity.facts import USES, facts_from_json
from valueflows.reciprocity.words import duty_words, fact_words, headline
from valueflows.service import licences, obligations
from valueflows.store.ports import UnitOfWork

LEGAL_FORMS = {
    LegalForm.WORKER_COOP.value: "Worker co-operative",
    LegalForm.MULTI_STAKEHOLDER_COOP.value: "Multi-stakeholder co-operative",
    LegalForm.CONSUMER_COOP.value: "Consumer co-operative",
    LegalForm.NONPROFIT.value: "Non-profit or association",
    LegalForm.COMPANY.value: "Company",
    LegalForm.INDIVIDUAL.value: "Individual",
}
USE_WORDS = {"use": "Use it", "copy": "Copy it", "modify": "Adapt it", "distribute": "Share or distribute it",
             "sell": "Sell products made with it"}
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


def routes(uow: UnitOfWork) -> list[Route]:
    async def shop(_: Request) -> Response:
        designs = await run_in_threadpool(obligations.licensed_resources, uow)
        titles = {p.id: p.title for p in licences.policies().values()}
        return render_page("shop.html", designs=designs, titles=titles)

    async def design(request: Request) -> Response:
        resource_id = request.path_params["resource"]
        found = await run_in_threadpool(obligations.licensed_resources, uow)
        chosen = next((d for d in found if d.resource.id == resource_id), None)
        if chosen is None:
            return render_page("message.html", 404, title="No such design",
                               message=f"no licensed design {resource_id!r}")
        assert chosen.resource.licence is not None
        policy = licences.policy(chosen.resource.licence)
        form = request.query_params
        answer: Decision | None = None
        problems: list[str] = []
        if form.get("use"):
            try:
                answer = licences.check(policy.id, facts_from_json(facts_from_form(form)))
            except RuleViolation as exc:
                problems = [f"{fact_words(p.field)}: {p.message}" for p in exc.problems]
            except LedgerError as exc:
                problems = [str(exc)]
        status = 400 if problems else 200
        return render_page("shop_design.html", status, design=chosen, policy=policy, form=form, answer=answer,
                     problems=problems, summary=headline(answer) if answer else "", legal_forms=LEGAL_FORMS,
                     uses=[(u, USE_WORDS[u]) for u in USES], duty_words=duty_words,
                     missing_words=[fact_words(m) for m in answer.missing] if answer else [])

    return [Route("/shop", shop, methods=["GET"]), Route("/shop/{resource}", design, methods=["GET"])]
