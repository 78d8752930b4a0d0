"""What a client asks the ledger to record, before any rule has looked at it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class MeasureInput:
    has_numerical_value: object  # decimal text, int or Decimal; checked by the rules
    has_unit: str


@dataclass(frozen=True, slots=True)
class NewResourceInput:
    """VF `newInventoriedResource`: the resource a produce/raise/copy event (or a transfer's 'to' side) creates."""

    name: str | None  # defaults to the name of its specification
    conforms_to: str | None = None
    tracking_identifier: str | None = None
    licence: str | None = None
    unit_of_effort: str | None = None
    classified_as: tuple[str, ...] = ()
    note: str | None = None
    image: str | None = None
    id: str | None = None
    lot: str | None = None
    contained_in: str | None = None
    image_list: tuple[str, ...] = ()
    current_location: str | None = None


@dataclass(frozen=True, slots=True)
class EventInput:
    action: str
    provider: str
    receiver: str
    resource_inventoried_as: str | None = None
    to_resource_inventoried_as: str | None = None
    resource_conforms_to: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    resource_quantity: MeasureInput | None = None
    effort_quantity: MeasureInput | None = None
    has_point_in_time: datetime | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    input_of: str | None = None
    output_of: str | None = None
    note: str | None = None
    corrects: str | None = None
    triggered_by: str | None = None
    agreed_in: str | None = None
    realization_of: str | None = None
    in_scope_of: tuple[str, ...] = ()
    new_resource: NewResourceInput | None = None
    id: str | None = None  # client-chosen id (imports); otherwise the ledger assigns one
    prior_period: date | None = None  # a prior-period adjustment: the closed day it belongs to
    at_location: str | None = None
    to_location: str | None = None


@dataclass(frozen=True, slots=True)
class AgentInput:
    name: str
    type: str  # "Person" | "Organization"
    legal_form: str | None = None
    worker_owned: bool | None = None
    surplus_to_worker_owners: bool | None = None
    headcount: int | None = None
    annual_revenue: object | None = None  # decimal text
    revenue_currency: str | None = None
    group: str | None = None
    note: str | None = None
    image: str | None = None
    id: str | None = None
    classified_as: tuple[str, ...] = ()
    contributions: str | None = None  # organizations: "members" (the default) or "public"
    primary_location: str | None = None


@dataclass(frozen=True, slots=True)
class MembershipInput:
    member: str
    organization: str
    since: date
    until: date | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class SpecificationInput:
    name: str
    note: str | None = None
    default_unit_of_resource: str | None = None
    default_unit_of_effort: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    image: str | None = None
    id: str | None = None
    image_list: tuple[str, ...] = ()
    substitutable: bool | None = None


@dataclass(frozen=True, slots=True)
class ProcessInput:
    name: str
    note: str | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    finished: bool = False
    classified_as: tuple[str, ...] = ()
    based_on: str | None = None
    in_scope_of: tuple[str, ...] = ()
    id: str | None = None
    nested_in: str | None = None


@dataclass(frozen=True, slots=True)
class RoleInput:
    role_label: str
    inverse_role_label: str | None = None
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class RelationshipInput:
    subject: str
    object: str
    relationship: str
    in_scope_of: tuple[str, ...] = ()
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ProcessSpecificationInput:
    name: str
    note: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class BatchInput:
    batch_number: str
    expiry_date: datetime | None = None
    production_date: datetime | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ResourceRevision:
    """The facts of a resource that may change after it exists (quantities change only through events)."""

    name: str | None = None
    classified_as: tuple[str, ...] | None = None
    image: str | None = None
    contained_in: str | None = None
    unit_of_effort: str | None = None
    note: str | None = None
    tracking_identifier: str | None = None
    image_list: tuple[str, ...] | None = None
