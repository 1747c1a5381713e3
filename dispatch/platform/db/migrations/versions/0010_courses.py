"""Treatment courses, nurse contracts and the week plan.

Revision ID: 0009courses
Revises: 0009field
Create Date: 2026-12-01
"""

from alembic import op

revision = "0009courses"
down_revision = "0009field"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- Nurse contracts: the caps of her days and weeks, and the overtime she may work at a price.
ALTER TABLE nurses
    ADD COLUMN max_day_min              integer CHECK (max_day_min > 0),
    ADD COLUMN max_week_min             integer CHECK (max_week_min >= 0),
    ADD COLUMN overtime_max_min         integer NOT NULL DEFAULT 0 CHECK (overtime_max_min >= 0),
    ADD COLUMN overtime_cost_per_min_s  integer NOT NULL DEFAULT 0 CHECK (overtime_cost_per_min_s >= 0);

-- Her weekly shift template: one row per weekday she works (1 Monday … 7 Sunday, as ISO counts).
CREATE TABLE nurse_shift_templates (
    nurse_id  bigint NOT NULL REFERENCES nurses ON DELETE CASCADE,
    weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts    time NOT NULL,
    ends      time NOT NULL CHECK (ends > starts),
    PRIMARY KEY (nurse_id, weekday)
);

-- A date's own shift is an exception to the template: a changed day, or time off (`off`, no times).
ALTER TABLE nurse_shifts
    ADD COLUMN off   boolean NOT NULL DEFAULT false,
    ADD COLUMN note  text NOT NULL DEFAULT '',
    ALTER COLUMN starts DROP NOT NULL,
    ALTER COLUMN ends DROP NOT NULL,
    ADD CONSTRAINT shift_times_or_off CHECK (off = (starts IS NULL) AND (starts IS NULL) = (ends IS NULL));

-- A patient's treatment course: sessions of one service spaced min..max days apart.
CREATE TABLE courses (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id      text NOT NULL REFERENCES regions,
    patient_id     bigint NOT NULL REFERENCES patients,
    service_code   text NOT NULL REFERENCES service_types,
    sessions       integer NOT NULL CHECK (sessions BETWEEN 1 AND 52),
    min_gap_days   integer NOT NULL CHECK (min_gap_days >= 1),
    max_gap_days   integer NOT NULL,
    weekdays       smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
    window_start   time NOT NULL,
    window_end     time NOT NULL CHECK (window_end >= window_start),
    nurse_id       bigint REFERENCES nurses,
    last_given     date,
    start_on       date NOT NULL,
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    notes          text NOT NULL DEFAULT '',
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    CHECK (max_gap_days >= min_gap_days),
    CHECK (weekdays <@ '{1,2,3,4,5,6,7}' AND cardinality(weekdays) > 0)
);
CREATE INDEX courses_region ON courses (region_id);

-- A session is a visit with a range of dates until it is planned; the day pipeline reads `day` only,
-- so an unplanned session is in no day's solve.
ALTER TABLE visits
    ALTER COLUMN day DROP NOT NULL,
    ADD COLUMN earliest    date,
    ADD COLUMN latest      date,
    ADD COLUMN course_id   bigint REFERENCES courses,
    ADD COLUMN session_no  integer CHECK (session_no >= 1),
    ADD CONSTRAINT visit_dated_or_movable CHECK (day IS NOT NULL OR (earliest IS NOT NULL AND latest IS NOT NULL)),
    ADD CONSTRAINT visit_range_in_order CHECK (latest >= earliest),
    ADD CONSTRAINT session_of_a_course CHECK ((course_id IS NULL) = (session_no IS NULL)),
    ADD CONSTRAINT one_visit_per_session UNIQUE (course_id, session_no);
CREATE INDEX visits_movable ON visits (region_id, earliest, latest) WHERE day IS NULL;

-- A week plan: the job that makes it (state, progress) and the draft it is (status), as one row.
CREATE TABLE plans (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id      text NOT NULL REFERENCES regions,
    first_day      date NOT NULL,
    days           integer NOT NULL CHECK (days BETWEEN 1 AND 28),
    kind           text NOT NULL DEFAULT 'plan' CHECK (kind IN ('plan', 'replan')),
    based_on       bigint REFERENCES plans,
    replan_from    date,
    event          jsonb NOT NULL DEFAULT '{}',
    time_limit_s   double precision NOT NULL,
    state          text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    progress       jsonb NOT NULL DEFAULT '{}',
    error          text,
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'superseded')),
    problem        jsonb,          -- the week document (docs/week-document.md), as planned
    held_back      jsonb NOT NULL DEFAULT '[]',
    document       jsonb,          -- the plan document, checked
    assignment     bytea,          -- the solver's day assignment, between the fanned-out parts
    requested_by   text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    published_at   timestamptz,
    published_by   text
);
CREATE UNIQUE INDEX one_active_plan ON plans (region_id) WHERE state IN ('queued', 'running');

-- Each day of a plan routed on its own (a job per day, on any worker).
CREATE TABLE plan_days (
    plan_id   bigint NOT NULL REFERENCES plans ON DELETE CASCADE,
    day       date NOT NULL,
    problem   jsonb NOT NULL,
    roster    jsonb,
    worker    text,
    solve_s   double precision,
    PRIMARY KEY (plan_id, day)
);

ALTER TABLE rosters ADD COLUMN plan_id bigint REFERENCES plans;
CREATE INDEX rosters_plan ON rosters (plan_id) WHERE plan_id IS NOT NULL;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
