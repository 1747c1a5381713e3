"""Timed solves: per-region schedules in the region's timezone, and a record of each firing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE solve_schedules (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id      text NOT NULL REFERENCES regions,
    local_time     time NOT NULL,                                   -- in the region's timezone
    days_ahead     integer NOT NULL DEFAULT 1 CHECK (days_ahead BETWEEN 0 AND 14),  -- 1: tomorrow's roster
    time_limit_s   double precision NOT NULL DEFAULT 30 CHECK (time_limit_s > 0 AND time_limit_s <= 600),
    auto_publish   boolean NOT NULL DEFAULT false,
    active         boolean NOT NULL DEFAULT true,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per firing: whichever replica inserts it enqueues the solve; the others find it and skip.
CREATE TABLE schedule_firings (
    schedule_id  bigint NOT NULL REFERENCES solve_schedules ON DELETE CASCADE,
    fire_key     text NOT NULL,                 -- the local date and time it fired for, e.g. 2026-11-24T18:00
    fired_at     timestamptz NOT NULL DEFAULT now(),
    job_id       uuid REFERENCES solve_jobs,
    PRIMARY KEY (schedule_id, fire_key)
);

ALTER TABLE solve_jobs ADD COLUMN publish_when_done boolean NOT NULL DEFAULT false;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
