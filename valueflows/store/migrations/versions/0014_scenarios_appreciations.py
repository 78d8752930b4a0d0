"""scenarios and their definitions, appreciations; the scenario a plan refines and a process is nested in

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 15:00:00

ValueFlows' scenario and appreciation modules (`domain/scenarios.py`). Plans and processes gain a column naming a
scenario, without a foreign key (SQLite adds it without rebuilding the table; the rules check the scenario exists).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=200)
NAME = sa.String(length=500)


def upgrade() -> None:
    op.create_table(
        "scenario_definitions",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("duration_value", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("duration_unit", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("in_scope_of", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_definitions")),
    )
    op.create_table(
        "scenarios",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("has_beginning", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("has_end", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("defined_as", ID, nullable=True),
        sa.Column("refinement_of", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("in_scope_of", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["defined_as"], ["scenario_definitions.id"],
                                name=op.f("fk_scenarios_defined_as_scenario_definitions")),
        sa.ForeignKeyConstraint(["refinement_of"], ["scenarios.id"], name=op.f("fk_scenarios_refinement_of_scenarios")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenarios")),
    )
    op.create_index(op.f("ix_scenarios_defined_as"), "scenarios", ["defined_as"], unique=False)
    op.create_index(op.f("ix_scenarios_refinement_of"), "scenarios", ["refinement_of"], unique=False)
    op.create_table(
        "appreciations",
        sa.Column("id", ID, nullable=False),
        sa.Column("appreciation_of", ID, nullable=False),
        sa.Column("appreciation_with", ID, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["appreciation_of"], ["economic_events.id"],
                                name=op.f("fk_appreciations_appreciation_of_economic_events")),
        sa.ForeignKeyConstraint(["appreciation_with"], ["economic_events.id"],
                                name=op.f("fk_appreciations_appreciation_with_economic_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appreciations")),
    )
    op.create_index(op.f("ix_appreciations_appreciation_of"), "appreciations", ["appreciation_of"], unique=False)
    op.create_index(op.f("ix_appreciations_appreciation_with"), "appreciations", ["appreciation_with"], unique=False)
    op.add_column("plans", sa.Column("refinement_of", ID, nullable=True))
    op.create_index(op.f("ix_plans_refinement_of"), "plans", ["refinement_of"], unique=False)
    op.add_column("processes", sa.Column("nested_in", ID, nullable=True))
    op.create_index(op.f("ix_processes_nested_in"), "processes", ["nested_in"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_processes_nested_in"), table_name="processes")
    op.drop_column("processes", "nested_in")
    op.drop_index(op.f("ix_plans_refinement_of"), table_name="plans")
    op.drop_column("plans", "refinement_of")
    op.drop_table("appreciations")
    op.drop_table("scenarios")
    op.drop_table("scenario_definitions")
