"""Evaluation records: what a pre-treatment evaluation found, who decided, how, when, and for how long.

Records are only ever added (the history stays honest); the patient's clearance is derived from them
(dispatch/clinical/clearance.py). Only a clinician of the patient's region records an outcome; a done
evaluation visit adds a record that needs review. Every record and every read is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dispatch.errors import Forbidden, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db
from dispatch.records.regions import today_in
from dispatch.vocabulary import CLEARANCE_VALID_DAYS, EVALUATION_MODES, EVALUATION_OUTCOMES, MAX_NOTES_LENGTH

_VALID = timedelta(days=CLEARANCE_VALID_DAYS)


def may_read_clinical(who: Principal, region_id: str) -> bool:
    """Admins, the region's dispatchers and its clinicians see patients and their evaluations."""
    return who.may_manage(region_id) or (who.role == "clinician" and region_id in who.regions)


def reachable_patient(conn: Db, who: Principal, patient_id: int, lock: bool = False) -> dict:
    """The patient, if she may read her clinical record; a nurse is refused, others are not told she exists."""
    if who.role == "nurse":
        raise Forbidden("nurses reach only their own itinerary (/v1/me/…)")
    row = conn.execute(
        f"SELECT p.id, p.name, p.region_id, g.timezone FROM patients p JOIN regions g ON g.id = p.region_id"
        f" WHERE p.id = %s{' FOR UPDATE OF p' if lock else ''}",
        [patient_id],
    ).fetchone()
    if row is None or not may_read_clinical(who, row["region_id"]):
        raise NotFound(f"patient {patient_id} not found")
    return row


def record_evaluation(conn: Db, who: Principal, patient_id: int, given: dict[str, Any]) -> dict:
    """A clinician's outcome for a patient; `valid_until` defaults to CLEARANCE_VALID_DAYS after the evaluation."""
    if who.role != "clinician":
        raise Forbidden(f"only a clinician records an evaluation's outcome; you are {who.role}")
    outcome, mode = given["outcome"], given["mode"]
    if outcome not in EVALUATION_OUTCOMES:
        raise InvalidField(f"outcome must be one of {', '.join(EVALUATION_OUTCOMES)}", "outcome")
    if mode not in EVALUATION_MODES or mode == "unknown":
        raise InvalidField("mode must be home_visit or telehealth", "mode")
    notes = given.get("notes") or ""
    if len(notes) > MAX_NOTES_LENGTH:
        raise InvalidField(f"at most {MAX_NOTES_LENGTH} characters", "notes")
    with conn.transaction():
        patient = reachable_patient(conn, who, patient_id, lock=True)
        today = today_in(patient["timezone"])
        evaluated_on: date = given.get("evaluated_on") or today
        if evaluated_on > today + timedelta(days=1):  # a day's slack: the clinician's clock may be in another timezone
            raise InvalidField(f"{evaluated_on} is in the future; record an evaluation once it has happened", "evaluated_on")
        valid_until = given.get("valid_until")
        if outcome == "cleared":
            latest = evaluated_on + _VALID
            valid_until = valid_until or latest
            if not evaluated_on <= valid_until <= latest:
                raise InvalidField(
                    f"a clearance is valid from {evaluated_on} for at most {CLEARANCE_VALID_DAYS} days (until {latest})",
                    "valid_until",
                )
        elif valid_until is not None:
            raise InvalidField(f"only a cleared evaluation has a validity; this one is {outcome}", "valid_until")
        visit_id = given.get("visit_id")
        if (
            visit_id is not None
            and not conn.execute(
                "SELECT 1 FROM visits v JOIN service_types s ON s.code = v.service_code"
                " WHERE v.id = %s AND v.patient_id = %s AND s.is_evaluation",
                [visit_id, patient_id],
            ).fetchone()
        ):
            raise InvalidField(f"visit {visit_id} is not an evaluation visit of {patient['name']}", "visit_id")
        row = conn.execute(
            "INSERT INTO evaluations (patient_id, outcome, mode, evaluated_on, valid_until, clinician, visit_id, notes,"
            " recorded_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
            [patient_id, outcome, mode, evaluated_on, valid_until, who.username, visit_id, notes, who.username],
        ).fetchone()
        assert row is not None  # INSERT … RETURNING gives its row
        audit.record(conn, who, "create", f"patient/{patient_id}/evaluation/{row['id']}", outcome=outcome)
    return row


def record_evaluation_visit_done(conn: Db, who: Principal, visit_id: int) -> None:
    """A done evaluation visit: a record that needs review, until a clinician records what it found."""
    row = conn.execute(
        "INSERT INTO evaluations (patient_id, outcome, mode, evaluated_on, visit_id, recorded_by)"
        " SELECT v.patient_id, 'needs_review', 'home_visit', v.day, v.id, %s FROM visits v"
        " JOIN service_types s ON s.code = v.service_code WHERE v.id = %s AND s.is_evaluation RETURNING id, patient_id",
        [who.username, visit_id],
    ).fetchone()
    if row is not None:
        audit.record(conn, who, "create", f"patient/{row['patient_id']}/evaluation/{row['id']}", outcome="needs_review")


def evaluations_of(conn: Db, who: Principal, patient_id: int) -> list[dict]:
    """Her records, oldest first; the read is audited."""
    reachable_patient(conn, who, patient_id)
    rows = conn.execute("SELECT * FROM evaluations WHERE patient_id = %s ORDER BY evaluated_on, id", [patient_id]).fetchall()
    audit.record(conn, who, "read", f"patient/{patient_id}/evaluations", count=len(rows))
    return rows
