"""The clinical gate: a treatment that needs clearance is placed only for a patient cleared on the visit's date.

This module is the one copy of the rule. Every path that can place such a visit calls it: booking
(which warns), solve and re-plan and urgent slots (dispatch/rosters/problem.py holds the visit back),
a dispatcher's move and publishing (dispatch/rosters/workflow.py, which refuse). A patient's clearance
on a day is derived from her evaluation records (dispatch/clinical/evaluations.py), never stored:

- the latest evaluation dated on or before the day decides (a later record supersedes an earlier one);
- it must be `cleared`, and the day must be on or before its `valid_until`;
- and it lapses when more than CLEARANCE_LAPSES_AFTER_DAYS pass between the evaluation or the last
  treatment given since, and the day (a patient back after a long pause is evaluated again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dispatch.platform.db import Db
from dispatch.vocabulary import CLEARANCE_LAPSES_AFTER_DAYS, PLANNED_STATUSES

_LAPSE = timedelta(days=CLEARANCE_LAPSES_AFTER_DAYS)


@dataclass(frozen=True)
class EvaluationRecord:
    id: int
    outcome: str
    evaluated_on: date
    valid_until: date | None


@dataclass(frozen=True)
class Clearance:
    cleared: bool
    # Why not ("evaluation needs review"), or what holds it up ("cleared until 2027-05-01").
    reason: str
    until: date | None = None


def clearance_on(day: date, evaluations: Iterable[EvaluationRecord], treatment_days: Iterable[date]) -> Clearance:
    """Her clearance on `day`, from her evaluation records and the days she was treated (done visits)."""
    known = [e for e in evaluations if e.evaluated_on <= day]
    if not known:
        return Clearance(False, "no evaluation recorded")
    latest = max(known, key=lambda e: (e.evaluated_on, e.id))
    if latest.outcome == "needs_review":
        return Clearance(False, f"evaluation of {latest.evaluated_on} needs review by a clinician")
    if latest.outcome != "cleared" or latest.valid_until is None:
        return Clearance(False, f"the evaluation of {latest.evaluated_on} did not clear her")
    if day > latest.valid_until:
        return Clearance(False, f"clearance expired on {latest.valid_until}")
    last_seen = max([latest.evaluated_on, *(t for t in treatment_days if latest.evaluated_on <= t < day)])
    if day > last_seen + _LAPSE:
        return Clearance(False, f"clearance lapsed: no treatment since {last_seen} (more than {_LAPSE.days} days)")
    until = min(latest.valid_until, last_seen + _LAPSE)
    return Clearance(True, f"cleared until {until}", until)


def hold_reason(service_name: str, clearance: Clearance) -> str:
    """What the dispatcher reads beside a held visit, and in a refusal."""
    return f"not cleared for {service_name.lower()}: {clearance.reason}"


def clearances(conn: Db, patient_ids: Iterable[int], day: date) -> dict[int, Clearance]:
    """Each patient's clearance on `day`, from the stored records."""
    ids = sorted(set(patient_ids))
    records: dict[int, list[EvaluationRecord]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT id, patient_id, outcome, evaluated_on, valid_until FROM evaluations WHERE patient_id = ANY(%s)", [ids]
    ):
        records[r["patient_id"]].append(EvaluationRecord(r["id"], r["outcome"], r["evaluated_on"], r["valid_until"]))
    treated: dict[int, list[date]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT DISTINCT v.patient_id, v.day FROM visits v JOIN service_types s ON s.code = v.service_code"
        " WHERE v.patient_id = ANY(%s) AND v.status = 'done' AND s.needs_clearance AND v.day < %s",
        [ids, day],
    ):
        treated[r["patient_id"]].append(r["day"])
    return {i: clearance_on(day, records[i], treated[i]) for i in ids}


def uncleared_visits(conn: Db, visit_ids: Iterable[int]) -> dict[int, str]:
    """Of these visits, those not yet begun that need a clearance their patient lacks on their day: id → reason."""
    rows = conn.execute(
        "SELECT v.id, v.patient_id, v.day, s.name AS service_name FROM visits v JOIN service_types s ON s.code = v.service_code"
        " WHERE v.id = ANY(%s) AND s.needs_clearance AND v.status = ANY(%s)",
        [sorted(set(visit_ids)), list(PLANNED_STATUSES)],
    ).fetchall()
    by_day: dict[date, set[int]] = {}
    for r in rows:
        by_day.setdefault(r["day"], set()).add(r["patient_id"])
    status = {(day, pid): c for day, pids in by_day.items() for pid, c in clearances(conn, pids, day).items()}
    return {
        r["id"]: hold_reason(r["service_name"], status[(r["day"], r["patient_id"])])
        for r in rows
        if not status[(r["day"], r["patient_id"])].cleared
    }


def booking_warning(conn: Db, patient_id: int, service_code: str, day: date) -> str | None:
    """Said at once when a visit is booked for a patient not (yet) cleared on its day; the booking stands."""
    service = conn.execute("SELECT name, needs_clearance FROM service_types WHERE code = %s", [service_code]).fetchone()
    if service is None or not service["needs_clearance"]:
        return None
    clearance = clearances(conn, [patient_id], day)[patient_id]
    if clearance.cleared:
        return None
    patient = conn.execute("SELECT name FROM patients WHERE id = %s", [patient_id]).fetchone()
    name = patient["name"] if patient else f"patient {patient_id}"
    return f"{name}: {hold_reason(service['name'], clearance)} on {day}; the visit is held back until a clinician clears her"
