"""the chain's indexes by (kind, record id) and by hash leave events out: an event's chain record is found by its
seq (the events table keeps it), and two random-key index pages less are written at every event's commit

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_EVENT = "kind <> 'economic_event'"  # frozen here: tables.NOT_EVENT, as this migration made it


def upgrade() -> None:
    op.drop_index("ix_ledger_kind_record", table_name="ledger")
    op.drop_index("ix_ledger_hash", table_name="ledger")
    op.create_index("ix_ledger_kind_record", "ledger", ["kind", "record_id"], unique=False,
                    sqlite_where=sa.text(NOT_EVENT), postgresql_where=sa.text(NOT_EVENT))
    op.create_index("ix_ledger_hash", "ledger", ["hash"], unique=False,
                    sqlite_where=sa.text(NOT_EVENT), postgresql_where=sa.text(NOT_EVENT))


def downgrade() -> None:
    op.drop_index("ix_ledger_hash", table_name="ledger")
    op.drop_index("ix_ledger_kind_record", table_name="ledger")
    op.create_index("ix_ledger_kind_record", "ledger", ["kind", "record_id"], unique=False)
    op.create_index("ix_ledger_hash", "ledger", ["hash"], unique=False)
