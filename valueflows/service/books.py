"""Closing an organization's books, and reading which of its periods are closed (`domain/periods.py` decides what
that forbids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from valueflows.domain import access
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.model import AgentType, BooksClosed
from valueflows.domain.periods import ClosedPeriod, close_problems
from valueflows.service import clock
from valueflows.service.ledger import Recorded, closed_books, create_record, new_id
from valueflows.store.ports import UnitOfWork, WriteTx


@dataclass(frozen=True)
class CloseRequest:
    organization: str
    through: date
    note: str | None = None


def close_books(uow: UnitOfWork, request: CloseRequest, key: str | None = None) -> Recorded[BooksClosed]:
    """Close an organization's books through a day that is over (admins): nothing more is recorded on or before it;
    what was missed is recorded as a prior-period adjustment."""
    access.require_admin(uow.principal, "closing the books")

    def build(tx: WriteTx) -> BooksClosed:
        problems = close_problems(request.through, clock.today())
        organization = tx.agents.get(request.organization)
        if organization is None:
            problems.append(Problem("organization", "unknown_agent", f"no agent with id {request.organization!r}"))
        elif organization.type is not AgentType.ORGANIZATION:
            problems.append(Problem("organization", "not_an_organization", f"{request.organization!r} is a person"))
        if problems:
            raise RuleViolation(problems)
        return BooksClosed(new_id(), request.organization, request.through, request.note)
    return create_record(uow, "books_closed", request, key, build)


def closed_periods_of(uow: UnitOfWork, organization: str) -> tuple[ClosedPeriod, ...]:
    """An organization's closed periods (public: when its books closed is a fact about the organization)."""
    with uow.read() as tx:
        return closed_books(tx, [organization]).get(organization, ())
