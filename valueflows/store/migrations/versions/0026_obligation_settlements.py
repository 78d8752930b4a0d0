"""obligation settlements kept on write: what the payments recorded so far settle of each obligation claim, and
the first day that holds for

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 17:30:00

Derived, and not filled here: a claim without a row is settled from the payments whenever its status is asked for
(as before); the next payment or obligation of its (user, steward, agreement) keeps the pair's settlements.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "obligation_settlements",
        sa.Column("claim", sa.String(length=200), nullable=False),
        sa.Column("settled", valueflows.store.types.DecimalText(), nullable=False),
        sa.Column("holds_from", sa.Date(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("work_rate", valueflows.store.types.DecimalText(), nullable=True),
        sa.ForeignKeyConstraint(["claim"], ["claims.id"], name=op.f("fk_obligation_settlements_claim_claims")),
        sa.PrimaryKeyConstraint("claim", name=op.f("pk_obligation_settlements")),
    )


def downgrade() -> None:
    op.drop_table("obligation_settlements")
