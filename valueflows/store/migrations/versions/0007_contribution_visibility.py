"""organizations choose who sees their members' contributions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:00:00

Plain ALTER TABLE (no batch copy): SQLite adds and drops a column without a constraint in place, and a copy of
`agents` could not be dropped while other tables refer to it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("contributions", sa.String(length=10), nullable=True))
    # the access policy asks which events triggered a licence obligation
    op.create_index(op.f("ix_claims_triggered_by"), "claims", ["triggered_by"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_claims_triggered_by"), table_name="claims")
    op.drop_column("agents", "contributions")
