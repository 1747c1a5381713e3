"""The front desk: a visits import sent again with its Idempotency-Key imports nothing twice.

Revision ID: 0011desk
Revises: 0009courses
Create Date: 2026-12-03
"""

from alembic import op

revision = "0011desk"
down_revision = "0009courses"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- One row per Idempotency-Key of a region's visits import (dispatch/records/visits.py): the file's
-- SHA-256, so the same key with another file is refused, and the answer the first import gave.
CREATE TABLE visit_imports (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id     text NOT NULL REFERENCES regions (id),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    body_sha256   text NOT NULL,
    username      text NOT NULL,
    result        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (region_id, key)
);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
