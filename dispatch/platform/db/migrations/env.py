"""Alembic environment: plain SQL migrations, one advisory lock so replicas can start together."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

MIGRATION_LOCK = 7_240_001  # any constant; pg_advisory_lock key shared by every replica

url = context.config.attributes["url"]
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    connection.commit()
    try:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()
engine.dispose()
