"""the planning layer: agreements, plans, intents, commitments, fulfilments, satisfactions

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00

The records of ValueFlows' planning layer (`domain/planning.py`); their tables hold each record's latest
revision, the ledger every revision, and a revision is found by its ledger hash (its revisionId).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("due", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("receiver", sa.String(length=200), nullable=True),
        sa.Column("resource_classified_as", sa.JSON(), nullable=False),
        sa.Column(
            "resource_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True
        ),
        sa.Column("resource_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("effort_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("has_beginning", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("has_end", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("has_point_in_time", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("agreed_in", sa.String(length=2000), nullable=True),
        sa.Column("in_scope_of", sa.JSON(), nullable=False),
        sa.Column("resource_inventoried_as", sa.String(length=200), nullable=True),
        sa.Column("resource_conforms_to", sa.String(length=200), nullable=True),
        sa.Column("input_of", sa.String(length=200), nullable=True),
        sa.Column("output_of", sa.String(length=200), nullable=True),
        sa.Column("clause_of", sa.String(length=200), nullable=True),
        sa.Column("independent_demand_of", sa.String(length=200), nullable=True),
        sa.Column("planned_within", sa.String(length=200), nullable=True),
        sa.Column("stage", sa.String(length=200), nullable=True),
        sa.Column("created", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clause_of"], ["agreements.id"], name=op.f("fk_commitments_clause_of_agreements")),
        sa.ForeignKeyConstraint(
            ["effort_quantity_unit"], ["units.id"], name=op.f("fk_commitments_effort_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["independent_demand_of"], ["plans.id"], name=op.f("fk_commitments_independent_demand_of_plans")
        ),
        sa.ForeignKeyConstraint(["input_of"], ["processes.id"], name=op.f("fk_commitments_input_of_processes")),
        sa.ForeignKeyConstraint(["output_of"], ["processes.id"], name=op.f("fk_commitments_output_of_processes")),
        sa.ForeignKeyConstraint(["planned_within"], ["plans.id"], name=op.f("fk_commitments_planned_within_plans")),
        sa.ForeignKeyConstraint(["provider"], ["agents.id"], name=op.f("fk_commitments_provider_agents")),
        sa.ForeignKeyConstraint(["receiver"], ["agents.id"], name=op.f("fk_commitments_receiver_agents")),
        sa.ForeignKeyConstraint(
            ["resource_conforms_to"],
            ["resource_specifications.id"],
            name=op.f("fk_commitments_resource_conforms_to_resource_specifications"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_inventoried_as"],
            ["economic_resources.id"],
            name=op.f("fk_commitments_resource_inventoried_as_economic_resources"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_quantity_unit"], ["units.id"], name=op.f("fk_commitments_resource_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["stage"], ["process_specifications.id"], name=op.f("fk_commitments_stage_process_specifications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    op.create_index(op.f("ix_commitments_clause_of"), "commitments", ["clause_of"], unique=False)
    op.create_index(
        op.f("ix_commitments_independent_demand_of"), "commitments", ["independent_demand_of"], unique=False
    )
    op.create_index(op.f("ix_commitments_input_of"), "commitments", ["input_of"], unique=False)
    op.create_index(op.f("ix_commitments_output_of"), "commitments", ["output_of"], unique=False)
    op.create_index(op.f("ix_commitments_planned_within"), "commitments", ["planned_within"], unique=False)
    op.create_index(op.f("ix_commitments_provider"), "commitments", ["provider"], unique=False)
    op.create_index(op.f("ix_commitments_receiver"), "commitments", ["receiver"], unique=False)
    op.create_table(
        "intents",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("receiver", sa.String(length=200), nullable=True),
        sa.Column("resource_classified_as", sa.JSON(), nullable=False),
        sa.Column(
            "resource_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True
        ),
        sa.Column("resource_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("effort_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("has_beginning", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("has_end", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("has_point_in_time", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("agreed_in", sa.String(length=2000), nullable=True),
        sa.Column("in_scope_of", sa.JSON(), nullable=False),
        sa.Column("resource_inventoried_as", sa.String(length=200), nullable=True),
        sa.Column("resource_conforms_to", sa.String(length=200), nullable=True),
        sa.Column("input_of", sa.String(length=200), nullable=True),
        sa.Column("output_of", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column(
            "available_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True
        ),
        sa.Column("available_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("image", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["available_quantity_unit"], ["units.id"], name=op.f("fk_intents_available_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["effort_quantity_unit"], ["units.id"], name=op.f("fk_intents_effort_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(["input_of"], ["processes.id"], name=op.f("fk_intents_input_of_processes")),
        sa.ForeignKeyConstraint(["output_of"], ["processes.id"], name=op.f("fk_intents_output_of_processes")),
        sa.ForeignKeyConstraint(["provider"], ["agents.id"], name=op.f("fk_intents_provider_agents")),
        sa.ForeignKeyConstraint(["receiver"], ["agents.id"], name=op.f("fk_intents_receiver_agents")),
        sa.ForeignKeyConstraint(
            ["resource_conforms_to"],
            ["resource_specifications.id"],
            name=op.f("fk_intents_resource_conforms_to_resource_specifications"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_inventoried_as"],
            ["economic_resources.id"],
            name=op.f("fk_intents_resource_inventoried_as_economic_resources"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_quantity_unit"], ["units.id"], name=op.f("fk_intents_resource_quantity_unit_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intents")),
    )
    op.create_index(op.f("ix_intents_input_of"), "intents", ["input_of"], unique=False)
    op.create_index(op.f("ix_intents_output_of"), "intents", ["output_of"], unique=False)
    op.create_index(op.f("ix_intents_provider"), "intents", ["provider"], unique=False)
    op.create_index(op.f("ix_intents_receiver"), "intents", ["receiver"], unique=False)
    op.create_table(
        "fulfillments",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("fulfilled_by", sa.String(length=200), nullable=False),
        sa.Column("fulfills", sa.String(length=200), nullable=False),
        sa.Column(
            "resource_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True
        ),
        sa.Column("resource_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("effort_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["effort_quantity_unit"], ["units.id"], name=op.f("fk_fulfillments_effort_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["fulfilled_by"], ["economic_events.id"], name=op.f("fk_fulfillments_fulfilled_by_economic_events")
        ),
        sa.ForeignKeyConstraint(["fulfills"], ["commitments.id"], name=op.f("fk_fulfillments_fulfills_commitments")),
        sa.ForeignKeyConstraint(
            ["resource_quantity_unit"], ["units.id"], name=op.f("fk_fulfillments_resource_quantity_unit_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fulfillments")),
    )
    op.create_index(op.f("ix_fulfillments_fulfilled_by"), "fulfillments", ["fulfilled_by"], unique=False)
    op.create_index(op.f("ix_fulfillments_fulfills"), "fulfillments", ["fulfills"], unique=False)
    op.create_table(
        "satisfactions",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("satisfied_by", sa.String(length=200), nullable=False),
        sa.Column("satisfies", sa.String(length=200), nullable=False),
        sa.Column(
            "resource_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True
        ),
        sa.Column("resource_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("effort_quantity_unit", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["effort_quantity_unit"], ["units.id"], name=op.f("fk_satisfactions_effort_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["resource_quantity_unit"], ["units.id"], name=op.f("fk_satisfactions_resource_quantity_unit_units")
        ),
        sa.ForeignKeyConstraint(["satisfies"], ["intents.id"], name=op.f("fk_satisfactions_satisfies_intents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfactions")),
    )
    op.create_index(op.f("ix_satisfactions_satisfied_by"), "satisfactions", ["satisfied_by"], unique=False)
    op.create_index(op.f("ix_satisfactions_satisfies"), "satisfactions", ["satisfies"], unique=False)
    op.create_index("ix_ledger_hash", "ledger", ["hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ledger_hash", table_name="ledger")
    op.drop_index(op.f("ix_satisfactions_satisfies"), table_name="satisfactions")
    op.drop_index(op.f("ix_satisfactions_satisfied_by"), table_name="satisfactions")
    op.drop_table("satisfactions")
    op.drop_index(op.f("ix_fulfillments_fulfills"), table_name="fulfillments")
    op.drop_index(op.f("ix_fulfillments_fulfilled_by"), table_name="fulfillments")
    op.drop_table("fulfillments")
    op.drop_index(op.f("ix_intents_receiver"), table_name="intents")
    op.drop_index(op.f("ix_intents_provider"), table_name="intents")
    op.drop_index(op.f("ix_intents_output_of"), table_name="intents")
    op.drop_index(op.f("ix_intents_input_of"), table_name="intents")
    op.drop_table("intents")
    op.drop_index(op.f("ix_commitments_receiver"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_provider"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_planned_within"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_output_of"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_input_of"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_independent_demand_of"), table_name="commitments")
    op.drop_index(op.f("ix_commitments_clause_of"), table_name="commitments")
    op.drop_table("commitments")
    op.drop_table("plans")
    op.drop_table("agreements")
