"""The API behind the field app: shift-long sessions, reports recorded once, undo, the session record,
learned durations and the minimum-necessary calendar feed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from icalendar import Calendar

from dispatch.records.users import add_user
from tests.api.conftest import PASSWORD, TIMEZONE, WHOLE_DAY, Region, region_today, unique
from tests.api.sameday.test_field_app import nurse_day

DEVICE = "phone-" + uuid.uuid4().hex


def session(base_url: str, username: str, device: str = DEVICE) -> dict:
    answer = httpx.post(f"{base_url}/v1/auth/token", data={"username": username, "password": PASSWORD, "device_id": device})
    assert answer.status_code == 200, answer.text
    return answer.json()


def refresh(base_url: str, token: str, device: str = DEVICE) -> httpx.Response:
    return httpx.post(f"{base_url}/v1/auth/refresh", json={"refresh_token": token, "device_id": device})


@pytest.fixture
def day(base_url, admin, db) -> dict:
    return nurse_day(base_url, admin, db)


def as_nurse(base_url: str, access_token: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {access_token}"}, timeout=60)


# ---------------------------------------------------------------- sessions


def test_a_refresh_token_rotates_and_a_reused_one_ends_the_session(base_url, day):
    first = session(base_url, day["username"])
    assert first["refresh_token"]
    second = refresh(base_url, first["refresh_token"])
    assert second.status_code == 200, second.text
    assert as_nurse(base_url, second.json()["access_token"]).get("/v1/me").status_code == 200
    # The spent token again: somebody holds a copy. The whole family ends, the newer token too.
    assert refresh(base_url, first["refresh_token"]).status_code == 401
    assert refresh(base_url, second.json()["refresh_token"]).status_code == 401


def test_a_refresh_token_works_only_on_its_device(base_url, day):
    first = session(base_url, day["username"])
    assert refresh(base_url, first["refresh_token"], device="another-device-id").status_code == 401
    assert refresh(base_url, first["refresh_token"]).status_code == 401  # revoked with its family


def test_without_a_device_there_is_no_refresh_token(base_url, day):
    answer = httpx.post(f"{base_url}/v1/auth/token", data={"username": day["username"], "password": PASSWORD})
    assert answer.status_code == 200 and answer.json()["refresh_token"] is None


@pytest.mark.parametrize("removal", ["revoke-tokens", "deactivate", "nurse-inactive", "logout"])
def test_removing_access_stops_refreshing(base_url, day, admin, removal):
    first = session(base_url, day["username"])
    if removal == "nurse-inactive":
        nurse = day["region"].dispatcher.get(f"/v1/nurses/{day['ana']['id']}").json()
        patched = day["region"].dispatcher.patch(
            f"/v1/nurses/{nurse['id']}", json={"active": False}, headers={"If-Match": f'"{nurse["version"]}"'}
        )
        assert patched.status_code == 200, patched.text
    elif removal == "logout":
        assert httpx.post(f"{base_url}/v1/auth/logout", json={"refresh_token": first["refresh_token"]}).status_code == 204
    else:
        assert admin.post(f"/v1/users/{day['username']}/{removal}").status_code == 200
    answer = refresh(base_url, first["refresh_token"])
    assert answer.status_code == 401 and answer.headers["content-type"] == "application/problem+json"


def test_only_hashes_of_refresh_tokens_are_stored(base_url, day, db):
    token = session(base_url, day["username"])["refresh_token"]
    stored = db.execute("SELECT token_sha256 FROM refresh_tokens WHERE username = %s", [day["username"]]).fetchall()
    assert stored and all(token not in row["token_sha256"] for row in stored)


# ---------------------------------------------------------------- reports: once, undo, the session record


def nurse_client(base_url: str, day: dict) -> httpx.Client:
    return as_nurse(base_url, session(base_url, day["username"])["access_token"])


def test_a_report_sent_twice_is_recorded_once_and_answered_the_same(base_url, day, db):
    nurse, visit = nurse_client(base_url, day), day["visits"][0]["id"]
    body = {"kind": "en_route", "key": str(uuid.uuid4())}
    first = nurse.post(f"/v1/me/visits/{visit}/reports", json=body)
    again = nurse.post(f"/v1/me/visits/{visit}/reports", json=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert db.execute("SELECT count(*) AS n FROM visit_reports WHERE visit_id = %s", [visit]).fetchone()["n"] == 1
    other = nurse.post(f"/v1/me/visits/{day['visits'][1]['id']}/reports", json=body)
    assert other.status_code == 409 and other.json()["field"] == "key"


def test_phases_go_in_order_and_vitals_need_numbers(base_url, day):
    nurse, visit = nurse_client(base_url, day), day["visits"][0]["id"]
    post = lambda body: nurse.post(f"/v1/me/visits/{visit}/reports", json=body)  # noqa: E731
    assert post({"kind": "arrived"}).status_code == 201
    assert post({"kind": "started"}).status_code == 201
    assert post({"kind": "arrived"}).status_code == 409
    assert post({"kind": "vitals"}).json()["field"] == "heart_rate"
    assert post({"kind": "vitals", "systolic": 120}).json()["field"] == "diastolic"
    assert post({"kind": "vitals", "spo2": 101}).status_code == 422
    assert post({"kind": "escort"}).json()["field"] == "escort_present"
    assert post({"kind": "adverse_event", "note": "  "}).json()["field"] == "note"
    assert post({"kind": "vitals", "heart_rate": 80, "spo2": 97}).status_code == 201
    assert post({"kind": "adverse_event", "note": "flushing, rate halved"}).status_code == 201
    stop = nurse.get("/v1/me/itinerary", params={"date": day["visits"][0]["date"]}).json()["stops"][0]
    assert [e["kind"] for e in stop["session"]] == ["arrived", "started", "vitals", "adverse_event"]
    assert stop["report"]["kind"] == "started"  # notes are not where she is
    assert stop["window"]["start"].startswith(f"{day['visits'][0]['date']}T09:00:00")


def test_undo_within_a_minute_puts_the_status_back_and_keeps_the_record(base_url, day, db):
    nurse, visit = nurse_client(base_url, day), day["visits"][0]["id"]
    key = str(uuid.uuid4())
    assert nurse.post(f"/v1/me/visits/{visit}/reports", json={"kind": "en_route", "key": key}).status_code == 201
    undone = nurse.post(f"/v1/me/visits/{visit}/undo", json={"undoes": key})
    assert undone.status_code == 201 and undone.json()["status"] == "scheduled", undone.text
    assert nurse.post(f"/v1/me/visits/{visit}/undo", json={"undoes": key}).status_code == 404  # already undone
    assert [r["kind"] for r in db.execute("SELECT kind FROM visit_reports WHERE visit_id = %s ORDER BY id", [visit])] == [
        "en_route",
        "undo",
    ]
    # Too late: a report made two minutes ago (sent late, with its time) cannot be undone.
    at = db.execute("SELECT now() - interval '2 minutes' AS t").fetchone()["t"]
    late_key = str(uuid.uuid4())
    made = nurse.post(f"/v1/me/visits/{visit}/reports", json={"kind": "en_route", "key": late_key, "at": at.isoformat()})
    assert made.status_code == 201
    refused = nurse.post(f"/v1/me/visits/{visit}/undo", json={"undoes": late_key})
    assert refused.status_code == 409 and "60 s" in refused.json()["detail"]


def test_the_session_record_is_append_only(base_url, day, db):
    nurse, visit = nurse_client(base_url, day), day["visits"][0]["id"]
    assert nurse.post(f"/v1/me/visits/{visit}/reports", json={"kind": "en_route"}).status_code == 201
    for statement in (
        "UPDATE visit_reports SET kind = 'done' WHERE visit_id = %s",
        "DELETE FROM visit_reports WHERE visit_id = %s",
    ):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            db.execute(statement, [visit])


def _published_visit(region: Region, day, shift: tuple[str, str], window: tuple[str, str]) -> tuple[dict, httpx.Client]:
    nurse = region.nurse("Ana", shift=shift, day=day)
    visit = region.visit(region.patient("Jordan Lee")["id"], window=window, day=day, pinned_nurse_id=nurse["id"])
    assert region.publish(region.solved_roster(day)).status_code == 200
    return visit, region.nurse_account(nurse["id"])


def test_a_report_on_a_day_that_has_not_begun_is_refused_and_changes_nothing(base_url, admin, db):
    """Done tapped tonight on tomorrow's visit: a later re-plan would take it as done at 00:00."""
    region = Region(base_url, admin, db)
    tomorrow = region_today(db) + timedelta(days=1)
    visit, phone = _published_visit(region, tomorrow, ("08:00", "16:00"), ("09:00", "12:00"))
    refused = phone.post(f"/v1/me/visits/{visit['id']}/reports", json={"kind": "done"})
    assert refused.status_code == 409, refused.text
    assert f"is on {tomorrow}, which has not begun in America/Denver" in refused.json()["detail"]
    assert refused.json()["field"] == "at"
    assert region.dispatcher.get(f"/v1/visits/{visit['id']}").json()["status"] == "scheduled"
    assert db.execute("SELECT count(*) AS n FROM visit_reports WHERE visit_id = %s", [visit["id"]]).fetchone()["n"] == 0


def test_a_report_far_outside_her_shift_is_refused_and_changes_nothing(base_url, admin, db):
    region = Region(base_url, admin, db)
    yesterday = region_today(db) - timedelta(days=1)
    visit, phone = _published_visit(region, yesterday, ("00:00", "02:00"), ("00:00", "00:30"))
    at = db.execute("SELECT date_trunc('second', now() - interval '5 minutes') AS t").fetchone()["t"]  # hours after 03:00
    refused = phone.post(f"/v1/me/visits/{visit['id']}/reports", json={"kind": "done", "at": at.isoformat()})
    assert refused.status_code == 409, refused.text
    assert f"is outside your shift on {yesterday} (00:00–02:00, give or take 60 min)" in refused.json()["detail"]
    assert region.dispatcher.get(f"/v1/visits/{visit['id']}").json()["status"] == "scheduled"


# ---------------------------------------------------------------- learned durations


def test_durations_are_learned_per_service_and_per_patient_after_three_sessions(base_url, admin, db):
    region = Region(base_url, admin, db)
    nurse = region.nurse("Ana")
    patient = region.patient("Jordan Lee")
    other = region.patient("Sam Roe")
    username = unique("nurse")
    add_user(db, username, PASSWORD, "nurse", nurse_id=nurse["id"])
    client = as_nurse(base_url, session(base_url, username)["access_token"])
    now = db.execute("SELECT date_trunc('minute', now()) AS t").fetchone()["t"]
    # Every session arrives at one moment of a day that has begun there (a report lies within her shift of the
    # visit's day, and within the last day), early enough that the longest ends that day too.
    arrived = now - timedelta(hours=2)
    if arrived.astimezone(ZoneInfo(TIMEZONE)).hour >= 22:
        arrived -= timedelta(hours=3)
    day = arrived.astimezone(ZoneInfo(TIMEZONE)).date()
    shift = region.dispatcher.put(f"/v1/nurses/{nurse['id']}/shifts/{day}", json={"start": WHOLE_DAY[0], "end": WHOLE_DAY[1]})
    assert shift.status_code == 200, shift.text
    # Her three sessions in windows of their own (one visit per patient, service and window), the other's in one.
    windows = [("00:00", "07:00"), ("08:00", "15:00"), ("16:00", "23:00")]
    sessions = [(patient["id"], 70, windows[0]), (patient["id"], 75, windows[1]), (patient["id"], 90, windows[2])]
    sessions.append((other["id"], 62, ("00:00", "23:00")))
    visits = [
        (region.visit(patient_id, window=window, day=day, pinned_nurse_id=nurse["id"]), length)
        for patient_id, length, window in sessions
    ]
    assert region.publish(region.solved_roster(day)).status_code == 200
    for visit, length in visits:
        for kind, at in (("arrived", arrived), ("done", arrived + timedelta(minutes=length))):
            answer = client.post(f"/v1/me/visits/{visit['id']}/reports", json={"kind": kind, "at": at.isoformat()})
            assert answer.status_code == 201, answer.text
    learned = region.dispatcher.get(f"/v1/regions/{region.id}/durations")
    assert learned.status_code == 200, learned.text
    hydration = next(s for s in learned.json()["services"] if s["service"] == "hydration")
    assert (hydration["planned_min"], hydration["suggested_min"], hydration["sessions"]) == (60, 90, 4)
    assert [(p["patient_id"], p["suggested_min"], p["sessions"]) for p in learned.json()["patients"]] == [(patient["id"], 90, 3)]
    assert client.get(f"/v1/regions/{region.id}/durations").status_code == 403


# ---------------------------------------------------------------- the calendar feed


def feed_events(client: httpx.Client) -> dict[str, dict]:
    url = client.post("/v1/me/calendar-feed").json()["url"]
    return {str(e["uid"]): e for e in Calendar.from_ical(httpx.get(url).content).walk("VEVENT")}


def test_the_feed_carries_initials_and_times_only_unless_the_clinic_turns_details_on(base_url, day, admin):
    nurse = nurse_client(base_url, day)
    events = feed_events(nurse)
    assert len(events) == 2
    for event in events.values():
        text = event.to_ical().decode()
        assert "555" not in text and "Test St" not in text and "Jordan" not in text
        assert "LOCATION" not in text and "GEO" not in text
        assert str(event["summary"]) == "Hydration drip – J. L."
        assert event["status"] == "CONFIRMED" and "dtstamp" in event and "last-modified" in event
    assert admin.patch(f"/v1/regions/{day['region'].id}", json={"calendar_details": True}).status_code == 200
    detailed = next(iter(feed_events(nurse).values()))
    assert str(detailed["location"]) == "1 Test St" and "555" in str(detailed["description"])


def test_a_visit_taken_off_her_day_is_cancelled_in_her_feed_with_a_higher_sequence(base_url, day):
    nurse, region, second = nurse_client(base_url, day), day["region"], day["visits"][1]
    uid = f"visit-{second['id']}@nurse-dispatch"
    before = feed_events(nurse)[uid]
    draft = region.solved_roster(day["date"])
    moved = region.dispatcher.post(
        f"/v1/rosters/{draft['id']}/moves",
        json={"visit_id": second["id"], "nurse_id": None},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    assert moved.status_code == 200, moved.text
    assert region.publish(region.dispatcher.get(f"/v1/rosters/{draft['id']}").json()).status_code == 200
    after = feed_events(nurse)[uid]
    assert after["status"] == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
