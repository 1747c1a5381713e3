"""Road travel times: a region's road dataset, and the travel model each roster was timed with.

Revision ID: 0007roads
Revises: 0006a
Create Date: 2026-12-01
"""

from alembic import op

revision = "0007roads"
down_revision = "0006a"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- The folder under NURSE_DISPATCH_ROADS_DIR holding the region's road dataset (`nurse-dispatch roads build`);
-- NULL: the geodesic model. A plain name, never a path (dispatch/platform/roads.py checks it too).
ALTER TABLE regions ADD COLUMN roads_dataset text CHECK (roads_dataset ~ '^[a-z0-9][a-z0-9_-]{0,39}$');

-- Which travel model timed the roster, and why it fell back to the geodesic model when it did
-- (dispatch/rosters/travel.py): {"model": "road"|"geodesic", "dataset"?, "geodesic_pairs"?, "reason"?}.
ALTER TABLE rosters ADD COLUMN travel jsonb NOT NULL
    DEFAULT '{"model": "geodesic", "reason": "made before road travel times existed"}';
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
