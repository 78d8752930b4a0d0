"""federation: agreements negotiated with other nodes (FEP-0837) and the commitments that are their clauses

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IRI = sa.String(length=2000)
ID = sa.String(length=200)


def upgrade() -> None:
    at = valueflows.store.types.UTCDateTime
    op.create_table(
        "trades",
        sa.Column("id", IRI, nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("agent", ID, nullable=False),
        sa.Column("peer", IRI, nullable=False),
        sa.Column("proposal", IRI, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("offer", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("agreement", ID, nullable=True),
        sa.Column("made_at", at(), nullable=False),
        sa.Column("answered_at", at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trades")),
    )
    op.create_index(op.f("ix_trades_agent"), "trades", ["agent"])
    op.create_table(
        "traded_commitments",
        sa.Column("commitment", ID, nullable=False),
        sa.Column("iri", IRI, nullable=False),
        sa.Column("peer", IRI, nullable=False),
        sa.Column("trade", IRI, nullable=False),
        sa.PrimaryKeyConstraint("commitment", name=op.f("pk_traded_commitments")),
        sa.UniqueConstraint("iri", name=op.f("uq_traded_commitments_iri")),
    )


def downgrade() -> None:
    op.drop_table("traded_commitments")
    op.drop_table("trades")
