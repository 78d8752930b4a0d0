"""contribution months: the daily totals summed by calendar month

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 20:30:00

Derived from the daily totals, so the upgrade fills it from them, summed exactly in Python (SQLite keeps the
quantities as decimal text).
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    months = op.create_table(
        "contribution_months",
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("receiver", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("quantity", valueflows.store.types.ExactDecimal(precision=38, scale=18), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("receiver", "provider", "action", "kind", "unit", "month",
                                name=op.f("pk_contribution_months")),
        sqlite_with_rowid=False,
    )
    days = sa.table("contribution_days", *(sa.column(c) for c in (
        "provider", "receiver", "action", "kind", "unit", "day", "quantity", "events")))
    totals: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for row in op.get_bind().execute(sa.select(days)):
        day = row.day if isinstance(row.day, date) else date.fromisoformat(row.day)
        total = totals[(row.provider, row.receiver, row.action, row.kind, row.unit, day.replace(day=1))]
        total[0] += Decimal(str(row.quantity))
        total[1] += row.events
    if totals:
        op.bulk_insert(months, [
            {"provider": k[0], "receiver": k[1], "action": k[2], "kind": k[3], "unit": k[4], "month": k[5],
             "quantity": q, "events": n} for k, (q, n) in totals.items()])


def downgrade() -> None:
    op.drop_table("contribution_months")
