"""claims as vf-graphql 0.9 has them (an effort quantity, finished), and settlements

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 16:00:00

Claims the ledger makes (dividends, licence obligations) keep their meaning; a claim anyone records in reciprocity
for an event gains an effort quantity and whether it is finished. A settlement says an event settles (part of) a
claim (`domain/claims.py`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=200)


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(), nullable=True))
        batch.add_column(sa.Column("effort_quantity_unit", ID, nullable=True))
        batch.add_column(sa.Column("finished", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_foreign_key(op.f("fk_claims_effort_quantity_unit_units"), "units", ["effort_quantity_unit"],
                                 ["id"])
    op.create_table(
        "settlements",
        sa.Column("id", ID, nullable=False),
        sa.Column("settles", ID, nullable=False),
        sa.Column("settled_by", ID, nullable=False),
        sa.Column("resource_quantity_value", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("resource_quantity_unit", ID, nullable=True),
        sa.Column("effort_quantity_value", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("effort_quantity_unit", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["settles"], ["claims.id"], name=op.f("fk_settlements_settles_claims")),
        sa.ForeignKeyConstraint(["settled_by"], ["economic_events.id"],
                                name=op.f("fk_settlements_settled_by_economic_events")),
        sa.ForeignKeyConstraint(["resource_quantity_unit"], ["units.id"],
                                name=op.f("fk_settlements_resource_quantity_unit_units")),
        sa.ForeignKeyConstraint(["effort_quantity_unit"], ["units.id"],
                                name=op.f("fk_settlements_effort_quantity_unit_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
    )
    op.create_index(op.f("ix_settlements_settles"), "settlements", ["settles"], unique=False)
    op.create_index(op.f("ix_settlements_settled_by"), "settlements", ["settled_by"], unique=False)


def downgrade() -> None:
    op.drop_table("settlements")
    with op.batch_alter_table("claims") as batch:
        batch.drop_constraint(op.f("fk_claims_effort_quantity_unit_units"), type_="foreignkey")
        batch.drop_column("finished")
        batch.drop_column("effort_quantity_unit")
        batch.drop_column("effort_quantity_value")
