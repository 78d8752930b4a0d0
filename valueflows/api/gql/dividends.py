"""Value equations, dividend runs and member statements over GraphQL (our additions to the reference schema).

Who may do what: equations are public (a co-op's value equation is meant to be transparent); previews, commits
and reversals need an admin token (the treasurer); a committed run is readable by admins and by the members of
its organization; a member statement by that member and admins.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as PyDecimal
from typing import Annotated, Any

import strawberry
from strawberry import ID, Private

from valueflows.api.gql import types as t
from valueflows.api.gql.claims import Claim
from valueflows.api.gql.context import Info
from valueflows.api.gql.equations import ValueEquation
from valueflows.api.gql.scalars import Decimal, money
from valueflows.domain.model import EconomicClaim
from valueflows.service import dividends as service
from valueflows.service.dividend_views import preview_json, run_json, statement_json

# -- runs -------------------------------------------------------------------------------------------------------

@strawberry.type(name="AllocationLine", description="Why a member earned what it did: contributions of one kind "
                                                    "under one rule of one bucket.")
class AllocationLine:
    bucket: str
    rule: str
    action: ID
    kind: ID | None = strawberry.field(description="The resource specification (for work: the kind of work).")
    unit: ID
    quantity: Decimal
    events: int
    points: Decimal = strawberry.field(description="6 decimals; the money was computed exactly.")
    value: Decimal = strawberry.field(description="What these contributions earned before the final rounding "
                                                  "to the cent (6 decimals).")
    capped_off: Decimal | None


@strawberry.type(name="DividendAllocation")
class DividendAllocation:
    agent_id: Private[str]
    points: Decimal
    share_of_dividend: Decimal = strawberry.field(description="This member's dividend / everything distributed, "
                                                              "6 decimals (not its share of hours).")
    dividend: Decimal
    cash: Decimal = strawberry.field(description="Paid out: dividend x cash rate, half to even to the cent.")
    retained: Decimal = strawberry.field(description="Credited to the member's capital account: dividend - cash.")
    explanation: list[AllocationLine]

    @strawberry.field(deprecation_reason="Use shareOfDividend.")
    def share(self) -> Decimal:
        return self.share_of_dividend

    @strawberry.field
    def agent(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.agent_id))


@strawberry.type(name="ExcludedContribution", description="Contributions of agents who were not members when "
                                                          "they made them: not counted.")
class ExcludedContribution:
    agent_id: Private[str]
    action: ID
    kind: ID | None
    unit: ID
    quantity: Decimal
    events: int

    @strawberry.field
    def agent(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.agent_id))


@strawberry.type(name="PriorPeriodAdjustment", description="Flows about days of a closed period, recorded later "
                                                           "and counted in the period they were recorded in.")
class PriorPeriodAdjustment(ExcludedContribution):
    prior_periods: list[date] = strawberry.field(description="The closed days these flows are about.")


def adjustments(lines: list[dict[str, str]]) -> list[PriorPeriodAdjustment]:
    return [PriorPeriodAdjustment(agent_id=x["agent"], action=ID(x["action"]),
                                  kind=ID(x["kind"]) if x["kind"] else None, unit=ID(x["unit"]),
                                  quantity=Decimal(PyDecimal(x["quantity"])), events=int(x["events"]),
                                  prior_periods=[date.fromisoformat(d) for d in x["priorPeriods"].split(", ") if d])
            for x in lines]


@strawberry.type(name="UndistributedAmount")
class UndistributedAmount:
    bucket: str
    reason: str
    amount: Decimal


@strawberry.type(name="DividendRun", description="A dividend run: a preview (not committed, no id) or a committed, "
                                                 "immutable run. reserve + distributed + undistributed = surplus.")
class DividendRun:
    v: Private[dict[str, Any]]
    found_claims: Private[list[EconomicClaim]]

    @strawberry.field
    def id(self) -> ID | None:
        return ID(self.v["id"]) if self.v.get("id") else None

    @strawberry.field
    def committed(self) -> bool:
        return bool(self.v["committed"])

    @strawberry.field
    def organization(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.v["organization"]))

    @strawberry.field(description="First day of the period.")
    def start(self) -> date:
        return date.fromisoformat(self.v["from"])

    @strawberry.field(description="Last day of the period, included.")
    def end(self) -> date:
        return date.fromisoformat(self.v["to"])

    @strawberry.field
    def currency(self) -> ID:
        return ID(self.v["currency"])

    @strawberry.field
    def surplus(self) -> Decimal:
        return money(self.v["surplus"])

    @strawberry.field
    def reserve_rate(self) -> Decimal:
        return Decimal(PyDecimal(self.v["reserveRate"]))

    @strawberry.field
    def cash_rate(self) -> Decimal:
        return Decimal(PyDecimal(self.v["cashRate"]))

    @strawberry.field(description="`hours` (hours worked) or `equation`.")
    def basis(self) -> str:
        return str(self.v["basis"])

    @strawberry.field
    def equation(self, info: Info) -> ValueEquation | None:
        eq = self.v.get("equation")
        equation_id = eq["id"] if isinstance(eq, dict) else eq
        found = info.context.reading.get("value_equation", equation_id) if equation_id else None
        return ValueEquation(r=found) if found else None

    @strawberry.field(description="Kept as indivisible reserve: surplus x reserve rate, half to even to the cent.")
    def reserve(self) -> Decimal:
        return money(self.v["reserve"])

    @strawberry.field
    def distributable(self) -> Decimal:
        return money(self.v["distributable"])

    @strawberry.field
    def distributed(self) -> Decimal:
        return money(self.v["distributed"])

    @strawberry.field
    def undistributed(self) -> Decimal:
        return money(self.v["undistributed"])

    @strawberry.field
    def undistributed_detail(self) -> list[UndistributedAmount]:
        return [UndistributedAmount(bucket=x["bucket"], reason=x["reason"], amount=money(x["amount"]))
                for x in self.v["undistributedDetail"]]

    @strawberry.field
    def allocations(self) -> list[DividendAllocation]:
        return [DividendAllocation(
            agent_id=a["agent"], points=Decimal(PyDecimal(a["points"])),
            share_of_dividend=Decimal(PyDecimal(a["shareOfDividend"])),
            dividend=money(a["dividend"]), cash=money(a["cash"]), retained=money(a["retained"]),
            explanation=[AllocationLine(
                bucket=x["bucket"], rule=x["rule"], action=ID(x["action"]),
                kind=ID(x["kind"]) if x.get("kind") else None, unit=ID(x["unit"]),
                quantity=Decimal(PyDecimal(x["quantity"])), events=int(x["events"]),
                points=Decimal(PyDecimal(x["points"])), value=Decimal(PyDecimal(x["value"])),
                capped_off=Decimal(PyDecimal(x["cappedOff"])) if x.get("cappedOff") else None)
                for x in a["explanation"]]) for a in self.v["allocations"]]

    @strawberry.field
    def excluded(self) -> list[ExcludedContribution]:
        return [ExcludedContribution(agent_id=x["agent"], action=ID(x["action"]),
                                     kind=ID(x["kind"]) if x.get("kind") else None, unit=ID(x["unit"]),
                                     quantity=Decimal(PyDecimal(x["quantity"])), events=int(x["events"]))
                for x in self.v["excluded"]]

    @strawberry.field(description="Prior-period adjustments counted in this run: flows about days of closed "
                                  "periods, recorded in this one.")
    def adjustments(self) -> list[PriorPeriodAdjustment]:
        return adjustments(self.v["adjustments"])

    @strawberry.field(description="The claims the run created: cash to pay, capital to credit (or, for a "
                                  "reversal, to take back).")
    def claims(self) -> list[Claim]:
        return [Claim(r=c) for c in self.found_claims]

    @strawberry.field(description="What this reader may not see: `allocations`, `excluded`, `adjustments` and "
                                  "`claims` hold only the reader's own lines when other members' are withheld.")
    def withheld(self) -> list[str]:
        return list(self.v.get("withheld", []))

    @strawberry.field(description="For a compensating run: the run it cancels.")
    def reverses(self) -> ID | None:
        return ID(self.v["reverses"]) if self.v.get("reverses") else None

    @strawberry.field
    def created_at(self) -> str | None:
        return self.v.get("createdAt")

    @strawberry.field(description="The chain head when the run read the ledger.")
    def ledger_sequence(self) -> int | None:
        return self.v.get("ledgerSequence")

    @strawberry.field
    def ledger_hash(self) -> str | None:
        return self.v.get("ledgerHash")

    @strawberry.field(description="SHA-256 over the chain hashes of the events the run read, in chain order.")
    def events_digest(self) -> str | None:
        return self.v.get("eventsDigest")

    @strawberry.field
    def events_read(self) -> int | None:
        return self.v.get("eventsRead")

    @strawberry.field
    def note(self) -> str | None:
        return self.v.get("note")


def committed_run(found: service.CommittedRun) -> DividendRun:
    return DividendRun(v=run_json(found), found_claims=found.claims)


@strawberry.input(name="DividendRunParams")
class DividendRunParams:
    start: date = strawberry.field(description="First day.")
    end: date = strawberry.field(description="Last day, included.")
    surplus: Decimal
    currency: ID
    reserve_rate: Decimal = strawberry.field(description="Part of the surplus kept as reserve, e.g. \"0.25\".")
    cash_rate: Decimal = strawberry.field(description="Part of each dividend paid in cash, e.g. \"0.5\".")
    equation: str | None = strawberry.field(default=None, description="A value equation's name (newest version) "
                                                                      "or id; null: hours worked.")
    organization: ID | None = strawberry.field(default=None, description="Whose members; may be left out when "
                                                                         "one organization has members.")
    note: str | None = None

    def to_request(self) -> service.RunRequest:
        return service.RunRequest(
            start=self.start, end=self.end, surplus=PyDecimal(self.surplus),
            currency=str(self.currency), reserve_rate=PyDecimal(self.reserve_rate),
            cash_rate=PyDecimal(self.cash_rate), equation=self.equation,
            organization=str(self.organization) if self.organization else None, note=self.note)


@strawberry.type(name="DividendRunResponse")
class DividendRunResponse:
    dividend_run: DividendRun
    replayed: bool = strawberry.field(description="True when an idempotent retry returned the first run.")


# -- statements -------------------------------------------------------------------------------------------------

@strawberry.type(name="StatementDividend")
class StatementDividend:
    run_id: Private[str]
    dividend: Decimal
    cash: Decimal
    retained: Decimal
    share_of_dividend: Decimal = strawberry.field(description="The member's dividend / everything the run "
                                                              "distributed, 6 decimals.")
    reverses: ID | None

    @strawberry.field(deprecation_reason="Use shareOfDividend.")
    def share(self) -> Decimal:
        return self.share_of_dividend

    @strawberry.field
    def run(self) -> ID:
        return ID(self.run_id)


@strawberry.type(name="MemberStatement", description="One member's year: contributions, dividend (cash and "
                                                     "retained) and capital account. Private to the member and "
                                                     "admins.")
class MemberStatement:
    v: Private[dict[str, Any]]

    @strawberry.field
    def agent(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.v["agent"]))

    @strawberry.field
    def organization(self, info: Info) -> t.Agent:
        return t.agent(info.context.reading.must("agent", self.v["organization"]))

    @strawberry.field
    def start(self) -> date:
        return date.fromisoformat(self.v["from"])

    @strawberry.field
    def end(self) -> date:
        return date.fromisoformat(self.v["to"])

    @strawberry.field(description="Days the agent was a member (ISO dates; until null: still a member).")
    def memberships(self) -> list[str]:
        return [f"{m['since']}..{m['until'] or ''}" for m in self.v["memberships"]]

    @strawberry.field
    def hours(self) -> Decimal:
        return Decimal(PyDecimal(self.v["hours"]))

    @strawberry.field
    def total_hours(self) -> Decimal:
        return Decimal(PyDecimal(self.v["totalHours"]))

    @strawberry.field
    def share_of_hours(self) -> Decimal:
        return Decimal(PyDecimal(self.v["shareOfHours"]))

    @strawberry.field
    def dividends(self) -> list[StatementDividend]:
        return [StatementDividend(run_id=d["run"], dividend=money(d["dividend"]),
                                  cash=money(d["cash"]), retained=money(d["retained"]),
                                  share_of_dividend=Decimal(PyDecimal(d["shareOfDividend"])),
                                  reverses=ID(d["reverses"]) if d["reverses"] else None) for d in self.v["dividends"]]

    @strawberry.field
    def dividend(self) -> Decimal:
        return money(self.v["dividend"])

    @strawberry.field
    def cash(self) -> Decimal:
        return money(self.v["cash"])

    @strawberry.field
    def retained(self) -> Decimal:
        return money(self.v["retained"])

    @strawberry.field(description="Prior-period adjustments of this member counted in the period.")
    def adjustments(self) -> list[PriorPeriodAdjustment]:
        return adjustments(self.v["adjustments"])

    @strawberry.field(description="Every credit to the capital account, and every reversal, up to the period's end.")
    def capital_account(self) -> Decimal:
        return money(self.v["capitalAccount"])

    @strawberry.field
    def currency(self) -> ID | None:
        return ID(self.v["currency"]) if self.v["currency"] else None


# -- the operations ---------------------------------------------------------------------------------------------

@strawberry.type
class DividendQueries:
    @strawberry.field(description="Compute a dividend run without writing anything (admin).")
    def dividend_preview(self, info: Info, run: DividendRunParams) -> DividendRun:
        return DividendRun(v=preview_json(service.preview(info.context.uow, run.to_request())), found_claims=[])

    @strawberry.field(description="A committed run: whole to admins; its totals and their own lines to the "
                                  "members of its organization.")
    def dividend_run(self, info: Info, id: ID) -> DividendRun:
        return committed_run(service.read_run(info.context.uow, str(id)))

    @strawberry.field(description="The committed runs of an organization, oldest first, as `dividendRun` shows "
                                  "them (admins and its members).")
    def dividend_runs(self, info: Info, organization: ID) -> list[DividendRun]:
        uow = info.context.uow
        found = service.runs(uow, str(organization))
        return [committed_run(service.read_run(uow, r.id)) for r in found]

    @strawberry.field(description="One member's contributions, dividends and capital account (that member, admins).")
    def member_statement(self, info: Info, agent: ID, start: date, end: date,
                         organization: ID | None = None) -> MemberStatement:
        found = service.statement(info.context.uow, str(agent), start, end,
                                  str(organization) if organization else None)
        return MemberStatement(v=statement_json(found))


Key = Annotated[str, strawberry.argument(description="Required: retrying with the same key returns the first run.")]


@strawberry.type
class DividendMutations:
    @strawberry.mutation(description="Compute and commit a dividend run, with its allocations and claims (admin).")
    def commit_dividend_run(self, info: Info, run: DividendRunParams, idempotency_key: Key) -> DividendRunResponse:
        done = service.commit(info.context.uow, run.to_request(), idempotency_key)
        return DividendRunResponse(dividend_run=committed_run(done), replayed=done.replayed)

    @strawberry.mutation(description="Cancel a committed run with a compensating run (admin).")
    def reverse_dividend_run(self, info: Info, id: ID, idempotency_key: Key,
                             note: str | None = None) -> DividendRunResponse:
        done = service.reverse(info.context.uow, str(id), idempotency_key, note)
        return DividendRunResponse(dividend_run=committed_run(done), replayed=done.replayed)
