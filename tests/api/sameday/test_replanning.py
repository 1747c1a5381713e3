"""Same-day re-planning through the real API: sick calls, cancellations, no-shows, overruns, urgent visits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dispatch.sameday.state import progress_of
from tests.api.conftest import DAY, WHOLE_DAY, Region, login, region_today

KETAMINE = ("rn", "iv", "ketamine")


def published_day(base_url, admin, db, day=DAY, shift=("08:00", "16:00")) -> dict:
    """Three nurses (Cy without ketamine) and eight hydration visits, solved and published."""
    region = Region(base_url, admin, db)
    nurses = {
        name: region.nurse(name, lat=lat, lon=lon, certifications=certs, shift=shift, day=day)
        for name, lat, lon, certs in (
            ("Ana", 39.74, -104.99, KETAMINE),
            ("Bea", 39.70, -104.90, KETAMINE),
            ("Cy", 39.76, -104.95, ("rn", "iv")),
        )
    }
    for i in range(8):
        region.visit(
            region.patient(f"P{i}", lat=39.70 + 0.008 * i, lon=-104.98 + 0.01 * (i % 3))["id"], window=("09:00", "15:30"), day=day
        )
    roster = region.solved_roster(day)
    published = region.publish(roster)
    assert published.status_code == 200, published.text
    return {"region": region, "nurses": nurses, "roster": published.json(), "date": day}


@pytest.fixture
def day(base_url, admin, db) -> dict:
    return published_day(base_url, admin, db)


@pytest.fixture
def today(base_url, admin, db) -> dict:
    """The same on the region's today, on shifts of the whole day: what a nurse reports now is a report of that day."""
    return published_day(base_url, admin, db, region_today(db), WHOLE_DAY)


def stops_of(roster: dict, nurse_id: int) -> list[dict]:
    return next(r["stops"] for r in roster["roster"]["routes"] if r["nurse_id"] == str(nurse_id))


def assignments(roster: dict) -> dict[str, str]:
    return {s["visit_id"]: r["nurse_id"] for r in roster["roster"]["routes"] for s in r["stops"]}


def draft_of(region: Region, job: dict) -> dict:
    job = region.wait(job)
    assert job["state"] == "succeeded", job
    return region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()


def set_status(region: Region, visit_id: str, *statuses: str) -> None:
    for status in statuses:
        current = region.dispatcher.get(f"/v1/visits/{visit_id}").json()
        answer = region.dispatcher.patch(
            f"/v1/visits/{visit_id}", json={"status": status}, headers={"If-Match": f'"{current["version"]}"'}
        )
        assert answer.status_code == 200, answer.text


def test_a_sick_call_gives_her_visits_to_others_and_publishing_records_what_changed_and_why(day, admin, base_url, db):
    region, ana = day["region"], day["nurses"]["Ana"]
    hers = [s["visit_id"] for s in stops_of(day["roster"], ana["id"])]
    assert hers, "the solve gave Ana nothing; the test needs her to have visits"
    answer = region.dispatcher.post(
        f"/v1/nurses/{ana['id']}/sick-calls", json={"date": str(DAY), "at": "07:15", "time_limit_s": 2}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["event"]["kind"] == "sick_call"
    draft = draft_of(region, answer.json()["job"])
    assert draft["reason"] == "sick call: Ana"
    assert draft["based_on"] == day["roster"]["id"]
    assert stops_of(draft, ana["id"]) == []
    served = assignments(draft)
    reasons = {u["visit_id"]: u["reason"] for u in draft["roster"]["unassigned"]}
    for visit_id in hers:
        assert served.get(visit_id) not in (None, str(ana["id"])) or "off duty" in reasons[visit_id]
    kept = {v: n for v, n in assignments(day["roster"]).items() if n != str(ana["id"])}
    assert all(served[v] == n for v, n in kept.items()), "the others keep their own visits"

    comparison = region.dispatcher.get(f"/v1/rosters/{draft['id']}/compare").json()
    assert next(n for n in comparison["nurses"] if n["nurse_id"] == ana["id"])["removed"] == [int(v) for v in hers]

    published = region.publish(draft)
    assert published.status_code == 200, published.text
    recorded = published.json()["changes"]
    assert next(n for n in recorded["nurses"] if n["nurse_id"] == ana["id"])["removed"] == [int(v) for v in hers]
    ana_phone = region.nurse_account(ana["id"])
    assert ana_phone.get("/v1/me/itinerary", params={"date": str(DAY)}).json()["stops"] == []
    entry = admin.get("/v1/audit", params={"resource": f"roster/{draft['id']}"}).json()
    publish = next(e for e in entry if e["action"] == "publish")
    assert publish["username"] == region.dispatcher_name
    assert publish["detail"]["reason"] == "sick call: Ana"
    assert ana["id"] in publish["detail"]["nurses_changed"]


def test_visits_done_or_under_way_stay_as_they_are(day):
    region, roster = day["region"], day["roster"]
    working = [r for r in roster["roster"]["routes"] if len(r["stops"]) >= 2]
    first, second = working[0]["stops"][0], working[-1]["stops"][0]
    set_status(region, first["visit_id"], "in_progress", "done")
    set_status(region, second["visit_id"], "in_progress")
    job = region.dispatcher.post(
        f"/v1/regions/{region.id}/rosters/{DAY}/replan", json={"as_of": "10:40", "time_limit_s": 2, "reason": "check"}
    ).json()
    draft = draft_of(region, job)
    assert draft["reason"] == "check"
    for stop, route in ((first, working[0]), (second, working[-1])):
        kept = stops_of(draft, route["nurse_id"])[0]
        assert (kept["visit_id"], kept["start"][:16], kept["end"][:16], kept.get("committed")) == (
            stop["visit_id"],
            stop["start"][:16],
            stop["end"][:16],
            True,
        )
    refused = region.dispatcher.post(
        f"/v1/rosters/{draft['id']}/moves",
        json={"visit_id": int(first["visit_id"]), "nurse_id": None},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    assert refused.status_code == 409 and "done or under way" in refused.json()["detail"]
    assert region.publish(draft).status_code == 200  # done and in-progress visits may be published again


def test_a_move_on_a_re_planned_draft_is_timed_from_her_now(day):
    region = day["region"]
    job = region.dispatcher.post(
        f"/v1/regions/{region.id}/rosters/{DAY}/replan", json={"as_of": "12:00", "time_limit_s": 1}
    ).json()
    draft = draft_of(region, job)
    later = [(r["nurse_id"], s) for r in draft["roster"]["routes"] for s in r["stops"] if not s.get("committed")]
    assert later
    nurse_id, stop = later[-1]
    moved = region.dispatcher.post(
        f"/v1/rosters/{draft['id']}/moves",
        json={"visit_id": int(stop["visit_id"]), "nurse_id": int(nurse_id)},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    assert moved.status_code == 200, moved.text
    assert all(
        s["start"] >= f"{DAY}T12:00" for r in moved.json()["roster"]["routes"] for s in r["stops"] if not s.get("committed")
    )


def test_visits_due_before_the_re_plan_that_nobody_reported_on_are_presumed_done_as_planned(day):
    region, roster = day["region"], day["roster"]
    job = region.dispatcher.post(
        f"/v1/regions/{region.id}/rosters/{DAY}/replan", json={"as_of": "11:00", "time_limit_s": 1}
    ).json()
    draft = draft_of(region, job)
    before = {s["visit_id"]: s for r in roster["roster"]["routes"] for s in r["stops"] if s["start"] <= f"{DAY}T11:00"}
    after = {s["visit_id"]: s for r in draft["roster"]["routes"] for s in r["stops"]}
    assert before, "nothing was due before 11:00; the test needs some"
    for visit_id, planned in before.items():
        assert after[visit_id]["committed"] is True
        # to the minute: the re-planning document speaks in HH:MM
        assert (after[visit_id]["start"][:16], after[visit_id]["end"][:16]) == (planned["start"][:16], planned["end"][:16])
    assert all(s["start"] >= f"{DAY}T11:00" for s in after.values() if not s.get("committed"))


def test_a_nurse_running_late_keeps_that_visit_and_arrives_as_late_as_she_said(today):
    region, roster = today["region"], today["roster"]
    route = max(roster["roster"]["routes"], key=lambda r: len(r["stops"]))
    first = route["stops"][0]
    phone = region.nurse_account(int(route["nurse_id"]))
    assert (
        phone.post(f"/v1/me/visits/{first['visit_id']}/reports", json={"kind": "running_late", "minutes_late": 20}).status_code
        == 201
    )
    as_of = (datetime.fromisoformat(first["arrival"]) + timedelta(minutes=5)).strftime("%H:%M")
    replan = f"/v1/regions/{region.id}/rosters/{today['date']}/replan"
    job = region.dispatcher.post(replan, json={"as_of": as_of, "time_limit_s": 1}).json()
    kept = stops_of(draft_of(region, job), route["nurse_id"])[0]
    late_arrival = (datetime.fromisoformat(first["arrival"]) + timedelta(minutes=20)).replace(second=0)
    assert kept["visit_id"] == first["visit_id"] and kept["committed"] is True
    assert datetime.fromisoformat(kept["arrival"]) == late_arrival


def test_a_cancellation_frees_the_slot_and_the_visit_leaves_the_roster(day, db):
    region, roster = day["region"], day["roster"]
    route = next(r for r in roster["roster"]["routes"] if r["stops"])
    visit_id = route["stops"][0]["visit_id"]
    answer = region.dispatcher.post(
        f"/v1/visits/{visit_id}/cancellation", json={"at": "08:30", "note": "feels better", "time_limit_s": 1}
    )
    assert answer.status_code == 201, answer.text
    assert region.dispatcher.get(f"/v1/visits/{visit_id}").json()["status"] == "cancelled"
    draft = draft_of(region, answer.json()["job"])
    assert visit_id not in assignments(draft)
    assert visit_id not in {u["visit_id"] for u in draft["roster"]["unassigned"]}
    comparison = region.dispatcher.get(f"/v1/rosters/{draft['id']}/compare").json()
    assert int(visit_id) in comparison["newly_unassigned"]
    assert region.publish(draft).status_code == 200

    again = region.dispatcher.post(f"/v1/visits/{visit_id}/cancellation", json={})
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]
    events = region.dispatcher.get(f"/v1/regions/{region.id}/days/{DAY}/events").json()
    assert [(e["kind"], e["visit_id"], e["note"]) for e in events] == [("cancellation", int(visit_id), "feels better")]


def test_an_overrun_pushes_the_rest_of_her_day(day):
    region, roster = day["region"], day["roster"]
    route = max(roster["roster"]["routes"], key=lambda r: len(r["stops"]))
    first = route["stops"][0]
    answer = region.dispatcher.post(
        f"/v1/visits/{first['visit_id']}/overrun", json={"minutes": 45, "at": first["start"][11:16], "time_limit_s": 1}
    )
    assert answer.status_code == 201, answer.text
    assert region.dispatcher.get(f"/v1/visits/{first['visit_id']}").json()["status"] == "in_progress"
    draft = draft_of(region, answer.json()["job"])
    kept = stops_of(draft, route["nurse_id"])
    expected_end = (datetime.fromisoformat(first["end"]) + timedelta(minutes=45)).replace(second=0)  # HH:MM in the document
    assert kept[0]["visit_id"] == first["visit_id"] and datetime.fromisoformat(kept[0]["end"]) == expected_end
    assert all(datetime.fromisoformat(s["arrival"]) >= expected_end for s in kept[1:])


def test_after_a_no_show_she_goes_on_from_the_patients_door(day):
    region, roster = day["region"], day["roster"]
    nurse_id, stop = next(
        (r["nurse_id"], s)
        for r in sorted(roster["roster"]["routes"], key=lambda r: -len(r["stops"]))
        for s in r["stops"]
        if s["start"] >= f"{DAY}T10:00"
    )
    at = (datetime.fromisoformat(stop["arrival"]) + timedelta(minutes=10)).strftime("%H:%M")
    answer = region.dispatcher.post(f"/v1/visits/{stop['visit_id']}/no-show", json={"at": at, "time_limit_s": 1})
    assert answer.status_code == 201, answer.text
    draft = draft_of(region, answer.json()["job"])
    assert stop["visit_id"] not in assignments(draft)
    assert all(s["arrival"] >= f"{DAY}T{at}" for s in stops_of(draft, nurse_id) if not s.get("committed"))
    assert region.publish(draft).status_code == 200


def test_an_urgent_visit_gets_ranked_slots_and_taking_one_publishes_it(day, base_url):
    region, nurses = day["region"], day["nurses"]
    patient = region.patient("Migraine now", lat=39.73, lon=-104.96)
    urgent = region.visit(patient["id"], window=("11:00", "14:00"), service="ketamine", priority=10)
    answer = region.dispatcher.get(f"/v1/visits/{urgent['id']}/slots", params={"as_of": "10:40", "limit": 5})
    assert answer.status_code == 200, answer.text
    slots = answer.json()["slots"]
    assert slots and [s["rank"] for s in slots] == list(range(1, len(slots) + 1))
    plain = [s for s in slots if not s["bumped"]]
    assert [s["cost"] for s in plain] == sorted(s["cost"] for s in plain)
    assert {s["nurse_id"] for s in slots} <= {nurses["Ana"]["id"], nurses["Bea"]["id"]}  # Cy lacks ketamine
    for slot in slots:
        assert f"{DAY}T11:00" <= slot["start"][:16] <= f"{DAY}T14:00"
    best = slots[0]
    taken = region.dispatcher.post(
        f"/v1/visits/{urgent['id']}/slots/take",
        json={
            "nurse_id": best["nurse_id"],
            "position": best["position"],
            "bumped": [b["visit_id"] for b in best["bumped"]],
            "as_of": "10:40",
            "publish": True,
        },
    )
    assert taken.status_code == 201, taken.text
    roster = taken.json()
    assert roster["status"] == "published" and roster["reason"].startswith("urgent visit for Migraine now: ")
    placed = next(s for s in stops_of(roster, best["nurse_id"]) if s["visit_id"] == str(urgent["id"]))
    assert placed["start"] == best["start"]
    phone = region.nurse_account(int(best["nurse_id"]))
    itinerary = phone.get("/v1/me/itinerary", params={"date": str(DAY)}).json()
    assert urgent["id"] in [s["visit_id"] for s in itinerary["stops"]]
    events = region.dispatcher.get(f"/v1/regions/{region.id}/days/{DAY}/events").json()
    assert [e["kind"] for e in events] == ["urgent_visit"]


def test_a_visit_presumed_under_way_gets_no_other_slot(day):
    region, roster = day["region"], day["roster"]
    first = min((s for r in roster["roster"]["routes"] for s in r["stops"]), key=lambda s: s["start"])
    as_of = (datetime.fromisoformat(first["start"]) + timedelta(minutes=5)).strftime("%H:%M")
    answer = region.dispatcher.get(f"/v1/visits/{first['visit_id']}/slots", params={"as_of": as_of})
    assert answer.status_code == 409 and "stays as it is" in answer.json()["detail"]


def test_a_slot_no_longer_free_is_refused_and_changes_nothing(day):
    region = day["region"]
    urgent = region.visit(region.patient("Late caller", lat=39.72)["id"], window=("11:00", "14:00"), service="ketamine")
    before = region.dispatcher.get(f"/v1/regions/{region.id}/rosters/{DAY}").json()
    answer = region.dispatcher.post(
        f"/v1/visits/{urgent['id']}/slots/take", json={"nurse_id": day["nurses"]["Cy"]["id"], "position": 0, "as_of": "10:40"}
    )
    assert answer.status_code == 409 and answer.json()["field"] == "position"
    assert region.dispatcher.get(f"/v1/regions/{region.id}/rosters/{DAY}").json() == before


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/v1/visits/{visit}/overrun", {"minutes": 0}, 422, "minutes"),
        ("/v1/nurses/{nurse}/sick-calls", {"date": "2026-12-02"}, 409, "date"),
        ("/v1/nurses/{nurse}/sick-calls", {"date": str(DAY), "at": "25:00"}, 422, "at"),
        ("/v1/visits/{visit}/cancellation", {"at": "noon"}, 422, "at"),
    ],
)
def test_bad_event_input_names_the_field_and_records_nothing(day, db, path, body, status, field):
    region = day["region"]
    visit = next(iter(assignments(day["roster"])))
    answer = region.dispatcher.post(path.format(visit=visit, nurse=day["nurses"]["Ana"]["id"]), json=body)
    assert answer.status_code == status, answer.text
    assert field in answer.text
    assert db.execute("SELECT count(*) AS n FROM day_events WHERE region_id = %s", [region.id]).fetchone()["n"] == 0
    assert region.dispatcher.get(f"/v1/visits/{visit}").json()["status"] == "scheduled"


def test_re_planning_a_day_with_nothing_published_is_refused(base_url, admin, db):
    region = Region(base_url, admin, db)
    region.nurse()
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/rosters/{DAY}/replan", json={"as_of": "10:00"})
    assert answer.status_code == 409 and "nothing is published" in answer.json()["detail"]
    assert db.execute("SELECT count(*) AS n FROM solve_jobs WHERE region_id = %s", [region.id]).fetchone()["n"] == 0


def test_another_regions_dispatcher_cannot_touch_the_day(day, base_url, admin, db):
    other = Region(base_url, admin, db)
    visit = next(iter(assignments(day["roster"])))
    assert other.dispatcher.post(f"/v1/visits/{visit}/cancellation", json={}).status_code == 404
    assert login(base_url, day["region"].dispatcher_name).get(f"/v1/visits/{visit}").json()["status"] == "scheduled"


# ---------------------------------------------------------------- what nurses reported, as a re-plan reads it


def _at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hhmm}:00-07:00")


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


STOP = {"nurse_id": 7, "arrival": _at("09:50"), "starts": _at("10:00"), "ends": _at("11:00")}


def test_a_done_visit_keeps_the_times_she_reported():
    reports = {"started": {"reported_at": _at("10:10")}, "done": {"reported_at": _at("11:25")}}
    progress = progress_of({"status": "done", "duration_min": 60}, STOP, reports, 0, _hhmm)
    assert progress == {"status": "done", "nurse": "7", "start": "10:10", "end": "11:25"}


def test_a_visit_she_only_marked_done_ends_when_she_said_and_lasted_its_duration():
    progress = progress_of({"status": "done", "duration_min": 60}, STOP, {"done": {"reported_at": _at("10:45")}}, 0, _hhmm)
    assert progress == {"status": "done", "nurse": "7", "start": "09:45", "end": "10:45"}


def test_a_visit_in_progress_running_late_and_long_ends_later():
    reports = {"running_late": {"minutes_late": 20}}
    progress = progress_of({"status": "in_progress", "duration_min": 60}, STOP, reports, 15, _hhmm)
    assert progress == {"status": "in_progress", "nurse": "7", "start": "10:20", "end": "11:35"}


def test_the_stop_she_drives_to_late_arrives_later():
    progress = progress_of({"status": "en_route", "duration_min": 60}, STOP, {"running_late": {"minutes_late": 25}}, 0, _hhmm)
    assert progress == {"status": "en_route", "nurse": "7", "arrival": "10:15"}
