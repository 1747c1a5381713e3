"""The domain's vocabulary is one copy: the database's CHECKs agree with it, the API serves it, the schemas use it."""

from __future__ import annotations

import re

import httpx
import pytest

from api.app import create_app
from dispatch import vocabulary as words
from tests.api.conftest import DAY


def _checks(db, table: str, column: str) -> list[str]:
    """The definitions of the CHECK constraints on `table` that mention `column`, as PostgreSQL stores them."""
    rows = db.execute(
        "SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
        " WHERE t.relname = %s AND c.contype = 'c'",
        [table],
    ).fetchall()
    return [r["definition"] for r in rows if re.search(rf"\b{column}\b", r["definition"])]


def _listed(db, table: str, column: str) -> set[str]:
    """The values a `column IN (…)` CHECK allows (PostgreSQL shows it as `= ANY (ARRAY['a'::text, …])`)."""
    (definition,) = [d for d in _checks(db, table, column) if "ARRAY[" in d]
    return set(re.findall(r"'([^']*)'::text", definition))


def _bounds(db, table: str, column: str) -> tuple[float | None, float | None]:
    """The lowest and highest value a range CHECK allows (>=, <=, BETWEEN, > 0 read as its bound)."""
    low = high = None
    for definition in _checks(db, table, column):
        for op, number in re.findall(rf"\b{column} (>=|<=|>|<) \(?(-?[\d.]+)", definition):
            if op in (">=", ">"):
                low = float(number)
            else:
                high = float(number)
    return low, high


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("visits", "status", words.VISIT_STATUSES),
        ("users", "role", words.ROLES),
        ("visit_reports", "kind", words.STORED_REPORT_KINDS),
        ("day_events", "kind", words.DAY_EVENT_KINDS),
        ("rosters", "status", words.ROSTER_STATUSES),
        ("solve_jobs", "state", words.JOB_STATES),
        ("solve_jobs", "kind", words.JOB_KINDS),
        ("evaluations", "outcome", words.EVALUATION_OUTCOMES),
        ("evaluations", "mode", words.EVALUATION_MODES),
        ("service_types", "route", words.ROUTES_OF_ADMINISTRATION),
        ("booking_offers", "status", words.OFFER_STATUSES),
    ],
)
def test_the_databases_lists_of_words_are_the_vocabularys(db, table, column, expected):
    assert _listed(db, table, column) == set(expected)


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("visits", "priority", (words.MIN_PRIORITY, words.MAX_PRIORITY)),
        ("visit_reports", "minutes_late", (1, words.MAX_MINUTES_LATE)),
        ("day_events", "minutes", (1, words.MAX_OVERRUN_MIN)),
        ("solve_schedules", "days_ahead", (0, words.MAX_DAYS_AHEAD)),
        ("solve_schedules", "time_limit_s", (0, words.MAX_TIME_LIMIT_S)),
    ],
)
def test_the_databases_bounds_are_the_vocabularys(db, table, column, expected):
    assert _bounds(db, table, column) == tuple(float(b) for b in expected)


def test_anyone_may_read_the_vocabulary_and_it_is_the_one_dispatch_uses(base_url):
    answer = httpx.get(f"{base_url}/v1/vocabulary")
    assert answer.status_code == 200, answer.text
    served = answer.json()
    assert served["visit_statuses"] == list(words.VISIT_STATUSES)
    assert served["transitions"]["in_progress"] == ["done"] and served["transitions"]["done"] == []
    assert served["report_kinds"]["done"]["scheduled"] == ["in_progress", "done"]
    assert served["roles"] == ["admin", "dispatcher", "nurse", "clinician"]
    assert served["certifications"] == list(words.CERTIFICATIONS) and "CO" in served["state_codes"]
    assert served["clearance_valid_days"] == words.CLEARANCE_VALID_DAYS
    assert served["bounds"]["priority"] == {"min": 1, "max": words.MAX_PRIORITY}
    assert served["bounds"]["password"]["min_length"] == words.MIN_PASSWORD_LENGTH
    assert served["bounds"]["password"]["max_length"] == words.MAX_PASSWORD_LENGTH
    assert served["retime_tolerance_min"] == words.RETIME_TOLERANCE_MIN == 30


def test_the_api_document_takes_its_words_and_bounds_from_the_vocabulary():
    schemas = create_app().openapi()["components"]["schemas"]
    assert schemas["VisitOut"]["properties"]["status"]["enum"] == list(words.VISIT_STATUSES)
    assert schemas["UserIn"]["properties"]["role"]["enum"] == list(words.ROLES)
    assert schemas["UserIn"]["properties"]["password"]["minLength"] == words.MIN_PASSWORD_LENGTH
    assert schemas["UserIn"]["properties"]["password"]["maxLength"] == words.MAX_PASSWORD_LENGTH
    assert schemas["VisitIn"]["properties"]["priority"]["maximum"] == words.MAX_PRIORITY
    assert schemas["SolveIn"]["properties"]["time_limit_s"]["anyOf"][0]["maximum"] == words.MAX_TIME_LIMIT_S


@pytest.mark.parametrize(
    ("schema", "field", "cap"),
    [
        ("PatientIn", "name", words.MAX_NAME_LENGTH),
        ("NurseIn", "name", words.MAX_NAME_LENGTH),
        ("RegionIn", "name", words.MAX_NAME_LENGTH),
        ("PatientIn", "notes", words.MAX_NOTES_LENGTH),
        ("VisitIn", "notes", words.MAX_NOTES_LENGTH),
        ("PatientIn", "address", words.MAX_ADDRESS_LENGTH),
        ("EventIn", "note", words.MAX_NOTES_LENGTH),
    ],
)
def test_text_fields_show_their_cap_in_the_api_document(schema, field, cap):
    prop = create_app().openapi()["components"]["schemas"][schema]["properties"][field]
    assert cap in [prop.get("maxLength")] + [p.get("maxLength") for p in prop.get("anyOf", [])]


def test_a_name_over_the_cap_is_refused_naming_the_field(region):
    answer = region.dispatcher.post(
        f"/v1/regions/{region.id}/patients",
        json={"name": "x" * (words.MAX_NAME_LENGTH + 1), "location": {"lat": 39.7, "lon": -105}, "state": "CO"},
    )
    assert answer.status_code == 422 and answer.json()["field"] == "name", answer.text


@pytest.mark.parametrize("form", [lambda i: True, str, float], ids=["true", "a string", "a float"])
def test_an_id_in_a_body_must_be_a_json_integer(region, form):
    nurse, patient = region.nurse(shift=None), region.patient()
    body = {"patient_id": patient["id"], "date": str(DAY), "window": {"start": "09:00", "end": "10:00"}, "service": "hydration"}
    for field, value in (("pinned_nurse_id", nurse["id"]), ("patient_id", patient["id"])):
        answer = region.dispatcher.post("/v1/visits", json=body | {field: form(value)})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field and "integer" in answer.json()["detail"], answer.text
    assert region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json() == []


def test_a_schedule_time_with_a_utc_offset_is_refused_naming_the_field(region):
    schedules = f"/v1/regions/{region.id}/schedules"
    answer = region.dispatcher.post(schedules, json={"local_time": "18:00+02:00"})
    assert answer.status_code == 422 and answer.json()["field"] == "local_time", answer.text
    assert region.dispatcher.get(schedules).json() == []
    made = region.dispatcher.post(schedules, json={"local_time": "18:00"})
    assert made.status_code == 201, made.text
    answer = region.dispatcher.patch(f"/v1/schedules/{made.json()['id']}", json={"local_time": "05:30Z"})
    assert answer.status_code == 422 and answer.json()["field"] == "local_time", answer.text
