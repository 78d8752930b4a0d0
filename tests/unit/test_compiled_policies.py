"""The compiled policies answer as the engine reads them: for every licence in `licences/` and a policy made to
reach every statement the compiler writes (prohibitions, every operator, nesting, units, a fact of the wrong kind,
a fact we are never told), the answer and the amount owed of a decision equal those the engine works out clause by
clause (`explain`, the oracle here), on random facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from valueflows.reciprocity.compiled import compile_policy
from valueflows.reciprocity.decide import decide, explain
from valueflows.reciprocity.facts import USES, Facts
from valueflows.reciprocity.policy import Policy, policy_from_document
from valueflows.service.licences import contexts, policies

CONTEXT = "https://w3id.org/valueflows-ledger/contexts/policy.jsonld"
CODE = "x'); import os; os._exit(3) #"  # operands are values, never text of the evaluator

# every operator, a prohibition that may be undecided, nested and/or, a unit, a comparison of the wrong kind
# (headcount against text), a fact no one is ever asked for, and compensation with a condition
EVERY_STATEMENT = {
    "@context": CONTEXT, "type": "Set", "identifier": "LicenseRef-Every-Statement", "title": "t",
    "source": "https://example.org/t",
    "prohibition": [{
        "uid": "#no-large-sales", "clause": "§9", "description": "no large sales",
        "action": ["vfl:sellProducts"],
        "constraint": {"and": [{"leftOperand": "vfl:headcount", "operator": "odrl:gt",
                                "rightOperand": {"@value": "500", "@type": "xsd:integer"}},
                               {"leftOperand": "vfl:workerOwned", "operator": "odrl:neq", "rightOperand": True}]}},
        {"uid": "#never", "clause": "§8", "description": "asks what no one is asked", "action": ["odrl:derive"],
         "constraint": {"leftOperand": "vfl:shoeSize", "operator": "odrl:eq", "rightOperand": 42}}],
    "permission": [
        {"uid": "#open", "clause": "§1", "description": "open uses", "action": ["odrl:use", "odrl:reproduce"],
         "constraint": {"or": [{"leftOperand": "vfl:legalForm", "operator": "odrl:isNoneOf",
                                "rightOperand": ["company", CODE]},
                               {"leftOperand": "vfl:headcount", "operator": "odrl:lteq",
                                "rightOperand": {"@value": "9", "@type": "xsd:integer"}}]}},
        {"uid": "#trade", "clause": "§2", "description": "trade",
         "action": ["vfl:sellProducts", "cc:CommercialUse", "odrl:distribute", "odrl:derive"],
         "constraint": {"and": [
             {"or": [{"leftOperand": "vfl:annualRevenue", "operator": "odrl:lt",
                      "rightOperand": {"@value": "250000", "@type": "xsd:decimal"}, "unit": "vfl:EUR"},
                     {"leftOperand": "vfl:production", "operator": "odrl:eq", "rightOperand": False}]},
             {"leftOperand": "vfl:headcount", "operator": "odrl:gteq", "rightOperand": "ten"},
             {"leftOperand": "odrl:dateTime", "operator": "odrl:gteq",
              "rightOperand": {"@value": "2026-01-01", "@type": "xsd:date"}}]},
         "duty": [{"action": "odrl:compensate", "description": "pay a share",
                   "constraint": {"leftOperand": "vfl:use", "operator": "odrl:isAnyOf",
                                  "rightOperand": ["sell", "distribute"]},
                   "refinement": [
                       {"leftOperand": "vfl:revenueShare", "operator": "odrl:eq",
                        "rightOperand": {"@value": "0.05", "@type": "xsd:decimal"}},
                       {"leftOperand": "vfl:payAmount", "operator": "odrl:eq",
                        "rightOperand": {"@value": "20.00", "@type": "xsd:decimal"}, "unit": "vfl:EUR"}]}]},
        {"uid": "#trade-small", "clause": "§3", "description": "small trade",
         "action": ["vfl:sellProducts", "cc:CommercialUse"],
         "constraint": {"leftOperand": "vfl:headcount", "operator": "odrl:lt",
                        "rightOperand": {"@value": "10", "@type": "xsd:integer"}},
         "duty": [{"action": "odrl:compensate", "description": "pay a flat fee",
                   "refinement": [{"leftOperand": "vfl:payAmount", "operator": "odrl:eq",
                                   "rightOperand": {"@value": "15", "@type": "xsd:decimal"}, "unit": "vfl:EUR"}]}]},
    ],
}


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


FACTS = st.builds(
    Facts,
    legal_form=maybe(st.sampled_from(["worker_coop", "consumer_coop", "nonprofit", "company", "individual",
                                      "multi_stakeholder_coop", CODE])),
    worker_owned=maybe(st.booleans()), surplus_to_worker_owners=maybe(st.booleans()),
    headcount=maybe(st.sampled_from([0, 1, 9, 10, 11, 99, 100, 101, 500, 501])),
    annual_revenue=maybe(st.sampled_from([Decimal(0), Decimal("249999.99"), Decimal(250000)])),
    revenue_currency=maybe(st.sampled_from(["EUR", "USD"])),
    group_headcount=maybe(st.sampled_from([1, 99, 100, 5000])),
    group_revenue=maybe(st.sampled_from([Decimal("999999.99"), Decimal(1000000)])),
    use=st.sampled_from(USES), commercial=maybe(st.booleans()), production=maybe(st.booleans()),
    adapted=maybe(st.booleans()),
    revenue=maybe(st.decimals(min_value=0, max_value=100000, places=2)),
    currency=maybe(st.sampled_from(["EUR", "USD"])),
    date=maybe(st.dates(min_value=date(2025, 1, 1), max_value=date(2032, 12, 31))),
    first_published=maybe(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))))


def every_policy() -> list[Policy]:
    return [*policies().values(), policy_from_document(EVERY_STATEMENT, contexts())]


def owed_by_words(policy: Policy, facts: Facts, overdue: tuple[str, ...]) -> Decimal | None:
    words = explain(policy, facts, overdue)
    return next((d.amount for d in words.duties if d.action == "compensate" and d.amount is not None), None)


@settings(max_examples=400, deadline=None)
@given(facts=FACTS, overdue=st.sampled_from([(), ("obligation-1",)]), index=st.integers(0, 8))
def test_the_compiled_answer_is_the_engines(facts: Facts, overdue: tuple[str, ...], index: int) -> None:
    policy = every_policy()[index]
    decision = decide(policy, facts, overdue)
    words = explain(policy, facts, overdue)
    assert decision.permitted is words.permitted, (policy.id, facts)
    assert decision.compensation == owed_by_words(policy, facts, overdue), (policy.id, facts)
    # the words of a decision are the engine's
    assert (decision.reasons, decision.duties, decision.missing) == (words.reasons, words.duties, words.missing)


def test_every_statement_is_reached() -> None:
    """The made-up policy decides each way: permitted, forbidden by its prohibition, undecided, and owing."""
    policy = policy_from_document(EVERY_STATEMENT, contexts())
    big = Facts(legal_form="company", headcount=600, worker_owned=False, use="sell", annual_revenue=Decimal(1),
                revenue_currency="EUR", date=date(2026, 5, 1), revenue=Decimal(1000), currency="EUR")
    assert decide(policy, big).permitted is False  # the prohibition holds
    assert decide(policy, Facts(use="sell", headcount=600)).permitted is None  # it may hold: worker_owned unknown
    small = Facts(legal_form="company", headcount=5, use="sell", revenue=Decimal(1000), currency="EUR")
    decision = decide(policy, small)
    # §2 compares headcount with the text "ten": not known, so §3 alone grants it, with its flat fee
    assert (decision.permitted, decision.compensation) == (True, Decimal("15.00"))
    assert decide(policy, Facts(legal_form="worker_coop", use="copy", commercial=False)).permitted is True
    # the text of code is a value like any other: excluded by §1, nothing else grants copying
    assert decide(policy, Facts(legal_form=CODE, headcount=50, use="copy", commercial=False)).permitted is False
    # a prohibition on a fact no one is ever asked for leaves adapting undecided, naming that fact
    adapting = decide(policy, Facts(legal_form="company", headcount=5, use="modify", commercial=False,
                                    annual_revenue=Decimal(1), revenue_currency="EUR", date=date(2026, 5, 1)))
    assert (adapting.permitted, adapting.missing) == (None, ["headcount (a str)", "shoeSize"])


def test_a_policy_is_compiled_once() -> None:
    policy = policies()["LicenseRef-CopyFair-1.0"]
    assert compile_policy(policy) is compile_policy(policy)


def test_a_decision_can_withhold_without_changing_its_answer() -> None:
    d = decide(policies()["LicenseRef-CopyFair-1.0"], Facts(legal_form="company", headcount=50, use="sell",
                                                            revenue=Decimal(10000), currency="EUR",
                                                            date=date(2026, 2, 1)))
    hidden = d.withholding("overdue")
    assert (hidden.permitted, hidden.compensation, hidden.withheld, d.withheld) == (
        True, Decimal("300.00"), ("overdue",), ())
