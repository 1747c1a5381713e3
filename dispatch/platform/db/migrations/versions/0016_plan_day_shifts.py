"""A plan's day keeps the shifts its routing was given: a capped nurse's later days may take the weekly minutes her
routed days did not use, and days routed at once on several workers must not both count on the same minutes.

Revision ID: 0016plandayshifts
Revises: 0015plandaylimits
Create Date: 2026-12-07
"""

from alembic import op

revision = "0016plandayshifts"
down_revision = "0015plandaylimits"
branch_labels = None
depends_on = None

SCHEMA = r"""
ALTER TABLE plan_days ADD COLUMN shifts jsonb;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
