"""The ValueFlows records the ledger keeps, as plain frozen values (no I/O, no ORM)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from valueflows.domain.quantities import Measure


class AgentType(StrEnum):
    PERSON = "Person"
    ORGANIZATION = "Organization"


class ContributionVisibility(StrEnum):
    """Who sees what an organization's members did for it (hours of work, services, uses)."""

    MEMBERS = "members"  # the person, the organization's members and admins (the default)
    PUBLIC = "public"  # everyone: open value networks publish every contribution


class LegalForm(StrEnum):
    WORKER_COOP = "worker_coop"
    MULTI_STAKEHOLDER_COOP = "multi_stakeholder_coop"
    CONSUMER_COOP = "consumer_coop"
    NONPROFIT = "nonprofit"  # association or other non-profit
    COMPANY = "company"
    INDIVIDUAL = "individual"


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of measure, identified by a short id and its om2 IRI."""

    id: str
    label: str
    symbol: str
    om2: str | None = None  # e.g. http://www.ontology-of-units-of-measure.org/resource/om-2/hour
    dimension: str = "other"  # time, mass, length, volume, area, currency, count, energy, other

# An agent of another node, named here by a local agent that stands for it (its resources are on its node).
REMOTE_AGENT = "https://w3id.org/valueflows-ledger/ns#RemoteAgent"
# A person who chose to be an ActivityPub actor of its node (organizations are, always).
PUBLISHES_AS_ACTOR = "https://w3id.org/valueflows-ledger/ns#PublishesAsActor"


@dataclass(frozen=True, slots=True)
class Agent:
    """A Person or Organization, with the facts licences and dividends turn on.

    Facts that are unknown are None, never guessed: a licence decision that needs one says so.
    """

    id: str
    name: str
    type: AgentType
    legal_form: LegalForm | None = None
    worker_owned: bool | None = None
    surplus_to_worker_owners: bool | None = None
    headcount: int | None = None
    annual_revenue: Decimal | None = None
    revenue_currency: str | None = None
    group: str | None = None  # the agent whose group totals count for thresholds (e.g. a parent company)
    note: str | None = None
    image: str | None = None
    classified_as: tuple[str, ...] = ()
    # organizations: who sees their members' contributions; None is the default, `members`
    contributions: ContributionVisibility | None = None
    primary_location: str | None = None  # a SpatialThing

    @property
    def publishes_contributions(self) -> bool:
        return self.contributions is ContributionVisibility.PUBLIC


@dataclass(frozen=True, slots=True)
class AgentRelationshipRole:
    id: str
    role_label: str
    inverse_role_label: str | None = None
    note: str | None = None


MEMBER_ROLE = AgentRelationshipRole("member", "is member of", "has member",
                                    "Membership of a co-operative; the facts dividends turn on")


@dataclass(frozen=True, slots=True)
class AgentRelationship:
    """A relationship between two agents in a role other than membership (memberships carry dates)."""

    id: str
    subject: str
    object: str
    relationship: str  # an AgentRelationshipRole id
    in_scope_of: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """A member of a co-operative (a VF AgentRelationship with the role 'member')."""

    id: str
    member: str
    organization: str
    since: date
    until: date | None = None

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def active_throughout(self, first: date, last: date) -> bool:
        """Active on every day of [first, last]."""
        return self.since <= first and (self.until is None or last <= self.until)

    def active_during(self, first: date, last: date) -> bool:
        """Active on some day of [first, last]."""
        return self.since <= last and (self.until is None or first <= self.until)


@dataclass(frozen=True, slots=True)
class ResourceSpecification:
    id: str
    name: str
    note: str | None = None
    default_unit_of_resource: str | None = None
    default_unit_of_effort: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    image: str | None = None
    image_list: tuple[str, ...] = ()
    substitutable: bool | None = None  # any resource of the kind may stand for any other


@dataclass(frozen=True, slots=True)
class ProcessSpecification:
    id: str
    name: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ProductBatch:
    id: str
    batch_number: str
    expiry_date: datetime | None = None
    production_date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Process:
    id: str
    name: str
    note: str | None = None
    has_beginning: datetime | None = None
    has_end: datetime | None = None
    finished: bool = False
    classified_as: tuple[str, ...] = ()
    based_on: str | None = None  # a ProcessSpecification id
    in_scope_of: tuple[str, ...] = ()
    nested_in: str | None = None  # a Scenario


@dataclass(frozen=True, slots=True)
class EconomicResource:
    """A resource; quantities are derived from the (corrected) events that affected it."""

    id: str
    name: str
    conforms_to: str
    unit: str
    accounting_quantity: Decimal
    onhand_quantity: Decimal
    primary_accountable: str
    custodian: str
    unit_of_effort: str | None = None
    licence: str | None = None  # SPDX id or LicenseRef-…
    tracking_identifier: str | None = None
    classified_as: tuple[str, ...] = ()
    contained_in: str | None = None
    note: str | None = None
    image: str | None = None
    lot: str | None = None  # a ProductBatch id
    image_list: tuple[str, ...] = ()
    current_location: str | None = None  # a SpatialThing

    @property
    def accounting(self) -> Measure:
        return Measure(self.accounting_quantity, self.unit)

    @property
    def onhand(self) -> Measure:
        return Measure(self.onhand_quantity, self.unit)


def moment(point: datetime | None, end: datetime | None, beginning: datetime | None) -> datetime | None:
    """When an event happened, as reports file it: its point in time, else its end, else its beginning."""
    return point or end or beginning


@dataclass(frozen=True, slots=True)
class EconomicEvent:
    id: str
    action: str
    provider: str
    receiver: str
    resource_inventoried_as: str | None = None
    to_resource_inventoried_as: str | None = None
    resource_conforms_to: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    resource_quantity: Measure | None = None
    effort_quantity: Measure | None = None
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
    # A prior-period adjustment: the day (in a closed period) the flow belongs to; the event is dated in the open one.
    prior_period: date | None = None
    at_location: str | None = None  # a SpatialThing: where it happened
    to_location: str | None = None  # where a moved resource went
    # Set by the ledger when the event is accepted: its position in the hash chain.
    seq: int | None = field(default=None, compare=False)

    @property
    def when(self) -> datetime:
        """The moment reports file the event under: point in time, else end, else beginning."""
        found = moment(self.has_point_in_time, self.has_end, self.has_beginning)
        assert found is not None, "accepted events always carry a time"
        return found


@dataclass(frozen=True, slots=True)
class BooksClosed:
    """An organization's books closed through a day: nothing more is recorded on or before it (see `periods`)."""

    id: str
    organization: str
    through: date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class EconomicClaim:
    """A ValueFlows Claim: a flow one agent owes another in return for something that happened.

    Claims are created by the ledger (a dividend run's cash payout and capital credit; later, licence
    obligations), never edited: a claim is settled by later events, or cancelled by a compensating claim.
    """

    id: str
    action: str
    provider: str
    receiver: str
    created: datetime
    resource_quantity: Measure | None = None
    resource_conforms_to: str | None = None
    resource_classified_as: tuple[str, ...] = ()
    due: datetime | None = None
    triggered_by: str | None = None
    agreed_in: str | None = None
    note: str | None = None
    in_scope_of: tuple[str, ...] = ()
    dividend_run: str | None = None  # the run that created it
    # licence obligations: which licence, for which resource and period, computed how
    licence: str | None = None
    about_resource: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    basis: Mapping[str, str] | None = None
    effort_quantity: Measure | None = None
    finished: bool = False

    @property
    def quantity(self) -> Measure | None:
        """What settlement is counted in: the effort for effort-based claims, else the resource quantity."""
        return self.effort_quantity or self.resource_quantity

    @property
    def ledger_owned(self) -> bool:
        """Made by the ledger (a dividend to pay or credit, a licence obligation): changed only by the ledger."""
        return self.dividend_run is not None or self.licence is not None


def is_actor(agent: Agent) -> bool:
    """Whether its node speaks for the agent as an ActivityPub actor: its organizations, and the persons who chose to
    (never an agent that stands for one of another node)."""
    if REMOTE_AGENT in agent.classified_as:
        return False
    return agent.type is AgentType.ORGANIZATION or PUBLISHES_AS_ACTOR in agent.classified_as
