"""The reference mutations. Each calls one use case (one transaction) and shapes its answer.

Every create takes an optional `idempotencyKey`: a retry with the same key returns the first result.
Mutations that would rewrite history (deleting records, changing an event) stay in the schema for
compatibility and answer with an error that says what to do instead.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import strawberry
from strawberry import ID, UNSET

from valueflows.api.gql import inputs as i
from valueflows.api.gql import measures as m
from valueflows.api.gql import types as t
from valueflows.api.gql.context import Info
from valueflows.api.gql.versions import LEGACY, MAIN, only
from valueflows.domain import inputs as domain
from valueflows.domain.errors import ImmutableRecord
from valueflows.domain.model import AgentType
from valueflows.domain.model import Unit as UnitRecord
from valueflows.service import batches, ledger, records, revisions
from valueflows.service.batches import MAX_BATCH

Key = Annotated[str | None, strawberry.argument(
    description="Retrying with the same key returns the first result and writes nothing.")]


def _target(info: Info, params: Any, *kinds: str) -> tuple[str, str | None]:
    """The record an update changes, with the revision it names: by `revisionId` in the main API (the use case
    refuses it with CONFLICT if the record changed since), by `id` in the legacy API."""
    if params.revision_id is not UNSET:  # UNSET outside the main API; GraphQL requires it inside
        return revisions.record_of(info.context.uow, str(params.revision_id), kinds)[1], str(params.revision_id)
    return str(params.id), None


def _append_only(kind: str) -> NoReturn:
    raise ImmutableRecord(f"the ledger is append-only: a {kind} is never deleted")


def _delete_by_revision(name: str, kind: str) -> Any:
    """The main API's `deleteX(revisionId)`: the ledger is append-only, so it answers IMMUTABLE (without looking
    the revision up, so it tells nothing about records the asker may not see)."""

    def resolve(revision_id: ID) -> bool:
        _append_only(kind)

    return strawberry.mutation(resolver=resolve, name=name, metadata=only(MAIN),
                               description="Not done: the ledger is append-only.")


@strawberry.type(name="PersonResponse")
class PersonResponse:
    agent: t.Person


@strawberry.type(name="OrganizationResponse")
class OrganizationResponse:
    agent: t.Organization


@strawberry.type(name="AgentRelationshipResponse")
class AgentRelationshipResponse:
    agent_relationship: t.AgentRelationship


@strawberry.type(name="AgentRelationshipRoleResponse")
class AgentRelationshipRoleResponse:
    agent_relationship_role: t.AgentRelationshipRole | None


@strawberry.type(name="ResourceSpecificationResponse")
class ResourceSpecificationResponse:
    resource_specification: t.ResourceSpecification


@strawberry.type(name="ProcessSpecificationResponse")
class ProcessSpecificationResponse:
    process_specification: t.ProcessSpecification


@strawberry.type(name="UnitResponse")
class UnitResponse:
    unit: m.Unit


@strawberry.type(name="EconomicEventResponse")
class EconomicEventResponse:
    economic_event: t.EconomicEvent
    economic_resource: t.EconomicResource | None
    replayed: bool = strawberry.field(description="True when an idempotent retry returned the first result.")


@strawberry.type(name="EconomicEventsResponse")
class EconomicEventsResponse:
    economic_events: list[t.EconomicEvent] = strawberry.field(description="In the order they were sent.")
    replayed: bool = strawberry.field(description="True when an idempotent retry returned the first result.")


@strawberry.type(name="EconomicResourceResponse")
class EconomicResourceResponse:
    economic_resource: t.EconomicResource


@strawberry.type(name="ProductBatchResponse")
class ProductBatchResponse:
    product_batch: t.ProductBatch


@strawberry.type(name="ProcessResponse")
class ProcessResponse:
    process: t.Process


@strawberry.type(name="Mutation")
class Mutation:
    # -- agent ---------------------------------------------------------------------------------------------
    @strawberry.mutation
    def create_person(self, info: Info, person: i.AgentCreateParams,
                      idempotency_key: Key = None) -> PersonResponse:
        request = domain.AgentInput(person.name, "Person", note=person.note, image=person.image,
                                    id=str(person.id) if person.id else None,
                                    primary_location=str(person.primary_location) if person.primary_location else None)
        return PersonResponse(agent=t.Person(r=records.create_agent(info.context.uow, request,
                                                                    idempotency_key).record))

    @strawberry.mutation
    def update_person(self, info: Info, person: i.AgentUpdateParams) -> PersonResponse:
        patch = {"name": person.name, "note": person.note, "image": person.image,
                 "primary_location": str(person.primary_location) if person.primary_location else None}
        record_id, revision = _target(info, person, "agent")
        revised = records.revise_agent(info.context.uow, record_id, patch, kind=AgentType.PERSON,
                                       revision_id=revision).record
        return PersonResponse(agent=t.Person(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.", metadata=only(LEGACY))
    def delete_person(self, id: ID) -> bool:
        _append_only("person")

    @strawberry.mutation
    def create_organization(self, info: Info, organization: i.OrganizationCreateParams,
                            idempotency_key: Key = None) -> OrganizationResponse:
        created = records.create_agent(info.context.uow, organization.to_domain(), idempotency_key).record
        return OrganizationResponse(agent=t.Organization(r=created))

    @strawberry.mutation
    def update_organization(self, info: Info, organization: i.OrganizationUpdateParams) -> OrganizationResponse:
        record_id, revision = _target(info, organization, "agent")
        revised = records.revise_agent(info.context.uow, record_id, organization.patch(),
                                       kind=AgentType.ORGANIZATION, revision_id=revision).record
        return OrganizationResponse(agent=t.Organization(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.", metadata=only(LEGACY))
    def delete_organization(self, id: ID) -> bool:
        _append_only("organization")

    @strawberry.mutation(description="Whether an organization's members' contributions (hours of work, services, "
                                     "uses) are `public` or for its `members`: admin. Recorded in the chain as a new "
                                     "version of the organization's facts; every door applies it from then on.")
    def set_contribution_visibility(self, info: Info, organization: ID, visibility: t.ContributionVisibility,
                                    idempotency_key: Key = None) -> OrganizationResponse:
        done = records.set_contribution_visibility(info.context.uow, str(organization),
                                                   visibility.value, idempotency_key)
        return OrganizationResponse(agent=t.Organization(r=done.record))

    @strawberry.mutation(description="Relationships in the role 'member' are memberships: give `since` (and `until`).")
    def create_agent_relationship(self, info: Info, relationship: i.AgentRelationshipCreateParams,
                                  idempotency_key: Key = None) -> AgentRelationshipResponse:
        r = relationship
        created = records.relate(info.context.uow, domain.RelationshipInput(
            r.subject, r.object, r.relationship, tuple(r.in_scope_of or ()), r.note, r.id), r.since, r.until,
            idempotency_key).record
        return AgentRelationshipResponse(agent_relationship=t.AgentRelationship(r=created))

    @strawberry.mutation(description="For a membership, only `until` changes (the day it ended).")
    def update_agent_relationship(self, info: Info, relationship: i.AgentRelationshipUpdateParams
                                  ) -> AgentRelationshipResponse:
        r = relationship
        patch = {"subject": r.subject, "object": r.object, "relationship": r.relationship, "note": r.note,
                 "in_scope_of": tuple(r.in_scope_of) if r.in_scope_of is not None else None}
        record_id, revision = _target(info, r, "agent_relationship", "membership")
        revised = records.revise_relationship(info.context.uow, record_id, patch, r.until, revision).record
        return AgentRelationshipResponse(agent_relationship=t.AgentRelationship(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only; end a membership with `until`.",
                         metadata=only(LEGACY))
    def delete_agent_relationship(self, id: ID) -> bool:
        _append_only("relationship")

    @strawberry.mutation
    def create_agent_relationship_role(self, info: Info, agent_relationship_role: i.AgentRelationshipRoleCreateParams,
                                       idempotency_key: Key = None) -> AgentRelationshipRoleResponse:
        r = agent_relationship_role
        created = records.create_role(info.context.uow, domain.RoleInput(
            r.role_label, r.inverse_role_label, r.note, r.id), idempotency_key).record
        return AgentRelationshipRoleResponse(agent_relationship_role=t.AgentRelationshipRole(r=created))

    @strawberry.mutation
    def update_agent_relationship_role(self, info: Info, agent_relationship_role: i.AgentRelationshipRoleUpdateParams
                                       ) -> AgentRelationshipRoleResponse:
        r = agent_relationship_role
        patch = {"role_label": r.role_label, "inverse_role_label": r.inverse_role_label, "note": r.note}
        record_id, revision = _target(info, r, "agent_relationship_role")
        revised = records.update_role(info.context.uow, record_id, patch, revision_id=revision).record
        return AgentRelationshipRoleResponse(agent_relationship_role=t.AgentRelationshipRole(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.", metadata=only(LEGACY))
    def delete_agent_relationship_role(self, id: ID) -> bool:
        _append_only("relationship role")

    # -- knowledge & measurement -----------------------------------------------------------------------------
    @strawberry.mutation
    def create_resource_specification(self, info: Info, resource_specification: i.ResourceSpecificationCreateParams,
                                      idempotency_key: Key = None) -> ResourceSpecificationResponse:
        created = records.create_specification(info.context.uow, resource_specification.to_domain(),
                                               idempotency_key).record
        return ResourceSpecificationResponse(resource_specification=t.ResourceSpecification(r=created))

    @strawberry.mutation
    def update_resource_specification(self, info: Info, resource_specification: i.ResourceSpecificationUpdateParams
                                      ) -> ResourceSpecificationResponse:
        r = resource_specification
        patch = {"name": r.name, "image": r.image, "note": r.note,
                 "default_unit_of_resource": r.default_unit_of_resource,
                 "default_unit_of_effort": r.default_unit_of_effort,
                 "resource_classified_as": tuple(r.resource_classified_as)
                 if r.resource_classified_as is not None else None,
                 "image_list": tuple(r.image_list) if r.image_list is not None else None,
                 "substitutable": r.substitutable}
        record_id, revision = _target(info, r, "resource_specification")
        revised = records.update_specification(info.context.uow, record_id, patch, revision_id=revision).record
        return ResourceSpecificationResponse(resource_specification=t.ResourceSpecification(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.", metadata=only(LEGACY))
    def delete_resource_specification(self, id: ID) -> bool:
        _append_only("resource specification")

    @strawberry.mutation
    def create_process_specification(self, info: Info, process_specification: i.ProcessSpecificationCreateParams,
                                     idempotency_key: Key = None) -> ProcessSpecificationResponse:
        r = process_specification
        created = records.create_process_specification(info.context.uow, domain.ProcessSpecificationInput(
            r.name, r.note, r.id), idempotency_key).record
        return ProcessSpecificationResponse(process_specification=t.ProcessSpecification(r=created))

    @strawberry.mutation
    def update_process_specification(self, info: Info, process_specification: i.ProcessSpecificationUpdateParams
                                     ) -> ProcessSpecificationResponse:
        r = process_specification
        record_id, revision = _target(info, r, "process_specification")
        revised = records.update_process_specification(info.context.uow, record_id, {"name": r.name, "note": r.note},
                                                       revision_id=revision).record
        return ProcessSpecificationResponse(process_specification=t.ProcessSpecification(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.", metadata=only(LEGACY))
    def delete_process_specification(self, id: ID) -> bool:
        _append_only("process specification")

    @strawberry.mutation
    def create_unit(self, info: Info, unit: i.UnitCreateParams, idempotency_key: Key = None) -> UnitResponse:
        record = UnitRecord(str(unit.id or unit.label), unit.label, unit.symbol, unit.om2, unit.dimension or "other")
        return UnitResponse(unit=m.Unit(r=records.create_unit(info.context.uow, record, idempotency_key).record))

    @strawberry.mutation(description="A unit's label and symbol may change; what it measures may not.")
    def update_unit(self, info: Info, unit: i.UnitUpdateParams) -> UnitResponse:
        record_id, revision = _target(info, unit, "unit")
        return UnitResponse(unit=m.Unit(r=records.update_unit(info.context.uow, record_id, unit.label, unit.symbol,
                                                              revision_id=revision).record))

    @strawberry.mutation(description="Not done: the ledger is append-only.", metadata=only(LEGACY))
    def delete_unit(self, id: ID) -> bool:
        _append_only("unit")

    # -- observation -------------------------------------------------------------------------------------------
    @strawberry.mutation(description="Records an economic event (or a correction of one, with `corrects`); "
                                     "`newInventoriedResource` creates the resource a produce/raise/copy adds to.")
    def create_economic_event(self, info: Info, event: i.EconomicEventCreateParams,
                              new_inventoried_resource: i.EconomicResourceCreateParams | None = None,
                              idempotency_key: Key = None) -> EconomicEventResponse:
        done = ledger.record_event(info.context.uow, event.to_domain(new_inventoried_resource), idempotency_key)
        touched = {r.id: r for r in done.resources}
        main = touched.get(done.event.resource_inventoried_as or "")
        return EconomicEventResponse(economic_event=t.EconomicEvent(r=done.event),
                                     economic_resource=t.EconomicResource(r=main) if main else None,
                                     replayed=done.replayed)

    @strawberry.mutation(description=(
        f"Records up to {MAX_BATCH} events in one transaction, in order, all or none: each is judged on the ledger "
        "as the events before it leave it; a refusal names every problem by the event's index (`events[3].provider`)."
        " One idempotency key covers the batch."))
    def create_economic_events(self, info: Info, events: list[i.EconomicEventBatchItem],
                               idempotency_key: Key = None) -> EconomicEventsResponse:
        requests = [item.event.to_domain(item.new_inventoried_resource) for item in events]
        done = batches.record_events(info.context.uow, requests, batches.batch_keys(idempotency_key, len(requests)))
        return EconomicEventsResponse(economic_events=[t.EconomicEvent(r=d.event) for d in done],
                                      replayed=bool(done) and all(d.replayed for d in done))

    @strawberry.mutation(description="Not done: events are immutable; record a correction (`corrects`) instead.")
    def update_economic_event(self, event: i.EconomicEventUpdateParams) -> EconomicEventResponse:
        raise ImmutableRecord("events are immutable: to change one, record a new event with `corrects` set to it")

    @strawberry.mutation(description="Not done: events are never deleted; correct one to zero to back it out.")
    def delete_economic_event(self, id: ID) -> bool:
        raise ImmutableRecord("events are never deleted: record a correction (`corrects`) with a zero quantity "
                              "to back one out")

    @strawberry.mutation(description="Quantities change only through events; the other facts may be revised.")
    def update_economic_resource(self, info: Info, resource: i.EconomicResourceUpdateParams
                                 ) -> EconomicResourceResponse:
        record_id, revision = _target(info, resource, "economic_resource")
        revised = records.revise_resource(info.context.uow, record_id, resource.to_domain(),
                                          revision_id=revision).record
        return EconomicResourceResponse(economic_resource=t.EconomicResource(r=revised))

    @strawberry.mutation(description="Not done: resources are never deleted; lower their quantity with an event.")
    def delete_economic_resource(self, id: ID) -> bool:
        raise ImmutableRecord("resources are never deleted: record a `lower` or `consume` event to take them down")

    @strawberry.mutation
    def create_product_batch(self, info: Info, product_batch: i.ProductBatchCreateParams,
                             idempotency_key: Key = None) -> ProductBatchResponse:
        r = product_batch
        created = records.create_batch(info.context.uow, domain.BatchInput(
            r.batch_number, r.expiry_date, r.production_date, r.id), idempotency_key).record
        return ProductBatchResponse(product_batch=t.ProductBatch(r=created))

    @strawberry.mutation
    def update_product_batch(self, info: Info, product_batch: i.ProductBatchUpdateParams) -> ProductBatchResponse:
        r = product_batch
        patch = {"batch_number": r.batch_number, "expiry_date": r.expiry_date, "production_date": r.production_date}
        record_id, revision = _target(info, r, "product_batch")
        revised = records.update_batch(info.context.uow, record_id, patch, revision_id=revision).record
        return ProductBatchResponse(product_batch=t.ProductBatch(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.")
    def delete_product_batch(self, id: ID) -> bool:
        _append_only("product batch")

    @strawberry.mutation
    def create_process(self, info: Info, process: i.ProcessCreateParams,
                       idempotency_key: Key = None) -> ProcessResponse:
        created = records.create_process(info.context.uow, process.to_domain(), idempotency_key).record
        return ProcessResponse(process=t.Process(r=created))

    @strawberry.mutation
    def update_process(self, info: Info, process: i.ProcessUpdateParams) -> ProcessResponse:
        record_id, revision = _target(info, process, "process")
        revised = records.update_process(info.context.uow, record_id, process.patch(), revision_id=revision).record
        return ProcessResponse(process=t.Process(r=revised))

    @strawberry.mutation(description="Not done: the ledger is append-only.")
    def delete_process(self, id: ID) -> bool:
        _append_only("process")

    # the main API names what it deletes by revision
    delete_person_revision: bool = _delete_by_revision("deletePerson", "person")
    delete_organization_revision: bool = _delete_by_revision("deleteOrganization", "organization")
    delete_agent_relationship_revision: bool = _delete_by_revision("deleteAgentRelationship", "relationship")
    delete_agent_relationship_role_revision: bool = _delete_by_revision("deleteAgentRelationshipRole", "role")
    delete_resource_specification_revision: bool = _delete_by_revision("deleteResourceSpecification",
                                                                       "specification")
    delete_process_specification_revision: bool = _delete_by_revision("deleteProcessSpecification",
                                                                      "process specification")
    delete_unit_revision: bool = _delete_by_revision("deleteUnit", "unit")
