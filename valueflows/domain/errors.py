"""Errors as values: every rejected write names the field at fault and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class LedgerError(Exception):
    """Base of every error a use case raises on purpose. Nothing was written."""

    code = "BAD_USER_INPUT"


class RuleViolation(LedgerError):
    """One or more ledger rules refused the write."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class NotFound(LedgerError):
    code = "NOT_FOUND"


class IdempotencyConflict(LedgerError):
    """The idempotency key was used before for a different request."""

    code = "CONFLICT"


class StaleRevision(LedgerError):
    """An update named a revision of the record that is no longer its newest (optimistic concurrency)."""

    code = "CONFLICT"


def violation(field: str, code: str, message: str) -> RuleViolation:
    return RuleViolation([Problem(field, code, message)])


class ImmutableRecord(LedgerError):
    """The request would rewrite history; the message says what to do instead."""

    code = "IMMUTABLE"
