"""Use cases for the records events refer to: agents, memberships and relationships, specifications,
processes, product batches, units, and the revisable facts of resources.

Creating appends the record to the chain; revising appends its new version (history stays in the chain).
Records are never deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from typing import Any

from valueflows.domain import access
from valueflows.domain import records as rules
from valueflows.domain.chain import facts
from valueflows.domain.errors import NotFound
from valueflows.domain.inputs import (
    AgentInput,
    BatchInput,
    MembershipInput,
    ProcessInput,
    ProcessSpecificationInput,
    RelationshipInput,
    ResourceRevision,
    RoleInput,
    SpecificationInput,
)
from valueflows.domain.model import MEMBER_ROLE, Agent, AgentRelationship, AgentType, Unit
from valueflows.domain.units import STANDARD_UNITS
from valueflows.service import settling
from valueflows.service.ledger import Recorded, create_record, new_id, remember_key, replayed_key
from valueflows.service.revisions import expect_newest
from valueflows.store.ports import Tx, UnitOfWork, WriteTx


def _taken(tx: WriteTx, kind: str, record_id: str | None) -> set[str]:
    return {record_id} if record_id and tx.records(kind).exists(record_id) else set()


def present(tx: Tx, kind: str, *ids: str | None) -> frozenset[str]:
    """Which of these ids name records of `kind` (None ids are skipped, without a query when all are None)."""
    return frozenset(tx.records(kind).get_many(ids))


def places(tx: Tx, *ids: str | None) -> frozenset[str]:
    """Which of these places (SpatialThings) exist."""
    return present(tx, "spatial_thing", *ids)


def revise_record(uow: UnitOfWork, kind: str, record_id: str, request: Any, key: str | None,
                  build: Callable[[WriteTx, Any], Any], revision_id: str | None = None) -> Recorded[Any]:
    """Write a new version of an existing record; `build(tx, current)` returns it (or raises). With `revision_id`,
    only if that is still the record's newest revision."""
    with uow.write() as tx:
        first = replayed_key(tx, key, kind, (record_id, request))
        if first is not None:
            return Recorded(tx.records(kind).get(first), replayed=True)
        current = tx.records(kind).get(record_id)
        if current is None:
            raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
        expect_newest(tx, kind, record_id, revision_id)
        record = build(tx, current)
        tx.records(kind).replace(record)
        uow.cache.forget(kind, record_id)
        tx.append(kind, record.id, facts(record))
        remember_key(tx, key, kind, (record_id, request), record.id)
        return Recorded(record)


def merged(input_type: type, current: Any, patch: dict[str, Any]) -> Any:
    """An input carrying the record's current facts, overwritten by `patch` (None leaves a fact as it is)."""
    names = {f.name for f in fields(input_type)}
    values = {n: getattr(current, n) for n in names if hasattr(current, n)}
    values.update({k: v for k, v in patch.items() if v is not None and k in names})
    return input_type(**values)


# -- agents -----------------------------------------------------------------------------------------------

def create_agent(uow: UnitOfWork, request: AgentInput, key: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "creating an agent")
    def build(tx: WriteTx) -> Any:
        return rules.check_agent(
            request, new_id(), tx.records("agent").get_many([request.group]),
            tx.records("unit").get_many([request.revenue_currency]), _taken(tx, "agent", request.id),
            places(tx, request.primary_location),
        )
    return create_record(uow, "agent", request, key, build)


def update_agent(uow: UnitOfWork, agent_id: str, request: AgentInput,
                 key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    """New facts about an agent (headcount, revenue, …): the whole set of facts, as of now. Who sees its members'
    contributions stays as it is (`set_contribution_visibility` changes it)."""
    access.may_revise_agent(uow.principal, agent_id)

    def build(tx: WriteTx, current: Agent) -> Agent:
        return _agent_facts(tx, current, request)
    return revise_record(uow, "agent", agent_id, request, key, build, revision_id=revision_id)


def revise_agent(uow: UnitOfWork, agent_id: str, patch: dict[str, Any], key: str | None = None,
                 kind: AgentType | None = None, revision_id: str | None = None) -> Recorded[Any]:
    """Change some facts of an agent, keeping the others; with `kind`, the agent must be of that kind."""
    access.may_revise_agent(uow.principal, agent_id)

    def build(tx: WriteTx, current: Agent) -> Agent:
        if kind is not None and current.type is not kind:
            raise NotFound(f"no {kind.value.lower()} with id {agent_id!r}")
        return _agent_facts(tx, current, merged(AgentInput, current, patch))
    return revise_record(uow, "agent", agent_id, patch, key, build, revision_id=revision_id)


def _agent_facts(tx: WriteTx, current: Agent, request: AgentInput) -> Agent:
    kept = current.contributions.value if current.contributions else None
    return rules.check_agent(replace(request, id=current.id, contributions=kept), current.id,
                             tx.agents.get_many([request.group]), tx.units.get_many([request.revenue_currency]),
                             places=places(tx, request.primary_location))


def set_contribution_visibility(uow: UnitOfWork, organization: str, visibility: str,
                                key: str | None = None) -> Recorded[Any]:
    """Whether an organization's members' contributions are public or for its members (admins only); recorded as
    a new version of the organization's facts, and applied by every door from then on."""
    access.require_admin(uow.principal, "choosing who sees an organization's contributions")

    def build(tx: WriteTx, current: Any) -> Any:
        request = replace(merged(AgentInput, current, {}), id=organization, contributions=visibility)
        return rules.check_agent(request, organization, tx.records("agent").get_many([current.group]),
                                 tx.records("unit").get_many([current.revenue_currency]),
                                 places=places(tx, current.primary_location))
    return revise_record(uow, "agent", organization, ("contributions", visibility), key, build)


# -- memberships and other relationships --------------------------------------------------------------------

def create_membership(uow: UnitOfWork, request: MembershipInput, key: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "recording a membership")
    def build(tx: WriteTx) -> Any:
        existing = _memberships(tx, request.member, request.organization)
        agents = tx.records("agent").get_many([request.member, request.organization])
        return rules.check_membership(request, new_id(), agents, existing, _taken(tx, "membership", request.id))
    return create_record(uow, "membership", request, key, build)


def end_membership(uow: UnitOfWork, membership_id: str, until: date,
                   key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "changing a membership")
    def build(tx: WriteTx, current: Any) -> Any:
        return rules.end_membership(current, until, _memberships(tx, current.member, current.organization))
    return revise_record(uow, "membership", membership_id, until, key, build, revision_id=revision_id)


def _memberships(tx: WriteTx, member: str, organization: str) -> list[Any]:
    return tx.memberships.of(member, organization)


def create_role(uow: UnitOfWork, request: RoleInput, key: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "creating a role")
    def build(tx: WriteTx) -> Any:
        return rules.check_role(request, new_id(), _taken(tx, "agent_relationship_role", request.id))
    return create_record(uow, "agent_relationship_role", request, key, build)


def update_role(uow: UnitOfWork, role_id: str, patch: dict[str, Any],
                key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "changing a role")
    def build(tx: WriteTx, current: Any) -> Any:
        if role_id == MEMBER_ROLE.id:
            raise rules.RuleViolation([rules.Problem("id", "standard_role", "the member role is fixed")])
        return rules.check_role(merged(RoleInput, current, patch), role_id)
    return revise_record(uow, "agent_relationship_role", role_id, patch, key, build, revision_id=revision_id)


def _relationship(tx: WriteTx, request: RelationshipInput, record_id: str, taken: set[str]) -> Any:
    agents = tx.agents.get_many([request.subject, request.object, *request.in_scope_of])
    roles = tx.roles.get_many([request.relationship])
    scopes = set(agents) | set(tx.processes.get_many(request.in_scope_of))
    return rules.check_relationship(request, record_id, agents, roles, taken, scopes)


def relate(uow: UnitOfWork, request: RelationshipInput, since: date | None = None, until: date | None = None,
           key: str | None = None) -> Recorded[AgentRelationship]:
    """A relationship between two agents; in the role `member` it is a membership, which needs the day it began."""
    if rules.is_membership(request.relationship):
        done = create_membership(uow, rules.membership_of(request, since, until), key)
        return Recorded(rules.membership_relationship(done.record), done.replayed)
    return create_relationship(uow, request, key)


def revise_relationship(uow: UnitOfWork, relationship_id: str, patch: dict[str, Any],
                        until: date | None = None, revision_id: str | None = None) -> Recorded[AgentRelationship]:
    """Change a relationship; a membership changes only by ending (`until`)."""
    access.require_admin(uow.principal, "changing a relationship")
    with uow.read() as tx:
        is_membership = tx.memberships.exists(relationship_id)
    if is_membership:
        ended = end_membership(uow, relationship_id, rules.membership_end(until), revision_id=revision_id)
        return Recorded(rules.membership_relationship(ended.record), ended.replayed)
    return update_relationship(uow, relationship_id, patch, revision_id=revision_id)


def create_relationship(uow: UnitOfWork, request: RelationshipInput, key: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "recording a relationship")
    def build(tx: WriteTx) -> Any:
        return _relationship(tx, request, new_id(), _taken(tx, "agent_relationship", request.id))
    return create_record(uow, "agent_relationship", request, key, build)


def update_relationship(uow: UnitOfWork, relationship_id: str, patch: dict[str, Any],
                        key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "changing a relationship")
    def build(tx: WriteTx, current: Any) -> Any:
        return _relationship(tx, merged(RelationshipInput, current, patch | {"id": relationship_id}),
                             relationship_id, set())
    return revise_record(uow, "agent_relationship", relationship_id, patch, key, build, revision_id=revision_id)


# -- specifications, processes, batches, units ----------------------------------------------------------------

def create_specification(uow: UnitOfWork, request: SpecificationInput, key: str | None = None) -> Recorded[Any]:
    access.require_writer(uow.principal, "creating a specification")
    def build(tx: WriteTx) -> Any:
        unit_ids = [request.default_unit_of_resource, request.default_unit_of_effort]
        return rules.check_specification(request, new_id(), tx.records("unit").get_many(unit_ids),
                                         _taken(tx, "resource_specification", request.id))
    return create_record(uow, "resource_specification", request, key, build)


def update_specification(uow: UnitOfWork, spec_id: str, patch: dict[str, Any],
                         key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "changing a specification")
    def build(tx: WriteTx, current: Any) -> Any:
        request = merged(SpecificationInput, current, patch | {"id": spec_id})
        unit_ids = [request.default_unit_of_resource, request.default_unit_of_effort]
        return rules.check_specification(request, spec_id, tx.records("unit").get_many(unit_ids))
    return revise_record(uow, "resource_specification", spec_id, patch, key, build, revision_id=revision_id)


def create_process_specification(uow: UnitOfWork, request: ProcessSpecificationInput,
                                 key: str | None = None) -> Recorded[Any]:
    access.require_writer(uow.principal, "creating a specification")
    def build(tx: WriteTx) -> Any:
        return rules.check_process_specification(request, new_id(), _taken(tx, "process_specification", request.id))
    return create_record(uow, "process_specification", request, key, build)


def update_process_specification(uow: UnitOfWork, spec_id: str, patch: dict[str, Any],
                                 key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "changing a specification")
    def build(tx: WriteTx, current: Any) -> Any:
        return rules.check_process_specification(merged(ProcessSpecificationInput, current, patch), spec_id)
    return revise_record(uow, "process_specification", spec_id, patch, key, build, revision_id=revision_id)


def _known_for_process(tx: WriteTx, request: ProcessInput) -> set[str]:
    scope_ids = list(request.in_scope_of)
    return (set(tx.process_specifications.get_many([request.based_on]))
            | set(tx.agents.get_many(scope_ids)) | set(tx.processes.get_many(scope_ids)))


def create_process(uow: UnitOfWork, request: ProcessInput, key: str | None = None) -> Recorded[Any]:
    access.require_writer(uow.principal, "creating a process")
    def build(tx: WriteTx) -> Any:
        taken = _taken(tx, "process", request.id)
        return rules.check_process(request, new_id(), taken, _known_for_process(tx, request),
                                   frozenset(tx.records("scenario").get_many([request.nested_in])))
    return create_record(uow, "process", request, key, build)


def update_process(uow: UnitOfWork, process_id: str, patch: dict[str, Any],
                   key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_writer(uow.principal, "changing a process")
    def build(tx: WriteTx, current: Any) -> Any:
        request = merged(ProcessInput, current, patch | {"id": process_id})
        return rules.check_process(request, process_id, (), _known_for_process(tx, request),
                                   frozenset(tx.records("scenario").get_many([request.nested_in])))
    return revise_record(uow, "process", process_id, patch, key, build, revision_id=revision_id)


def create_batch(uow: UnitOfWork, request: BatchInput, key: str | None = None) -> Recorded[Any]:
    access.require_writer(uow.principal, "creating a product batch")
    def build(tx: WriteTx) -> Any:
        return rules.check_batch(request, new_id(), _taken(tx, "product_batch", request.id))
    return create_record(uow, "product_batch", request, key, build)


def update_batch(uow: UnitOfWork, batch_id: str, patch: dict[str, Any],
                 key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "changing a product batch")
    def build(tx: WriteTx, current: Any) -> Any:
        return rules.check_batch(merged(BatchInput, current, patch), batch_id)
    return revise_record(uow, "product_batch", batch_id, patch, key, build, revision_id=revision_id)


def create_unit(uow: UnitOfWork, unit: Unit, key: str | None = None) -> Recorded[Any]:
    access.require_admin(uow.principal, "creating a unit")
    def build(tx: WriteTx) -> Any:
        return rules.check_unit(unit, _taken(tx, "unit", unit.id))
    return create_record(uow, "unit", unit, key, build)


def update_unit(uow: UnitOfWork, unit_id: str, label: str | None, symbol: str | None,
                key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    """A unit's label and symbol may change; what it measures (dimension, om2) may not."""
    access.require_admin(uow.principal, "changing a unit")
    def build(tx: WriteTx, current: Any) -> Any:
        return rules.check_unit(replace(current, label=label or current.label, symbol=symbol or current.symbol))
    return revise_record(uow, "unit", unit_id, (label, symbol), key, build, revision_id=revision_id)


def revise_resource(uow: UnitOfWork, resource_id: str, revision: ResourceRevision,
                    key: str | None = None, revision_id: str | None = None) -> Recorded[Any]:
    """Change what may change about a resource; its quantities change only through events. A write token changes
    only the resources its agent is accountable for or has in custody (checked in the same transaction)."""
    access.require_writer(uow.principal, "changing a resource")

    def build(tx: WriteTx, current: Any) -> Any:
        access.may_revise_resource(uow.principal, current.primary_accountable, current.custodian)
        containers: dict[str, Any] = {}
        step = revision.contained_in
        while step is not None and step not in containers and step != resource_id:
            found = tx.resources.get(step)
            if found is None:
                break
            containers[step] = found
            step = found.contained_in
        unit_ids = tx.units.get_many([revision.unit_of_effort])
        return rules.revise_resource(current, revision, unit_ids, containers)
    return revise_record(uow, "economic_resource", resource_id, revision, key, build, revision_id=revision_id)


# -- what every ledger starts with ----------------------------------------------------------------------------

def ensure_standard_records(uow: UnitOfWork) -> int:
    """Record the standard om2 units and the member role a new ledger starts with; returns how many were missing."""
    with uow.read() as tx:
        present = set(tx.units.get_many([u.id for u in STANDARD_UNITS]))
        has_member_role = tx.roles.exists(MEMBER_ROLE.id)
    missing: list[tuple[str, Any]] = [("unit", u) for u in STANDARD_UNITS if u.id not in present]
    if not has_member_role:
        missing.append(("agent_relationship_role", MEMBER_ROLE))
    if missing:
        with uow.write() as tx:
            for kind, record in missing:
                if not tx.records(kind).exists(record.id):
                    tx.records(kind).add(record)
                    tx.append(kind, record.id, facts(record))
    return len(missing)


def import_claim(uow: UnitOfWork, claim: Any, key: str | None = None) -> Recorded[Any]:
    """A claim from another ledger's export (an obligation, a dividend payout): kept as it was, once its
    references check out. The ledger creates claims itself otherwise (dividend runs, licensed uses)."""
    access.require_admin(uow.principal, "importing a claim")
    def build(tx: WriteTx) -> Any:
        present = {(kind, ref) for _, kind, ref in rules.claim_references(claim)
                   if ref is not None and tx.records(kind).exists(ref)}
        return rules.check_claim(claim, present, _taken(tx, "claim", claim.id))

    def settle(tx: WriteTx, made: Any) -> None:  # an obligation: what its user's payments settle of it is kept
        if made.licence is not None:
            settling.resettle(tx, [(made.provider, made.receiver, made.agreed_in or "")])
    return create_record(uow, "claim", claim, key, build, settle)
