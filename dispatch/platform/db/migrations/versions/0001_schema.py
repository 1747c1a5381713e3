"""The dispatch schema: regions, nurses, patients, visits, rosters, jobs, users, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE regions (
    id        text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    name      text NOT NULL,
    timezone  text NOT NULL
);

-- What a visit is: minutes on site (infusion plus setup and observation) and who may give it.
CREATE TABLE service_types (
    code                     text PRIMARY KEY,
    name                     text NOT NULL,
    minutes                  integer NOT NULL CHECK (minutes > 0),
    required_certifications  text[] NOT NULL DEFAULT '{}',
    is_evaluation            boolean NOT NULL DEFAULT false,
    needs_evaluation         boolean NOT NULL DEFAULT true   -- an infusion needs a completed evaluation first
);
INSERT INTO service_types VALUES
    ('evaluation', 'Evaluation',                         60, '{rn}',                  true,  false),
    ('ketamine',   'Ketamine infusion (migraine)',       90, '{rn,iv,ketamine}',      false, true),
    ('hydration',  'Hydration drip',                     60, '{rn,iv}',               false, true),
    ('myers',      'Myers'' cocktail',                   45, '{rn,iv}',               false, true),
    ('nad',        'NAD+ drip',                         150, '{rn,iv,nad}',           false, true);

CREATE TABLE nurses (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id        text NOT NULL REFERENCES regions,
    name             text NOT NULL,
    phone            text,
    home_lat         double precision NOT NULL CHECK (home_lat BETWEEN -90 AND 90),
    home_lon         double precision NOT NULL CHECK (home_lon BETWEEN -180 AND 180),
    licensed_states  text[] NOT NULL DEFAULT '{}',
    max_visits       integer CHECK (max_visits >= 0),
    break_start      time,
    break_end        time,
    break_minutes    integer CHECK (break_minutes > 0),
    active           boolean NOT NULL DEFAULT true,
    version          integer NOT NULL DEFAULT 1,
    CHECK ((break_start IS NULL) = (break_end IS NULL) AND (break_start IS NULL) = (break_minutes IS NULL)),
    CHECK (break_end >= break_start)
);
CREATE INDEX nurses_region ON nurses (region_id);

CREATE TABLE nurse_certifications (
    nurse_id       bigint NOT NULL REFERENCES nurses ON DELETE CASCADE,
    certification  text NOT NULL,
    expires_on     date,                      -- NULL: does not expire
    PRIMARY KEY (nurse_id, certification)
);

CREATE TABLE nurse_shifts (
    nurse_id  bigint NOT NULL REFERENCES nurses ON DELETE CASCADE,
    day       date NOT NULL,
    starts    time NOT NULL,
    ends      time NOT NULL CHECK (ends > starts),
    PRIMARY KEY (nurse_id, day)
);

CREATE TABLE patients (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id            text NOT NULL REFERENCES regions,
    name                 text NOT NULL,
    phone                text,
    address              text,
    lat                  double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon                  double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    state                text NOT NULL,
    notes                text NOT NULL DEFAULT '',
    evaluation_done      boolean NOT NULL DEFAULT false,
    preferred_nurse_ids  bigint[] NOT NULL DEFAULT '{}',
    excluded_nurse_ids   bigint[] NOT NULL DEFAULT '{}',
    version              integer NOT NULL DEFAULT 1
);
CREATE INDEX patients_region ON patients (region_id);

CREATE TABLE visits (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id        text NOT NULL REFERENCES regions,
    patient_id       bigint NOT NULL REFERENCES patients,
    day              date NOT NULL,
    window_start     time NOT NULL,
    window_end       time NOT NULL CHECK (window_end >= window_start),
    service_code     text NOT NULL REFERENCES service_types,
    duration_min     integer NOT NULL CHECK (duration_min > 0),
    priority         integer NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 1000),
    pinned_nurse_id  bigint REFERENCES nurses,
    status           text NOT NULL DEFAULT 'requested'
                     CHECK (status IN ('requested', 'scheduled', 'en_route', 'in_progress', 'done', 'cancelled', 'no_show')),
    notes            text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visits_region_day ON visits (region_id, day);

CREATE TABLE rosters (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id       text NOT NULL REFERENCES regions,
    day             date NOT NULL,
    version         integer NOT NULL,
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'superseded')),
    revision        integer NOT NULL DEFAULT 1,       -- optimistic concurrency: bumped by every change
    based_on        bigint REFERENCES rosters,        -- the published roster when this draft was made
    problem         jsonb NOT NULL,                   -- the solver's problem document, as solved
    document        jsonb NOT NULL,                   -- the roster document (docs/roster-document.md)
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL,
    published_at    timestamptz,
    published_by    text,
    UNIQUE (region_id, day, version)
);
CREATE UNIQUE INDEX one_published_roster_per_day ON rosters (region_id, day) WHERE status = 'published';

CREATE TABLE roster_stops (
    roster_id  bigint NOT NULL REFERENCES rosters ON DELETE CASCADE,
    visit_id   bigint NOT NULL REFERENCES visits,
    nurse_id   bigint NOT NULL REFERENCES nurses,
    seq        integer NOT NULL,
    arrival    timestamptz NOT NULL,
    starts     timestamptz NOT NULL,
    ends       timestamptz NOT NULL CHECK (ends >= starts),
    published  boolean NOT NULL DEFAULT false,        -- mirrors rosters.status, for the constraint below
    PRIMARY KEY (roster_id, visit_id),
    UNIQUE (roster_id, nurse_id, seq),
    -- The database itself refuses double-booking: no nurse holds two overlapping published stops.
    CONSTRAINT no_overlapping_published_stops
        EXCLUDE USING gist (nurse_id WITH =, tstzrange(starts, ends) WITH &&) WHERE (published)
);
CREATE INDEX roster_stops_nurse ON roster_stops (nurse_id, starts) WHERE published;

CREATE TABLE solve_jobs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id        text NOT NULL REFERENCES regions,
    day              date NOT NULL,
    time_limit_s     double precision NOT NULL,
    idempotency_key  text UNIQUE,
    requested_by     text NOT NULL,
    state            text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    progress         jsonb NOT NULL DEFAULT '{}',
    roster_id        bigint REFERENCES rosters,
    error            text,
    attempts         integer NOT NULL DEFAULT 0,
    queue_job_id     bigint,                           -- the procrastinate job that runs it
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz
);
-- One solve at a time per region and day: a second request while one is queued or running joins it.
CREATE UNIQUE INDEX one_active_solve ON solve_jobs (region_id, day) WHERE state IN ('queued', 'running');

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text NOT NULL UNIQUE,
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'dispatcher', 'nurse')),
    regions        text[] NOT NULL DEFAULT '{}',    -- a dispatcher's regions
    nurse_id       bigint UNIQUE REFERENCES nurses, -- a nurse's own record
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'nurse' OR nurse_id IS NOT NULL)
);

CREATE TABLE calendar_feeds (
    token_sha256  text PRIMARY KEY,
    nurse_id      bigint NOT NULL REFERENCES nurses,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE TABLE geocode_cache (
    query       text PRIMARY KEY,
    lat         double precision NOT NULL,
    lon         double precision NOT NULL,
    provider    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Who read or changed what, and when. Patient data is referred to by id, never copied here.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    username  text NOT NULL,
    action    text NOT NULL,
    resource  text NOT NULL,
    detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
