"""federation: agents of other nodes as this ledger names them, licensed uses declared to other nodes

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IRI = sa.String(length=2000)
ID = sa.String(length=200)


def upgrade() -> None:
    at = valueflows.store.types.UTCDateTime
    op.create_table(
        "remote_agents",
        sa.Column("agent", ID, nullable=False),
        sa.Column("iri", IRI, nullable=False),
        sa.Column("actor", IRI, nullable=False),
        sa.Column("since", at(), nullable=False),
        sa.PrimaryKeyConstraint("agent", name=op.f("pk_remote_agents")),
        sa.UniqueConstraint("iri", name=op.f("uq_remote_agents_iri")),
    )
    op.create_table(
        "declarations",
        sa.Column("id", IRI, nullable=False),
        sa.Column("user", ID, nullable=False),
        sa.Column("design", IRI, nullable=False),
        sa.Column("steward", ID, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("claim", ID, nullable=True),
        sa.Column("declared_at", at(), nullable=False),
        sa.Column("answered_at", at(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    op.create_index(op.f("ix_declarations_user"), "declarations", ["user"])


def downgrade() -> None:
    op.drop_table("declarations")
    op.drop_table("remote_agents")
