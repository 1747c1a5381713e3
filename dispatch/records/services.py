"""The service catalogue: what a visit can be, how long it takes on site, who may give it, and where.

Admins edit it through the API. A service's required certifications come from the one certification
vocabulary (dispatch/vocabulary.py), so a typo cannot make it a service nobody can give.
"""

from __future__ import annotations

import re
from typing import Any

from psycopg import errors

from dispatch.errors import Conflict, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db
from dispatch.vocabulary import CERTIFICATIONS, MAX_DURATION_MIN, MAX_SERVICE_CODE_LENGTH, ROUTES_OF_ADMINISTRATION

# Services a regulation confines to a certified healthcare setting, whatever the catalogue says: the rule cited.
CLINIC_ONLY = {
    "spravato": "the Spravato REMS allows it only in a certified healthcare setting, with the patient observed there"
    " for at least 2 hours",
}
_CODE = re.compile(rf"^[a-z][a-z0-9-]{{0,{MAX_SERVICE_CODE_LENGTH - 1}}}$")
_COLUMNS = (
    "name",
    "infusion_min",
    "setup_min",
    "observation_min",
    "required_certifications",
    "is_evaluation",
    "needs_clearance",
    "route",
    "home_allowed",
    "home_rule",
)


def services(conn: Db, who: Principal) -> list[dict]:
    """The catalogue, for everyone who books or plans (nurses see their services on their itinerary)."""
    who.require_role("admin", "dispatcher", "clinician")
    return conn.execute("SELECT * FROM service_types ORDER BY code").fetchall()


def _checked(code: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The service's columns with its total minutes, or InvalidField naming the field at fault."""
    for part in ("infusion_min", "setup_min", "observation_min"):
        if fields[part] < 0:
            raise InvalidField("must be 0 or more", part)
    minutes = fields["infusion_min"] + fields["setup_min"] + fields["observation_min"]
    if not 0 < minutes <= MAX_DURATION_MIN:
        raise InvalidField(
            f"infusion, setup and observation add up to {minutes} min; give 1 to {MAX_DURATION_MIN}", "infusion_min"
        )
    for k, cert in enumerate(fields["required_certifications"]):
        if cert not in CERTIFICATIONS:
            raise InvalidField(
                f"unknown certification {cert!r} (known: {', '.join(CERTIFICATIONS)})", f"required_certifications[{k}]"
            )
    if fields["route"] not in ROUTES_OF_ADMINISTRATION:
        raise InvalidField(f"route must be one of {', '.join(ROUTES_OF_ADMINISTRATION)}", "route")
    if code in CLINIC_ONLY and fields["home_allowed"]:
        raise Conflict(f"{fields['name']} cannot be given at home: {CLINIC_ONLY[code]}", "home_allowed")
    if not fields["home_allowed"] and not fields["home_rule"].strip():
        raise InvalidField("say which rule keeps it from being given at home", "home_rule")
    if fields["home_allowed"]:
        fields = fields | {"home_rule": ""}
    return fields | {"minutes": minutes}


def add_service(conn: Db, who: Principal, code: str, given: dict[str, Any]) -> dict:
    who.require_role("admin")
    if not _CODE.match(code):
        raise InvalidField(f"a code is 1–{MAX_SERVICE_CODE_LENGTH} lower-case letters, digits or hyphens", "code")
    defaults = {"setup_min": 0, "observation_min": 0, "required_certifications": [], "is_evaluation": False}
    fields = _checked(code, defaults | {"needs_clearance": True, "route": "iv", "home_allowed": True, "home_rule": ""} | given)
    names = [*_COLUMNS, "minutes"]
    try:
        with conn.transaction():
            row = conn.execute(
                f"INSERT INTO service_types (code, {', '.join(names)}) VALUES (%s, {', '.join(['%s'] * len(names))}) RETURNING *",
                [code, *(fields[n] for n in names)],
            ).fetchone()
            assert row is not None  # INSERT … RETURNING gives its row
            audit.record(conn, who, "create", f"service/{code}")
    except errors.UniqueViolation:
        raise Conflict(f"service {code} already exists", "code") from None
    return row


def update_service(conn: Db, who: Principal, code: str, given: dict[str, Any]) -> dict:
    """Change the fields given; visits already booked keep their minutes."""
    who.require_role("admin")
    with conn.transaction():
        current = conn.execute("SELECT * FROM service_types WHERE code = %s FOR UPDATE", [code]).fetchone()
        if current is None:
            raise NotFound(f"service {code} not found")
        fields = _checked(code, {c: current[c] for c in _COLUMNS} | given)
        names = [*_COLUMNS, "minutes"]
        row = conn.execute(
            f"UPDATE service_types SET {', '.join(f'{n} = %s' for n in names)} WHERE code = %s RETURNING *",
            [*(fields[n] for n in names), code],
        ).fetchone()
        assert row is not None  # the row is locked above
        audit.record(conn, who, "update", f"service/{code}", fields=sorted(given))
    return row
