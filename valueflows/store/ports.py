"""What the use cases ask of a store: a unit of work whose transactions hold typed repositories.

A use case opens one transaction (`uow.read()` or `uow.write()`), loads what it needs through the repositories,
asks the pure core, adds what it decided, and the transaction commits (or, on any error, writes nothing). Two
stores implement these ports: SQLAlchemy on SQLite or PostgreSQL (`store/uow.py`, `store/sql/`), and an in-memory
one (`store/memory.py`) on which the use cases are tested too. Repositories hold no rules.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol, TypeVar

from valueflows.accounting.contributions import DayKey, SizeKey
from valueflows.accounting.dividends import DividendAllocation, DividendRun
from valueflows.accounting.equations import ValueEquation
from valueflows.domain.access import Principal
from valueflows.domain.chain import ChainRecord, ChainRevision
from valueflows.domain.model import (
    Agent,
    AgentRelationship,
    AgentRelationshipRole,
    BooksClosed,
    EconomicClaim,
    EconomicEvent,
    EconomicResource,
    Membership,
    Process,
    ProcessSpecification,
    ProductBatch,
    ResourceSpecification,
    Unit,
)

T = TypeVar("T")

# Every kind of record the chain commits to, in the order that puts what a record refers to first.
RECORD_KINDS = ("unit", "agent", "agent_relationship_role", "agent_relationship", "membership",
                "resource_specification", "process_specification", "product_batch", "process", "economic_resource",
                "economic_event", "value_equation", "dividend_run", "dividend_allocation", "claim", "books_closed",
                "agreement", "plan", "intent", "commitment", "fulfillment", "satisfaction", "spatial_thing", "proposal",
                "proposed_intent", "proposed_to", "recipe_process", "recipe_exchange", "recipe_flow",
                "scenario_definition", "scenario", "appreciation", "settlement")


@dataclass(frozen=True)
class EventFilter:
    """Which events: every given condition holds."""

    agent: str | None = None  # provider or receiver
    action: str | None = None
    resource: str | None = None  # resourceInventoriedAs or toResourceInventoriedAs
    process: str | None = None  # inputOf or outputOf
    start: datetime | None = None  # happened at or after
    end: datetime | None = None  # happened before
    include_corrected: bool = False  # the corrected view by default
    provider: str | None = None
    receiver: str | None = None
    search: str | None = None  # in the note, case-insensitive
    # any of (vf-graphql 0.9's EconomicEventFilterParams)
    actions: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    receivers: tuple[str, ...] = ()
    in_scope: str | None = None  # the agent or process among inScopeOf
    conforms_to: str | None = None  # resourceConformsTo
    realization_of: str | None = None  # the agreement the event realizes
    at_location: str | None = None  # the place it happened at, or moved a resource to


class FlowTotal(NamedTuple):
    """Flows summed by who gave what to whom: a row of a contribution report."""

    provider: str
    receiver: str
    action: str
    kind: str | None  # the resource specification (for work: the kind of work)
    unit: str
    quantity: Decimal
    events: int


class SizedClaims(NamedTuple):
    """`events` events of one size (`each`) a provider gave, made as a member or not: what a cap per claim judges."""

    provider: str
    action: str
    kind: str | None
    unit: str
    each: Decimal
    events: int
    member: bool


class PaidTotal(NamedTuple):
    """What a provider gave a receiver under an agreement with one action, in one unit: money by its resource
    quantity, work by its effort (`resource` says which of the two was summed)."""

    provider: str
    receiver: str
    agreed_in: str
    action: str
    resource: bool
    unit: str
    total: Decimal
    last: datetime  # when the last of these happened


class OwedRow(NamedTuple):
    """An obligation claim as settling and listing it need it (no more of the claim is read: a steward's
    obligations are thousands of rows, and their status is asked for on every decision about a use)."""

    id: str
    provider: str  # who owes
    receiver: str  # the steward owed
    agreed_in: str | None
    licence: str | None
    about_resource: str | None
    period_start: date | None
    period_end: date | None
    amount: Decimal | None
    unit: str | None
    due: date | None  # the UTC day it is due
    since: date  # owed from: the day of the use that created it (`basis.useDay`), else the UTC day it was created
    work_rate: Decimal | None  # `basis.workRate`: what an hour of work pays of it; None: work does not settle it
    settled: Decimal | None = None  # what the payments recorded so far settle of it, as kept (`keep_settled`)
    holds_from: date | None = None  # the first day `settled` is its settlement on (None: none kept)


def owed_row(claim: EconomicClaim) -> OwedRow:
    """The row a store gives for this obligation claim."""
    q, basis = claim.resource_quantity, claim.basis or {}
    use_day = basis.get("useDay")
    return OwedRow(claim.id, claim.provider, claim.receiver, claim.agreed_in, claim.licence, claim.about_resource,
                   claim.period_start, claim.period_end, q.has_numerical_value if q else None,
                   q.has_unit if q else None, claim.due.astimezone(UTC).date() if claim.due else None,
                   date.fromisoformat(use_day) if use_day else claim.created.astimezone(UTC).date(),
                   Decimal(str(basis["workRate"])) if basis.get("workRate") is not None else None)


class KeyUse(NamedTuple):
    """What an idempotency key was first used for."""

    kind: str
    fingerprint: str
    record_id: str


@dataclass(frozen=True)
class TokenRow:
    id: str
    agent: str
    scope: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    note: str | None = None
    kind: str = "api"  # api; link: a one-time sign-in link (using it revokes it); session: what a link opened
    expires_at: datetime | None = None


class Records(Protocol[T]):
    """Records of one kind, by id."""

    kind: str

    def get(self, record_id: str) -> T | None: ...
    def get_many(self, ids: Iterable[str | None]) -> dict[str, T]: ...
    def exists(self, record_id: str) -> bool: ...
    def add(self, record: T) -> None: ...
    def replace(self, record: T) -> None: ...
    def add_all(self, records: Iterable[T]) -> None:
        """Several new records at once (one statement)."""
        ...

    def remove(self, record_id: str) -> None:
        """Out of the current state (a withdrawn proposal); the chain keeps its revisions and a tombstone."""
        ...
    def page(self, limit: int, after: str | None = None, before: str | None = None, backward: bool = False,
             **equals: object) -> list[T]:
        """Up to `limit` records in id order with `after` < id < `before` and the given fields equal; `backward`:
        the last `limit` of them (still in id order)."""
        ...

    def where(self, limit: int, **equals: object) -> list[T]: ...
    def count(self) -> int: ...
    def stream(self) -> Iterator[T]: ...


class Agents(Records[Agent], Protocol):
    def persons_among(self, ids: Iterable[str]) -> frozenset[str]: ...
    def publishing(self) -> frozenset[str]: ...
    def of_group(self, group: str) -> list[Agent]: ...


class Memberships(Records[Membership], Protocol):
    def of(self, member: str, organization: str) -> list[Membership]: ...
    def of_organization(self, organization: str) -> list[Membership]: ...
    def organizations_of(self, member: str) -> frozenset[str]: ...
    def organizations(self) -> list[str]: ...


class Resources(Records[EconomicResource], Protocol):
    def set_quantities(self, resources: Iterable[EconomicResource]) -> None: ...
    def licensed(self, limit: int, conforming_to: Collection[str]) -> list[tuple[EconomicResource, str]]: ...


class Events(Records[EconomicEvent], Protocol):
    def filtered(self, where: EventFilter, limit: int, after: int | None = None, before: int | None = None,
                 backward: bool = False) -> list[EconomicEvent]:
        """Up to `limit` events in ledger order with `after` < seq < `before`; `backward`: the last of them."""
        ...

    def corrections_of(self, ids: Iterable[str]) -> dict[str, EconomicEvent]: ...
    def chains(self, events: Iterable[EconomicEvent]) -> dict[str, EconomicEvent]: ...
    def by_resource(self, resource: str, limit: int) -> list[EconomicEvent]: ...
    def since(self, start: datetime | None) -> Iterator[EconomicEvent]: ...
    def flow_totals(self, start: datetime, end: datetime, receiver: str | None = None, process: str | None = None,
                    resource: str | None = None, processes: Iterable[str] = (),
                    exchanges: bool = False) -> list[FlowTotal]: ...
    def received(self, receiver: str, start: datetime, end: datetime) -> Iterator[EconomicEvent]: ...
    def received_by_size(self, receiver: str, first: date, last: date) -> list[SizedClaims]:
        """What `received` gives on the days [first, last], counted by provider, action, kind, unit and quantity of
        one event, each count marked: made by a member of `receiver` on the event's (UTC) day?"""
        ...
    def adjustments(self, receiver: str, start: datetime, end: datetime) -> list[EconomicEvent]: ...
    def paid_totals(self, users: set[str], stewards: set[str], agreements: set[str], before: datetime,
                    money: tuple[str, ...], work: tuple[str, ...]) -> list[PaidTotal]:
        """What these users gave these stewards under these agreements before `before` (corrected view): events
        with a `money` action by their resource quantity, with a `work` action by their effort, summed by provider,
        receiver, agreement, action and unit."""
        ...
    def outputs_of(self, resources: Iterable[str]) -> list[tuple[str, str]]: ...
    def inputs_of(self, processes: Iterable[str]) -> list[tuple[str, str]]: ...


class Claims(Records[EconomicClaim], Protocol):
    def triggered_by(self, event: str) -> EconomicClaim | None: ...
    def licence_triggers(self, events: Iterable[str]) -> frozenset[str]: ...
    def obligations(self, user: str | None = None, steward: str | None = None, licence: str | None = None,
                    about_resource: str | None = None, period_start: date | None = None) -> list[EconomicClaim]: ...
    def owed(self, user: str | None = None, steward: str | None = None) -> list[OwedRow]:
        """The obligation claims (those under a licence) a user owes, or owed to a steward (or both; or all), in id
        order, as `owed_row` gives them, with their settlements as kept."""
        ...

    def keep_settled(self, settled: list[tuple[OwedRow, Decimal]], holds_from: date) -> None:
        """Keep what is settled of each of these obligations, and the first day that holds for."""
        ...

    def of_run(self, run: str) -> list[EconomicClaim]: ...


class Equations(Records[ValueEquation], Protocol):
    def versions(self, name: str | None = None) -> list[ValueEquation]: ...
    def newest(self, name: str) -> ValueEquation | None: ...


class Runs(Records[DividendRun], Protocol):
    def of(self, organization: str | None = None) -> list[DividendRun]: ...
    def using(self, equation: str) -> DividendRun | None: ...
    def reversal_of(self, run: str) -> DividendRun | None: ...
    def in_force_over(self, organization: str, start: date, end: date) -> DividendRun | None: ...
    def in_force(self, organizations: Iterable[str]) -> list[DividendRun]: ...
    def allocations(self, run: str) -> list[DividendAllocation]: ...
    def add_allocation(self, allocation: DividendAllocation) -> None: ...
    def lines_of(self, member: str, organization: str, until: date) -> list[tuple[DividendRun, DividendAllocation]]: ...


class Days(Protocol):
    """Daily contribution totals, kept on write: what reports and dividends read."""

    def add(self, deltas: Iterable[tuple[DayKey, Decimal, int]]) -> None: ...
    def totals(self, first: date, end: date, receiver: str | None = None) -> list[FlowTotal]: ...
    def member_totals(self, organization: str, first: date, last: date) -> list[tuple[FlowTotal, bool]]: ...
    def stream(self) -> Iterator[tuple[DayKey, Decimal, int]]: ...
    def stream_sizes(self) -> Iterator[tuple[SizeKey, int]]:
        """How many events of each size, by receiver, provider, action, kind, unit and month."""
        ...
    def stream_months(self) -> Iterator[tuple[DayKey, Decimal, int]]:
        """The monthly totals (the key's `day` is the month's first day), where the store keeps them apart."""
        ...


# What an outbox publishes: events, resources (designs), proposals (and the intents they publish), agreements (and
# their clauses), recipes.
PUBLISHED = ("economic_event", "economic_resource", "proposal", "proposed_intent", "agreement", "commitment",
             "recipe_process", "recipe_flow", "recipe_exchange")


class Chain(Protocol):
    def stream(self) -> Iterator[ChainRecord]: ...
    def count(self) -> int: ...

    def head(self) -> tuple[int, str] | None:
        """The newest record's sequence number and hash (None on an empty chain)."""
        ...

    def latest(self, kind: str, ids: Iterable[str]) -> dict[str, str]:
        """The hash of the newest chain record of each of these records (its revision id)."""
        ...

    def by_hash(self, digest: str) -> ChainRecord | None:
        """The chain record with this hash (a revision of some record that is not an event: an event has one
        revision, never named by its hash), if any."""
        ...

    def history(self, kind: str, record_id: str) -> list[ChainRevision]:
        """Every chain record of one record, oldest first."""
        ...

    def received_hashes(self, receiver: str, start: datetime, end: datetime) -> Iterator[str]: ...

    def published(self, agent: str | None, before: int | None, limit: int, after: int | None = None,
                  kinds: tuple[str, ...] = PUBLISHED) -> list[Published]:
        """The newest chain records before `before` (a sequence number) of the events `agent` took part in (as
        provider or receiver), the resources it is accountable for and the proposals that publish its offers or
        requests (a proposal's own records, and what it publishes); of every record of `kinds` when `agent` is
        None. Newest first; with `after`, the oldest after it first."""
        ...


class Keys(Protocol):
    def count(self) -> int: ...
    def find(self, key: str) -> KeyUse | None: ...
    def find_many(self, keys: Iterable[str]) -> dict[str, KeyUse]: ...
    def remember(self, key: str, use: KeyUse, at: datetime) -> None: ...
    def remember_all(self, uses: Iterable[tuple[str, KeyUse]], at: datetime) -> None:
        """Several keys at once (one statement)."""
        ...


class Tokens(Protocol):
    def add(self, token: TokenRow) -> None: ...
    def get(self, token_id: str) -> TokenRow | None: ...
    def revoke(self, token_id: str, at: datetime) -> bool: ...
    def all(self) -> list[TokenRow]: ...


class Published(NamedTuple):
    """A chain record as an outbox lists it: which record, when, and whether it is that record's first."""

    seq: int
    kind: str
    record_id: str
    recorded_at: datetime
    first: bool


class ActorKey(NamedTuple):
    """The key pair an actor signs with (PEM: public SubjectPublicKeyInfo, private PKCS#8)."""

    actor: str
    public_pem: str
    private_pem: str
    created_at: datetime


class ActorKeys(Protocol):
    def add(self, key: ActorKey) -> None: ...
    def get(self, actor: str) -> ActorKey | None: ...
    def actors(self) -> set[str]: ...


class RemoteActor(NamedTuple):
    """An actor of another node, as its document said when this node last fetched it."""

    id: str
    inbox: str
    shared_inbox: str | None
    key_id: str
    public_pem: str
    document: str  # the JSON as fetched
    fetched_at: datetime


class Follow(NamedTuple):
    """One of our actors (`actor`) and another node's (`other`): who follows whom is the table's to say."""

    actor: str
    other: str
    follow_id: str  # the Follow activity
    state: str  # accepted (followers); pending, accepted or rejected (following)
    since: datetime


class Received(NamedTuple):
    id: str
    actor: str
    type: str
    recipient: str | None
    received_at: datetime
    body: str


class Delivery(NamedTuple):
    id: str
    activity_id: str
    actor: str  # ours: who signs it
    inbox: str
    body: str
    attempts: int
    next_at: datetime
    created_at: datetime
    delivered_at: datetime | None = None
    failed_at: datetime | None = None
    last_error: str | None = None


class ReceivedRecord(NamedTuple):
    """A record of another node, kept as its actor published it."""

    id: str
    origin: str
    type: str
    document: str
    activity_id: str
    key_id: str
    received_at: datetime


class RemoteAgent(NamedTuple):
    """An agent of another node as this ledger names it: a local agent (`agent`, classified vfl:RemoteAgent) that
    stands for the agent at `iri`, whose node speaks for it as `actor`."""

    agent: str
    iri: str
    actor: str
    since: datetime


class Declaration(NamedTuple):
    """A licensed use of another node's design, declared by one of our agents to the design's steward's node."""

    id: str  # the Offer activity's id
    user: str  # our agent
    design: str  # the design's IRI on its node
    steward: str  # the local agent standing for its steward
    state: str  # pending, accepted, rejected
    request: str  # JSON: the use as declared (the Offer's object)
    answer: str | None  # JSON: the Accept's or Reject's
    claim: str | None  # the obligation as this node keeps it (a claim of ours), if the use owes something
    declared_at: datetime
    answered_at: datetime | None


class Trade(NamedTuple):
    """An agreement negotiated with another node as FEP-0837 describes: our Offer answering a proposal it published
    (`side` "offered"), or its Offer answering one of ours ("proposed")."""

    id: str  # the Offer activity's id
    side: str  # offered, proposed
    agent: str  # our agent, party to it
    peer: str  # the actor of the other node that speaks for the other party
    proposal: str  # the proposal's IRI
    state: str  # pending, accepted, rejected
    offer: str  # JSON: the Offer's Agreement
    answer: str | None  # JSON: the Accept or Reject
    agreement: str | None  # the agreement as this node keeps it (ours), once accepted
    made_at: datetime
    answered_at: datetime | None


class TradedCommitment(NamedTuple):
    """A commitment of ours that is a clause of an agreement with another node: the IRI both nodes know it by (the
    proposer's) and the actor its fulfilments are delivered to."""

    commitment: str
    iri: str
    peer: str
    trade: str


class Federation(Protocol):
    """What this node keeps about federating: not ledger records (nothing here is chained)."""

    def remote_actor(self, actor_id: str) -> RemoteActor | None: ...
    def remote_actor_by_key(self, key_id: str) -> RemoteActor | None: ...
    def keep_remote_actor(self, actor: RemoteActor) -> None:
        """Insert or replace."""
        ...
    def followers(self, actor: str) -> list[Follow]: ...
    def add_follower(self, follow: Follow) -> bool:
        """False when that follower already follows."""
        ...
    def remove_follower(self, actor: str, follower: str) -> bool: ...
    def following(self, actor: str | None = None) -> list[Follow]: ...
    def follow(self, follow: Follow) -> None:
        """Insert or replace what one of our actors follows."""
        ...
    def following_by_activity(self, follow_id: str) -> Follow | None: ...
    def received(self, activity_id: str) -> Received | None: ...
    def receive(self, activity: Received) -> None: ...
    def enqueue(self, delivery: Delivery) -> bool:
        """False when that activity is already queued for that inbox."""
        ...
    def due(self, now: datetime, limit: int) -> list[Delivery]: ...
    def delivered(self, delivery_id: str, at: datetime) -> None: ...
    def retry(self, delivery_id: str, attempts: int, next_at: datetime, error: str) -> None: ...
    def failed(self, delivery_id: str, attempts: int, at: datetime, error: str) -> None: ...
    def deliveries(self, limit: int = 100) -> list[Delivery]:
        """The newest deliveries, newest first."""
        ...
    def count_deliveries(self) -> dict[str, int]:
        """How many are queued, delivered and failed."""
        ...
    def setting(self, name: str) -> str | None: ...
    def set_setting(self, name: str, value: str) -> None: ...
    def received_record(self, record_id: str) -> ReceivedRecord | None: ...
    def keep_record(self, record: ReceivedRecord) -> None:
        """Insert or replace."""
        ...
    def received_records(self, origin: str | None = None, limit: int = 100,
                         kind: str | None = None) -> list[ReceivedRecord]:
        """The newest first; of one type (`kind`: EconomicResource, …) or all."""
        ...
    def remote_agent(self, iri: str) -> RemoteAgent | None: ...
    def remote_agent_of(self, agent: str) -> RemoteAgent | None:
        """The agent of another node our agent `agent` stands for (None: it is one of ours)."""
        ...
    def keep_remote_agent(self, agent: RemoteAgent) -> None: ...
    def declare(self, declaration: Declaration) -> None:
        """Insert or replace (an answer replaces the pending declaration)."""
        ...
    def declaration(self, declaration_id: str) -> Declaration | None: ...
    def declarations(self, user: str | None = None, limit: int = 100) -> list[Declaration]:
        """The newest first."""
        ...
    def keep_trade(self, trade: Trade) -> None:
        """Insert or replace (an answer replaces the pending trade)."""
        ...
    def trade(self, trade_id: str) -> Trade | None: ...
    def trades(self, agent: str | None = None, limit: int = 100) -> list[Trade]:
        """The newest first."""
        ...
    def link_commitment(self, link: TradedCommitment) -> None: ...
    def traded_commitment(self, commitment: str) -> TradedCommitment | None: ...
    def traded_commitment_at(self, iri: str) -> TradedCommitment | None: ...


class Tx(Protocol):
    """One transaction's view of the ledger."""

    @property
    def units(self) -> Records[Unit]: ...
    @property
    def agents(self) -> Agents: ...
    @property
    def roles(self) -> Records[AgentRelationshipRole]: ...
    @property
    def relationships(self) -> Records[AgentRelationship]: ...
    @property
    def memberships(self) -> Memberships: ...
    @property
    def specifications(self) -> Records[ResourceSpecification]: ...
    @property
    def process_specifications(self) -> Records[ProcessSpecification]: ...
    @property
    def batches(self) -> Records[ProductBatch]: ...
    @property
    def processes(self) -> Records[Process]: ...
    @property
    def resources(self) -> Resources: ...
    @property
    def events(self) -> Events: ...
    @property
    def claims(self) -> Claims: ...
    @property
    def books(self) -> Records[BooksClosed]: ...
    @property
    def equations(self) -> Equations: ...
    @property
    def runs(self) -> Runs: ...
    @property
    def days(self) -> Days: ...
    @property
    def chain(self) -> Chain: ...
    @property
    def keys(self) -> Keys: ...
    @property
    def tokens(self) -> Tokens: ...
    @property
    def actor_keys(self) -> ActorKeys: ...
    @property
    def federation(self) -> Federation: ...

    def records(self, kind: str) -> Records[Any]: ...


class WriteTx(Tx, Protocol):
    """A write transaction: it holds the writers' lock and the chain head, and appends to the chain."""

    seq: int
    hash: str
    now: datetime

    def append(self, kind: str, record_id: str, payload: dict[str, object]) -> ChainRecord: ...

    def append_all(self, entries: Iterable[tuple[str, str, dict[str, object]]]) -> list[ChainRecord]:
        """Several chain records at once, in order (fewer round trips than one `append` each)."""
        ...


class UnitOfWork(Protocol):
    """A ledger, as someone: every use case asks the access policy about `principal` inside its transaction. The
    unit of work a store opens acts for whoever holds it (the operator, on the machine); a door hands its use cases
    `acting_as(the request's principal)`."""

    cache: Any  # records that never change once written, kept across transactions (`store.cache.RecordCache`)

    @property
    def principal(self) -> Principal: ...
    def acting_as(self, principal: Principal) -> UnitOfWork: ...
    def read(self) -> AbstractContextManager[Tx]: ...
    def write(self) -> AbstractContextManager[WriteTx]: ...
