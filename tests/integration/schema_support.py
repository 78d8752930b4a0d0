"""Taking a test ledger's schema back a migration or more (alembic's downgrade), to check that the upgrade from
there keeps or rebuilds what it should."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine

from valueflows.store.migrate import alembic_config


def downgrade(engine: Engine, revision: str) -> None:
    """The schema back to `revision`, in one writer transaction."""
    config = alembic_config()
    with engine.connect() as conn:
        conn = conn.execution_options(writer=True)
        with conn.begin():
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
