"""Licence decisions, pure: a table of cases per licence, boundaries included, read from the policies in
`licences/` (so a changed figure in a policy changes the answer, not the code)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.reciprocity.decide import Decision, quarter_of
from valueflows.reciprocity.facts import Facts, facts_from_json
from valueflows.reciprocity.policy import PolicyError, policy_from_document
from valueflows.service.licences import check, contexts, policies

COMPANY = {"legal_form": "company", "worker_owned": False, "surplus_to_worker_owners": False}
SALE_Q3 = {"use": "sell", "revenue": D("12000.00"), "currency": "EUR", "date": date(2026, 8, 10)}


def decide(licence: str, **facts: Any) -> Decision:
    return check(licence, Facts(**facts))


def owed(decision: Decision) -> dict[str, Any]:
    return {d.action: d for d in decision.duties}


def test_every_licence_the_issue_names_is_there() -> None:
    assert {"PPL", "LicenseRef-CopyFair-1.0", "PolyForm-Small-Business-1.0.0", "BUSL-1.1",
            "CERN-OHL-S-2.0", "CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0"} <= set(policies())
    for p in policies().values():
        assert p.title and p.source.startswith("http") and p.rules
        assert all(r.clause and r.text for r in p.rules), p.id


# -- CopyFair ---------------------------------------------------------------------------------------------------

def test_copyfair_company_owes_a_share_of_revenue_due_after_the_quarter() -> None:
    d = decide("LicenseRef-CopyFair-1.0", headcount=240, **COMPANY, **SALE_Q3)
    assert d.permitted is True and d.missing == []
    pay = owed(d)["compensate"]
    assert (pay.amount, pay.currency, pay.period, pay.due) == (
        D("360.00"), "EUR", (date(2026, 7, 1), date(2026, 9, 30)), date(2026, 10, 30))
    assert pay.to.endswith("steward") and not pay.minimum_applied
    assert (pay.work_rate, pay.hours) == (D("50.00"), D("7.25"))  # 7.2 h, rounded up to the quarter hour
    assert {"attribute", "ShareAlike"} <= set(owed(d))
    assert any(r.clause == "§3 Reciprocity" and r.outcome == "permits" and "headcount is 240, at least 10" in r.facts
               for r in d.reasons)


@pytest.mark.parametrize(("revenue", "amount", "minimum"), [
    ("0", "100.00", True), ("3333.33", "100.00", True), ("3333.34", "100.00", False), ("3350.00", "100.50", False),
])
def test_copyfair_minimum_per_quarter(revenue: str, amount: str, minimum: bool) -> None:
    d = decide("LicenseRef-CopyFair-1.0", headcount=10, **COMPANY, **{**SALE_Q3, "revenue": D(revenue)})
    pay = owed(d)["compensate"]
    assert (pay.amount, pay.minimum_applied) == (D(amount), minimum)


@pytest.mark.parametrize(("facts", "owes"), [
    ({"legal_form": "worker_coop"}, False), ({"legal_form": "consumer_coop"}, False),
    ({"legal_form": "nonprofit", "headcount": 500}, False), ({"legal_form": "company", "headcount": 9}, False),
    ({"legal_form": "company", "headcount": 10}, True), ({"legal_form": "individual", "headcount": 1}, False),
])
def test_copyfair_exemptions(facts: dict[str, Any], owes: bool) -> None:
    d = decide("LicenseRef-CopyFair-1.0", **facts, **SALE_Q3)
    assert d.permitted is True
    assert ("compensate" in owed(d)) is owes


def test_copyfair_missing_facts_are_named_never_guessed() -> None:
    d = decide("LicenseRef-CopyFair-1.0", legal_form="company", use="sell")
    assert d.permitted is None and d.missing == ["headcount"]
    d = decide("LicenseRef-CopyFair-1.0", legal_form="company", headcount=50, use="sell")
    assert d.permitted is True and d.missing == ["date", "revenue"]
    d = decide("LicenseRef-CopyFair-1.0", headcount=50, legal_form="company", **{**SALE_Q3, "currency": "USD"})
    assert d.missing == ["revenue in EUR"]  # no exchange rate is guessed
    assert decide("LicenseRef-CopyFair-1.0", use="copy", commercial=False).permitted is True


def test_an_overdue_obligation_holds_the_permission_back() -> None:
    d = check("LicenseRef-CopyFair-1.0", Facts(legal_form="company", headcount=50, **SALE_Q3),
              overdue=("of 100.00 EUR to Atelier Commun, due 2026-04-30",))
    assert d.permitted is False
    assert "permitted once the overdue obligation of 100.00 EUR to Atelier Commun, due 2026-04-30 is settled" in \
        d.reasons[-1].facts


def test_quarters() -> None:
    assert quarter_of(date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2028, 12, 31)) == (date(2028, 10, 1), date(2028, 12, 31))


# -- the permissive baseline and CERN-OHL-S -------------------------------------------------------------------

@pytest.mark.parametrize(("licence", "duties"), [
    ("CC0-1.0", set()), ("CC-BY-4.0", {"attribute"}), ("CC-BY-SA-4.0", {"attribute", "ShareAlike"}),
    ("CERN-OHL-S-2.0", {"Notice", "SourceCode", "ShareAlike"}),
])
def test_selling_adaptations(licence: str, duties: set[str]) -> None:
    d = decide(licence, adapted=True, headcount=5000, **COMPANY, **SALE_Q3)
    assert d.permitted is True and set(owed(d)) == duties


def test_share_alike_only_for_shared_adaptations() -> None:
    assert set(owed(decide("CC-BY-SA-4.0", use="distribute", adapted=False, commercial=True))) == {"attribute"}
    assert owed(decide("CC-BY-SA-4.0", use="use", commercial=True)) == {}  # private use: no duty
    d = decide("CC-BY-SA-4.0", use="distribute", commercial=False)
    assert owed(d)["ShareAlike"].applies is None and d.missing == ["adapted"]
    assert set(owed(decide("CERN-OHL-S-2.0", use="modify", adapted=True, commercial=True))) == set()


# -- Peer Production License ---------------------------------------------------------------------------------

WORKER_COOP = {"legal_form": "worker_coop", "worker_owned": True, "surplus_to_worker_owners": True}


@pytest.mark.parametrize(("who", "use", "commercial", "permitted", "clause"), [
    (WORKER_COOP, "sell", True, True, "§4(c)"),
    ({**WORKER_COOP, "surplus_to_worker_owners": False}, "sell", True, False, "§4(b), §4(c)"),  # keeps surplus
    ({**WORKER_COOP, "surplus_to_worker_owners": False}, "copy", False, True, "§3 License Grant, §4(b)"),
    (COMPANY, "sell", True, False, "§4(d)"),
    (COMPANY, "copy", False, False, "§4(d)"),  # any use by a firm living on wage labour
    ({"legal_form": "nonprofit", "worker_owned": False}, "distribute", False, True, "§3 License Grant, §4(b)"),
    ({"legal_form": "nonprofit", "worker_owned": False}, "sell", True, False, "§4(b), §4(c)"),
])
def test_ppl(who: dict[str, Any], use: str, commercial: bool, permitted: bool, clause: str) -> None:
    d = decide("PPL", use=use, commercial=commercial, **who)
    assert d.permitted is permitted
    assert any(r.clause == clause and r.outcome == ("permits" if permitted else "forbids") for r in d.reasons)


def test_ppl_needs_to_know_who_owns_the_business() -> None:
    d = decide("PPL", use="sell", legal_form="worker_coop")
    assert d.permitted is None and d.missing == ["surplusToWorkerOwners", "workerOwned"]


# -- PolyForm Small Business: strictly under 100 people and 1,000,000 USD, over the whole group ------------------

@pytest.mark.parametrize(("people", "revenue", "permitted"), [
    (99, "999999.99", True), (100, "999999.99", False), (99, "1000000", False), (100, "1000000.00", False),
    (0, "0", True),
])
def test_polyform_boundaries(people: int, revenue: str, permitted: bool) -> None:
    d = decide("PolyForm-Small-Business-1.0.0", use="sell", commercial=True, group_headcount=people,
               group_revenue=D(revenue), revenue_currency="USD")
    assert d.permitted is permitted
    if not permitted:
        assert any(r.outcome == "does not apply" for r in d.reasons)


def test_polyform_counts_the_group_and_never_converts_currencies() -> None:
    small_subsidiary = decide("PolyForm-Small-Business-1.0.0", use="use", commercial=True, headcount=12,
                              group_headcount=240, group_revenue=D("38000000"), revenue_currency="USD")
    assert small_subsidiary.permitted is False
    in_euros = decide("PolyForm-Small-Business-1.0.0", use="use", commercial=True, group_headcount=12,
                      group_revenue=D("400000"), revenue_currency="EUR")
    assert in_euros.permitted is None and in_euros.missing == ["groupRevenue in USD"]
    d = decide("PolyForm-Small-Business-1.0.0", use="distribute", commercial=False, group_headcount=3,
               group_revenue=D(0), revenue_currency="USD")
    assert d.permitted is True and set(owed(d)) == {"Notice"}


# -- Business Source License: non-production use until the change date, then the change licence ---------------

@pytest.mark.parametrize(("facts", "permitted", "missing"), [
    ({"use": "use", "production": False, "commercial": True, "date": date(2026, 5, 1)}, True, []),
    ({"use": "use", "production": True, "commercial": True, "date": date(2029, 12, 31),
      "first_published": date(2026, 1, 15)}, False, []),
    ({"use": "use", "production": True, "commercial": True, "date": date(2030, 1, 1)}, True, []),  # change date
    ({"use": "use", "production": True, "commercial": True, "date": date(2029, 3, 1),
      "first_published": date(2025, 3, 1)}, True, []),  # the fourth anniversary comes first
    ({"use": "use", "production": True, "commercial": True, "date": date(2029, 2, 28),
      "first_published": date(2025, 3, 1)}, False, []),
    ({"use": "use", "production": True, "commercial": True, "date": date(2027, 1, 1)}, None, ["firstPublished"]),
    ({"use": "copy", "commercial": False}, True, []),
])
def test_busl_change_date(facts: dict[str, Any], permitted: bool | None, missing: list[str]) -> None:
    d = decide("BUSL-1.1", **facts)
    assert (d.permitted, d.missing) == (permitted, missing)


def test_busl_after_the_change_brings_the_change_licence_duties() -> None:
    d = decide("BUSL-1.1", use="distribute", commercial=True, adapted=True, date=date(2030, 6, 1))
    assert d.permitted is True and set(owed(d)) == {"Notice", "SourceCode", "ShareAlike"}


# -- facts from JSON, and policies that cannot be read --------------------------------------------------------

def test_facts_from_json() -> None:
    f = facts_from_json({"legalForm": "worker_coop", "headcount": 12, "groupRevenue": "999999.99",
                         "revenueCurrency": "USD", "commercial": True, "use": "sell", "date": "2026-05-01",
                         "revenue": 1200.5})
    assert (f.legal_form, f.headcount, f.group_revenue, f.revenue, f.date) == (
        "worker_coop", 12, D("999999.99"), D("1200.5"), date(2026, 5, 1))
    with pytest.raises(RuleViolation) as e:
        facts_from_json({"headcont": 3, "headcount": -1, "commercial": "yes", "use": "steal", "date": "soon",
                         "legalForm": "cartel", "revenue": "1e9"})
    assert {p.field for p in e.value.problems} == {"headcont", "headcount", "commercial", "use", "date",
                                                   "legalForm", "revenue"}


@pytest.mark.parametrize("document", [
    {"@context": "https://example.org/remote-context.jsonld", "uid": "x", "type": "Set"},
    {"@context": {"odrl": "http://www.w3.org/ns/odrl/2/"}, "@type": "odrl:Set"},
    {"@context": "https://w3id.org/valueflows-ledger/contexts/policy.jsonld", "type": "Set", "identifier": "X",
     "permission": [{"action": "odrl:use", "constraint": {"leftOperand": "vfl:headcount", "operator": "odrl:near",
                                                          "rightOperand": 3}}]},
])
def test_unreadable_policies_are_refused(document: dict[str, Any]) -> None:
    with pytest.raises(PolicyError):
        policy_from_document(document, contexts())
