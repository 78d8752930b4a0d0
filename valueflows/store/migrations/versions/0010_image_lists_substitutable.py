"""image lists of specifications and resources; whether a specification's resources are substitutable

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 09:40:00

vf-graphql 0.9's `imageList` (on resource specifications and resources) and `substitutable` (on resource
specifications). Existing records get an empty list and no answer; their chain hashes are unchanged (absent values
are left out of a record's canonical form).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("resource_specifications", sa.Column("image_list", sa.JSON(), server_default="[]", nullable=False))
    op.add_column("resource_specifications", sa.Column("substitutable", sa.Boolean(), nullable=True))
    op.add_column("economic_resources", sa.Column("image_list", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    op.drop_column("economic_resources", "image_list")
    op.drop_column("resource_specifications", "substitutable")
    op.drop_column("resource_specifications", "image_list")
