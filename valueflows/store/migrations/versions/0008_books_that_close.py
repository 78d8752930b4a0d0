"""books that close; exchanges are not contributions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:00:00

Adds the books an organization closed, the prior period an adjustment is about (on events), the adjustments a
dividend run counted; and rebuilds the daily contribution totals from the events, leaving out exchanges (flows
agreed in or realizing an agreement), as `accounting.contributions.is_contribution` now decides.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

import valueflows.store.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "books_closed",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["organization"], ["agents.id"], name=op.f("fk_books_closed_organization_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books_closed")),
    )
    op.create_index(op.f("ix_books_closed_organization"), "books_closed", ["organization"], unique=False)
    op.add_column("economic_events", sa.Column("prior_period", sa.Date(), nullable=True))
    op.add_column("dividend_runs", sa.Column("adjustments", sa.JSON(), nullable=False, server_default="[]"))
    _rebuild_day_totals()


def _rebuild_day_totals() -> None:
    """The daily totals again, from the events: the corrected view, contributions only."""
    events = sa.table(
        "economic_events", *(sa.column(c) for c in (
            "id", "seq", "provider", "receiver", "action", "resource_conforms_to", "corrects", "happened_at",
            "effort_quantity_value", "effort_quantity_unit", "resource_quantity_value", "resource_quantity_unit",
            "agreed_in", "realization_of")))
    days = sa.table("contribution_days", *(sa.column(c) for c in (
        "provider", "receiver", "action", "kind", "unit", "day", "events")),
        sa.column("quantity", valueflows.store.types.ExactDecimal(precision=38, scale=18)))
    conn = op.get_bind()
    corrected = {row[0] for row in conn.execute(sa.select(events.c.corrects).where(events.c.corrects.is_not(None)))}
    totals: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for row in conn.execute(sa.select(events).order_by(events.c.seq)):
        value = row.effort_quantity_value if row.effort_quantity_value is not None else row.resource_quantity_value
        unit = row.effort_quantity_unit if row.effort_quantity_value is not None else row.resource_quantity_unit
        exchange = row.agreed_in is not None or row.realization_of is not None
        if row.id in corrected or value is None or row.provider == row.receiver or exchange:
            continue
        when = row.happened_at if isinstance(row.happened_at, datetime) else datetime.fromisoformat(row.happened_at)
        day = (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)).date()
        total = totals[(row.provider, row.receiver, row.action, row.resource_conforms_to or "", unit, day)]
        total[0] += Decimal(str(value))
        total[1] += 1
    conn.execute(days.delete())
    if totals:
        op.bulk_insert(days, [
            {"provider": k[0], "receiver": k[1], "action": k[2], "kind": k[3], "unit": k[4], "day": k[5],
             "quantity": q, "events": n} for k, (q, n) in totals.items()])


def downgrade() -> None:
    op.drop_column("dividend_runs", "adjustments")
    op.drop_column("economic_events", "prior_period")
    op.drop_index(op.f("ix_books_closed_organization"), table_name="books_closed")
    op.drop_table("books_closed")
