"""partial indexes for the few events reports read apart: exchanges and prior-period adjustments

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 21:10:00

A year's report over a million contributions read every event of the year to find its handful of exchanges;
these indexes hold only the exchanges (and the adjustments), by time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXCHANGES = "agreed_in IS NOT NULL OR realization_of IS NOT NULL"
ADJUSTMENTS = "prior_period IS NOT NULL"


def upgrade() -> None:
    for name, where in (("ix_economic_events_exchanges", EXCHANGES), ("ix_economic_events_adjustments", ADJUSTMENTS)):
        op.create_index(name, "economic_events", ["happened_at"], unique=False,
                        sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def downgrade() -> None:
    op.drop_index("ix_economic_events_adjustments", table_name="economic_events")
    op.drop_index("ix_economic_events_exchanges", table_name="economic_events")
