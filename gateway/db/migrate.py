"""Alembic migrations run from code (the CLI's `migrate` and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from gateway.settings import DatabasePool

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str, pool: DatabasePool | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    config.attributes["database_pool"] = pool
    return config


def upgrade(database_url: str, revision: str = "head", pool: DatabasePool | None = None) -> None:
    """`pool` matters behind PgBouncer (DB_PGBOUNCER): the migration's statements too."""
    command.upgrade(alembic_config(database_url, pool), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
