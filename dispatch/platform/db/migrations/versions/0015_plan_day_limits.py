"""A plan's day keeps its search time only: each day job builds its problem from the week as the days routed so far
leave it, so the day problem written when the days were assigned was never read but for its time limit.

Revision ID: 0015plandaylimits
Revises: 0012booking
Create Date: 2026-12-02
"""

from alembic import op

revision = "0015plandaylimits"
down_revision = "0012booking"
branch_labels = None
depends_on = None

SCHEMA = r"""
ALTER TABLE plan_days ADD COLUMN time_limit_s double precision;
UPDATE plan_days SET time_limit_s = (problem -> 'options' ->> 'time_limit_s')::double precision;
ALTER TABLE plan_days ALTER COLUMN time_limit_s SET NOT NULL, DROP COLUMN problem;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
