"""Rows to domain values and back. The only place that knows both shapes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row

from valueflows.accounting.dividends import DividendAllocation, DividendRun
from valueflows.accounting.equations import ValueEquation, equation_from_json, equation_to_json
from valueflows.domain.model import (
    Agent,
    AgentRelationship,
    AgentRelationshipRole,
    AgentType,
    BooksClosed,
    ContributionVisibility,
    EconomicClaim,
    EconomicEvent,
    EconomicResource,
    LegalForm,
    Membership,
    Process,
    ProcessSpecification,
    ProductBatch,
    ResourceSpecification,
    Unit,
)
from valueflows.domain.planning import (
    Agreement,
    Commitment,
    Flow,
    Fulfillment,
    Intent,
    Plan,
    Satisfaction,
    Settlement,
)
from valueflows.domain.proposals import Proposal, ProposedIntent, ProposedTo, SpatialThing
from valueflows.domain.quantities import Measure
from valueflows.domain.recipes import RecipeExchange, RecipeFlow, RecipeProcess
from valueflows.domain.scenarios import Appreciation, Scenario, ScenarioDefinition


def _fields(row: Row[Any]) -> Any:
    """A row's columns as plain attributes: reading many columns by name from a SQLAlchemy Row costs ~0.3 µs each,
    from a namespace built once ~0.03 µs (records of 20 to 30 columns are read by the thousand in reports)."""
    try:
        names = row._parent._keys  # the result's column names, kept once per result (`Row._fields` rebuilds them)
    except AttributeError:  # pragma: no cover - a SQLAlchemy without it
        names = row._fields
    return SimpleNamespace(**dict(zip(names, row, strict=True)))


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


def _dicts(value: Any) -> tuple[dict[str, Any], ...]:
    return tuple(value or ())


def unit_from_row(row: Row[Any]) -> Unit:
    return Unit(row.id, row.label, row.symbol, row.om2, row.dimension)


def agent_from_row(raw: Row[Any]) -> Agent:
    row = _fields(raw)
    return Agent(
        id=row.id, name=row.name, type=AgentType(row.type),
        legal_form=LegalForm(row.legal_form) if row.legal_form else None,
        worker_owned=row.worker_owned, surplus_to_worker_owners=row.surplus_to_worker_owners,
        headcount=row.headcount, annual_revenue=row.annual_revenue, revenue_currency=row.revenue_currency,
        group=row.group, note=row.note, image=row.image, classified_as=_tuple(row.classified_as),
        contributions=ContributionVisibility(row.contributions) if row.contributions else None,
        primary_location=row.primary_location,
    )


def membership_from_row(row: Row[Any]) -> Membership:
    return Membership(row.id, row.member, row.organization, row.since, row.until)


def role_from_row(row: Row[Any]) -> AgentRelationshipRole:
    return AgentRelationshipRole(row.id, row.role_label, row.inverse_role_label, row.note)


def relationship_from_row(row: Row[Any]) -> AgentRelationship:
    return AgentRelationship(row.id, row.subject, row.object, row.relationship, _tuple(row.in_scope_of), row.note)


def process_spec_from_row(row: Row[Any]) -> ProcessSpecification:
    return ProcessSpecification(row.id, row.name, row.note)


def batch_from_row(row: Row[Any]) -> ProductBatch:
    return ProductBatch(row.id, row.batch_number, row.expiry_date, row.production_date)


def spec_from_row(row: Row[Any]) -> ResourceSpecification:
    return ResourceSpecification(
        id=row.id, name=row.name, note=row.note, default_unit_of_resource=row.default_unit_of_resource,
        default_unit_of_effort=row.default_unit_of_effort,
        resource_classified_as=_tuple(row.resource_classified_as), image=row.image,
        image_list=_tuple(row.image_list), substitutable=row.substitutable,
    )


def process_from_row(row: Row[Any]) -> Process:
    return Process(
        id=row.id, name=row.name, note=row.note, has_beginning=row.has_beginning, has_end=row.has_end,
        finished=row.finished, classified_as=_tuple(row.classified_as), based_on=row.based_on,
        in_scope_of=_tuple(row.in_scope_of), nested_in=row.nested_in,
    )


def resource_from_row(raw: Row[Any]) -> EconomicResource:
    row = _fields(raw)
    return EconomicResource(
        id=row.id, name=row.name, conforms_to=row.conforms_to, unit=row.unit,
        accounting_quantity=row.accounting_quantity, onhand_quantity=row.onhand_quantity,
        primary_accountable=row.primary_accountable, custodian=row.custodian, unit_of_effort=row.unit_of_effort,
        licence=row.licence, tracking_identifier=row.tracking_identifier, classified_as=_tuple(row.classified_as),
        contained_in=row.contained_in, note=row.note, image=row.image, lot=row.lot, image_list=_tuple(row.image_list),
        current_location=row.current_location,
    )


def event_from_row(raw: Row[Any]) -> EconomicEvent:
    row = _fields(raw)
    def measure(value: Any, unit: Any) -> Measure | None:
        return Measure(value, unit) if value is not None else None

    return EconomicEvent(
        id=row.id, action=row.action, provider=row.provider, receiver=row.receiver,
        resource_inventoried_as=row.resource_inventoried_as, to_resource_inventoried_as=row.to_resource_inventoried_as,
        resource_conforms_to=row.resource_conforms_to, resource_classified_as=_tuple(row.resource_classified_as),
        resource_quantity=measure(row.resource_quantity_value, row.resource_quantity_unit),
        effort_quantity=measure(row.effort_quantity_value, row.effort_quantity_unit),
        has_point_in_time=row.has_point_in_time, has_beginning=row.has_beginning, has_end=row.has_end,
        input_of=row.input_of, output_of=row.output_of, note=row.note, corrects=row.corrects,
        triggered_by=row.triggered_by, agreed_in=row.agreed_in, realization_of=row.realization_of,
        in_scope_of=_tuple(row.in_scope_of), prior_period=row.prior_period, seq=row.seq,
        at_location=row.at_location, to_location=row.to_location,
    )


def equation_from_row(row: Row[Any]) -> ValueEquation:
    return ValueEquation(row.id, row.name, row.version, equation_from_json(row.buckets), row.note)


def run_from_row(row: Row[Any]) -> DividendRun:
    return DividendRun(
        id=row.id, organization=row.organization, period_start=row.period_start, period_end=row.period_end,
        surplus=row.surplus, currency=row.currency, reserve_rate=row.reserve_rate, cash_rate=row.cash_rate,
        basis=row.basis, reserve=row.reserve, distributed=row.distributed, undistributed=row.undistributed,
        ledger_seq=row.ledger_seq, ledger_hash=row.ledger_hash, events_digest=row.events_digest,
        events_read=row.events_read, created_at=row.created_at, equation=row.equation,
        undistributed_detail=_dicts(row.undistributed_detail), excluded=_dicts(row.excluded),
        reverses=row.reverses, note=row.note, adjustments=_dicts(row.adjustments),
    )


def allocation_from_row(row: Row[Any]) -> DividendAllocation:
    return DividendAllocation(row.id, row.run, row.agent, row.dividend, row.cash, row.retained, row.points,
                              row.share, _dicts(row.explanation))


def claim_from_row(raw: Row[Any]) -> EconomicClaim:
    row = _fields(raw)
    quantity = (Measure(row.resource_quantity_value, row.resource_quantity_unit)
                if row.resource_quantity_value is not None else None)
    return EconomicClaim(
        id=row.id, action=row.action, provider=row.provider, receiver=row.receiver, created=row.created,
        resource_quantity=quantity, resource_conforms_to=row.resource_conforms_to,
        resource_classified_as=_tuple(row.resource_classified_as), due=row.due, triggered_by=row.triggered_by,
        agreed_in=row.agreed_in, note=row.note, in_scope_of=_tuple(row.in_scope_of), dividend_run=row.dividend_run,
        licence=row.licence, about_resource=row.about_resource, period_start=row.period_start,
        period_end=row.period_end, basis=row.basis or None,
        effort_quantity=Measure(row.effort_quantity_value, row.effort_quantity_unit)
        if row.effort_quantity_value is not None else None, finished=bool(row.finished),
    )


def measured_from_row(cls: type[Any]) -> Callable[[Row[Any]], Any]:
    """Rows to records whose measures are stored as `<name>_value` and `<name>_unit` columns (any field named
    `*_quantity`) and whose tuples are JSON lists."""
    fields = list(dataclasses.fields(cls))

    def build(raw: Row[Any]) -> Any:
        row = _fields(raw)
        values: dict[str, Any] = {}
        for f in fields:
            if f.name.endswith("_quantity"):
                value = getattr(row, f.name + "_value")
                values[f.name] = Measure(value, getattr(row, f.name + "_unit")) if value is not None else None
            elif f.default == ():
                values[f.name] = _tuple(getattr(row, f.name))
            else:
                values[f.name] = getattr(row, f.name)
        return cls(**values)
    return build


def simple_row(record: Any) -> dict[str, Any]:
    """Column values for records whose fields map one to one onto columns."""
    values: dict[str, Any] = {}
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if value is None or type(value) is str:  # most fields: nothing to convert
            pass
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, AgentType | LegalForm | ContributionVisibility):
            value = value.value
        values[name] = value
    return values


def event_row(event: EconomicEvent) -> dict[str, Any]:
    values = measured_row(event)
    values["happened_at"] = event.when
    return values


def equation_row(equation: ValueEquation) -> dict[str, Any]:
    return {"id": equation.id, "name": equation.name, "version": equation.version,
            "buckets": equation_to_json(equation.buckets), "note": equation.note}


def measured_row(record: Any) -> dict[str, Any]:
    """Column values of a record with measures (`*_quantity` fields): each as a value and a unit column."""
    values = simple_row(record)
    for name in [n for n in values if n.endswith("_quantity")]:
        m: Measure | None = values.pop(name)
        values[f"{name}_value"] = m.has_numerical_value if m else None
        values[f"{name}_unit"] = m.has_unit if m else None
    return values


MEASURED = (EconomicClaim, Flow, Fulfillment, Satisfaction, RecipeFlow, Settlement)


def row_of(record: Any) -> dict[str, Any]:
    """Column values of any record."""
    if isinstance(record, EconomicEvent):
        return event_row(record)
    if isinstance(record, ValueEquation):
        return equation_row(record)
    if isinstance(record, MEASURED):
        return measured_row(record)
    return simple_row(record)


FROM_ROW: dict[str, Callable[[Row[Any]], Any]] = {
    "unit": unit_from_row,
    "agent": agent_from_row,
    "membership": membership_from_row,
    "agent_relationship_role": role_from_row,
    "agent_relationship": relationship_from_row,
    "process_specification": process_spec_from_row,
    "product_batch": batch_from_row,
    "resource_specification": spec_from_row,
    "process": process_from_row,
    "economic_resource": resource_from_row,
    "economic_event": event_from_row,
    "value_equation": equation_from_row,
    "dividend_run": run_from_row,
    "dividend_allocation": allocation_from_row,
    "claim": claim_from_row,
    "books_closed": lambda row: BooksClosed(row.id, row.organization, row.through, row.note),
    "agreement": lambda row: Agreement(row.id, row.name, row.note, row.created),
    "plan": lambda row: Plan(row.id, row.name, row.note, row.due, row.created, row.refinement_of),
    "scenario": measured_from_row(Scenario),
    "scenario_definition": measured_from_row(ScenarioDefinition),
    "appreciation": measured_from_row(Appreciation),
    "settlement": measured_from_row(Settlement),
    "intent": measured_from_row(Intent),
    "commitment": measured_from_row(Commitment),
    "fulfillment": measured_from_row(Fulfillment),
    "satisfaction": measured_from_row(Satisfaction),
    "spatial_thing": measured_from_row(SpatialThing),
    "proposal": measured_from_row(Proposal),
    "proposed_intent": measured_from_row(ProposedIntent),
    "proposed_to": measured_from_row(ProposedTo),
    "recipe_process": measured_from_row(RecipeProcess),
    "recipe_exchange": measured_from_row(RecipeExchange),
    "recipe_flow": measured_from_row(RecipeFlow),
}
