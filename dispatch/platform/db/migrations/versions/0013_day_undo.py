"""The day screen: what the dispatcher was told can be taken back (undo), with who and when; the patients called
after a re-plan.

Revision ID: 0012dayundo
Revises: 0011desk
Create Date: 2026-12-01
"""

from alembic import op

revision = "0012dayundo"
down_revision = "0012frontdesk"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- An event taken back stays on record (who undid it, when); re-plans and the console read only the others.
-- status_before: the visit's status before the event changed it (a cancellation, a no-show), restored by undo.
ALTER TABLE day_events
    ADD COLUMN status_before text,
    ADD COLUMN undone_at     timestamptz,
    ADD COLUMN undone_by     text;

-- After a re-plan is published, the dispatchers call the patients whose time changed: who called whom, when,
-- shared by every dispatcher of the region (dispatch/sameday/calls.py).
CREATE TABLE roster_calls (
    roster_id  bigint NOT NULL REFERENCES rosters,
    visit_id   bigint NOT NULL REFERENCES visits,
    called_by  text NOT NULL,
    called_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (roster_id, visit_id)
);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
