"""GraphQL types of knowledge and measurement that refer to no record but units: actions, units, measures,
durations; and `ref`, how a record's reference becomes the GraphQL face of the record it points at."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from enum import Enum
from typing import Any, ClassVar

import strawberry
from strawberry import ID, Private

from valueflows.api.gql.context import Info
from valueflows.api.gql.history import REVISION, Historied, revised
from valueflows.api.gql.scalars import URI, Decimal, money
from valueflows.api.gql.versions import LEGACY, MAIN, REVISION_ID, only
from valueflows.domain import model
from valueflows.domain.actions import ACTIONS
from valueflows.domain.actions import Action as ActionRecord
from valueflows.domain.currencies import amount_text
from valueflows.domain.quantities import Measure as MeasureRecord


def ref(info: Info, kind: str, record_id: str | None, wrap: Any) -> Any:
    """The GraphQL face of the record an optional reference points at, or None."""
    found = info.context.reading.get(kind, record_id)
    return wrap(r=found) if found is not None else None




@strawberry.type(name="Action", description="An action verb defining the kind of event, commitment, or intent.")
class Action:
    r: Private[ActionRecord]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field
    def label(self) -> str:
        return self.r.label

    @strawberry.field
    def resource_effect(self) -> str:
        return self.r.resource_effect.value

    @strawberry.field
    def onhand_effect(self) -> str:
        return self.r.onhand_effect.value

    @strawberry.field
    def input_output(self) -> str | None:
        return self.r.input_output.value

    @strawberry.field
    def pairs_with(self) -> str | None:
        return self.r.pairs_with


def action(action_id: str) -> Action:
    return Action(r=ACTIONS[action_id])


@strawberry.type(name="Unit", description="Defines a unit of measurement, along with its display symbol. From OM2.")
class Unit(Historied):
    r: Private[model.Unit]
    KIND: ClassVar[str] = "unit"

    @strawberry.field(metadata=only(MAIN), description=REVISION)
    def revision(self, info: Info, revision_id: ID) -> Unit | None:
        return revised(info, self, revision_id)  # type: ignore[no-any-return]

    @strawberry.field
    def id(self) -> ID:
        return ID(self.r.id)

    @strawberry.field(metadata=only(MAIN), description=REVISION_ID)
    def revision_id(self, info: Info) -> ID:
        return ID(info.context.reading.revision("unit", self.r.id))

    @strawberry.field
    def label(self) -> str:
        return self.r.label

    @strawberry.field
    def symbol(self) -> str:
        return self.r.symbol

    @strawberry.field(description="The unit's IRI in the OM 2 ontology, where it has one.")
    def om2(self) -> URI | None:
        return URI(self.r.om2) if self.r.om2 else None

    @strawberry.field(description="What the unit measures: time, mass, length, area, volume, currency, count, …")
    def dimension(self) -> str:
        return self.r.dimension


@strawberry.type(name="Measure", description="Binds a quantity to its measurement unit.")
class Measure:
    r: Private[MeasureRecord]

    @strawberry.field(description="The value as a float, for compatibility; `hasDecimalValue` is exact.",
                      metadata=only(LEGACY))
    def has_numerical_value(self) -> float:
        return float(self.r.has_numerical_value)

    @strawberry.field(name="hasNumericalValue", metadata=only(MAIN),
                      description="The exact value, as decimal text (the same as `hasDecimalValue`).")
    def has_numerical_value_exact(self) -> Decimal:
        return self.has_decimal_value()

    @strawberry.field(description="The exact value, as decimal text; money with its currency's decimals "
                                  "(\"14700.00\" EUR).")
    def has_decimal_value(self) -> Decimal:
        return money(amount_text(self.r.has_numerical_value, self.r.has_unit))

    @strawberry.field
    def has_unit(self, info: Info) -> Unit | None:
        return ref(info, "unit", self.r.has_unit, Unit)


def measure(value: MeasureRecord | None) -> Measure | None:
    return Measure(r=value) if value is not None else None


@strawberry.enum(name="TimeUnit")
class TimeUnit(Enum):
    year = "year"
    month = "month"
    week = "week"
    day = "day"
    hour = "hour"
    minute = "minute"
    second = "second"


def duration(value: PyDecimal | None, unit: str | None) -> Duration | None:
    """A stored duration (a number of a time unit) as both APIs show it."""
    if value is None or unit is None:
        return None
    return Duration(numeric_duration=float(value), numeric_duration_exact=Decimal(value), unit_type=TimeUnit(unit))


@strawberry.type(name="Duration")
class Duration:
    numeric_duration: float = strawberry.field(metadata=only(LEGACY))
    numeric_duration_exact: Decimal = strawberry.field(name="numericDuration", metadata=only(MAIN))
    unit_type: TimeUnit
