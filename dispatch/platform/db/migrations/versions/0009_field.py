"""The nurse's phone as a field app: refresh tokens, idempotent reports, the session record, calendar privacy.

Revision ID: 0009field
Revises: 0007clear
Create Date: 2026-12-02
"""

from alembic import op

revision = "0009field"
down_revision = "0007clear"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- A session that lasts a shift (dispatch/records/sessions.py): only the SHA-256 of each refresh token is
-- kept. Each use rotates it (used_at set, a new row in the same family); a rotated token presented again
-- revokes the whole family (someone else holds a copy). Bound to the device id the page made.
CREATE TABLE refresh_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_sha256  text NOT NULL UNIQUE,
    family        uuid NOT NULL,
    username      text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    device_id     text NOT NULL CHECK (length(device_id) BETWEEN 8 AND 100),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_live ON refresh_tokens (username) WHERE revoked_at IS NULL;

-- Reports become the session record: more phases, vital signs and notes, undo as a record of its own.
ALTER TABLE visit_reports DROP CONSTRAINT visit_reports_kind_check;
ALTER TABLE visit_reports
    ADD CONSTRAINT visit_reports_kind_check CHECK (kind IN ('en_route', 'arrived', 'started', 'running_late',
        'infusion_ended', 'observation', 'done', 'vitals', 'adverse_event', 'escort', 'undo')),
    -- The phone's key for the report (a UUID it made when she tapped): sent twice, recorded once.
    ADD COLUMN client_key      uuid UNIQUE,
    -- When the server recorded it (reported_at is when it happened, possibly earlier, offline).
    ADD COLUMN recorded_at     timestamptz NOT NULL DEFAULT now(),
    -- The visit's status before this report, so that an undo can put it back.
    ADD COLUMN status_before   text,
    ADD COLUMN undoes          bigint UNIQUE REFERENCES visit_reports,
    ADD COLUMN systolic        integer CHECK (systolic BETWEEN 50 AND 260),
    ADD COLUMN diastolic       integer CHECK (diastolic BETWEEN 20 AND 160),
    ADD COLUMN heart_rate      integer CHECK (heart_rate BETWEEN 20 AND 250),
    ADD COLUMN spo2            integer CHECK (spo2 BETWEEN 50 AND 100),
    ADD COLUMN escort_present  boolean,
    ADD COLUMN note            text CHECK (length(note) <= 2000),
    ADD CONSTRAINT visit_reports_undo CHECK ((kind = 'undo') = (undoes IS NOT NULL)),
    ADD CONSTRAINT visit_reports_vitals CHECK ((kind = 'vitals') = (num_nonnulls(systolic, heart_rate, spo2) > 0)),
    ADD CONSTRAINT visit_reports_pressure CHECK ((systolic IS NULL) = (diastolic IS NULL)),
    ADD CONSTRAINT visit_reports_escort CHECK ((kind = 'escort') = (escort_present IS NOT NULL)),
    ADD CONSTRAINT visit_reports_adverse CHECK (kind <> 'adverse_event' OR note IS NOT NULL);

-- Append-only: nothing may change or remove what a nurse recorded (an undo is a new record).
CREATE FUNCTION visit_reports_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'visit_reports is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER visit_reports_append_only BEFORE UPDATE OR DELETE ON visit_reports
    FOR EACH ROW EXECUTE FUNCTION visit_reports_append_only();

-- The clinic's choices per region: calendar feeds carry the patient's address and phone only when turned on
-- (minimum necessary by default), and how often the nurse's page asks for vital signs.
ALTER TABLE regions
    ADD COLUMN calendar_details boolean NOT NULL DEFAULT false,
    ADD COLUMN vitals_interval_min integer NOT NULL DEFAULT 15 CHECK (vitals_interval_min BETWEEN 5 AND 120);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
