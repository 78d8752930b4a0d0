"""Dividend runs and contribution reports as plain data: JSON for the CLI and API, CSV for spreadsheets.

One place decides the columns and wording, so the CLI, the CSV download and the meeting page agree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from valueflows.accounting.contributions import ContributionReport
from valueflows.accounting.dividends import DividendResult, six_places
from valueflows.domain.chain import plain
from valueflows.domain.currencies import amount_text, money_text
from valueflows.domain.quantities import canonical
from valueflows.service.dividends import CommittedRun, MemberStatement

RUN_COLUMNS = ["agent", "name", "points", "share of the dividend", "dividend", "cash", "retained"]


def _lines(found: Iterable[dict[str, Any]], currency: str) -> list[dict[str, Any]]:
    """Why money stays undistributed, each line with its currency."""
    return [{**line, "currency": currency} for line in found]


def _explanation(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(line) for line in lines]


def preview_json(result: DividendResult, names: dict[str, str] | None = None) -> dict[str, Any]:
    t = result.terms
    cur = t.currency
    names = names or {}
    return {
        "committed": False, "organization": t.organization, "from": t.start.isoformat(), "to": t.end.isoformat(),
        "currency": cur, "surplus": money_text(t.surplus, cur), "reserveRate": canonical(t.reserve_rate),
        "cashRate": canonical(t.cash_rate), "basis": "hours" if result.equation.id == "hours" else "equation",
        "equation": None if result.equation.id == "hours" else
        {"id": result.equation.id, "name": result.equation.name, "version": result.equation.version},
        "reserve": money_text(result.reserve, cur), "distributable": money_text(result.distributable, cur),
        "distributed": money_text(result.distributed, cur), "undistributed": money_text(result.undistributed, cur),
        "undistributedDetail": _lines(result.valuation.undistributed_lines(), cur),
        "allocations": [{"agent": a.agent, "name": names.get(a.agent, a.agent),
                         "points": canonical(six_places(a.points)),
                         "shareOfDividend": canonical(six_places(a.share)),
                         "dividend": money_text(a.dividend, cur), "cash": money_text(a.cash, cur),
                         "retained": money_text(a.retained, cur), "explanation": a.explain()}
                        for a in result.allocations],
        "excluded": [{"agent": c.agent, "name": names.get(c.agent, c.agent), "action": c.action, "kind": c.kind,
                      "unit": c.unit, "quantity": canonical(c.quantity), "events": c.events} for c in result.excluded],
        "adjustments": [{**x, "name": names.get(x["agent"], x["agent"])} for x in result.adjustments],
        "withheld": [],
    }


def run_json(committed: CommittedRun, names: dict[str, str] | None = None) -> dict[str, Any]:
    r = committed.run
    cur = r.currency
    names = names or {}
    return {
        "committed": True, "id": r.id, "organization": r.organization, "from": r.period_start.isoformat(),
        "to": r.period_end.isoformat(), "currency": cur, "surplus": money_text(r.surplus, cur),
        "reserveRate": canonical(r.reserve_rate), "cashRate": canonical(r.cash_rate), "basis": r.basis,
        "equation": r.equation, "reserve": money_text(r.reserve, cur),
        "distributable": money_text(r.surplus - r.reserve, cur), "distributed": money_text(r.distributed, cur),
        "undistributed": money_text(r.undistributed, cur),
        "undistributedDetail": _lines(r.undistributed_detail, cur),
        "reverses": r.reverses, "withheld": sorted(committed.withheld),
        "createdAt": plain(r.created_at), "ledgerSequence": r.ledger_seq,
        "ledgerHash": r.ledger_hash, "eventsDigest": r.events_digest, "eventsRead": r.events_read, "note": r.note,
        "allocations": [{"agent": a.agent, "name": names.get(a.agent, a.agent), "points": canonical(a.points),
                         "shareOfDividend": canonical(a.share), "dividend": money_text(a.dividend, cur),
                         "cash": money_text(a.cash, cur), "retained": money_text(a.retained, cur),
                         "explanation": _explanation(a.explanation)}
                        for a in committed.allocations],
        "excluded": [{**x, "name": names.get(x["agent"], x["agent"])} for x in r.excluded],
        "adjustments": [{**x, "name": names.get(x["agent"], x["agent"])} for x in r.adjustments],
        "claims": [{"id": c.id, "provider": c.provider, "receiver": c.receiver, "action": c.action,
                    "classifiedAs": list(c.resource_classified_as),
                    "amount": money_text(c.resource_quantity.has_numerical_value, c.resource_quantity.has_unit)
                    if c.resource_quantity else None,
                    "currency": c.resource_quantity.has_unit if c.resource_quantity else None, "note": c.note}
                   for c in committed.claims],
    }


def statement_json(s: MemberStatement) -> dict[str, Any]:
    """A member's statement: money in the currency of its runs, with that currency's decimals."""
    c = s.contribution
    cur = s.currency or ""

    def cash(value: Decimal) -> str:
        return money_text(value, cur) if cur else canonical(value)

    return {
        "agent": s.agent, "organization": s.organization, "from": s.start.isoformat(), "to": s.end.isoformat(),
        "memberships": [{"since": m.since.isoformat(), "until": m.until.isoformat() if m.until else None}
                        for m in s.memberships],
        "hours": canonical(c.hours) if c else "0", "totalHours": canonical(s.total_hours),
        "shareOfHours": canonical(c.share) if c else "0",
        "otherContributions": [{"action": o.action, "unit": o.unit, "kind": o.kind, "quantity": canonical(o.quantity)}
                               for o in (c.other if c else [])],
        "adjustments": [dict(x) for x in s.adjustments],
        "dividends": [{"run": line.run.id, "reverses": line.run.reverses,
                       "dividend": cash(line.allocation.dividend), "cash": cash(line.allocation.cash),
                       "retained": cash(line.allocation.retained),
                       "shareOfDividend": canonical(line.allocation.share)} for line in s.dividends],
        "dividend": cash(s.dividend), "cash": cash(s.cash), "retained": cash(s.retained),
        "capitalAccount": cash(s.capital_account), "currency": s.currency,
    }


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def run_csv(view: dict[str, Any]) -> str:
    """One row per member, then the reserve, what stays undistributed and the surplus they add up to."""
    cur = view["currency"]
    rows = [[a["agent"], a["name"], a["points"], a["shareOfDividend"], money_text(a["dividend"], cur),
             money_text(a["cash"], cur), money_text(a["retained"], cur)] for a in view["allocations"]]
    for label in ("reserve", "undistributed", "surplus"):
        rows.append(["", label, "", "", money_text(view[label], cur), "", ""])
    return _csv([*RUN_COLUMNS[:4], f"dividend ({view['currency']})", "cash", "retained"], rows)


def contributions_json(report: ContributionReport, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {
        "totalHours": canonical(report.total_hours),
        "receiver": report.receiver,
        "contributors": [{"agent": c.agent, "name": names.get(c.agent, c.agent), "hours": canonical(c.hours),
                          "shareOfHours": canonical(c.share), "events": c.events,
                          "points": canonical(c.points) if c.points is not None else None,
                          "hoursByKind": {k or "": canonical(v) for k, v in c.hours_by_kind.items()},
                          "other": [{"action": o.action, "unit": o.unit, "kind": o.kind,
                                     "quantity": amount_text(o.quantity, o.unit)} for o in c.other]}
                         for c in report.contributors],
        "processes": report.processes, "cycles": report.cycles,
        "exchanges": [{"agent": x.agent, "name": names.get(x.agent, x.agent), "action": x.action, "kind": x.kind,
                       "unit": x.unit, "quantity": amount_text(x.quantity, x.unit), "events": x.events}
                      for x in report.exchanges],
    }


def contributions_csv(report: ContributionReport, names: dict[str, str] | None = None) -> str:
    """Long format: one row per agent and kind of contribution (hours by kind of work, then other flows); the
    agent's share of hours and points (under the report's equation, if any) on each of its rows."""
    names = names or {}
    rows = []
    for c in report.contributors:
        points = canonical(c.points) if c.points is not None else ""
        for kind, hours in c.hours_by_kind.items():
            rows.append([c.agent, names.get(c.agent, c.agent), "work", kind or "", "hour", canonical(hours),
                         canonical(c.share), points])
        for o in c.other:
            rows.append([c.agent, names.get(c.agent, c.agent), o.action, o.kind or "", o.unit, canonical(o.quantity),
                         canonical(c.share), points])
    return _csv(["agent", "name", "action", "kind", "unit", "quantity", "share of hours", "points"], rows)
