"""What nurses report from the road: on my way, started, running late, done.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE visit_reports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id     bigint NOT NULL REFERENCES visits,
    nurse_id     bigint NOT NULL REFERENCES nurses,
    kind         text NOT NULL CHECK (kind IN ('en_route', 'started', 'running_late', 'done')),
    minutes_late integer CHECK (minutes_late BETWEEN 1 AND 480),
    reported_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'running_late') = (minutes_late IS NOT NULL))
);
CREATE INDEX visit_reports_by_visit ON visit_reports (visit_id, reported_at);
CREATE INDEX visit_reports_by_nurse ON visit_reports (nurse_id, reported_at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
