"""tokens that expire, and one-time sign-in links

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 18:00:00

A token has a kind: an API token (as before, no expiry), a sign-in link (single use, valid 15 minutes: using it
revokes it) or a browser session the link opened (valid 12 hours).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), server_default="api", nullable=False))
        batch.add_column(sa.Column("expires_at", valueflows.store.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("kind")
