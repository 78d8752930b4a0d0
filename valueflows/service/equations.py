"""Value equations: how contributions earn, stored as versioned ValueFlows Agreements (chained like every record).

A version used by a committed dividend run never changes; a new version of the same name is always possible.
"""

from __future__ import annotations

from dataclasses import replace

from valueflows.accounting.equations import (
    Bucket,
    ValueEquation,
    check_equation,
    hours_equation,
    reference_problems,
    references,
)
from valueflows.domain import access
from valueflows.domain.chain import facts
from valueflows.domain.errors import ImmutableRecord, NotFound, RuleViolation, violation
from valueflows.service.ledger import Recorded, new_id, remember_key, replayed_key
from valueflows.store.ports import Tx, UnitOfWork


def create_equation(uow: UnitOfWork, name: str, buckets: tuple[Bucket, ...], note: str | None = None,
                    key: str | None = None) -> Recorded[ValueEquation]:
    """A new version of the equation called `name` (version 1 if it is new)."""
    access.require_admin(uow.principal, "defining a value equation")
    request = ("create", name, buckets, note)
    with uow.write() as tx:
        first = replayed_key(tx, key, "value_equation", request)
        if first is not None:
            return Recorded(_equation(tx, first), replayed=True)
        _check(tx, name, buckets)
        latest = tx.equations.newest(name)
        equation = ValueEquation(new_id(), name, (latest.version if latest else 0) + 1, buckets, note)
        tx.equations.add(equation)
        tx.append("value_equation", equation.id, facts(equation))
        remember_key(tx, key, "value_equation", request, equation.id)
        return Recorded(equation)


def _check(tx: Tx, name: str, buckets: tuple[Bucket, ...]) -> None:
    """Every problem of the equation at once: its own, and the units or specifications its rules name that the
    ledger does not know (a typo would otherwise count nothing, silently)."""
    units, specifications = references(buckets)
    problems = check_equation(name, buckets) + reference_problems(
        buckets, tx.units.get_many(units), tx.specifications.get_many(specifications))
    if problems:
        raise RuleViolation(problems)


def _equation(tx: Tx, equation_id: str) -> ValueEquation:
    found = tx.equations.get(equation_id)
    if found is None:
        raise NotFound(f"no value equation with id {equation_id!r}")
    return found


def update_equation(uow: UnitOfWork, equation_id: str, buckets: tuple[Bucket, ...], note: str | None = None,
                    key: str | None = None) -> Recorded[ValueEquation]:
    """Change a version no committed run has used; a used version is refused (create a new version instead)."""
    access.require_admin(uow.principal, "changing a value equation")
    request = ("update", equation_id, buckets, note)
    with uow.write() as tx:
        first = replayed_key(tx, key, "value_equation", request)
        if first is not None:
            return Recorded(_equation(tx, first), replayed=True)
        current = tx.equations.get(equation_id)
        if current is None:
            raise NotFound(f"no value equation with id {equation_id!r}")
        _check(tx, current.name, buckets)
        used = tx.runs.using(equation_id)
        if used is not None:
            raise ImmutableRecord(
                f"version {current.version} of {current.name!r} was used by dividend run {used.id}: it can no "
                "longer change; create a new version of the equation instead")
        equation = replace(current, buckets=buckets, note=note)
        tx.equations.replace(equation)
        tx.append("value_equation", equation.id, facts(equation))
        remember_key(tx, key, "value_equation", request, equation.id)
        return Recorded(equation)


def list_equations(uow: UnitOfWork, name: str | None = None) -> list[ValueEquation]:
    with uow.read() as tx:
        return tx.equations.versions(name)


def find_equation(tx: Tx, name_or_id: str | None) -> ValueEquation:
    """The equation a run uses: None or "hours" is the hours basis; else an id, or a name (its newest version)."""
    if name_or_id is None or name_or_id == "hours":
        return hours_equation()
    found = tx.equations.get(name_or_id) or tx.equations.newest(name_or_id)
    if found is None:
        raise violation("equation", "unknown_equation", f"no value equation called {name_or_id!r}")
    return found


def equation_named(uow: UnitOfWork, name_or_id: str | None) -> ValueEquation:
    """`find_equation` in a transaction of its own (for a report asked for with an equation)."""
    with uow.read() as tx:
        return find_equation(tx, name_or_id)
