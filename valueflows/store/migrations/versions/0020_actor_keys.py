"""actor keys: the key pair of each actor a node speaks for over ActivityPub

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 23:40:00

Made by `valueflows init` (and when a node starts serving) for the node and each of its organizations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actor_keys",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", valueflows.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("actor", name=op.f("pk_actor_keys")),
    )


def downgrade() -> None:
    op.drop_table("actor_keys")
