"""A dispatcher's whole day through the real HTTP API: set up, solve, review, publish; the nurse reads her day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import httpx
from icalendar import Calendar

from tests.api.conftest import DAY, ahead_of_today


def _local(iso: str) -> time:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo("America/Denver")).time()


def test_a_day_is_solved_published_and_read_by_its_nurses(region, base_url):
    ana = region.nurse("Ana", lat=39.74, lon=-104.99)
    bea = region.nurse("Bea", lat=39.70, lon=-104.90, certifications=("rn", "iv"))
    patients = [region.patient(f"P{i}", lat=39.70 + 0.01 * i, lon=-104.95) for i in range(6)]
    visits = [region.visit(p["id"], window=("09:00", "13:00"), service="hydration") for p in patients[:5]]
    ketamine = region.visit(patients[5]["id"], window=("10:00", "12:00"), service="ketamine", priority=5)

    roster = region.solved_roster()
    assert roster["status"] == "draft"
    document = roster["roster"]
    stops = {s["visit_id"]: (r["nurse_id"], s) for r in document["routes"] for s in r["stops"]}
    assert len(stops) == 6 and document["unassigned"] == []
    assert stops[str(ketamine["id"])][0] == str(ana["id"])  # only Ana holds ketamine
    for visit in [*visits, ketamine]:
        _, stop = stops[str(visit["id"])]
        assert time.fromisoformat(visit["window"]["start"]) <= _local(stop["start"]) <= time.fromisoformat(visit["window"]["end"])

    published = region.publish(roster)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    listed = region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json()
    assert {v["status"] for v in listed} == {"scheduled"}

    for nurse in (ana, bea):
        client = region.nurse_account(nurse["id"])
        day = client.get("/v1/me/itinerary", params={"date": str(DAY)})
        assert day.status_code == 200
        mine = [v for v, (n, _) in stops.items() if n == str(nurse["id"])]
        assert [str(s["visit_id"]) for s in day.json()["stops"]] == sorted(mine, key=lambda v: stops[v][1]["start"])
        for stop in day.json()["stops"]:
            assert set(stop["patient"]) == {"name", "address", "phone", "notes"}
            assert stop["navigation"].startswith("https://www.google.com/maps/dir/?api=1&destination=")
            assert stop["start"].endswith("-07:00")  # local time with its offset (Denver, winter)


def test_calendar_feed_lists_her_published_visits_and_can_be_revoked(region, base_url):
    # The feed runs from a week before today: the fixed DAY left it on 2026-12-09, and the test failed from then on.
    day = ahead_of_today()
    ana = region.nurse("Ana", day=day)
    patient = region.patient("Jordan")
    visit = region.visit(patient["id"], window=("09:00", "10:00"), day=day)
    assert region.publish(region.solved_roster(day)).status_code == 200
    nurse = region.nurse_account(ana["id"])
    url = nurse.post("/v1/me/calendar-feed").json()["url"]
    assert url.startswith(base_url + "/v1/calendar/")
    feed = httpx.get(url)  # no login: calendar apps subscribe with the secret URL alone
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == [f"visit-{visit['id']}@nurse-dispatch"]
    # Minimum necessary by default (the field app's feed): her initials, never her name, in a third party's calendar.
    assert "J." in str(events[0]["summary"]) and "Jordan" not in feed.text
    assert nurse.delete("/v1/me/calendar-feed").json() == {"revoked": 1}
    assert httpx.get(url).status_code == 404


def test_a_first_infusion_waits_for_a_clinicians_clearance_not_just_a_done_evaluation(region):
    region.nurse("Ana")
    new_patient = region.patient("New", cleared=False)
    infusion = region.visit(new_patient["id"], window=("13:00", "15:00"), service="hydration")
    evaluation = region.visit(new_patient["id"], window=("09:00", "11:00"), service="evaluation")
    roster = region.solved_roster()
    reasons = {u["visit_id"]: u["reason"] for u in roster["roster"]["unassigned"]}
    assert reasons[str(infusion["id"])] == "not cleared for hydration drip: no evaluation recorded"
    assert str(evaluation["id"]) not in reasons
    # The evaluation visit done: it needs a clinician's review, and the infusion is still held back.
    assert region.publish(roster).status_code == 200
    for status in ("en_route", "in_progress", "done"):
        assert region.dispatcher.patch(f"/v1/visits/{evaluation['id']}", json={"status": status}).status_code == 200
    (record,) = region.dispatcher.get(f"/v1/patients/{new_patient['id']}/evaluations").json()
    assert (record["outcome"], record["mode"], record["visit_id"], record["clinician"]) == (
        "needs_review",
        "home_visit",
        evaluation["id"],
        None,
    )
    again = region.solved_roster()
    reasons = {u["visit_id"]: u["reason"] for u in again["roster"]["unassigned"]}
    assert reasons[str(infusion["id"])] == f"not cleared for hydration drip: evaluation of {DAY} needs review by a clinician"
    # A clinician records what it found: cleared, and the infusion may be planned.
    region.clear(new_patient["id"], evaluated_on=DAY, mode="home_visit", visit_id=evaluation["id"])
    cleared = region.solved_roster()
    assert str(infusion["id"]) in {s["visit_id"] for r in cleared["roster"]["routes"] for s in r["stops"]}


def test_expired_certification_or_missing_licence_keeps_a_nurse_off_the_visit(region):
    expired = region.nurse("Expired", certifications=("rn", "iv", {"name": "ketamine", "expires_on": "2026-11-30"}))
    other_state = region.nurse("Arizona", states=("AZ",))
    valid = region.nurse("Valid", lat=39.6, lon=-105.2)  # far away, but the only one allowed
    patient = region.patient("K", lat=39.74, lon=-104.99)
    ketamine = region.visit(patient["id"], window=("09:00", "15:00"), service="ketamine")
    roster = region.solved_roster()
    nurse_of = {s["visit_id"]: r["nurse_id"] for r in roster["roster"]["routes"] for s in r["stops"]}
    assert nurse_of[str(ketamine["id"])] == str(valid["id"])
    assert str(expired["id"]) != str(valid["id"]) != str(other_state["id"])


def test_excluded_nurse_never_gets_the_patient(region):
    near = region.nurse("Near", lat=39.74, lon=-104.99)
    far = region.nurse("Far", lat=39.60, lon=-105.20)
    patient = region.patient("Picky", lat=39.74, lon=-104.99, excluded_nurse_ids=[near["id"]])
    visit = region.visit(patient["id"])
    roster = region.solved_roster()
    nurse_of = {s["visit_id"]: r["nurse_id"] for r in roster["roster"]["routes"] for s in r["stops"]}
    assert nurse_of[str(visit["id"])] == str(far["id"])


def test_every_stored_stop_matches_the_roster_document(region, db):
    for i in range(3):
        region.nurse(f"N{i}", lat=39.70 + 0.02 * i)
    for i in range(12):
        region.visit(region.patient(f"P{i}", lat=39.68 + 0.01 * i)["id"], window=("08:30", "15:00"))
    roster = region.solved_roster()
    stored = db.execute("SELECT visit_id, nurse_id, starts FROM roster_stops WHERE roster_id = %s", [roster["id"]]).fetchall()
    document = {(s["visit_id"], r["nurse_id"], s["start"]) for r in roster["roster"]["routes"] for s in r["stops"]}
    assert {
        (str(r["visit_id"]), str(r["nurse_id"]), r["starts"].astimezone(ZoneInfo("America/Denver")).isoformat()) for r in stored
    } == document


def test_no_patient_data_reaches_the_application_logs(region, caplog):
    caplog.set_level("DEBUG")
    nurse = region.nurse("Ana")
    patient = region.patient("Zebulon Quartermaine", phone="+1 303 555 0177", address="77 Secret Lane", notes="allergic to latex")
    region.visit(patient["id"])
    assert region.publish(region.solved_roster()).status_code == 200
    region.dispatcher.get(f"/v1/patients/{patient['id']}")
    region.nurse_account(nurse["id"]).get("/v1/me/itinerary", params={"date": str(DAY)})
    logged = "\n".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records)
    assert "request" in logged  # the request log did run
    for secret in ("Zebulon", "Quartermaine", "555 0177", "Secret Lane", "latex"):
        assert secret not in logged
