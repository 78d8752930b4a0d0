"""Who may see and do what: the one access policy every door asks. Pure rules, no I/O.

Reading. `view(reader, kind, record, …)` answers for any record: shown whole, shown redacted (which fields are
withheld), or hidden. What is private by default:

- money owed or paid to a person and what is derived from it (dividend runs, their claims, member statements,
  capital accounts): the member concerned, the organization itself and admins; a run's totals also to the
  organization's members (anyone who has been one);
- obligations under a licence and their basis (the revenue a user declared), and the events that record a
  licensed use or a payment under a licence: the user, the steward and admins;
- what a person did that moved no resource (hours of work, services, uses, citations): that person, the
  organization it was done for (its own agent, its members) and admins; everyone when that organization publishes
  its members' contributions (`ContributionVisibility.PUBLIC`, set by an admin);
- tokens and idempotency keys: never shown.
Everything else is public: agents and their facts, memberships, resources, specifications, units, processes,
batches, licences, value equations, and every event that changes a resource's quantities (a resource's quantity
is the sum of those events), with its note withheld when it is private.

A correction chain is shown as its strictest event (an event is never seen corrected by a correction the reader
may not see, nor a correction without what it corrects), and a reference to a hidden record is withheld.

Writing. anonymous: nothing; `read`: nothing; `write`: events in which its agent is provider or receiver, the
processes, specifications and product batches such events need, its own agent, the resources it is accountable
for or has in custody; `admin`: everything (agents, memberships and relationships, roles, units, anyone's facts,
an organization's contribution visibility, dividends).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from valueflows.domain.actions import ACTIONS, Effect
from valueflows.domain.errors import LedgerError, NotFound
from valueflows.domain.model import EconomicClaim, EconomicEvent
from valueflows.domain.planning import Flow as PlannedFlow


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class Unauthenticated(LedgerError):
    code = "UNAUTHENTICATED"


class Forbidden(LedgerError):
    code = "FORBIDDEN"


@dataclass(frozen=True, slots=True)
class Principal:
    agent: str | None = None
    scope: Scope | None = None

    @property
    def anonymous(self) -> bool:
        return self.scope is None

    @property
    def admin(self) -> bool:
        return self.scope is Scope.ADMIN


ANONYMOUS = Principal()
# Whoever runs a command on the machine that holds the ledger: it reads and writes everything.
OPERATOR = Principal(scope=Scope.ADMIN)


# -- reading --------------------------------------------------------------------------------------------------

class Shown(StrEnum):
    WHOLE = "whole"
    REDACTED = "redacted"
    HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class View:
    """How a record is shown to a reader; `withheld` names the fields left out (API names, camelCase)."""

    shown: Shown
    withheld: frozenset[str] = frozenset()

    @property
    def visible(self) -> bool:
        return self.shown is not Shown.HIDDEN


WHOLE = View(Shown.WHOLE)
HIDDEN = View(Shown.HIDDEN)


def redacted(*fields: str) -> View:
    return View(Shown.REDACTED, frozenset(fields))


def strictest(views: Iterable[View]) -> View:
    """Hidden if any is hidden; else redacted of every field any of them withholds; else whole."""
    withheld: set[str] = set()
    for v in views:
        if v.shown is Shown.HIDDEN:
            return HIDDEN
        withheld |= v.withheld
    return redacted(*withheld) if withheld else WHOLE


def withholding(view: View, fields: Iterable[str]) -> View:
    """`view` with more fields withheld (references to records the reader may not see)."""
    extra = frozenset(fields)
    if not view.visible or not extra:
        return view
    return View(Shown.REDACTED, view.withheld | extra)


def with_references(view: View, references: Mapping[str, View | None]) -> View:
    """`references`: field name -> the view of the record it points at (None: it points at nothing); a field that
    points at a record the reader may not see is withheld."""
    return withholding(view, [name for name, target in references.items() if target is not None and
                              not target.visible])


@dataclass(frozen=True, slots=True)
class Reader:
    """Who is asking, with the facts the policy turns on (read once per request)."""

    principal: Principal = ANONYMOUS
    member_of: frozenset[str] = frozenset()  # organizations its agent is or was a member of
    published: frozenset[str] = frozenset()  # organizations whose members' contributions are public
    licences: frozenset[str] = frozenset()  # the licences' policy IRIs: flows agreed in them are their parties'

    @property
    def agent(self) -> str | None:
        return self.principal.agent

    @property
    def admin(self) -> bool:
        return self.principal.admin

    def speaks_for(self, agents: Iterable[str | None]) -> bool:
        """The reader is one of these agents (its own token), or an admin."""
        return self.admin or (self.agent is not None and self.agent in set(agents))


EVERYONE = Reader()
EVERYTHING = Reader(OPERATOR)

PUBLIC_KINDS = frozenset({
    "unit", "agent", "membership", "agent_relationship_role", "agent_relationship", "resource_specification",
    "process_specification", "process", "economic_resource", "product_batch", "value_equation", "books_closed",
    # the planning layer: agreements and plans are public as processes are; offers and requests are published
    "agreement", "plan", "intent",
    # proposals publish (to whom they are addressed included); places are where things are
    "spatial_thing", "proposal", "proposed_intent", "proposed_to",
    # recipes are knowledge, as specifications are; scenarios are public as plans are
    "recipe_process", "recipe_exchange", "recipe_flow", "scenario", "scenario_definition",
})
PRIVATE_EVENT_FIELDS = ("note",)
LICENCE_EVENT_FIELDS = ("agreedIn", "note", "triggeredBy")


def moves_resources(action: str) -> bool:
    """Whether events of this action change a resource's quantities (and so belong to its public history)."""
    a = ACTIONS.get(action)
    return a is not None and (a.resource_effect is not Effect.NO_EFFECT or a.onhand_effect is not Effect.NO_EFFECT)


@dataclass(frozen=True, slots=True)
class Flow:
    """What the policy needs to know of an event, a daily total or a report row."""

    provider: str
    receiver: str
    action: str
    persons: frozenset[str]  # which of the agents named here are persons
    for_organizations: tuple[str, ...] = ()  # organizations it was done for: the receiver, those in scope
    under_licence: bool = False  # records a licensed use, or a payment made under a licence


def flow_view(reader: Reader, flow: Flow) -> View:
    if reader.speaks_for((flow.provider, flow.receiver)):
        return WHOLE
    moving = moves_resources(flow.action)
    if flow.under_licence:
        return redacted(*LICENCE_EVENT_FIELDS) if moving else HIDDEN
    if not flow.persons & {flow.provider, flow.receiver}:
        return WHOLE  # between organizations, or an organization's own bookkeeping
    if flow.provider in flow.persons and flow.for_organizations:
        orgs = set(flow.for_organizations)
        if orgs & reader.published or orgs & reader.member_of or (reader.agent in orgs):
            return WHOLE  # a contribution the organization publishes, or read by one of its members
    return redacted(*PRIVATE_EVENT_FIELDS) if moving else HIDDEN


def event_flow(event: EconomicEvent, persons: Collection[str], under_licence: bool) -> Flow:
    """`persons`: the agents among the event's provider, receiver and scopes that are persons."""
    orgs = tuple(a for a in (event.receiver, *event.in_scope_of) if a not in persons)
    return Flow(event.provider, event.receiver, event.action,
                frozenset(p for p in persons if p in (event.provider, event.receiver)), orgs, under_licence)


def event_view(reader: Reader, event: EconomicEvent, persons: Collection[str], under_licence: bool) -> View:
    return flow_view(reader, event_flow(event, persons, under_licence))


def event_views(reader: Reader, events: Mapping[str, EconomicEvent], persons: Collection[str],
                licensed: Collection[str]) -> dict[str, View]:
    """The view of each event: the strictest over its correction chain. `events` holds whole chains (every event
    that corrects or is corrected by one of them); `licensed`: the events that recorded a licensed use."""
    own = {i: event_view(reader, e, persons, i in licensed or e.agreed_in in reader.licences)
           for i, e in events.items()}
    if reader.admin:
        return own

    def root(event_id: str) -> str:
        step = event_id
        while (before := events[step].corrects) is not None and before in events:
            step = before
        return step

    chains: dict[str, list[str]] = {}
    for i in events:
        chains.setdefault(root(i), []).append(i)
    views: dict[str, View] = {}
    for members in chains.values():
        chain_view = strictest(own[i] for i in members)
        views.update(dict.fromkeys(members, chain_view))
    return views


_EVENT_FIELDS = {"note": "note", "agreedIn": "agreed_in", "triggeredBy": "triggered_by", "corrects": "corrects"}


def shown(record: Any, view: View) -> Any:
    """A record (an event, a commitment, what links to one) as the view shows it: withheld fields left out."""
    if not view.withheld:
        return record
    left_out: dict[str, Any] = {_EVENT_FIELDS[f]: None for f in view.withheld if hasattr(record, _EVENT_FIELDS[f])}
    return replace(record, **left_out)


def claim_view(reader: Reader, claim: EconomicClaim) -> View:
    """A claim (an obligation, a dividend to pay or credit): the agent who owes and the one owed, and admins."""
    return WHOLE if reader.speaks_for((claim.provider, claim.receiver)) else HIDDEN


def run_view(reader: Reader, organization: str) -> View:
    """A dividend run: whole to admins and the organization itself; its totals and each member's own line to
    the organization's members; hidden from everyone else."""
    if reader.speaks_for((organization,)):
        return WHOLE
    if organization in reader.member_of:
        return redacted("allocations", "excluded", "claims", "adjustments")  # other members' lines
    return HIDDEN


def statement_view(reader: Reader, member: str, organization: str) -> View:
    """A member statement (dividends, capital account): the member, the organization itself and admins."""
    return WHOLE if reader.speaks_for((member, organization)) else HIDDEN


def obligations_view(reader: Reader, user: str, steward: str) -> View:
    """Obligations between a user and a steward, and whether any is overdue."""
    return WHOLE if reader.speaks_for((user, steward)) else HIDDEN


def obligations_asked(reader: Reader, user: str | None, steward: str | None) -> tuple[str | None, str | None]:
    """Whose obligations a reader may list, as (user, steward): a steward asking about a user sees only what is
    owed to itself; otherwise the reader must be the user or the steward asked for (or an admin)."""
    p = reader.principal
    if p.anonymous:
        raise Unauthenticated("obligations are for the user, the steward and admins: send a token")
    if not p.admin and user is not None and p.agent not in (user, steward):
        steward = p.agent
    if not reader.speaks_for((user, steward)):
        raise Forbidden("a token reads the obligations its own agent owes or is owed")
    return user, steward


def received_view(reader: Reader, offered: bool) -> View:
    """A record another node published here: what it offers the world (its designs under a licence, its offers and
    requests) is for everyone, as on its own node (the open shop shows the designs, any member may answer an
    offer); the rest says whom this node follows, for its admins."""
    return WHOLE if offered or reader.admin else HIDDEN


def declarations_asked(reader: Reader, user: str | None) -> str | None:
    """Whose declarations of uses of other nodes' designs a reader may list: its own agent's (an admin: anyone's,
    or everyone's with None)."""
    p = reader.principal
    if p.anonymous:
        raise Unauthenticated("declared uses are for the user and admins: send a token")
    if p.admin:
        return user
    if user is not None and user != p.agent:
        raise Forbidden("a token reads the uses its own agent declared")
    return p.agent


def private_to_members(reader: Reader, what: str) -> None:
    """Records that are never public (dividend runs, statements, claims): an anonymous reader is asked to sign
    in; a reader with a token is told no more than whether it may see them."""
    if reader.principal.anonymous:
        raise Unauthenticated(f"{what} are private: send a token")


# Kinds judged record by record (some are public, some private): a list of them holds what the reader may see.
JUDGED_EACH = frozenset({"economic_event", "commitment", "fulfillment", "satisfaction", "appreciation",
                         "settlement"})


def public_kind(kind: str) -> bool:
    return kind in PUBLIC_KINDS


def listable(kind: str) -> bool:
    """Whether anyone may list the kind (its records then shown as each may be seen)."""
    return kind in PUBLIC_KINDS or kind in JUDGED_EACH


def require_visible(view: View, what: str) -> None:
    """A record the reader may not see answers as if it did not exist (its existence does not leak)."""
    if not view.visible:
        raise NotFound(f"no {what}")


# -- writing --------------------------------------------------------------------------------------------------

def _writer(p: Principal, what: str) -> None:
    if p.anonymous:
        raise Unauthenticated(f"{what} needs a token: send Authorization: Bearer <token>")
    if p.scope is Scope.READ:
        raise Forbidden(f"{what} needs a token with the write or admin scope; this one can only read")


def require_admin(p: Principal, what: str) -> None:
    _writer(p, what)
    if p.scope is not Scope.ADMIN:
        raise Forbidden(f"{what} needs an admin token")


def may_keep_origin(p: Principal, created: object, made_by: object = None) -> None:
    """When and by whom a record was first made are the ledger's own facts; only an admin restoring another
    ledger's export (an import) gives them."""
    if created is not None or made_by is not None:
        require_admin(p, "keeping when and by whom a record was first made (importing a ledger)")


def require_writer(p: Principal, what: str) -> None:
    _writer(p, what)


def require_reader(p: Principal, what: str) -> None:
    if p.anonymous:
        raise Unauthenticated(f"{what}: send a token")


def may_record_event(p: Principal, provider: str, receiver: str) -> None:
    _writer(p, "recording an event")
    if p.scope is not Scope.ADMIN and p.agent not in (provider, receiver):
        raise Forbidden(f"a write token records only events in which its agent ({p.agent}) is provider or receiver")


def may_plan_flow(p: Principal, what: str, parties: Iterable[str | None]) -> None:
    """An intent, a commitment, or what fulfils or satisfies one, is written by one of the agents it involves (their
    write token) or an admin."""
    _writer(p, what)
    if p.scope is not Scope.ADMIN and p.agent not in set(parties):
        raise Forbidden(f"a write token writes only {what.removeprefix('recording ')} in which its agent ({p.agent}) "
                        "takes part")


def may_change_proposal(p: Principal, what: str, proposed_by: str | None) -> None:
    """A proposal, what it publishes and to whom, are changed by the agent that published it or an admin."""
    _writer(p, what)
    if p.scope is not Scope.ADMIN and (proposed_by is None or p.agent != proposed_by):
        raise Forbidden(f"a write token changes only proposals its agent ({p.agent}) published")


def commitment_view(reader: Reader, commitment: PlannedFlow, persons: Collection[str]) -> View:
    """A commitment is seen as the event that would fulfil it: a person's promise to work for an organization is
    private to them, the organization's members and admins, unless the organization publishes contributions."""
    provider, receiver = commitment.provider or "", commitment.receiver or ""
    orgs = tuple(a for a in (receiver, *commitment.in_scope_of) if a and a not in persons)
    return flow_view(reader, Flow(provider, receiver, commitment.action,
                                  frozenset(p for p in persons if p in (provider, receiver)), orgs))


def may_revise_agent(p: Principal, agent_id: str) -> None:
    _writer(p, "changing an agent")
    if p.scope is not Scope.ADMIN and p.agent != agent_id:
        raise Forbidden("a write token changes only its own agent")


def may_revise_resource(p: Principal, accountable: str, custodian: str) -> None:
    _writer(p, "changing a resource")
    if p.scope is not Scope.ADMIN and p.agent not in (accountable, custodian):
        raise Forbidden("a write token changes only resources its agent is accountable for or has in custody")
