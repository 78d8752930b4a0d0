"""proposals, what they publish and to whom; places

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 11:30:00

ValueFlows' proposal and geolocation modules (`domain/proposals.py`): a proposal publishes intents (primary or
reciprocal) and may be addressed to agents and valid in a place (a SpatialThing). These tables hold the current
state; a withdrawn proposal leaves them, and the ledger keeps every revision and the withdrawal.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=200)
NAME = sa.String(length=500)


def upgrade() -> None:
    op.create_table(
        "spatial_things",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("mappable_address", NAME, nullable=True),
        sa.Column("lat", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("long", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("alt", valueflows.store.types.ExactDecimal(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spatial_things")),
    )
    op.create_table(
        "proposals",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("has_beginning", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("has_end", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unit_based", sa.Boolean(), nullable=False),
        sa.Column("in_scope_of", sa.JSON(), nullable=False),
        sa.Column("eligible_location", ID, nullable=True),
        sa.Column("created", valueflows.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("proposed_by", ID, nullable=True),
        sa.ForeignKeyConstraint(["eligible_location"], ["spatial_things.id"],
                                name=op.f("fk_proposals_eligible_location_spatial_things")),
        sa.ForeignKeyConstraint(["proposed_by"], ["agents.id"], name=op.f("fk_proposals_proposed_by_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index(op.f("ix_proposals_proposed_by"), "proposals", ["proposed_by"], unique=False)
    op.create_table(
        "proposed_intents",
        sa.Column("id", ID, nullable=False),
        sa.Column("published_in", ID, nullable=False),
        sa.Column("publishes", ID, nullable=False),
        sa.Column("reciprocal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["published_in"], ["proposals.id"],
                                name=op.f("fk_proposed_intents_published_in_proposals")),
        sa.ForeignKeyConstraint(["publishes"], ["intents.id"], name=op.f("fk_proposed_intents_publishes_intents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_intents")),
        sa.UniqueConstraint("published_in", "publishes", name="uq_proposed_intents_published_in_publishes"),
    )
    op.create_index(op.f("ix_proposed_intents_published_in"), "proposed_intents", ["published_in"], unique=False)
    op.create_index(op.f("ix_proposed_intents_publishes"), "proposed_intents", ["publishes"], unique=False)
    op.create_table(
        "proposed_to",
        sa.Column("id", ID, nullable=False),
        sa.Column("proposed", ID, nullable=False),
        sa.Column("proposed_to", ID, nullable=False),
        sa.ForeignKeyConstraint(["proposed"], ["proposals.id"], name=op.f("fk_proposed_to_proposed_proposals")),
        sa.ForeignKeyConstraint(["proposed_to"], ["agents.id"], name=op.f("fk_proposed_to_proposed_to_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_to")),
        sa.UniqueConstraint("proposed", "proposed_to", name="uq_proposed_to_proposed_proposed_to"),
    )
    op.create_index(op.f("ix_proposed_to_proposed"), "proposed_to", ["proposed"], unique=False)
    op.create_index(op.f("ix_proposed_to_proposed_to"), "proposed_to", ["proposed_to"], unique=False)


def downgrade() -> None:
    op.drop_table("proposed_to")
    op.drop_table("proposed_intents")
    op.drop_table("proposals")
    op.drop_table("spatial_things")
