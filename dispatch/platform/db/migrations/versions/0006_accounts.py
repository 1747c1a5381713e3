"""Accounts: revocable tokens and a login throttle every replica shares.

Revision ID: 0006a
Revises: 0005
Create Date: 2026-11-26
"""

from alembic import op

revision = "0006a"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- Every token carries the version it was issued under; raising it refuses all her earlier tokens
-- (a revocation, a password change, a deactivation). Checked on every request (dispatch/records/users.py).
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

-- Failed logins, counted per account ('account:<username>', known or not) and per client address
-- ('address:<ip>'); kept here so that every API replica refuses the same attempts (dispatch/platform/logins.py).
CREATE TABLE login_throttle (
    key             text PRIMARY KEY,
    failures        integer NOT NULL CHECK (failures >= 0),
    window_started  timestamptz NOT NULL,
    locked_until    timestamptz
);
CREATE INDEX login_throttle_window ON login_throttle (window_started);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
