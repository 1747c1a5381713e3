"""Booking: offers made to a patient over the coming days, held while she decides; a taken offer's visit is promised.

Revision ID: 0012booking
Revises: 0011desk
Create Date: 2026-12-01
"""

from alembic import op

revision = "0012booking"
down_revision = "0012dayundo"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A visit booked from an offer: its window is the one the patient was told, so later solves serve it inside
-- that window or list it with the reason (dispatch/booking/).
ALTER TABLE visits ADD COLUMN promised boolean NOT NULL DEFAULT false;

-- An offer shown to a patient (dispatch/booking/offers.py): a service, or a whole course, and its status.
CREATE TABLE booking_offers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id       text NOT NULL REFERENCES regions (id),
    patient_id      bigint NOT NULL REFERENCES patients (id),
    service_code    text NOT NULL REFERENCES service_types (code),
    course_id       bigint REFERENCES courses (id),
    duration_min    integer NOT NULL CHECK (duration_min > 0),
    added_travel_s  integer NOT NULL,
    rank            integer NOT NULL,
    status          text NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'held', 'taken', 'expired')),
    held_until      timestamptz,
    held_by         text,
    visit_ids       bigint[] NOT NULL DEFAULT '{}',
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_offers_patient ON booking_offers (patient_id, created_at);

-- Each visit an offer would make (one; a course's: one per session): its day, the window the patient is told,
-- the likely nurse and the time of hers it takes (`reserved`, the service's start to end). While the offer is
-- held or taken its sessions are `reserving`, and the exclusion constraint lets no two reserving sessions of
-- one nurse overlap, whatever process writes them: of two callers racing for the same capacity, one commits.
CREATE TABLE offer_sessions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    offer_id        bigint NOT NULL REFERENCES booking_offers (id),
    session         integer NOT NULL,
    region_id       text NOT NULL REFERENCES regions (id),
    day             date NOT NULL,
    window_start    time NOT NULL,
    window_end      time NOT NULL CHECK (window_end >= window_start),
    nurse_id        bigint NOT NULL REFERENCES nurses (id),
    reserved        tstzrange NOT NULL CHECK (NOT isempty(reserved)),
    reserving       boolean NOT NULL DEFAULT false,
    UNIQUE (offer_id, session),
    EXCLUDE USING gist (nurse_id WITH =, reserved WITH &&) WHERE (reserving)
);
CREATE INDEX offer_sessions_reserving ON offer_sessions (region_id, day) WHERE reserving;

-- A patient's own request from the public page (dispatch/booking/requests.py): the least the front desk needs to
-- call back, and the times the page said the clinic may offer; nothing is booked until the desk confirms. The
-- sender is a hash of the client's address, kept for the rate limit only.
CREATE TABLE booking_requests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id     text NOT NULL REFERENCES regions (id),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone         text NOT NULL CHECK (length(phone) BETWEEN 1 AND 40),
    address       text NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
    service_code  text NOT NULL REFERENCES service_types (code),
    preferred     text NOT NULL DEFAULT '',
    times         jsonb NOT NULL DEFAULT '[]',
    status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'confirmed', 'declined')),
    sender        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    closed_by     text
);
CREATE INDEX booking_requests_sender ON booking_requests (region_id, sender, created_at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
