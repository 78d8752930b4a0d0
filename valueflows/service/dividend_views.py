"""Dividend runs and contribution reports as plain data: JSON for the CLI and API, CSV for spreadsheets.

One place decides the columns and wording, so the CLI, the CSV download and the meeting page agree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from valueflows.accounting.allocation import MINOR_UNITS
from valueflows.accounting.contributions import ContributionReport
from valueflows.accounting.dividends import DividendResult, six_places
from valueflows.domain.quantities import canonical
from valueflows.service.dividends import CommittedRun

RUN_COLUMNS = ["agent", "name", "points", "share", "dividend", "cash", "retained"]


def preview_json(result: DividendResult, names: dict[str, str] | None = None) -> dict[str, Any]:
    t = result.terms
    names = names or {}
    return {
        "committed": False, "organization": t.organization, "from": t.start.isoformat(), "to": t.end.isoformat(),
        "currency": t.currency, "surplus": canonical(t.surplus), "reserveRate": canonical(t.reserve_rate),
        "cashRate": canonical(t.cash_rate), "basis": "hours" if result.equation.id == "hours" else "equation",
        "equation": None if result.equation.id == "hours" else
        {"id": result.equation.id, "name": result.equation.name, "version": result.equation.version},
        "reserve": canonical(result.reserve), "distributable": canonical(result.distributable),
        "distributed": canonical(result.distributed), "undistributed": canonical(result.undistributed),
        "undistributedDetail": result.valuation.undistributed_lines(),
        "allocations": [{"agent": a.agent, "name": names.get(a.agent, a.agent),
                         "points": canonical(six_places(a.points)), "share": canonical(six_places(a.share)),
                         "dividend": canonical(a.dividend), "cash": canonical(a.cash),
                         "retained": canonical(a.retained), "explanation": a.explain()} for a in result.allocations],
        "excluded": [{"agent": c.agent, "name": names.get(c.agent, c.agent), "action": c.action, "kind": c.kind,
                      "unit": c.unit, "quantity": canonical(c.quantity), "events": c.events} for c in result.excluded],
    }


def run_json(committed: CommittedRun, names: dict[str, str] | None = None) -> dict[str, Any]:
    r = committed.run
    names = names or {}
    return {
        "committed": True, "id": r.id, "organization": r.organization, "from": r.period_start.isoformat(),
        "to": r.period_end.isoformat(), "currency": r.currency, "surplus": canonical(r.surplus),
        "reserveRate": canonical(r.reserve_rate), "cashRate": canonical(r.cash_rate), "basis": r.basis,
        "equation": r.equation, "reserve": canonical(r.reserve),
        "distributable": canonical(r.surplus - r.reserve), "distributed": canonical(r.distributed),
        "undistributed": canonical(r.undistributed), "undistributedDetail": list(r.undistributed_detail),
        "reverses": r.reverses, "withheld": sorted(committed.withheld),
        "createdAt": r.created_at.isoformat(), "ledgerSeq": r.ledger_seq,
        "ledgerHash": r.ledger_hash, "eventsDigest": r.events_digest, "eventsRead": r.events_read, "note": r.note,
        "allocations": [{"agent": a.agent, "name": names.get(a.agent, a.agent), "points": canonical(a.points),
                         "share": canonical(a.share), "dividend": canonical(a.dividend), "cash": canonical(a.cash),
                         "retained": canonical(a.retained), "explanation": list(a.explanation)}
                        for a in committed.allocations],
        "excluded": [{**x, "name": names.get(x["agent"], x["agent"])} for x in r.excluded],
        "claims": [{"id": c.id, "provider": c.provider, "receiver": c.receiver, "action": c.action,
                    "classifiedAs": list(c.resource_classified_as),
                    "amount": canonical(c.resource_quantity.has_numerical_value) if c.resource_quantity else None,
                    "currency": c.resource_quantity.has_unit if c.resource_quantity else None, "note": c.note}
                   for c in committed.claims],
    }


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def fixed(value: str | Decimal, currency: str) -> str:
    """Money as plain text with the currency's minor units: '2795.60' (no thousands separator: for spreadsheets)."""
    return f"{Decimal(value):.{MINOR_UNITS.get(currency, 2)}f}"


def run_csv(view: dict[str, Any]) -> str:
    """One row per member, then the reserve, what stays undistributed and the surplus they add up to."""
    cur = view["currency"]
    rows = [[a["agent"], a["name"], a["points"], a["share"], fixed(a["dividend"], cur), fixed(a["cash"], cur),
             fixed(a["retained"], cur)] for a in view["allocations"]]
    for label in ("reserve", "undistributed", "surplus"):
        rows.append(["", label, "", "", fixed(view[label], cur), "", ""])
    return _csv([*RUN_COLUMNS[:4], f"dividend ({view['currency']})", "cash", "retained"], rows)


def contributions_json(report: ContributionReport, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names or {}
    return {
        "totalHours": canonical(report.total_hours),
        "contributors": [{"agent": c.agent, "name": names.get(c.agent, c.agent), "hours": canonical(c.hours),
                          "share": canonical(c.share), "events": c.events,
                          "points": canonical(c.points) if c.points is not None else None,
                          "hoursByKind": {k or "": canonical(v) for k, v in c.hours_by_kind.items()},
                          "other": [{"action": o.action, "unit": o.unit, "kind": o.kind,
                                     "quantity": canonical(o.quantity)} for o in c.other]}
                         for c in report.contributors],
        "processes": report.processes, "cycles": report.cycles,
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
