"""Same-day re-planning: what happened during the day, re-plan jobs, and why a roster changed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- What the dispatcher was told during the day; a re-plan reads them (dispatch/sameday/state.py).
CREATE TABLE day_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id     text NOT NULL REFERENCES regions,
    day           date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('sick_call', 'cancellation', 'no_show', 'overrun', 'urgent_visit')),
    nurse_id      bigint REFERENCES nurses,
    visit_id      bigint REFERENCES visits,
    effective_at  timestamptz NOT NULL,            -- when it takes effect (a sick nurse is off from then)
    minutes       integer CHECK (minutes BETWEEN 1 AND 720),   -- an overrun's extra minutes
    note          text NOT NULL DEFAULT '',
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX day_events_by_day ON day_events (region_id, day);

ALTER TABLE solve_jobs
    ADD COLUMN kind text NOT NULL DEFAULT 'solve' CHECK (kind IN ('solve', 'replan')),
    ADD COLUMN as_of timestamptz,                  -- a re-plan: the moment the day is re-planned from
    ADD COLUMN reason text;                        -- why it was asked for, carried to the roster

ALTER TABLE rosters
    ADD COLUMN reason text,                        -- why this version exists (e.g. "sick call: Ana from 07:15")
    ADD COLUMN changes jsonb;                      -- at publish: per nurse, what it changed against the roster it superseded
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
