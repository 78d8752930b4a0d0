"""federation: remote actors, followers and following, inbox activities, the delivery queue, node settings,
records received from other nodes

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IRI = sa.String(length=2000)
ID = sa.String(length=200)


def upgrade() -> None:
    at = valueflows.store.types.UTCDateTime
    op.create_table(
        "remote_actors",
        sa.Column("id", IRI, nullable=False),
        sa.Column("inbox", IRI, nullable=False),
        sa.Column("shared_inbox", IRI, nullable=True),
        sa.Column("key_id", IRI, nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("fetched_at", at(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remote_actors")),
    )
    op.create_index(op.f("ix_remote_actors_key_id"), "remote_actors", ["key_id"])
    op.create_table(
        "followers",
        sa.Column("actor", ID, nullable=False),
        sa.Column("follower", IRI, nullable=False),
        sa.Column("follow_id", IRI, nullable=False),
        sa.Column("since", at(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "follower", name=op.f("pk_followers")),
    )
    op.create_table(
        "following",
        sa.Column("actor", ID, nullable=False),
        sa.Column("target", IRI, nullable=False),
        sa.Column("follow_id", IRI, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("since", at(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "target", name=op.f("pk_following")),
    )
    op.create_table(
        "inbox_activities",
        sa.Column("id", IRI, nullable=False),
        sa.Column("actor", IRI, nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("recipient", ID, nullable=True),
        sa.Column("received_at", at(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_activities")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("activity_id", IRI, nullable=False),
        sa.Column("actor", ID, nullable=False),
        sa.Column("inbox", IRI, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", at(), nullable=False),
        sa.Column("created_at", at(), nullable=False),
        sa.Column("delivered_at", at(), nullable=True),
        sa.Column("failed_at", at(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("activity_id", "inbox", name="uq_deliveries_activity_inbox"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["delivered_at", "failed_at", "next_at"])
    op.create_table(
        "received_records",
        sa.Column("id", IRI, nullable=False),
        sa.Column("origin", IRI, nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("activity_id", IRI, nullable=False),
        sa.Column("key_id", IRI, nullable=False),
        sa.Column("received_at", at(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_records")),
    )
    op.create_index(op.f("ix_received_records_origin"), "received_records", ["origin"])
    op.create_table(
        "node_settings",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_node_settings")),
    )


def downgrade() -> None:
    for table in ("node_settings", "received_records", "deliveries", "inbox_activities", "following", "followers",
                  "remote_actors"):
        op.drop_table(table)
