"""The front desk in the console: a patient's external id (MRN, unique in her region), a nurse's home address, and
whether a login's password is still the temporary one a dispatcher gave.

Revision ID: 0012frontdesk
Revises: 0011desk
Create Date: 2026-12-01
"""

from alembic import op

revision = "0012frontdesk"
down_revision = "0011desk"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- The clinic's own number for the patient (the MRN): how a visits CSV names her, and how a patients CSV
-- imported twice finds her again. Unique in her region; several patients may have none.
ALTER TABLE patients ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 64);
CREATE UNIQUE INDEX patients_external_id ON patients (region_id, external_id) WHERE external_id IS NOT NULL;
-- Her home as typed (geocoded once into home_lat, home_lon, as a patient's address is).
ALTER TABLE nurses ADD COLUMN home_address text;
-- A password a dispatcher made for her (a nurse's first login): true until she chooses her own. While it is, her
-- region's dispatcher may give her another (the slip was lost); her page asks her to choose her own.
ALTER TABLE users ADD COLUMN password_temporary boolean NOT NULL DEFAULT false;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
