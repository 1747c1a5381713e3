"""Clearance: evaluation records instead of a yes/no flag, a clinician role, and a service catalogue that can say no.

Revision ID: 0007clear
Revises: 0007roads
Create Date: 2026-11-27
"""

from alembic import op

revision = "0007clear"
down_revision = "0007roads"
branch_labels = None
depends_on = None

SCHEMA = r"""
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'dispatcher', 'nurse', 'clinician'));

-- A patient's pre-treatment evaluations, never edited: her clearance is derived from them
-- (dispatch/clinical/clearance.py). A done evaluation visit adds one that needs review; a clinician
-- adds the outcome. `clinician` is the account that decided (NULL: unknown, only when migrated).
CREATE TABLE evaluations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id    bigint NOT NULL REFERENCES patients ON DELETE CASCADE,
    outcome       text NOT NULL CHECK (outcome IN ('cleared', 'not_cleared', 'needs_review')),
    mode          text NOT NULL CHECK (mode IN ('home_visit', 'telehealth', 'unknown')),
    evaluated_on  date NOT NULL,
    valid_until   date CHECK (valid_until >= evaluated_on),
    clinician     text,
    visit_id      bigint REFERENCES visits,
    notes         text NOT NULL DEFAULT '',
    migrated      boolean NOT NULL DEFAULT false,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (outcome <> 'cleared' OR valid_until IS NOT NULL),
    CHECK (migrated OR outcome = 'needs_review' OR clinician IS NOT NULL)
);
CREATE INDEX evaluations_patient ON evaluations (patient_id, evaluated_on, id);

-- Patients whose flag was set: a cleared record marked migrated, clinician and mode unknown, dated by
-- their last done evaluation visit (else today), valid the usual 365 days from then.
INSERT INTO evaluations (patient_id, outcome, mode, evaluated_on, valid_until, migrated, recorded_by, notes)
SELECT p.id, 'cleared', 'unknown', d.day, d.day + 365, true, 'migration 0007',
       'migrated from the former "evaluation done" flag; who evaluated and how is unknown'
  FROM patients p
  CROSS JOIN LATERAL (
      SELECT coalesce(max(v.day), current_date) AS day FROM visits v JOIN service_types s ON s.code = v.service_code
       WHERE v.patient_id = p.id AND v.status = 'done' AND s.is_evaluation) d
 WHERE p.evaluation_done;
ALTER TABLE patients DROP COLUMN evaluation_done;

-- The service catalogue: time on site in its parts, how the drug is given, whether it may be given at
-- home (and the rule that says not), and whether the patient must be cleared first.
ALTER TABLE service_types RENAME COLUMN needs_evaluation TO needs_clearance;
ALTER TABLE service_types
    ADD COLUMN infusion_min     integer NOT NULL DEFAULT 0 CHECK (infusion_min >= 0),
    ADD COLUMN setup_min        integer NOT NULL DEFAULT 0 CHECK (setup_min >= 0),
    ADD COLUMN observation_min  integer NOT NULL DEFAULT 0 CHECK (observation_min >= 0),
    ADD COLUMN route            text NOT NULL DEFAULT 'iv' CHECK (route IN ('iv', 'im', 'intranasal', 'oral', 'none')),
    ADD COLUMN home_allowed     boolean NOT NULL DEFAULT true,
    ADD COLUMN home_rule        text NOT NULL DEFAULT '';
UPDATE service_types SET infusion_min = minutes;
UPDATE service_types SET infusion_min = 45, setup_min = 15, observation_min = 30 WHERE code = 'ketamine' AND minutes = 90;
UPDATE service_types SET route = 'none' WHERE is_evaluation;
ALTER TABLE service_types ADD CONSTRAINT service_minutes_are_its_parts
    CHECK (minutes = infusion_min + setup_min + observation_min),
    ADD CONSTRAINT service_at_home_or_its_rule CHECK (home_allowed OR home_rule <> '');
INSERT INTO service_types (code, name, minutes, required_certifications, is_evaluation, needs_clearance,
                           infusion_min, setup_min, observation_min, route, home_allowed, home_rule)
VALUES ('spravato', 'Intranasal esketamine (Spravato)', 135, '{rn}', false, true, 5, 10, 120, 'intranasal', false,
        'the Spravato REMS allows it only in a certified healthcare setting, with the patient observed there'
        ' for at least 2 hours')
ON CONFLICT (code) DO NOTHING;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
