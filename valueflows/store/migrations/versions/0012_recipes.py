"""recipes: recipe processes, flows and exchanges

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 13:00:00

ValueFlows' recipe module (`domain/recipes.py`): how a resource specification is made, step by step, with what
each step takes and makes; plans are made from it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=200)
NAME = sa.String(length=500)


def upgrade() -> None:
    op.create_table(
        "recipe_processes",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("duration_value", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("duration_unit", sa.String(length=10), nullable=True),
        sa.Column("process_classified_as", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("process_conforms_to", ID, nullable=True),
        sa.ForeignKeyConstraint(["process_conforms_to"], ["process_specifications.id"],
                                name=op.f("fk_recipe_processes_process_conforms_to_process_specifications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipe_processes")),
    )
    op.create_table(
        "recipe_exchanges",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipe_exchanges")),
    )
    op.create_table(
        "recipe_flows",
        sa.Column("id", ID, nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("resource_conforms_to", ID, nullable=False),
        sa.Column("resource_quantity_value", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("resource_quantity_unit", ID, nullable=True),
        sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("effort_quantity_unit", ID, nullable=True),
        sa.Column("recipe_input_of", ID, nullable=True),
        sa.Column("recipe_output_of", ID, nullable=True),
        sa.Column("recipe_clause_of", ID, nullable=True),
        sa.Column("stage", ID, nullable=True),
        sa.Column("state", NAME, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["resource_conforms_to"], ["resource_specifications.id"],
                                name=op.f("fk_recipe_flows_resource_conforms_to_resource_specifications")),
        sa.ForeignKeyConstraint(["resource_quantity_unit"], ["units.id"],
                                name=op.f("fk_recipe_flows_resource_quantity_unit_units")),
        sa.ForeignKeyConstraint(["effort_quantity_unit"], ["units.id"],
                                name=op.f("fk_recipe_flows_effort_quantity_unit_units")),
        sa.ForeignKeyConstraint(["recipe_input_of"], ["recipe_processes.id"],
                                name=op.f("fk_recipe_flows_recipe_input_of_recipe_processes")),
        sa.ForeignKeyConstraint(["recipe_output_of"], ["recipe_processes.id"],
                                name=op.f("fk_recipe_flows_recipe_output_of_recipe_processes")),
        sa.ForeignKeyConstraint(["recipe_clause_of"], ["recipe_exchanges.id"],
                                name=op.f("fk_recipe_flows_recipe_clause_of_recipe_exchanges")),
        sa.ForeignKeyConstraint(["stage"], ["process_specifications.id"],
                                name=op.f("fk_recipe_flows_stage_process_specifications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipe_flows")),
    )
    for column in ("resource_conforms_to", "recipe_input_of", "recipe_output_of", "recipe_clause_of"):
        op.create_index(op.f(f"ix_recipe_flows_{column}"), "recipe_flows", [column], unique=False)


def downgrade() -> None:
    op.drop_table("recipe_flows")
    op.drop_table("recipe_exchanges")
    op.drop_table("recipe_processes")
