"""The clinical gate through the real API: clearance from a clinician's records, refused or held on every path,
a service catalogue that can say no, and certification and state names from one vocabulary."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg
from alembic import command
from psycopg.rows import dict_row

from dispatch.platform.db.migrate import alembic_config
from tests.api.conftest import DAY, EVALUATED_ON, database_at_revision


def _unassigned(roster: dict) -> dict[str, str]:
    return {u["visit_id"]: u["reason"] for u in roster["roster"]["unassigned"]}


def _placed(roster: dict) -> set[str]:
    return {s["visit_id"] for r in roster["roster"]["routes"] for s in r["stops"]}


def test_a_booking_for_a_patient_not_cleared_is_kept_and_warns_at_once_naming_her(region):
    patient = region.patient("Avery", cleared=False)
    visit = region.visit(patient["id"], service="ketamine")
    assert visit["warnings"] == [
        f"Avery: not cleared for ketamine infusion (migraine): no evaluation recorded on {DAY};"
        " the visit is held back until a clinician clears her"
    ]
    assert region.visit(region.patient("Cleared")["id"], service="ketamine")["warnings"] == []
    assert region.visit(patient["id"], service="evaluation")["warnings"] == []  # the evaluation itself needs none


def test_the_csv_import_warns_by_line_for_patients_not_cleared(region):
    waiting, cleared = region.patient("Waiting", cleared=False), region.patient("Ready")
    csv = (
        "patient_id,date,window_start,window_end,service\n"
        f"{cleared['id']},{DAY},09:00,11:00,ketamine\n{waiting['id']},{DAY},09:00,11:00,hydration\n"
    )
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=csv, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["imported"] == 2
    (warning,) = answer.json()["warnings"]
    assert warning.startswith("line 3: Waiting: not cleared for hydration drip: no evaluation recorded")


def test_clearance_cannot_be_written_on_the_patient_and_is_derived_from_records(region):
    patient = region.patient("Flag", cleared=False)
    answer = region.dispatcher.patch(f"/v1/patients/{patient['id']}", json={"evaluation_done": True})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "evaluation_done"
    assert region.dispatcher.get(f"/v1/patients/{patient['id']}").json()["clearance"]["cleared"] is False
    region.clear(patient["id"])
    clearance = region.dispatcher.get(f"/v1/patients/{patient['id']}").json()["clearance"]
    assert clearance["cleared"] is True and clearance["until"] == str(EVALUATED_ON + timedelta(days=183))


def test_a_patient_found_unsuitable_stays_held_back_and_the_record_names_the_clinician(region, db):
    region.nurse("Ana")
    patient = region.patient("Unsuitable")
    record = region.clear(patient["id"], outcome="not_cleared", evaluated_on=str(EVALUATED_ON + timedelta(days=2)))
    assert (record["clinician"], record["valid_until"], record["migrated"]) == (region.clinician_name, None, False)
    visit = region.visit(patient["id"], service="ketamine")
    roster = region.solved_roster()
    assert _unassigned(roster)[str(visit["id"])] == (
        f"not cleared for ketamine infusion (migraine): the evaluation of {EVALUATED_ON + timedelta(days=2)} did not clear her"
    )
    audited = db.execute(
        "SELECT username, action FROM audit_log WHERE resource = %s", [f"patient/{patient['id']}/evaluation/{record['id']}"]
    ).fetchall()
    assert audited == [{"username": region.clinician_name, "action": "create"}]


def test_a_clearance_is_valid_a_year_at_most_and_an_expired_one_holds_the_visit(region):
    region.nurse("Ana")
    patient = region.patient("Expired", cleared=False)
    too_long = region.clinician.post(
        f"/v1/patients/{patient['id']}/evaluations",
        json={"outcome": "cleared", "mode": "telehealth", "evaluated_on": "2026-01-01", "valid_until": "2027-06-01"},
    )
    assert too_long.status_code == 422 and too_long.json()["field"] == "valid_until"
    region.clear(patient["id"], evaluated_on=EVALUATED_ON - timedelta(days=30), valid_until=str(EVALUATED_ON))
    visit = region.visit(patient["id"], service="hydration")
    assert (
        _unassigned(region.solved_roster())[str(visit["id"])]
        == f"not cleared for hydration drip: clearance expired on {EVALUATED_ON}"
    )


def test_a_move_and_a_publish_are_refused_once_the_clearance_is_withdrawn(region):
    region.nurse("Ana")
    patient = region.patient("Withdrawn")
    visit = region.visit(patient["id"], service="ketamine")
    draft = region.solved_roster()
    assert str(visit["id"]) in _placed(draft)
    region.clear(patient["id"], outcome="not_cleared", evaluated_on=str(EVALUATED_ON + timedelta(days=1)))
    nurse_id = draft["roster"]["routes"][0]["nurse_id"]
    move = region.dispatcher.post(
        f"/v1/rosters/{draft['id']}/moves",
        json={"visit_id": visit["id"], "nurse_id": int(nurse_id)},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    assert move.status_code == 409 and "not cleared for ketamine infusion (migraine)" in move.json()["detail"]
    published = region.publish(draft)
    assert published.status_code == 409
    assert published.json()["detail"].startswith(f"visit {visit['id']} cannot be published: not cleared for ketamine")


def test_an_urgent_slot_is_refused_for_a_patient_not_cleared(region):
    region.nurse("Ana")
    region.visit(region.patient("Planned")["id"])
    assert region.publish(region.solved_roster()).status_code == 200
    patient = region.patient("Urgent", cleared=False)
    urgent = region.visit(patient["id"], service="ketamine", window=("11:00", "15:00"))
    answer = region.dispatcher.get(f"/v1/visits/{urgent['id']}/slots", params={"as_of": "07:00"})
    assert answer.status_code == 409
    assert (
        answer.json()["detail"]
        == f"{patient['name']}'s visit cannot be placed: not cleared for ketamine infusion (migraine): no evaluation recorded"
    )


def test_spravato_is_never_a_home_visit_and_the_catalogue_will_not_allow_it(region, admin):
    answer = region.dispatcher.post(
        "/v1/visits",
        json={
            "patient_id": region.patient("S")["id"],
            "date": str(DAY),
            "window": {"start": "09:00", "end": "12:00"},
            "service": "spravato",
        },
    )
    assert answer.status_code == 409 and answer.json()["field"] == "service"
    assert "only in a certified healthcare setting" in answer.json()["detail"]
    made_home = admin.patch("/v1/services/spravato", json={"home_allowed": True})
    assert made_home.status_code == 409 and "REMS" in made_home.json()["detail"]


def test_an_admin_adds_a_service_whose_time_on_site_is_its_parts_and_whose_certifications_are_known(region, admin):
    code = f"vitc-{uuid.uuid4().hex[:6]}"
    made = admin.post(
        "/v1/services",
        json={
            "code": code,
            "name": "Vitamin C",
            "infusion_min": 40,
            "setup_min": 10,
            "observation_min": 5,
            "required_certifications": ["rn", "iv"],
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["minutes"] == 55 and made.json()["needs_clearance"] is True
    assert region.visit(region.patient("C")["id"], service=code)["duration_min"] == 55
    typo = admin.post(
        "/v1/services", json={"code": f"x-{code}", "name": "X", "infusion_min": 10, "required_certifications": ["RN"]}
    )
    assert typo.status_code == 422 and typo.json()["errors"][0]["field"] == "required_certifications[0]"
    assert region.dispatcher.post("/v1/services", json={"code": f"y-{code}", "name": "Y", "infusion_min": 10}).status_code == 403


def test_nurse_certifications_and_states_come_from_the_vocabulary_and_a_nurse_who_can_take_nothing_warns(region, db):
    body = {"name": "Cora", "home": {"lat": 39.7, "lon": -105.0}}
    colorado = region.dispatcher.post(f"/v1/regions/{region.id}/nurses", json=body | {"licensed_states": ["Colorado"]})
    assert colorado.status_code == 422
    assert (colorado.json()["field"], colorado.json()["detail"]) == (
        "licensed_states[0]",
        "Cora: unknown state 'COLORADO': give its two-letter code, e.g. CO",
    )
    unknown = region.dispatcher.post(
        f"/v1/regions/{region.id}/nurses", json=body | {"certifications": [{"name": "iv"}, {"name": "phlebotomy"}]}
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "certifications[1].name"
    upper = region.nurse("Dee", certifications=("RN", "IV"))
    assert [c["name"] for c in upper["certifications"]] == ["iv", "rn"] and upper["warnings"] == []
    # The catalogue is the whole suite's: other tests (the OpenAPI fuzzer, as an admin) may add services that need no
    # certification, which anyone can take (a full run failed so); they are given one here, or no nurse could ever
    # be one who can take nothing.
    db.execute("UPDATE service_types SET required_certifications = '{rn}' WHERE required_certifications <@ '{bls}'")
    nothing = region.nurse("Eve", certifications=("bls",))
    # Other tests add services too, so the simplest one is not named here.
    [warning] = nothing["warnings"]
    assert warning.startswith("Eve can take no service with her certifications valid today (the simplest, ")
    assert warning.endswith(", needs rn, iv)")


def test_patients_flagged_before_the_migration_get_a_migrated_record(database):
    url = database_at_revision(database, "0006a")
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute("INSERT INTO regions VALUES ('old', 'Old', 'America/Denver')")
        flagged, unflagged = (
            conn.execute(
                "INSERT INTO patients (region_id, name, lat, lon, state, evaluation_done)"
                " VALUES ('old', %s, 39.7, -105, 'CO', %s) RETURNING id",
                [n, flag],
            ).fetchone()["id"]
            for n, flag in (("Flagged", True), ("Never", False))
        )
        conn.execute(
            "INSERT INTO visits (region_id, patient_id, day, window_start, window_end, service_code, duration_min, status)"
            " VALUES ('old', %s, '2026-10-01', '09:00', '10:00', 'evaluation', 60, 'done')",
            [flagged],
        )
    command.upgrade(alembic_config(url), "head")
    with psycopg.connect(url, row_factory=dict_row) as conn:
        records = conn.execute("SELECT * FROM evaluations ORDER BY id").fetchall()
    assert [(r["patient_id"], r["outcome"], r["mode"], r["clinician"], r["migrated"]) for r in records] == [
        (flagged, "cleared", "unknown", None, True)
    ]
    assert str(records[0]["evaluated_on"]) == "2026-10-01" and str(records[0]["valid_until"]) == "2027-10-01"
    assert unflagged not in [r["patient_id"] for r in records]
