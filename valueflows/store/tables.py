"""The tables. Records are inserted, never updated, except derived state (resource quantities, the chain head)
and the current facts of agents and memberships, whose every version is kept in the ledger table."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from valueflows.domain.limits import MAX_ID, MAX_IRI, MAX_KEY, MAX_LABEL, MAX_NAME
from valueflows.store.types import DecimalText, ExactDecimal, UTCDateTime

# The condition of the chain's partial indexes (and of every query that uses them): not an event's record.
NOT_EVENT = "kind <> 'economic_event'"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(MAX_ID)

units = Table(
    "units", metadata,
    Column("id", ID, primary_key=True),
    Column("label", String(MAX_LABEL), nullable=False),
    Column("symbol", String(50), nullable=False),
    Column("om2", String(500)),
    Column("dimension", String(50), nullable=False),
)

agents = Table(
    "agents", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("type", String(20), nullable=False),
    Column("legal_form", String(40)),
    Column("worker_owned", Boolean),
    Column("surplus_to_worker_owners", Boolean),
    Column("headcount", Integer),
    Column("annual_revenue", ExactDecimal()),
    Column("revenue_currency", ID, ForeignKey("units.id")),
    Column("group", ID, ForeignKey("agents.id")),
    Column("note", Text),
    Column("image", String(MAX_IRI)),
    Column("classified_as", JSON, nullable=False, server_default="[]"),
    Column("contributions", String(10)),
    Column("primary_location", ID),  # a SpatialThing (no foreign key: added by a later migration)
)

agent_relationship_roles = Table(
    "agent_relationship_roles", metadata,
    Column("id", ID, primary_key=True),
    Column("role_label", String(MAX_NAME), nullable=False),
    Column("inverse_role_label", String(MAX_NAME)),
    Column("note", Text),
)

agent_relationships = Table(
    "agent_relationships", metadata,
    Column("id", ID, primary_key=True),
    Column("subject", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("object", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("relationship", ID, ForeignKey("agent_relationship_roles.id"), nullable=False),
    Column("in_scope_of", JSON, nullable=False),
    Column("note", Text),
)

process_specifications = Table(
    "process_specifications", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("note", Text),
)

product_batches = Table(
    "product_batches", metadata,
    Column("id", ID, primary_key=True),
    Column("batch_number", String(MAX_NAME), nullable=False),
    Column("expiry_date", UTCDateTime()),
    Column("production_date", UTCDateTime()),
)

memberships = Table(
    "memberships", metadata,
    Column("id", ID, primary_key=True),
    Column("member", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("organization", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("since", Date, nullable=False),
    Column("until", Date),
)

resource_specifications = Table(
    "resource_specifications", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("note", Text),
    Column("default_unit_of_resource", ID, ForeignKey("units.id")),
    Column("default_unit_of_effort", ID, ForeignKey("units.id")),
    Column("resource_classified_as", JSON, nullable=False),
    Column("image", String(MAX_IRI)),
    Column("image_list", JSON, nullable=False, server_default="[]"),
    Column("substitutable", Boolean),
)

processes = Table(
    "processes", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("note", Text),
    Column("has_beginning", UTCDateTime()),
    Column("has_end", UTCDateTime()),
    Column("finished", Boolean, nullable=False),
    Column("classified_as", JSON, nullable=False),
    Column("based_on", ID, ForeignKey("process_specifications.id")),
    Column("in_scope_of", JSON, nullable=False, server_default="[]"),
    Column("nested_in", ID, index=True),  # a Scenario (no foreign key: added by a later migration)
)

economic_resources = Table(
    "economic_resources", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("conforms_to", ID, ForeignKey("resource_specifications.id"), nullable=False),
    Column("unit", ID, ForeignKey("units.id"), nullable=False),
    Column("accounting_quantity", ExactDecimal(), nullable=False),
    Column("onhand_quantity", ExactDecimal(), nullable=False),
    Column("primary_accountable", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("custodian", ID, ForeignKey("agents.id"), nullable=False),
    Column("unit_of_effort", ID, ForeignKey("units.id")),
    Column("licence", String(MAX_ID)),
    Column("tracking_identifier", String(MAX_NAME)),
    Column("classified_as", JSON, nullable=False),
    Column("contained_in", ID, ForeignKey("economic_resources.id")),
    Column("note", Text),
    Column("image", String(MAX_IRI)),
    Column("lot", ID, ForeignKey("product_batches.id")),
    Column("image_list", JSON, nullable=False, server_default="[]"),
    Column("current_location", ID),
)

economic_events = Table(
    "economic_events", metadata,
    Column("id", ID, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("action", String(40), nullable=False, index=True),
    Column("provider", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("receiver", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("resource_inventoried_as", ID, ForeignKey("economic_resources.id"), index=True),
    Column("to_resource_inventoried_as", ID, ForeignKey("economic_resources.id")),
    Column("resource_conforms_to", ID, ForeignKey("resource_specifications.id")),
    Column("resource_classified_as", JSON, nullable=False),
    Column("resource_quantity_value", ExactDecimal()),
    Column("resource_quantity_unit", ID, ForeignKey("units.id")),
    Column("effort_quantity_value", ExactDecimal()),
    Column("effort_quantity_unit", ID, ForeignKey("units.id")),
    Column("has_point_in_time", UTCDateTime()),
    Column("has_beginning", UTCDateTime()),
    Column("has_end", UTCDateTime()),
    # When reports file the event: point in time, else end, else beginning (indexed for period queries).
    Column("happened_at", UTCDateTime(), nullable=False, index=True),
    Column("input_of", ID, ForeignKey("processes.id"), index=True),
    Column("output_of", ID, ForeignKey("processes.id"), index=True),
    Column("note", Text),
    # Unique: an event is corrected at most once (a second correction corrects the first one).
    Column("corrects", ID, ForeignKey("economic_events.id"), unique=True),
    Column("triggered_by", ID, ForeignKey("economic_events.id")),
    Column("agreed_in", String(MAX_IRI)),
    Column("realization_of", ID),
    Column("in_scope_of", JSON, nullable=False),
    Column("prior_period", Date),
    Column("at_location", ID, index=True),
    Column("to_location", ID, index=True),
)
# The few events a report or a run reads apart from the many contributions: exchanges (a sale realized, a use agreed
# under a licence) and prior-period adjustments, by time. Partial indexes: they hold only those events.
EXCHANGES = "agreed_in IS NOT NULL OR realization_of IS NOT NULL"
ADJUSTMENTS = "prior_period IS NOT NULL"
Index("ix_economic_events_exchanges", economic_events.c.happened_at,
      sqlite_where=text(EXCHANGES), postgresql_where=text(EXCHANGES))
Index("ix_economic_events_adjustments", economic_events.c.happened_at,
      sqlite_where=text(ADJUSTMENTS), postgresql_where=text(ADJUSTMENTS))

# An organization's books closed through a day.
books_closed = Table(
    "books_closed", metadata,
    Column("id", ID, primary_key=True),
    Column("organization", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("through", Date, nullable=False),
    Column("note", Text),
)

# The planning layer (domain/planning.py): agreements, plans, intents, commitments, and what fulfils or satisfies
# them. Unlike events these records change (a commitment is finished, an intent updated): the table holds the
# latest revision, the ledger every revision.


def _measure_columns(name: str) -> list[Column[object]]:
    return [Column(f"{name}_value", ExactDecimal()), Column(f"{name}_unit", ID, ForeignKey("units.id"))]


def _flow_columns() -> list[Column[object]]:
    """What intents and commitments share (`planning.Flow`)."""
    return [
        Column("id", ID, primary_key=True),
        Column("action", String(40), nullable=False),
        Column("provider", ID, ForeignKey("agents.id"), index=True),
        Column("receiver", ID, ForeignKey("agents.id"), index=True),
        Column("resource_classified_as", JSON, nullable=False),
        *_measure_columns("resource_quantity"),
        *_measure_columns("effort_quantity"),
        Column("has_beginning", UTCDateTime()),
        Column("has_end", UTCDateTime()),
        Column("has_point_in_time", UTCDateTime()),
        Column("due", UTCDateTime()),
        Column("finished", Boolean, nullable=False),
        Column("note", Text),
        Column("agreed_in", String(MAX_IRI)),
        Column("in_scope_of", JSON, nullable=False),
        Column("resource_inventoried_as", ID, ForeignKey("economic_resources.id")),
        Column("resource_conforms_to", ID, ForeignKey("resource_specifications.id")),
        Column("input_of", ID, ForeignKey("processes.id"), index=True),
        Column("output_of", ID, ForeignKey("processes.id"), index=True),
        Column("at_location", ID, index=True),
    ]


agreements = Table(
    "agreements", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME)),
    Column("note", Text),
    Column("created", UTCDateTime()),
)

plans = Table(
    "plans", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("note", Text),
    Column("due", UTCDateTime()),
    Column("created", UTCDateTime()),
    Column("refinement_of", ID, index=True),  # a Scenario (no foreign key: added by a later migration)
)

intents = Table(
    "intents", metadata,
    *_flow_columns(),
    Column("name", String(MAX_NAME)),
    *_measure_columns("available_quantity"),
    Column("image", String(MAX_IRI)),
)

commitments = Table(
    "commitments", metadata,
    *_flow_columns(),
    Column("clause_of", ID, ForeignKey("agreements.id"), index=True),
    Column("independent_demand_of", ID, ForeignKey("plans.id"), index=True),
    Column("planned_within", ID, ForeignKey("plans.id"), index=True),
    Column("stage", ID, ForeignKey("process_specifications.id")),
    Column("created", UTCDateTime()),
)


def _link_table(name: str, of: tuple[str, str], by: tuple[str, str | None]) -> Table:
    """A fulfilment or a satisfaction: `of` what (commitment, intent), `by` what (an event; an event or a
    commitment, so no foreign key)."""
    return Table(
        name, metadata,
        Column("id", ID, primary_key=True),
        Column(by[0], ID, *([ForeignKey(by[1])] if by[1] else []), nullable=False, index=True),
        Column(of[0], ID, ForeignKey(of[1]), nullable=False, index=True),
        *_measure_columns("resource_quantity"),
        *_measure_columns("effort_quantity"),
        Column("note", Text),
    )


fulfillments = _link_table("fulfillments", ("fulfills", "commitments.id"), ("fulfilled_by", "economic_events.id"))
satisfactions = _link_table("satisfactions", ("satisfies", "intents.id"), ("satisfied_by", None))

# The hash chain over every accepted record; its head is the row with the highest seq.
ledger = Table(
    "ledger", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(40), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    # Events are found in the chain by their seq (the events table keeps it), so their chain records, most of the
    # chain, are in neither index (each a random key: a page written at every event's commit). A query for other
    # kinds says NOT_EVENT word for word, as SQLite needs to use a partial index.
    Index("ix_ledger_kind_record", "kind", "record_id", sqlite_where=text(NOT_EVENT), postgresql_where=text(NOT_EVENT)),
    # a record's revisionId is the hash of the ledger record of that revision (events are never revised by id)
    Index("ix_ledger_hash", "hash", sqlite_where=text(NOT_EVENT), postgresql_where=text(NOT_EVENT)),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("key", String(MAX_KEY), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Value equations, as versioned ValueFlows Agreements; a version used by a committed run never changes.
value_equations = Table(
    "value_equations", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_LABEL), nullable=False),
    Column("version", Integer, nullable=False),
    Column("buckets", JSON, nullable=False),
    Column("note", Text),
    UniqueConstraint("name", "version", name="uq_value_equations_name_version"),
)

dividend_runs = Table(
    "dividend_runs", metadata,
    Column("id", ID, primary_key=True),
    Column("organization", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("surplus", ExactDecimal(), nullable=False),
    Column("currency", ID, nullable=False),
    Column("reserve_rate", ExactDecimal(), nullable=False),
    Column("cash_rate", ExactDecimal(), nullable=False),
    Column("basis", String(20), nullable=False),
    Column("equation", ID, ForeignKey("value_equations.id")),
    Column("reserve", ExactDecimal(), nullable=False),
    Column("distributed", ExactDecimal(), nullable=False),
    Column("undistributed", ExactDecimal(), nullable=False),
    Column("undistributed_detail", JSON, nullable=False),
    Column("excluded", JSON, nullable=False),
    Column("adjustments", JSON, nullable=False, server_default="[]"),
    Column("ledger_seq", Integer, nullable=False),
    Column("ledger_hash", String(64), nullable=False),
    Column("events_digest", String(64), nullable=False),
    Column("events_read", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    # Unique: a run is reversed at most once.
    Column("reverses", ID, ForeignKey("dividend_runs.id"), unique=True),
    Column("note", Text),
)

dividend_allocations = Table(
    "dividend_allocations", metadata,
    Column("id", ID, primary_key=True),
    Column("run", ID, ForeignKey("dividend_runs.id"), nullable=False, index=True),
    Column("agent", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("dividend", ExactDecimal(), nullable=False),
    Column("cash", ExactDecimal(), nullable=False),
    Column("retained", ExactDecimal(), nullable=False),
    Column("points", ExactDecimal(), nullable=False),
    Column("share", ExactDecimal(), nullable=False),
    Column("explanation", JSON, nullable=False),
)

# ValueFlows Claims the ledger creates (dividend payouts and capital credits; licence obligations later).
claims = Table(
    "claims", metadata,
    Column("id", ID, primary_key=True),
    Column("action", String(40), nullable=False),
    Column("provider", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("receiver", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("created", UTCDateTime(), nullable=False),
    Column("resource_quantity_value", ExactDecimal()),
    Column("resource_quantity_unit", ID, ForeignKey("units.id")),
    Column("resource_conforms_to", ID, ForeignKey("resource_specifications.id")),
    Column("resource_classified_as", JSON, nullable=False),
    Column("due", UTCDateTime()),
    Column("triggered_by", ID, ForeignKey("economic_events.id"), index=True),
    Column("agreed_in", String(MAX_IRI)),
    Column("note", Text),
    Column("in_scope_of", JSON, nullable=False),
    Column("dividend_run", ID, ForeignKey("dividend_runs.id"), index=True),
    Column("licence", String(MAX_ID)),
    Column("about_resource", ID, ForeignKey("economic_resources.id")),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("basis", JSON),
    *_measure_columns("effort_quantity"),
    Column("finished", Boolean, nullable=False, server_default=false()),
    Index("ix_claims_receiver_provider", "receiver", "provider"),
)

# Proposals and places (`domain/proposals.py`): a withdrawn proposal leaves these tables (the chain keeps it).
spatial_things = Table(
    "spatial_things", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("mappable_address", String(MAX_NAME)),
    Column("lat", ExactDecimal()),
    Column("long", ExactDecimal()),
    Column("alt", ExactDecimal()),
    Column("note", Text),
)

proposals = Table(
    "proposals", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME)),
    Column("note", Text),
    Column("has_beginning", UTCDateTime()),
    Column("has_end", UTCDateTime()),
    Column("unit_based", Boolean, nullable=False),
    Column("in_scope_of", JSON, nullable=False),
    Column("eligible_location", ID, ForeignKey("spatial_things.id")),
    Column("created", UTCDateTime()),
    Column("proposed_by", ID, ForeignKey("agents.id"), index=True),
)

proposed_intents = Table(
    "proposed_intents", metadata,
    Column("id", ID, primary_key=True),
    Column("published_in", ID, ForeignKey("proposals.id"), nullable=False, index=True),
    Column("publishes", ID, ForeignKey("intents.id"), nullable=False, index=True),
    Column("reciprocal", Boolean, nullable=False),
    UniqueConstraint("published_in", "publishes", name="uq_proposed_intents_published_in_publishes"),
)

proposed_to = Table(
    "proposed_to", metadata,
    Column("id", ID, primary_key=True),
    Column("proposed", ID, ForeignKey("proposals.id"), nullable=False, index=True),
    Column("proposed_to", ID, ForeignKey("agents.id"), nullable=False, index=True),
    UniqueConstraint("proposed", "proposed_to", name="uq_proposed_to_proposed_proposed_to"),
)

# Recipes (`domain/recipes.py`): how a resource specification is made, step by step.
recipe_processes = Table(
    "recipe_processes", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("duration_value", ExactDecimal()),
    Column("duration_unit", String(10)),
    Column("process_classified_as", JSON, nullable=False),
    Column("note", Text),
    Column("process_conforms_to", ID, ForeignKey("process_specifications.id")),
)

recipe_exchanges = Table(
    "recipe_exchanges", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("note", Text),
)

recipe_flows = Table(
    "recipe_flows", metadata,
    Column("id", ID, primary_key=True),
    Column("action", String(40), nullable=False),
    Column("resource_conforms_to", ID, ForeignKey("resource_specifications.id"), nullable=False, index=True),
    *_measure_columns("resource_quantity"),
    *_measure_columns("effort_quantity"),
    Column("recipe_input_of", ID, ForeignKey("recipe_processes.id"), index=True),
    Column("recipe_output_of", ID, ForeignKey("recipe_processes.id"), index=True),
    Column("recipe_clause_of", ID, ForeignKey("recipe_exchanges.id"), index=True),
    Column("stage", ID, ForeignKey("process_specifications.id")),
    Column("state", String(MAX_NAME)),
    Column("note", Text),
)

# Scenarios and appreciations (`domain/scenarios.py`).
scenario_definitions = Table(
    "scenario_definitions", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("duration_value", ExactDecimal()),
    Column("duration_unit", String(10)),
    Column("note", Text),
    Column("in_scope_of", JSON, nullable=False),
)

scenarios = Table(
    "scenarios", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("has_beginning", UTCDateTime()),
    Column("has_end", UTCDateTime()),
    Column("defined_as", ID, ForeignKey("scenario_definitions.id"), index=True),
    Column("refinement_of", ID, ForeignKey("scenarios.id"), index=True),
    Column("note", Text),
    Column("in_scope_of", JSON, nullable=False),
)

appreciations = Table(
    "appreciations", metadata,
    Column("id", ID, primary_key=True),
    Column("appreciation_of", ID, ForeignKey("economic_events.id"), nullable=False, index=True),
    Column("appreciation_with", ID, ForeignKey("economic_events.id"), nullable=False, index=True),
    Column("note", Text),
)

# Settlements (`domain/claims.py`): an event settles (part of) a claim. Licence obligations are settled by the
# payments made under the licence, worked out by date (`reciprocity/obligations.py`), not by these rows.
settlements = Table(
    "settlements", metadata,
    Column("id", ID, primary_key=True),
    Column("settles", ID, ForeignKey("claims.id"), nullable=False, index=True),
    Column("settled_by", ID, ForeignKey("economic_events.id"), nullable=False, index=True),
    *_measure_columns("resource_quantity"),
    *_measure_columns("effort_quantity"),
    Column("note", Text),
)

# Tables holding chain-committed records, by the `kind` the ledger uses for them.
RECORD_TABLES: dict[str, Table] = {
    "unit": units,
    "agent": agents,
    "membership": memberships,
    "agent_relationship_role": agent_relationship_roles,
    "agent_relationship": agent_relationships,
    "process_specification": process_specifications,
    "product_batch": product_batches,
    "resource_specification": resource_specifications,
    "process": processes,
    "economic_resource": economic_resources,
    "economic_event": economic_events,
    "value_equation": value_equations,
    "dividend_run": dividend_runs,
    "dividend_allocation": dividend_allocations,
    "claim": claims,
    "books_closed": books_closed,
    "agreement": agreements,
    "plan": plans,
    "intent": intents,
    "commitment": commitments,
    "fulfillment": fulfillments,
    "satisfaction": satisfactions,
    "spatial_thing": spatial_things,
    "proposal": proposals,
    "proposed_intent": proposed_intents,
    "proposed_to": proposed_to,
    "recipe_process": recipe_processes,
    "recipe_exchange": recipe_exchanges,
    "recipe_flow": recipe_flows,
    "scenario_definition": scenario_definitions,
    "scenario": scenarios,
    "appreciation": appreciations,
    "settlement": settlements,
}

# API tokens: not ledger records (they are not in the chain, and only their hashes are kept).
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", String(40), primary_key=True),
    Column("agent", ID, ForeignKey("agents.id"), nullable=False, index=True),
    Column("scope", String(10), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
    Column("note", Text),
    Column("kind", String(10), nullable=False, server_default="api"),  # api, link (single use) or session
    Column("expires_at", UTCDateTime()),
)

# Derived: each provider's flows to each receiver per UTC day, kept by `record_event` in the same transaction
# (so contribution reports sum days, not events) and checked by `verify` against the events.
contribution_days = Table(
    "contribution_days", metadata,
    Column("provider", ID, nullable=False),
    Column("receiver", ID, nullable=False),
    Column("action", String(40), nullable=False),
    Column("kind", ID, nullable=False),  # resource specification id, "" for none
    Column("unit", ID, nullable=False),
    Column("day", Date, nullable=False),
    Column("quantity", ExactDecimal(), nullable=False),
    Column("events", Integer, nullable=False),
    PrimaryKeyConstraint("provider", "receiver", "action", "kind", "unit", "day"),
    Index("ix_contribution_days_day_receiver", "day", "receiver"),
)

# The same totals by calendar month (`month`: its first day), kept with the days in the same statement batch: a
# report or a dividend over a year reads twelve rows a provider and kind, and the days only at the period's edges.
contribution_months = Table(
    "contribution_months", metadata,
    Column("provider", ID, nullable=False),
    Column("receiver", ID, nullable=False),
    Column("action", String(40), nullable=False),
    Column("kind", ID, nullable=False),
    Column("unit", ID, nullable=False),
    Column("month", Date, nullable=False),
    Column("quantity", ExactDecimal(), nullable=False),
    Column("events", Integer, nullable=False),
    # a receiver's rows together, in the order a report groups them (on SQLite the table is that index itself)
    PrimaryKeyConstraint("receiver", "provider", "action", "kind", "unit", "month"),
    sqlite_with_rowid=False,
)

# How many events of each size (`each`: one event's quantity) a provider gave a receiver in a month: what a value
# equation with caps per claim judges (equal events earn the same), without reading every event.
contribution_sizes = Table(
    "contribution_sizes", metadata,
    Column("receiver", ID, nullable=False),
    Column("provider", ID, nullable=False),
    Column("action", String(40), nullable=False),
    Column("kind", ID, nullable=False),
    Column("unit", ID, nullable=False),
    Column("each", ExactDecimal(), nullable=False),
    Column("month", Date, nullable=False),
    Column("events", Integer, nullable=False),
    PrimaryKeyConstraint("receiver", "provider", "action", "kind", "unit", "each", "month"),
    sqlite_with_rowid=False,
)

# What the payments recorded so far settle of each obligation claim (`service.settlement`), kept by the
# transaction that records a payment or an obligation of its (user, steward, agreement), and the first day that
# holds for (the pair's last payment or newest obligation). Derived: `verify` works it out again; a claim without a
# row is settled from the payments whenever its status is asked for.
obligation_settlements = Table(
    "obligation_settlements", metadata,
    Column("claim", ID, ForeignKey("claims.id"), primary_key=True),
    Column("settled", DecimalText(), nullable=False),  # every digit (minutes at an hourly rate: sixtieths)
    Column("holds_from", Date, nullable=False),
    # the claim's own facts settling reads (`OwedRow.since`, `.work_rate`), kept so as not to read its basis again
    Column("since", Date, nullable=False),
    Column("work_rate", DecimalText()),
)

# Federation: the key pair of each actor this node speaks for (the node itself, its organizations), made at
# `init`. Not ledger records: like tokens, they are not chained, and a key is replaced only by a new row.
actor_keys = Table(
    "actor_keys", metadata,
    Column("actor", ID, primary_key=True),  # "node" for the node's own actor, else an agent's id
    Column("public_pem", Text, nullable=False),
    Column("private_pem", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Federation state: what this node knows of other nodes' actors, who follows whom, what arrived at the inboxes
# (each activity once), what waits to be delivered, and the node's settings (its public URL).
remote_actors = Table(
    "remote_actors", metadata,
    Column("id", String(MAX_IRI), primary_key=True),
    Column("inbox", String(MAX_IRI), nullable=False),
    Column("shared_inbox", String(MAX_IRI)),
    Column("key_id", String(MAX_IRI), nullable=False, index=True),
    Column("public_pem", Text, nullable=False),
    Column("document", Text, nullable=False),
    Column("fetched_at", UTCDateTime(), nullable=False),
)

followers = Table(
    "followers", metadata,
    Column("actor", ID, nullable=False),  # ours
    Column("follower", String(MAX_IRI), nullable=False),  # theirs
    Column("follow_id", String(MAX_IRI), nullable=False),
    Column("since", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("actor", "follower"),
)

following = Table(
    "following", metadata,
    Column("actor", ID, nullable=False),  # ours
    Column("target", String(MAX_IRI), nullable=False),  # theirs
    Column("follow_id", String(MAX_IRI), nullable=False),
    Column("state", String(10), nullable=False),  # pending, accepted, rejected
    Column("since", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("actor", "target"),
)

inbox_activities = Table(
    "inbox_activities", metadata,
    Column("id", String(MAX_IRI), primary_key=True),
    Column("actor", String(MAX_IRI), nullable=False),
    Column("type", String(40), nullable=False),
    Column("recipient", ID),  # the actor whose inbox it came to; None: the shared inbox
    Column("received_at", UTCDateTime(), nullable=False),
    Column("body", Text, nullable=False),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", String(40), primary_key=True),
    Column("activity_id", String(MAX_IRI), nullable=False),
    Column("actor", ID, nullable=False),  # ours: who signs it
    Column("inbox", String(MAX_IRI), nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("delivered_at", UTCDateTime()),
    Column("failed_at", UTCDateTime()),
    Column("last_error", Text),
    UniqueConstraint("activity_id", "inbox", name="uq_deliveries_activity_inbox"),
    Index("ix_deliveries_due", "delivered_at", "failed_at", "next_at"),
)

node_settings = Table(
    "node_settings", metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# Records of other nodes, as their actors published them to us (Create / Update from an actor one of ours
# follows): kept read-only under their own IRIs, with their origin and the key that vouched for the delivery.
received_records = Table(
    "received_records", metadata,
    Column("id", String(MAX_IRI), primary_key=True),
    Column("origin", String(MAX_IRI), nullable=False, index=True),  # the actor that published it
    Column("type", String(80), nullable=False),
    Column("document", Text, nullable=False),  # the object as received
    Column("activity_id", String(MAX_IRI), nullable=False),
    Column("key_id", String(MAX_IRI), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
)

# Agents of other nodes that this ledger's records name (a design's steward, a user of ours that declared a use):
# each stands as a local agent (classified vfl:RemoteAgent) with the IRI it has on its node.
remote_agents = Table(
    "remote_agents", metadata,
    Column("agent", ID, primary_key=True),
    Column("iri", String(MAX_IRI), nullable=False, unique=True),
    Column("actor", String(MAX_IRI), nullable=False),
    Column("since", UTCDateTime(), nullable=False),
)

# Licensed uses of other nodes' designs our agents declared, and the steward node's answers.
declarations = Table(
    "declarations", metadata,
    Column("id", String(MAX_IRI), primary_key=True),
    Column("user", ID, nullable=False, index=True),
    Column("design", String(MAX_IRI), nullable=False),
    Column("steward", ID, nullable=False),
    Column("state", String(10), nullable=False),
    Column("request", Text, nullable=False),
    Column("answer", Text),
    Column("claim", ID),
    Column("declared_at", UTCDateTime(), nullable=False),
    Column("answered_at", UTCDateTime()),
)

# Agreements negotiated with other nodes (FEP-0837): our Offers answering their proposals, theirs answering ours.
trades = Table(
    "trades", metadata,
    Column("id", String(MAX_IRI), primary_key=True),
    Column("side", String(10), nullable=False),
    Column("agent", ID, nullable=False, index=True),
    Column("peer", String(MAX_IRI), nullable=False),
    Column("proposal", String(MAX_IRI), nullable=False),
    Column("state", String(10), nullable=False),
    Column("offer", Text, nullable=False),
    Column("answer", Text),
    Column("agreement", ID),
    Column("made_at", UTCDateTime(), nullable=False),
    Column("answered_at", UTCDateTime()),
)

# Commitments of ours that are clauses of such an agreement: the IRI both nodes know each by, whom to tell.
traded_commitments = Table(
    "traded_commitments", metadata,
    Column("commitment", ID, primary_key=True),
    Column("iri", String(MAX_IRI), nullable=False, unique=True),
    Column("peer", String(MAX_IRI), nullable=False),
    Column("trade", String(MAX_IRI), nullable=False),
)
