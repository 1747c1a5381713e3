"""Bad input gets a clear 4xx naming the field, and nothing is half-written; retries do not duplicate."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from alembic.script import ScriptDirectory

from dispatch.platform.db.migrate import alembic_config, upgrade
from tests.api.conftest import DAY, unique
from tests.api.fake_geocoder import FakeNominatim


def _problem(answer, status=422):
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.json()


def test_a_window_that_ends_before_it_starts_names_the_field(region):
    patient = region.patient()
    body = {"patient_id": patient["id"], "date": str(DAY), "window": {"start": "10:00", "end": "09:00"}, "service": "hydration"}
    problem = _problem(region.dispatcher.post("/v1/visits", json=body))
    assert problem["field"] == "window_end" and problem["detail"] == "end 09:00 is before start 10:00"


def test_an_unknown_service_lists_the_known_ones(region):
    patient = region.patient()
    body = {"patient_id": patient["id"], "date": str(DAY), "window": {"start": "09:00", "end": "10:00"}, "service": "botox"}
    problem = _problem(region.dispatcher.post("/v1/visits", json=body))
    assert problem["field"] == "service" and "known: evaluation, hydration, ketamine, myers, nad" in problem["detail"]


def test_schema_errors_name_the_path_of_the_field(region):
    nurses = f"/v1/regions/{region.id}/nurses"
    problem = _problem(region.dispatcher.post(nurses, json={"name": "X", "home": {"lat": 91, "lon": 0}}))
    assert problem["field"] == "home.lat"
    extra_field = {"name": "X", "home": {"lat": 1, "lon": 0}, "favourite_colour": "red"}
    problem = _problem(region.dispatcher.post(nurses, json=extra_field))
    assert problem["field"] == "favourite_colour"
    malformed = region.dispatcher.post("/v1/visits", content=b"{not json", headers={"content-type": "application/json"})
    assert _problem(malformed)["status"] == 422


def test_an_unknown_timezone_is_refused(admin):
    problem = _problem(admin.post("/v1/regions", json={"id": unique("tz"), "name": "X", "timezone": "Mars/Olympus"}))
    assert problem["field"] == "timezone"


def test_a_shift_that_ends_before_it_starts_is_refused(region):
    nurse = region.nurse(shift=None)
    problem = _problem(region.dispatcher.put(f"/v1/nurses/{nurse['id']}/shifts/{DAY}", json={"start": "16:00", "end": "08:00"}))
    assert problem["field"] == "end"


def test_a_csv_of_a_days_visits_is_imported_whole(region):
    a, b = region.patient("A"), region.patient("B")
    csv = (
        "patient_id,date,window_start,window_end,service,priority,notes\n"
        f"{a['id']},{DAY},09:00,11:00,hydration,2,gate code 1234\n"
        f"{b['id']},{DAY},13:00,15:00,ketamine,,\n"
    )
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=csv, headers={"content-type": "text/csv"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["imported"] == 2
    visits = region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json()
    assert [(v["patient_id"], v["priority"], v["duration_min"]) for v in visits] == [(a["id"], 2, 60), (b["id"], 1, 90)]


def test_a_csv_with_bad_rows_names_each_line_and_imports_nothing(region):
    a = region.patient("A")
    csv = (
        "patient_id,date,window_start,window_end,service\n"
        f"{a['id']},{DAY},09:00,11:00,hydration\n"
        f"{a['id']},{DAY},9am,11:00,hydration\n"
        f"999999,{DAY},09:00,11:00,hydration\n"
        f"{a['id']},{DAY},12:00,11:00,hydration\n"
    )
    problem = _problem(
        region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=csv, headers={"content-type": "text/csv"})
    )
    detail = problem["detail"]
    assert problem["field"] == "line 3: window_start"
    assert "line 3: window_start: '9am' is not a time HH:MM" in detail
    assert "line 4: patient_id: unknown patient 999999" in detail
    assert "line 5: window_end: end 11:00 is before start 12:00" in detail
    assert "line 2" not in detail
    assert region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json() == []


def test_a_csv_without_a_required_column_says_which(region):
    problem = _problem(
        region.dispatcher.post(
            f"/v1/regions/{region.id}/visits/import",
            content="patient_id,date\n1,2026-12-01\n",
            headers={"content-type": "text/csv"},
        )
    )
    assert problem["field"] == "header" and "service" in problem["detail"] and "window_start" in problem["detail"]


def test_an_address_is_geocoded_once_and_cached(region):
    FakeNominatim.hits.clear()
    body = {"name": "Geo", "address": "2500 Blake St, Denver, CO 80205", "state": "CO"}  # asked by no other test
    first = region.dispatcher.post(f"/v1/regions/{region.id}/patients", json=body)
    assert first.status_code == 201, first.text
    assert first.json()["location"] == {"lat": 39.7597, "lon": -104.9871}
    second = region.dispatcher.post(f"/v1/regions/{region.id}/patients", json=body | {"name": "Geo 2"})
    assert second.status_code == 201
    assert len(FakeNominatim.hits) == 1  # the second came from the cache


def test_an_address_that_cannot_be_geocoded_is_a_clear_422_and_nothing_is_stored(region):
    body = {"name": "Nowhere", "address": "1 Nowhere Lane, Atlantis", "state": "CO"}
    problem = _problem(region.dispatcher.post(f"/v1/regions/{region.id}/patients", json=body))
    assert problem["field"] == "address" and "could not be geocoded" in problem["detail"]
    assert [p for p in region.dispatcher.get(f"/v1/regions/{region.id}/patients").json() if p["name"] == "Nowhere"] == []


def test_a_retried_solve_with_the_same_idempotency_key_returns_the_same_job(region):
    region.nurse()
    region.visit(region.patient()["id"])
    key = unique("key")
    first = region.dispatcher.post(
        f"/v1/regions/{region.id}/rosters/{DAY}/solve", json={"time_limit_s": 1}, headers={"Idempotency-Key": key}
    )
    assert first.status_code == 202
    region.wait(first.json())
    again = region.dispatcher.post(
        f"/v1/regions/{region.id}/rosters/{DAY}/solve", json={"time_limit_s": 1}, headers={"Idempotency-Key": key}
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_the_same_solve_requested_at_once_runs_one_job(region, db):
    region.nurse()
    region.visit(region.patient()["id"])

    def request(_):
        return region.dispatcher.post(f"/v1/regions/{region.id}/rosters/{DAY}/solve", json={"time_limit_s": 1})

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(request, range(4)))
    assert len({a.json()["id"] for a in answers}) == 1
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 202]
    region.wait(answers[0].json())
    assert db.execute("SELECT count(*) AS n FROM solve_jobs WHERE region_id = %s", [region.id]).fetchone()["n"] == 1


def test_migrations_can_run_again_and_from_two_processes_at_once(database, db):
    upgrade(database)
    env = {**os.environ, "DATABASE_URL": database}
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "cli.main", "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for replica in replicas:
        out, err = replica.communicate(timeout=120)
        assert replica.returncode == 0, err
        assert "schema is up to date" in out
    head = ScriptDirectory.from_config(alembic_config(database)).get_current_head()
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [{"version_num": head}]


def test_user_add_works_without_a_server_and_refuses_a_duplicate(tmp_path):
    env = {**os.environ, "NURSE_DISPATCH_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "user",
        "add",
        "--role",
        "admin",
        "--username",
        "first",
        "--password",
        "long-enough-1",
    ]
    created = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    assert "created admin first" in created.stdout
    duplicate = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert duplicate.returncode == 2
    assert "error: username: username is already taken by another account" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr
