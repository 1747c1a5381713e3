"""Bring the schema up to date with Alembic; safe to run again and from several processes at once."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlalchemy_url(libpq_url: str) -> str:
    """Alembic speaks SQLAlchemy URLs; ours are libpq URLs. Same server, psycopg 3 driver."""
    scheme, _, rest = libpq_url.partition("://")
    if scheme not in ("postgresql", "postgres"):
        raise ValueError(f"DATABASE_URL must start with postgresql://, not {scheme}://")
    return f"postgresql+psycopg://{rest}"


def alembic_config(libpq_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = sqlalchemy_url(libpq_url)
    return config


def upgrade(libpq_url: str) -> None:
    """Apply every migration not yet applied (an advisory lock serialises concurrent callers)."""
    command.upgrade(alembic_config(libpq_url), "head")
