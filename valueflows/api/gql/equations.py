"""Value equations over GraphQL (our addition): public, since a co-op's value equation is meant to be
transparent; defining or changing one is for admins (the use cases decide)."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from typing import Annotated

import strawberry
from strawberry import ID, Private

from valueflows.accounting.equations import Bucket, Rule
from valueflows.accounting.equations import ValueEquation as EquationRecord
from valueflows.api.gql.context import Info
from valueflows.api.gql.scalars import Decimal
from valueflows.service import equations

OptionalKey = Annotated[str | None, strawberry.argument(
    description="Retrying with the same key returns the first result and writes nothing.")]


@strawberry.type(name="ValueEquationRule", description="Which contributions count, and how many points each earns.")
class ValueEquationRule:
    action: ID
    unit: ID = strawberry.field(description="Time units convert: a rule in hours also counts minutes and days.")
    rate: Decimal = strawberry.field(description="Points per unit.")
    resource_conforms_to: ID | None = strawberry.field(description="Only this kind (e.g. of work); null: any.")
    cap: Decimal | None = strawberry.field(description="Most one claim (one event) may earn from the bucket, in "
                                                       "the run's currency; the excess stays undistributed.")


def _rule(r: Rule) -> ValueEquationRule:
    return ValueEquationRule(action=ID(r.action), unit=ID(r.unit), rate=Decimal(r.rate),
                             resource_conforms_to=ID(r.resource_conforms_to) if r.resource_conforms_to else None,
                             cap=Decimal(r.cap) if r.cap is not None else None)


@strawberry.type(name="ValueEquationBucket")
class ValueEquationBucket:
    name: str
    percent: Decimal
    of: str = strawberry.field(description="`total`: of the amount to distribute; `remaining`: of what the "
                                           "buckets before this one left.")
    rules: list[ValueEquationRule]


@strawberry.type(name="ValueEquation", description="A version of a co-op's value equation (a ValueFlows Agreement). "
                                                   "A version used by a committed run never changes.")
class ValueEquation:
    r: Private[EquationRecord]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field
    def name(self) -> str:
        return self.r.name

    @strawberry.field
    def version(self) -> int:
        return self.r.version

    @strawberry.field
    def note(self) -> str | None:
        return self.r.note

    @strawberry.field
    def buckets(self) -> list[ValueEquationBucket]:
        return [ValueEquationBucket(name=b.name, percent=Decimal(b.percent), of=b.of, rules=[_rule(r) for r in b.rules])
                for b in self.r.buckets]


@strawberry.input(name="ValueEquationRuleParams")
class ValueEquationRuleParams:
    action: ID
    unit: ID
    rate: Decimal
    resource_conforms_to: ID | None = None
    cap: Decimal | None = None


@strawberry.input(name="ValueEquationBucketParams")
class ValueEquationBucketParams:
    name: str
    percent: Decimal
    rules: list[ValueEquationRuleParams]
    of: str = "total"


def _buckets(params: list[ValueEquationBucketParams]) -> tuple[Bucket, ...]:
    return tuple(Bucket(b.name, PyDecimal(b.percent), b.of, tuple(
        Rule(str(r.action), str(r.unit), PyDecimal(r.rate), str(r.resource_conforms_to) if r.resource_conforms_to
             else None, PyDecimal(r.cap) if r.cap is not None else None) for r in b.rules)) for b in params)


@strawberry.type(name="ValueEquationResponse")
class ValueEquationResponse:
    value_equation: ValueEquation
    replayed: bool


@strawberry.type
class EquationQueries:
    @strawberry.field(description="Every version of every value equation (or of one, by name).")
    def value_equations(self, info: Info, name: str | None = None) -> list[ValueEquation]:
        return [ValueEquation(r=e) for e in equations.list_equations(info.context.uow, name)]


@strawberry.type
class EquationMutations:
    @strawberry.mutation(description="A new version of a value equation (version 1 for a new name) (admin).")
    def create_value_equation(self, info: Info, name: str, buckets: list[ValueEquationBucketParams],
                              note: str | None = None, idempotency_key: OptionalKey = None) -> ValueEquationResponse:
        done = equations.create_equation(info.context.uow, name, _buckets(buckets), note, idempotency_key)
        return ValueEquationResponse(value_equation=ValueEquation(r=done.record), replayed=done.replayed)

    @strawberry.mutation(description="Change a version no committed run has used (admin); a used version answers "
                                     "IMMUTABLE: create a new version instead.")
    def update_value_equation(self, info: Info, id: ID, buckets: list[ValueEquationBucketParams],
                              note: str | None = None, idempotency_key: OptionalKey = None) -> ValueEquationResponse:
        done = equations.update_equation(info.context.uow, str(id), _buckets(buckets), note, idempotency_key)
        return ValueEquationResponse(value_equation=ValueEquation(r=done.record), replayed=done.replayed)
