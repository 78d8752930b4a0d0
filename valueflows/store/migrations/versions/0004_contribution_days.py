"""contribution days: daily totals of each provider's flows to each receiver

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:55:00

The table is derived from the events, so the upgrade fills it from the events already recorded: the
corrected view (an event that a later event corrects does not count), an agent's flows to itself left out,
the effort quantity where there is one, else the resource quantity, summed exactly in Python.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    days = op.create_table(
        "contribution_days",
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("receiver", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quantity", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider", "receiver", "action", "kind", "unit", "day",
                                name=op.f("pk_contribution_days")),
    )
    op.create_index("ix_contribution_days_day_receiver", "contribution_days", ["day", "receiver"], unique=False)
    _backfill(days)


def _backfill(days: sa.Table) -> None:
    events = sa.table(
        "economic_events", *(sa.column(c) for c in (
            "id", "seq", "provider", "receiver", "action", "resource_conforms_to", "corrects", "happened_at",
            "effort_quantity_value", "effort_quantity_unit", "resource_quantity_value", "resource_quantity_unit")))
    conn = op.get_bind()
    corrected = {row[0] for row in conn.execute(sa.select(events.c.corrects).where(events.c.corrects.is_not(None)))}
    totals: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for row in conn.execute(sa.select(events).order_by(events.c.seq)):
        value = row.effort_quantity_value if row.effort_quantity_value is not None else row.resource_quantity_value
        unit = row.effort_quantity_unit if row.effort_quantity_value is not None else row.resource_quantity_unit
        if row.id in corrected or value is None or row.provider == row.receiver:
            continue
        when = row.happened_at if isinstance(row.happened_at, datetime) else datetime.fromisoformat(row.happened_at)
        day = (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)).date()
        total = totals[(row.provider, row.receiver, row.action, row.resource_conforms_to or "", unit, day)]
        total[0] += Decimal(str(value))
        total[1] += 1
    if totals:
        op.bulk_insert(days, [
            {"provider": k[0], "receiver": k[1], "action": k[2], "kind": k[3], "unit": k[4], "day": k[5],
             "quantity": q, "events": n} for k, (q, n) in totals.items()])


def downgrade() -> None:
    op.drop_index("ix_contribution_days_day_receiver", table_name="contribution_days")
    op.drop_table("contribution_days")
