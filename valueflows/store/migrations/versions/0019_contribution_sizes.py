"""contribution sizes: how many events of each size a provider gave a receiver in a month

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 21:00:00

Derived from the events, so the upgrade fills it from them: the corrected view (an event a later event corrects
does not count), an agent's flows to itself and exchanges left out, the effort quantity where there is one, else
the resource quantity (the rule of the daily totals).
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    sizes = op.create_table(
        "contribution_sizes",
        sa.Column("receiver", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("each", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("receiver", "provider", "action", "kind", "unit", "each", "month",
                                name=op.f("pk_contribution_sizes")),
        sqlite_with_rowid=False,
    )
    events = sa.table("economic_events", *(sa.column(c) for c in (
        "id", "seq", "provider", "receiver", "action", "resource_conforms_to", "corrects", "happened_at", "agreed_in",
        "realization_of", "effort_quantity_value", "effort_quantity_unit", "resource_quantity_value",
        "resource_quantity_unit")))
    conn = op.get_bind()
    corrected = {row[0] for row in conn.execute(sa.select(events.c.corrects).where(events.c.corrects.is_not(None)))}
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in conn.execute(sa.select(events)):
        value = row.effort_quantity_value if row.effort_quantity_value is not None else row.resource_quantity_value
        unit = row.effort_quantity_unit if row.effort_quantity_value is not None else row.resource_quantity_unit
        if (row.id in corrected or value is None or row.provider == row.receiver or row.agreed_in is not None
                or row.realization_of is not None):
            continue
        when = row.happened_at if isinstance(row.happened_at, datetime) else datetime.fromisoformat(row.happened_at)
        day = (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)).date()
        counts[(row.receiver, row.provider, row.action, row.resource_conforms_to or "", unit,
                Decimal(str(value)).normalize(), day.replace(day=1))] += 1
    if counts:
        op.bulk_insert(sizes, [
            {"receiver": k[0], "provider": k[1], "action": k[2], "kind": k[3], "unit": k[4], "each": k[5],
             "month": k[6], "events": n} for k, n in counts.items()])


def downgrade() -> None:
    op.drop_table("contribution_sizes")
