"""Input types of the reference schema, with our optional fields beside theirs, and their translation into
the domain's requests (adapters only parse: every rule is in the domain)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal as PyDecimal
from typing import Any

import strawberry
from strawberry import ID, UNSET

from valueflows.api.gql.measures import TimeUnit
from valueflows.api.gql.scalars import URI, Decimal
from valueflows.api.gql.versions import LEGACY, MAIN, only
from valueflows.domain import inputs as domain
from valueflows.domain.errors import Problem, RuleViolation
from valueflows.domain.quantities import canonical

# A float carries at most 15 significant decimal digits exactly.
FLOAT_DIGITS = 15

# Which record an update changes: the legacy API names it by `id`, the main API by the revision it was read at
# (`revisionId`, refused with CONFLICT if the record changed since). Each is required in its own API.
def legacy_id_field() -> Any:
    return strawberry.field(default=UNSET, graphql_type=ID, metadata=only(LEGACY))


def revision_id_field() -> Any:
    return strawberry.field(default=UNSET, graphql_type=ID, metadata=only(MAIN),
                            description="The revision of the record this update changes: its `revisionId` when it "
                                        "was read.")


@strawberry.input(name="IMeasure")
class IMeasure:
    has_numerical_value: float | None = strawberry.field(
        default=None, metadata=only(LEGACY),
        description="The value as a float (at most 15 significant digits); or send hasDecimalValue.")
    has_numerical_value_exact: Decimal | None = strawberry.field(
        default=None, name="hasNumericalValue", metadata=only(MAIN), description="The value, as decimal text.")
    has_unit: ID | None = None
    has_decimal_value: Decimal | None = strawberry.field(default=None, description="The exact value, as decimal text.")

    def to_domain(self, field: str) -> domain.MeasureInput:
        if self.has_unit is None:
            raise RuleViolation([Problem(field + ".hasUnit", "required", "a measure needs its unit")])
        return domain.MeasureInput(self._value(field), str(self.has_unit))

    def _value(self, field: str) -> object:
        # Both APIs' fields are named hasNumericalValue, and strawberry fills both with what the client sent: our
        # Decimal scalar's value in the main API, a float in the legacy one. The type says which API asked.
        exact = self.has_numerical_value_exact
        if isinstance(exact, PyDecimal):
            if self.has_decimal_value is not None and PyDecimal(self.has_decimal_value) != exact:
                raise RuleViolation([Problem(field, "conflict", "hasNumericalValue and hasDecimalValue differ")])
            return str(exact)
        if self.has_decimal_value is not None:
            decimal = PyDecimal(self.has_decimal_value)
            if self.has_numerical_value is not None and _from_float(self.has_numerical_value, field) != decimal:
                raise RuleViolation([Problem(field, "conflict", "hasNumericalValue and hasDecimalValue differ")])
            return str(self.has_decimal_value)
        if self.has_numerical_value is None:
            raise RuleViolation([Problem(field + ".hasNumericalValue", "required",
                                         "a measure needs hasNumericalValue or hasDecimalValue")])
        return canonical(_from_float(self.has_numerical_value, field))


def _from_float(value: float, field: str) -> PyDecimal:
    """The decimal a client meant by a float: its shortest representation, refused if a float cannot carry it."""
    if not math.isfinite(value):
        raise RuleViolation([Problem(field + ".hasNumericalValue", "not_finite", "the value is not a finite number")])
    exact = PyDecimal(repr(value))
    if len(exact.normalize().as_tuple().digits) > FLOAT_DIGITS:
        raise RuleViolation([Problem(field + ".hasNumericalValue", "too_precise",
                                     f"a float carries at most {FLOAT_DIGITS} significant digits exactly; "
                                     "send hasDecimalValue as decimal text")])
    return exact


@strawberry.input(name="IDuration")
class IDuration:
    numeric_duration: float | None = strawberry.field(default=UNSET, graphql_type=float, metadata=only(LEGACY))
    numeric_duration_exact: Decimal | None = strawberry.field(default=UNSET, graphql_type=Decimal,
                                                              name="numericDuration", metadata=only(MAIN))
    unit_type: TimeUnit


def duration_values(value: IDuration | None) -> dict[str, Any]:
    """A duration input as the core's requests hold it (`duration_value`, `duration_unit`); the main API's exact
    number (recipes and scenarios are in the main API only)."""
    if value is None:
        return {}
    number = value.numeric_duration_exact
    return {"duration_value": number if isinstance(number, PyDecimal) else None,
            "duration_unit": value.unit_type.value}


def location(description: str) -> Any:
    """An input naming a place (a SpatialThing), in the main API (0.9's geolocation module)."""
    return strawberry.field(default=None, metadata=only(MAIN), description=f"(`SpatialThing`) {description}")


def _id(value: ID | None) -> str | None:
    return str(value) if value is not None else None


def _ids(values: list[ID] | list[URI] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


# -- agents ---------------------------------------------------------------------------------------------------

@strawberry.input(name="AgentCreateParams")
class AgentCreateParams:
    name: str
    image: URI | None = None
    note: str | None = None
    id: ID | None = strawberry.field(default=None, description="A client-chosen id (otherwise the ledger picks one).")
    primary_location: ID | None = location("Where the agent mainly is.")


@strawberry.input(name="AgentUpdateParams")
class AgentUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    name: str | None = None
    image: URI | None = None
    note: str | None = None
    primary_location: ID | None = location("Where the agent mainly is.")


@strawberry.input(name="OrganizationCreateParams")
class OrganizationCreateParams:
    name: str
    image: URI | None = None
    classified_as: list[URI] | None = None
    note: str | None = None
    id: ID | None = None
    legal_form: str | None = strawberry.field(
        default=None, description="worker_coop, multi_stakeholder_coop, consumer_coop, nonprofit or company")
    worker_owned: bool | None = None
    surplus_to_worker_owners: bool | None = None
    headcount: int | None = None
    annual_revenue: Decimal | None = None
    revenue_currency: ID | None = None
    group: ID | None = None
    primary_location: ID | None = location("Where the agent mainly is.")

    def to_domain(self) -> domain.AgentInput:
        return domain.AgentInput(
            name=self.name, type="Organization", legal_form=self.legal_form, worker_owned=self.worker_owned,
            surplus_to_worker_owners=self.surplus_to_worker_owners, headcount=self.headcount,
            annual_revenue=str(self.annual_revenue) if self.annual_revenue is not None else None,
            revenue_currency=_id(self.revenue_currency), group=_id(self.group), note=self.note,
            image=self.image, id=_id(self.id), classified_as=_ids(self.classified_as),
            primary_location=_id(self.primary_location),
        )


@strawberry.input(name="OrganizationUpdateParams")
class OrganizationUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    name: str | None = None
    image: URI | None = None
    classified_as: list[URI] | None = None
    note: str | None = None
    legal_form: str | None = None
    worker_owned: bool | None = None
    surplus_to_worker_owners: bool | None = None
    headcount: int | None = None
    annual_revenue: Decimal | None = None
    revenue_currency: ID | None = None
    group: ID | None = None
    primary_location: ID | None = location("Where the agent mainly is.")

    def patch(self) -> dict[str, object]:
        return {
            "name": self.name, "image": self.image, "note": self.note, "legal_form": self.legal_form,
            "classified_as": _ids(self.classified_as) if self.classified_as is not None else None,
            "worker_owned": self.worker_owned, "surplus_to_worker_owners": self.surplus_to_worker_owners,
            "headcount": self.headcount,
            "annual_revenue": str(self.annual_revenue) if self.annual_revenue is not None else None,
            "revenue_currency": _id(self.revenue_currency), "group": _id(self.group),
            "primary_location": _id(self.primary_location),
        }


@strawberry.input(name="AgentRelationshipCreateParams")
class AgentRelationshipCreateParams:
    subject: ID
    object: ID
    relationship: ID
    in_scope_of: list[ID] | None = None
    note: str | None = None
    id: ID | None = None
    since: date | None = strawberry.field(default=None, description="For the role 'member': the first day.")
    until: date | None = strawberry.field(default=None, description="For the role 'member': the last day.")


@strawberry.input(name="AgentRelationshipUpdateParams")
class AgentRelationshipUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    subject: ID | None = None
    object: ID | None = None
    relationship: ID | None = None
    in_scope_of: list[ID] | None = None
    note: str | None = None
    until: date | None = strawberry.field(default=None, description="Ends a membership on this day.")


@strawberry.input(name="AgentRelationshipRoleCreateParams")
class AgentRelationshipRoleCreateParams:
    role_label: str
    inverse_role_label: str | None = None
    note: str | None = None
    id: ID | None = None


@strawberry.input(name="AgentRelationshipRoleUpdateParams")
class AgentRelationshipRoleUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    role_label: str | None = None
    inverse_role_label: str | None = None
    note: str | None = None


# -- knowledge ------------------------------------------------------------------------------------------------

@strawberry.input(name="ResourceSpecificationCreateParams")
class ResourceSpecificationCreateParams:
    name: str
    image: URI | None = None
    resource_classified_as: list[URI] | None = None
    note: str | None = None
    default_unit_of_resource: ID | None = None
    default_unit_of_effort: ID | None = None
    id: ID | None = None
    image_list: list[URI] | None = strawberry.field(default=None, description="Addresses of images of it.")
    substitutable: bool | None = strawberry.field(default=None, description="Whether any resource of this kind "
                                                                            "may stand for any other.")

    def to_domain(self) -> domain.SpecificationInput:
        return domain.SpecificationInput(
            name=self.name, note=self.note, default_unit_of_resource=_id(self.default_unit_of_resource),
            default_unit_of_effort=_id(self.default_unit_of_effort),
            resource_classified_as=_ids(self.resource_classified_as), image=self.image, id=_id(self.id),
            image_list=_ids(self.image_list), substitutable=self.substitutable)


@strawberry.input(name="ResourceSpecificationUpdateParams")
class ResourceSpecificationUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    name: str | None = None
    image: URI | None = None
    resource_classified_as: list[URI] | None = None
    note: str | None = None
    default_unit_of_resource: ID | None = None
    default_unit_of_effort: ID | None = None
    image_list: list[URI] | None = strawberry.field(default=None, description="Addresses of images of it.")
    substitutable: bool | None = strawberry.field(default=None, description="Whether any resource of this kind "
                                                                            "may stand for any other.")


@strawberry.input(name="ProcessSpecificationCreateParams")
class ProcessSpecificationCreateParams:
    name: str
    note: str | None = None
    id: ID | None = None


@strawberry.input(name="ProcessSpecificationUpdateParams")
class ProcessSpecificationUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    name: str | None = None
    note: str | None = None


@strawberry.input(name="UnitCreateParams")
class UnitCreateParams:
    label: str
    symbol: str
    id: ID | None = strawberry.field(default=None, description="Defaults to the label.")
    om2: URI | None = None
    dimension: str | None = strawberry.field(default=None, description="time, mass, length, area, volume, currency, "
                                                                       "count, energy or other (the default)")


@strawberry.input(name="UnitUpdateParams")
class UnitUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    label: str | None = None
    symbol: str | None = None


# -- observation ----------------------------------------------------------------------------------------------

@strawberry.input(name="EconomicEventCreateParams")
class EconomicEventCreateParams:
    action: ID
    provider: ID
    receiver: ID
    input_of: ID | None = None
    output_of: ID | None = None
    in_scope_of: list[ID] | None = None
    resource_inventoried_as: ID | None = None
    resource_classified_as: list[URI] | None = None
    resource_conforms_to: ID | None = None
    resource_quantity: IMeasure | None = None
    effort_quantity: IMeasure | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    has_point_in_time: datetime | None = None
    note: str | None = None
    agreed_in: URI | None = None
    realization_of: ID | None = None
    triggered_by: ID | None = None
    to_resource_inventoried_as: ID | None = None
    corrects: ID | None = strawberry.field(
        default=None, description="The event this one corrects: it carries the full corrected values.")
    prior_period: date | None = strawberry.field(
        default=None, description="Record a prior-period adjustment: the day of a closed period this event is about. "
                                  "The event itself is dated in an open period and counted there.")
    id: ID | None = None
    at_location: ID | None = location("Where it happened.")
    to_location: ID | None = location("Where a resource it moved went.")

    def to_domain(self, new_resource: EconomicResourceCreateParams | None) -> domain.EventInput:
        return domain.EventInput(
            action=str(self.action), provider=str(self.provider), receiver=str(self.receiver),
            resource_inventoried_as=_id(self.resource_inventoried_as),
            to_resource_inventoried_as=_id(self.to_resource_inventoried_as),
            resource_conforms_to=_id(self.resource_conforms_to),
            resource_classified_as=_ids(self.resource_classified_as),
            resource_quantity=self.resource_quantity.to_domain("resourceQuantity") if self.resource_quantity else None,
            effort_quantity=self.effort_quantity.to_domain("effortQuantity") if self.effort_quantity else None,
            has_point_in_time=self.has_point_in_time, has_beginning=self.has_beginning, has_end=self.has_end,
            input_of=_id(self.input_of), output_of=_id(self.output_of), note=self.note, corrects=_id(self.corrects),
            triggered_by=_id(self.triggered_by), agreed_in=self.agreed_in, realization_of=_id(self.realization_of),
            in_scope_of=_ids(self.in_scope_of), id=_id(self.id), prior_period=self.prior_period,
            new_resource=new_resource.to_domain() if new_resource else None, at_location=_id(self.at_location),
            to_location=_id(self.to_location),
        )


@strawberry.input(name="EconomicEventUpdateParams")
class EconomicEventUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    note: str | None = None
    agreed_in: URI | None = None
    realization_of: ID | None = None
    triggered_by: ID | None = None


@strawberry.input(name="EconomicResourceCreateParams")
class EconomicResourceCreateParams:
    name: str | None = None
    conforms_to: ID | None = None
    tracking_identifier: str | None = None
    lot: ID | None = None
    image: URI | None = None
    contained_in: ID | None = None
    note: str | None = None
    id: ID | None = None
    licence: str | None = strawberry.field(default=None, description="An SPDX licence id or LicenseRef-….")
    classified_as: list[URI] | None = None
    unit_of_effort: ID | None = None
    image_list: list[URI] | None = strawberry.field(default=None, description="Addresses of images of it.")
    current_location: ID | None = location("Where it is (by default where the event that creates it happened).")

    def to_domain(self) -> domain.NewResourceInput:
        return domain.NewResourceInput(
            name=self.name, conforms_to=_id(self.conforms_to), tracking_identifier=self.tracking_identifier,
            licence=self.licence, unit_of_effort=_id(self.unit_of_effort), classified_as=_ids(self.classified_as),
            note=self.note, image=self.image, id=_id(self.id), lot=_id(self.lot), contained_in=_id(self.contained_in),
            image_list=_ids(self.image_list), current_location=_id(self.current_location))


@strawberry.input(name="EconomicEventBatchItem", description="One event of `createEconomicEvents`.")
class EconomicEventBatchItem:
    event: EconomicEventCreateParams
    new_inventoried_resource: EconomicResourceCreateParams | None = None


@strawberry.input(name="EconomicResourceUpdateParams")
class EconomicResourceUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    classified_as: list[URI] | None = None
    image: URI | None = None
    contained_in: ID | None = None
    unit_of_effort: ID | None = None
    note: str | None = None
    name: str | None = None
    tracking_identifier: str | None = None
    image_list: list[URI] | None = strawberry.field(default=None, description="Addresses of images of it.")

    def to_domain(self) -> domain.ResourceRevision:
        return domain.ResourceRevision(
            name=self.name, classified_as=_ids(self.classified_as) if self.classified_as is not None else None,
            image=self.image, contained_in=_id(self.contained_in), unit_of_effort=_id(self.unit_of_effort),
            note=self.note, tracking_identifier=self.tracking_identifier,
            image_list=_ids(self.image_list) if self.image_list is not None else None)


@strawberry.input(name="ProductBatchCreateParams")
class ProductBatchCreateParams:
    batch_number: str
    expiry_date: datetime | None = None
    production_date: datetime | None = None
    id: ID | None = None


@strawberry.input(name="ProductBatchUpdateParams")
class ProductBatchUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    batch_number: str | None = None
    expiry_date: datetime | None = None
    production_date: datetime | None = None


@strawberry.input(name="ProcessCreateParams")
class ProcessCreateParams:
    name: str
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    finished: bool | None = None
    note: str | None = None
    in_scope_of: list[ID] | None = None
    planned_within: ID | None = None
    based_on: ID | None = None
    classified_as: list[URI] | None = None
    id: ID | None = None
    nested_in: ID | None = strawberry.field(default=None, metadata=only(MAIN),
                                            description="(`Scenario`) The scenario it is nested in (ours).")

    def to_domain(self) -> domain.ProcessInput:
        _no_plans(self.planned_within)
        return domain.ProcessInput(
            name=self.name, note=self.note, has_beginning=self.has_beginning, has_end=self.has_end,
            finished=bool(self.finished), classified_as=_ids(self.classified_as), based_on=_id(self.based_on),
            in_scope_of=_ids(self.in_scope_of), id=_id(self.id), nested_in=_id(self.nested_in))


@strawberry.input(name="ProcessUpdateParams")
class ProcessUpdateParams:
    id: ID | None = legacy_id_field()
    revision_id: ID | None = revision_id_field()
    name: str | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    finished: bool | None = None
    note: str | None = None
    in_scope_of: list[ID] | None = None
    planned_within: ID | None = None
    based_on: ID | None = None
    classified_as: list[URI] | None = None
    nested_in: ID | None = strawberry.field(default=None, metadata=only(MAIN),
                                            description="(`Scenario`) The scenario it is nested in (ours).")

    def patch(self) -> dict[str, object]:
        _no_plans(self.planned_within)
        return {
            "name": self.name, "has_beginning": self.has_beginning, "has_end": self.has_end,
            "finished": self.finished, "note": self.note, "based_on": _id(self.based_on),
            "nested_in": _id(self.nested_in),
            "in_scope_of": _ids(self.in_scope_of) if self.in_scope_of is not None else None,
            "classified_as": _ids(self.classified_as) if self.classified_as is not None else None,
        }


def _no_plans(planned_within: ID | None) -> None:
    if planned_within is not None:
        raise RuleViolation([Problem("plannedWithin", "not_supported",
                                     "a process is in a plan through its commitments: give them plannedWithin")])
