"""Bring a database to the newest schema with alembic (safe to run on every start)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("valueflows.store") / "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.connect() as conn:
        conn = conn.execution_options(writer=True)
        with conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
