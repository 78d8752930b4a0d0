"""where things are: an agent's primary location, an event's place (and where it moved a resource), a resource's
current location, an intent's and a commitment's place

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 14:00:00

vf-graphql 0.9's geolocation module on the records of the observation and planning layers: each names a place (a
SpatialThing, migration 0011). Existing records name none; their chain hashes are unchanged (absent values are
left out of a record's canonical form). The columns carry no foreign key, so SQLite adds them without rebuilding
its tables; the rules check that a place exists before any record names it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("agents", "primary_location"), ("economic_resources", "current_location"),
           ("economic_events", "at_location"), ("economic_events", "to_location"), ("intents", "at_location"),
           ("commitments", "at_location"))
INDEXED = (("intents", "at_location"), ("commitments", "at_location"), ("economic_events", "at_location"),
           ("economic_events", "to_location"))


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length=200), nullable=True))
    for table, column in INDEXED:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, column in INDEXED:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column)
