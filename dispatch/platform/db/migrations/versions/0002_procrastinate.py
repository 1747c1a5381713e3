"""Procrastinate's job tables, from the procrastinate release pinned in pyproject.toml.

A later procrastinate upgrade adds a migration here that runs its own migration files in order
(procrastinate/sql/migrations), as its documentation asks of projects with their own migration tool.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The raw psycopg connection: procrastinate's SQL has colons and percent signs that
    # SQLAlchemy's text() would read as parameters.
    driver = op.get_bind().connection.driver_connection
    assert driver is not None  # Alembic runs on a live psycopg connection
    driver.execute(SchemaManager.get_schema())


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
