"""A co-op's own node: starting from an empty ledger (the organization, its first member, an admin token, in one
transaction), and the people and memberships an operator adds from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from slugify import slugify

from valueflows.domain import access
from valueflows.domain.errors import LedgerError, NotFound, Problem, RuleViolation
from valueflows.domain.inputs import AgentInput, MembershipInput
from valueflows.domain.limits import MAX_ID
from valueflows.domain.model import Agent, AgentType, EconomicEvent, EconomicResource, Membership
from valueflows.service import obligations, records, tokens
from valueflows.service.obligations import ObligationView
from valueflows.service.paging import Slice
from valueflows.service.reading import Reading
from valueflows.service.tokens import TokenInfo
from valueflows.store.ports import EventFilter, UnitOfWork
from valueflows.store.within import WithinTransaction


@dataclass(frozen=True)
class Started:
    organization: Agent
    admin: Agent
    membership: Membership
    token: TokenInfo
    secret: str  # the admin token itself: shown once


def id_for(name: str, given: str | None) -> str | None:
    """The id an operator gives, else one made from the name ("Atelier Commun" -> "atelier-commun"); None when the
    name has nothing to make one from (the ledger then assigns one)."""
    if given is not None:
        return given
    return slugify(name, max_length=MAX_ID) or None


def start(uow: UnitOfWork, organization: str, legal_form: str, admin: str, since: date,
          organization_id: str | None = None, admin_id: str | None = None) -> Started:
    """An empty ledger becomes a co-op's node: the organization, its first member (a person) from `since`, and an
    admin token for that member. All of it or nothing; a ledger that already has agents is refused."""
    access.require_admin(uow.principal, "starting a node")
    with uow.write() as tx:
        agents = tx.records("agent").count()
        if agents:
            raise RuleViolation([Problem("org", "not_empty", (
                f"this ledger already has {agents} agent{'s' if agents != 1 else ''}: a node starts on an empty "
                "ledger; add people with `valueflows agent add` and `valueflows member add`"))])
        inner = WithinTransaction(tx, uow.principal)
        org = records.create_agent(inner, AgentInput(organization, "Organization", legal_form=legal_form,
                                                     id=id_for(organization, organization_id))).record
        person_id = id_for(admin, admin_id)
        if person_id == org.id and admin_id is None:
            person_id = None  # the same name for both: the ledger names the person
        person = records.create_agent(inner, AgentInput(admin, "Person", id=person_id)).record
        membership = records.create_membership(inner, MembershipInput(person.id, org.id, since)).record
        info, secret = tokens.create_token(inner, person.id, "admin", "the first member's, from `valueflows init`")
    return Started(org, person, membership, info, secret)


def add_agent(uow: UnitOfWork, name: str, kind: str, legal_form: str | None = None, agent_id: str | None = None,
              note: str | None = None) -> Any:
    """A person or an organization, by an operator (an admin)."""
    access.require_admin(uow.principal, "adding an agent")
    return records.create_agent(uow, AgentInput(name, kind, legal_form=legal_form, note=note,
                                                id=id_for(name, agent_id))).record


def add_member(uow: UnitOfWork, member: str, organization: str, since: date) -> Membership:
    return records.create_membership(uow, MembershipInput(member, organization, since)).record


def end_member(uow: UnitOfWork, member: str, organization: str, until: date) -> Membership:
    """End the membership of `member` in `organization` that is open on `until` (the last day it counts)."""
    with uow.read() as tx:
        found = [m for m in tx.memberships.of(member, organization) if m.until is None or m.until >= until]
    open_now = [m for m in found if m.since <= until]
    if not open_now:
        raise NotFound(f"{member!r} has no membership in {organization!r} open on {until.isoformat()}")
    return records.end_membership(uow, open_now[0].id, until).record


@dataclass(frozen=True)
class Organization:
    agent: Agent
    members: int  # members on `day`
    designs: int  # licensed designs it stewards


@dataclass(frozen=True)
class Overview:
    """What a node is, for its home page: its co-ops (organizations with members; every organization when none
    has any), and how much the ledger holds. All of it public (memberships and designs are)."""

    organizations: list[Organization]
    events: int
    agents: int
    designs: int


def overview(uow: UnitOfWork, day: date) -> Overview:
    designs = obligations.licensed_resources(uow)
    with uow.read() as tx:
        with_members = tx.memberships.organizations()
        agents = list(tx.records("agent").stream())
        counts = {kind: tx.records(kind).count() for kind in ("agent", "economic_event")}
        members = {org: sum(1 for m in tx.memberships.of_organization(org) if m.since <= day and
                            (m.until is None or m.until >= day)) for org in with_members}
    shown = [a for a in agents if a.id in members] or [a for a in agents if a.type is AgentType.ORGANIZATION]
    stewarded = {a.id: sum(1 for d in designs if d.resource.primary_accountable == a.id) for a in shown}
    orgs = [Organization(a, members.get(a.id, 0), stewarded[a.id]) for a in sorted(shown, key=lambda a: a.name)]
    return Overview(orgs, counts["economic_event"], counts["agent"], len(designs))


@dataclass(frozen=True)
class OrganizationPage:
    """An organization as its page shows it: members today, the designs it stewards with their licences, recent
    activity and what users owe it, each as far as whoever asks may see (memberships and designs are public; the
    events and obligations come through the access policy)."""

    agent: Agent
    members: list[tuple[Membership, str]]  # with the member's name
    designs: list[EconomicResource]
    activity: list[EconomicEvent]  # the newest the reader may see, the newest first
    owed: list[ObligationView] | None  # None: not for this reader
    names: dict[str, str]


RECENT_EVENTS = 15


def organization_page(uow: UnitOfWork, organization: str, day: date) -> OrganizationPage:
    reading = Reading(uow)
    agent = reading.record("agent", organization)
    with uow.read() as tx:
        spans = [m for m in tx.memberships.of_organization(organization)
                 if m.since <= day and (m.until is None or m.until >= day)]
        people = tx.agents.get_many(m.member for m in spans)
    members = sorted(((m, people[m.member].name if m.member in people else m.member) for m in spans),
                     key=lambda x: x[1])
    designs = [d.resource for d in obligations.licensed_resources(uow)
               if d.resource.primary_accountable == organization]
    recent = list(reading.event_window(EventFilter(agent=organization), Slice(last=RECENT_EVENTS)).items)[::-1]
    try:
        owed: list[ObligationView] | None = obligations.obligations(uow, day, steward=organization, open_only=True)
    except LedgerError:
        owed = None
    with uow.read() as tx:
        ids = {a for e in recent for a in (e.provider, e.receiver)} | {
            a for o in owed or () for a in (o.owed.provider, o.owed.receiver)}
        names = {a.id: a.name for a in tx.agents.get_many(ids).values()}
    return OrganizationPage(agent, members, designs, recent, owed, names)
