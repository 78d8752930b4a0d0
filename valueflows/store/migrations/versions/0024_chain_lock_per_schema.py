"""the writers' lock of a PostgreSQL ledger is its schema's: ledgers kept in other schemas of the same database no
longer wait for each other's writes

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The lock's key is (7355609, a hash of the schema the ledger is in): writers of one ledger still take turns. A
# writer of the old release (key 7355609 alone) does not wait for one of the new: stop every writer to upgrade
# (one of two racing writers would fail on the chain's unique key; nothing is corrupted).
CHAIN_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION vf_lock_chain_head(OUT seq integer, OUT hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7355609, hashtext(current_schema()));
    SELECT l.seq, l.hash INTO seq, hash FROM ledger AS l ORDER BY l.seq DESC LIMIT 1;
END
$$
"""

BEFORE = """
CREATE OR REPLACE FUNCTION vf_lock_chain_head(OUT seq integer, OUT hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7355609);
    SELECT l.seq, l.hash INTO seq, hash FROM ledger AS l ORDER BY l.seq DESC LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CHAIN_HEAD_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BEFORE)
