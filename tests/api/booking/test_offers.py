"""Booking through the real API: offers over the coming days, holds the database decides, taking a promised visit."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest

from dispatch.records.users import add_user
from tests.api.conftest import PASSWORD, login, region_today, unique


def _ahead(db, days: int) -> date:
    """A day `days` after the region's today: offers look forward only."""
    return region_today(db) + timedelta(days=days)


def _offers(region, patient_id: int, day: date, **params) -> dict:
    answer = region.dispatcher.get(
        f"/v1/patients/{patient_id}/offers", params={"service": "hydration", "from": str(day), "days": 1} | params
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm[:5].split(":")
    return int(hours) * 60 + int(minutes)


def test_offers_name_a_day_a_window_around_the_likely_start_the_nurse_and_the_driving(region, db):
    day = _ahead(db, 3)
    ana = region.nurse("Ana", lat=39.74, lon=-104.99, shift=("08:00", "16:00"), day=day)
    patient = region.patient("Jordan", lat=39.75, lon=-104.98)
    answer = _offers(region, patient["id"], day, days=2)
    assert answer["ranking"].startswith("the patient's preferred days")
    assert 1 <= len(answer["offers"]) <= 5
    first = answer["offers"][0]
    assert first["date"] == str(day) and first["nurse_id"] == ana["id"] and first["status"] == "offered"
    start, end = _minutes(first["window"]["start"]), _minutes(first["window"]["end"])
    assert end - start == 120 and start <= _minutes(first["likely_start"]) <= end
    assert first["added_travel_min"] > 0  # from her home and back
    # The next day she does not work: said, not silently empty.
    assert answer["days_without"] == [{"date": str(day + timedelta(days=1)), "reason": "no nurse works that day"}]


def test_preferred_times_come_first_and_acute_ranks_the_earliest_first(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", shift=("08:00", "16:00"), day=day)
    patient = region.patient()
    preferred = _offers(region, patient["id"], day, after="13:00", before="16:00")["offers"]
    assert preferred[0]["preferred"] is True and _minutes(preferred[0]["likely_start"]) >= 13 * 60
    acute = _offers(region, patient["id"], day, urgency="acute")
    assert acute["ranking"].startswith("earliest first")
    starts = [_minutes(o["likely_start"]) for o in acute["offers"]]
    assert starts == sorted(starts) and starts[0] <= 8 * 60 + 30


def test_a_patient_not_cleared_gets_no_offer_and_the_reason(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", shift=("08:00", "16:00"), day=day)
    patient = region.patient(cleared=False)
    answer = _offers(region, patient["id"], day, service="ketamine")
    assert answer["offers"] == []
    assert "not cleared for ketamine" in answer["days_without"][0]["reason"]


def test_an_unknown_service_is_refused_naming_the_field(region, db):
    patient = region.patient()
    answer = region.dispatcher.get(f"/v1/patients/{patient['id']}/offers", params={"service": "nope"})
    assert answer.status_code == 422 and answer.json()["field"] == "service"


def test_holding_then_taking_books_a_promised_visit_in_the_offered_window(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", shift=("08:00", "16:00"), day=day)
    patient = region.patient()
    offer = _offers(region, patient["id"], day)["offers"][0]
    held = region.dispatcher.post(f"/v1/offers/{offer['id']}/hold")
    assert held.status_code == 200, held.text
    assert held.json()["status"] == "held" and held.json()["held_until"]
    taken = region.dispatcher.post(f"/v1/offers/{offer['id']}/take")
    assert taken.status_code == 201, taken.text
    visit = taken.json()
    assert visit["promised"] is True and visit["date"] == str(day)
    assert (
        visit["window"]["start"][:5] == offer["window"]["start"][:5] and visit["window"]["end"][:5] == offer["window"]["end"][:5]
    )
    listed = region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(day)}).json()
    assert [v["id"] for v in listed] == [visit["id"]]
    again = region.dispatcher.post(f"/v1/offers/{offer['id']}/take")
    assert again.status_code == 409 and "taken already" in again.json()["detail"]


def test_a_held_offer_takes_its_time_from_later_offers_and_a_stale_offer_is_refused_with_the_reason(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", lat=39.75, lon=-104.98, shift=("08:00", "09:00"), day=day)  # room for one hour's visit
    first, second = region.patient("First", lat=39.75, lon=-104.98), region.patient("Second", lat=39.75, lon=-104.98)
    offer_a = _offers(region, first["id"], day)["offers"][0]
    offer_b = _offers(region, second["id"], day)["offers"][0]  # the same hour, seen before anyone held it
    assert region.dispatcher.post(f"/v1/offers/{offer_a['id']}/hold").status_code == 200
    refused = region.dispatcher.post(f"/v1/offers/{offer_b['id']}/hold")
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Ana can no longer come on") and "ask for offers again" in refused.json()["detail"]
    later = _offers(region, second["id"], day)
    assert later["offers"] == [] and "fully booked" in later["days_without"][0]["reason"]


def test_the_days_solve_serves_a_taken_offer_inside_its_window(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", shift=("08:00", "16:00"), day=day)
    for i in range(3):
        region.visit(region.patient(f"Booked {i}", lat=39.70 + 0.02 * i)["id"], window=("08:00", "16:00"), day=day)
    patient = region.patient("Promised", lat=39.78, lon=-104.95)
    offer = _offers(region, patient["id"], day, after="13:00", before="16:00")["offers"][0]
    visit = region.dispatcher.post(f"/v1/offers/{offer['id']}/take").json()
    roster = region.solved_roster(day)
    stops = {s["visit_id"]: s for r in roster["roster"]["routes"] for s in r["stops"]}
    assert str(visit["id"]) in stops, roster["roster"]["unassigned"]
    starts = stops[str(visit["id"])]["start"][11:16]
    assert offer["window"]["start"][:5] <= starts <= offer["window"]["end"][:5]


def test_fifty_callers_racing_for_the_last_morning_get_exactly_its_capacity(region, db, base_url):
    """Four hours of one nurse, hour-long visits next door: four bookings fit. Each caller asks for offers and holds
    the first, asking again after a 409, until none is left; exactly four win, nobody gets a 5xx."""
    day = _ahead(db, 4)
    region.nurse("Ana", lat=39.75, lon=-104.98, shift=("08:00", "12:00"), day=day)
    patients = [region.patient(f"Caller {i}", lat=39.75, lon=-104.98) for i in range(50)]
    statuses: Counter[int] = Counter()
    won: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def call(patient: dict) -> None:
        client = httpx.Client(base_url=base_url, headers=region.dispatcher.headers, timeout=120)
        start.wait()
        for _ in range(10):
            offers = client.get(
                f"/v1/patients/{patient['id']}/offers", params={"service": "hydration", "from": str(day), "days": 1}
            )
            with lock:
                statuses[offers.status_code] += 1
                if offers.status_code >= 500:
                    print("FAIL", offers.text)
            if offers.status_code != 200 or not offers.json()["offers"]:
                return
            held = client.post(f"/v1/offers/{offers.json()['offers'][0]['id']}/hold")
            with lock:
                statuses[held.status_code] += 1
            if held.status_code == 200:
                taken = client.post(f"/v1/offers/{held.json()['id']}/take")
                with lock:
                    statuses[taken.status_code] += 1
                    if taken.status_code == 201:
                        won.append(taken.json())
                return

    threads = [threading.Thread(target=call, args=(p,)) for p in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [s for s in statuses if s >= 500], statuses
    assert len(won) == 4, (len(won), statuses)
    assert statuses[409] > 0
    booked = db.execute(
        "SELECT lower(s.reserved) AS starts, upper(s.reserved) AS ends FROM offer_sessions s"
        " JOIN booking_offers o ON o.id = s.offer_id WHERE o.region_id = %s AND s.reserving ORDER BY 1",
        [region.id],
    ).fetchall()
    assert len(booked) == 4 and all(a["ends"] <= b["starts"] for a, b in zip(booked, booked[1:]))  # no double booking
    visits = region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(day)}).json()
    assert sorted(v["id"] for v in visits) == sorted(v["id"] for v in won) and all(v["promised"] for v in visits)


def _next_monday(db, at_least: int) -> date:
    day = _ahead(db, at_least)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def test_one_offer_books_a_whole_course_with_one_nurse_in_one_window_within_its_gaps(region, db):
    monday = _next_monday(db, 2)
    ana = region.nurse("Ana", shift=None)
    week = {"mon": {"start": "08:00", "end": "16:00"}, "thu": {"start": "08:00", "end": "16:00"}}
    assert region.dispatcher.put(f"/v1/nurses/{ana['id']}/contract", json={"template": week}).status_code == 200
    patient = region.patient("Lou")
    course = region.dispatcher.post(
        "/v1/courses",
        json={
            "patient_id": patient["id"],
            "service": "hydration",
            "sessions": 3,
            "min_gap_days": 3,
            "max_gap_days": 4,
            "weekdays": ["mon", "thu"],
            "window": {"start": "09:00", "end": "15:00"},
            "start_on": str(monday),
        },
    ).json()
    answer = region.dispatcher.get(
        f"/v1/patients/{patient['id']}/offers", params={"course": course["id"], "from": str(monday), "days": 7}
    )
    assert answer.status_code == 200, answer.text
    offer = answer.json()["offers"][0]
    sessions = offer["sessions"]
    assert [s["date"] for s in sessions] == [str(monday + timedelta(days=d)) for d in (0, 3, 7)]  # Mon, Thu, Mon
    assert {s["nurse_id"] for s in sessions} == {ana["id"]} and len(
        {(s["window"]["start"], s["window"]["end"]) for s in sessions}
    ) == 1
    assert "09:00" <= sessions[0]["likely_start"] and offer["course_id"] == course["id"]
    taken = region.dispatcher.post(f"/v1/offers/{offer['id']}/take")
    assert taken.status_code == 201, taken.text
    page = region.dispatcher.get(f"/v1/courses/{course['id']}").json()
    assert [s["date"] for s in page["session_list"]] == [s["date"] for s in sessions]
    for s in page["session_list"]:
        visit = region.dispatcher.get(f"/v1/visits/{s['visit_id']}").json()
        assert visit["promised"] and visit["window"]["start"][:5] == sessions[0]["window"]["start"][:5]
    # Nothing left to date: a second course offer is refused with the reason.
    again = region.dispatcher.get(f"/v1/patients/{patient['id']}/offers", params={"course": course["id"], "from": str(monday)})
    assert again.status_code == 409 and "has a day already" in again.json()["detail"]


def test_a_hold_that_ran_out_stops_reserving_and_its_offer_is_refused_once_another_caller_has_the_time(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", lat=39.75, lon=-104.98, shift=("08:00", "09:00"), day=day)  # room for one hour's visit
    first, second = region.patient("First", lat=39.75, lon=-104.98), region.patient("Second", lat=39.75, lon=-104.98)
    offer_a = _offers(region, first["id"], day)["offers"][0]
    assert region.dispatcher.post(f"/v1/offers/{offer_a['id']}/hold").status_code == 200
    assert _offers(region, second["id"], day)["offers"] == []
    # The caller's minutes pass (NURSE_DISPATCH_BOOKING_HOLD_MINUTES): her hold runs out.
    db.execute("UPDATE booking_offers SET held_until = now() - interval '1 second' WHERE id = %s", [offer_a["id"]])
    offer_b = _offers(region, second["id"], day)["offers"][0]
    assert region.dispatcher.post(f"/v1/offers/{offer_b['id']}/hold").status_code == 200
    late = region.dispatcher.post(f"/v1/offers/{offer_a['id']}/take")
    assert late.status_code == 409 and "Ana can no longer come" in late.json()["detail"]
    assert db.execute("SELECT status FROM booking_offers WHERE id = %s", [offer_a["id"]]).fetchone()["status"] == "expired"
    assert (
        region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(day)}).json() == []
    )  # nothing half-written


def test_a_nurse_at_her_weekly_cap_is_not_offered(region, db):
    monday = _next_monday(db, 2)
    ana = region.nurse("Ana", shift=None)
    week = {"mon": {"start": "08:00", "end": "16:00"}, "tue": {"start": "08:00", "end": "16:00"}}
    contract = {"template": week, "max_week_min": 150}
    assert region.dispatcher.put(f"/v1/nurses/{ana['id']}/contract", json=contract).status_code == 200
    patient = region.patient("Lou")
    tuesday = monday + timedelta(days=1)
    assert _offers(region, patient["id"], tuesday)["offers"]  # 150 min of her week are free
    for name in ("Mon 1", "Mon 2"):
        region.visit(region.patient(name, lat=39.80)["id"], window=("08:00", "16:00"), day=monday)
    roster = region.solved_roster(monday)
    assert sum(len(r["stops"]) for r in roster["roster"]["routes"]) == 2  # over two hours of Monday: little room left
    later = _offers(region, patient["id"], tuesday)
    assert later["offers"] == [] and "weekly cap" in later["days_without"][0]["reason"]


def test_an_offer_for_today_starts_an_hour_from_now_at_the_soonest(region, db):
    today = region_today(db)
    region.nurse("Ana", shift=("00:00", "23:59"), day=today)
    patient = region.patient()
    local = db.execute(
        "SELECT to_char(now() AT TIME ZONE 'America/Denver' + interval '1 hour', 'HH24:MI') AS t,"
        " (now() AT TIME ZONE 'America/Denver')::time >= '21:30' AS late"
    ).fetchone()
    now = local["t"]
    answer = _offers(region, patient["id"], today, urgency="acute")
    if local["late"]:
        pytest.skip("the region's day is nearly over: an hour from now may be tomorrow")
    assert answer["offers"] and all(o["likely_start"] >= now for o in answer["offers"])


def test_an_offer_whose_time_has_passed_is_refused(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", shift=("08:00", "16:00"), day=day)
    offer = _offers(region, region.patient()["id"], day)["offers"][0]
    # The patient calls back too late: the offer's day has gone by (stored as yesterday).
    db.execute("UPDATE offer_sessions SET day = %s WHERE offer_id = %s", [region_today(db) - timedelta(days=1), offer["id"]])
    refused = region.dispatcher.post(f"/v1/offers/{offer['id']}/take")
    assert refused.status_code == 409 and "which has passed" in refused.json()["detail"]


def test_an_acute_attack_is_offered_today_first(region, db):
    today = region_today(db)
    late = db.execute("SELECT (now() AT TIME ZONE 'America/Denver')::time >= '21:30' AS late").fetchone()["late"]
    if late:
        pytest.skip("the region's day is nearly over: an hour from now may be tomorrow")
    for day in (today, today + timedelta(days=1)):
        region.nurse(f"Ana {day}", shift=("00:00", "23:59"), day=day)
    answer = region.dispatcher.get(
        f"/v1/patients/{region.patient()['id']}/offers", params={"service": "hydration", "urgency": "acute", "days": 2}
    ).json()
    assert answer["offers"][0]["date"] == str(today)


def test_an_offer_held_by_one_dispatcher_is_not_taken_by_another_meanwhile(region, db, base_url):
    day = _ahead(db, 3)
    region.nurse("Ana", shift=("08:00", "16:00"), day=day)
    offer = _offers(region, region.patient()["id"], day)["offers"][0]
    assert region.dispatcher.post(f"/v1/offers/{offer['id']}/hold").json()["held_by"] == region.dispatcher_name
    colleague = unique("desk")
    add_user(db, colleague, PASSWORD, "dispatcher", [region.id])
    refused = login(base_url, colleague).post(f"/v1/offers/{offer['id']}/take")
    assert refused.status_code == 409 and f"held by {region.dispatcher_name}" in refused.json()["detail"]
    assert region.dispatcher.post(f"/v1/offers/{offer['id']}/take").status_code == 201


def test_offers_nobody_held_or_took_are_forgotten_after_a_day_and_then_refused_as_unknown(region, db):
    day = _ahead(db, 3)
    region.nurse("Ana", lat=39.75, lon=-104.98, shift=("08:00", "16:00"), day=day)
    patient = region.patient("Jordan", lat=39.75, lon=-104.98)
    unheld = _offers(region, patient["id"], day)["offers"]
    held = _offers(region, patient["id"], day)["offers"][0]
    assert region.dispatcher.post(f"/v1/offers/{held['id']}/hold").status_code == 200
    ids = [offer["id"] for offer in unheld] + [held["id"]]
    db.execute("UPDATE booking_offers SET created_at = now() - interval '25 hours' WHERE id = ANY(%s)", [ids])
    fresh = _offers(region, patient["id"], day)["offers"]  # asking again forgets the stale ones
    left = {r["id"] for r in db.execute("SELECT id FROM booking_offers WHERE id = ANY(%s)", [ids])}
    assert left == {held["id"]}  # the held one stays (its holder is deciding)
    assert db.execute("SELECT count(*) AS n FROM offer_sessions WHERE offer_id = ANY(%s)", [ids]).fetchone()["n"] == 1
    assert region.dispatcher.post(f"/v1/offers/{unheld[0]['id']}/take").status_code == 404
    assert all(offer["id"] not in ids for offer in fresh)


def test_a_taken_offer_stops_reserving_its_nurse_once_the_roster_gives_the_visit_to_another(region, db):
    day = _ahead(db, 3)
    ana = region.nurse("Ana", lat=39.75, lon=-104.98, shift=("08:00", "09:00"), day=day)  # room for one hour's visit
    bea = region.nurse("Bea", lat=39.75, lon=-104.96, shift=("08:00", "16:00"), day=day)
    first, second = region.patient("First", lat=39.75, lon=-104.98), region.patient("Second", lat=39.75, lon=-104.98)
    offer = next(o for o in _offers(region, first["id"], day, before="09:00")["offers"] if o["nurse_id"] == ana["id"])
    visit = region.dispatcher.post(f"/v1/offers/{offer['id']}/take").json()
    roster = region.solved_roster(day)
    nurse_of = {s["visit_id"]: r["nurse_id"] for r in roster["roster"]["routes"] for s in r["stops"]}
    if nurse_of[str(visit["id"])] != str(bea["id"]):
        moved = region.dispatcher.post(
            f"/v1/rosters/{roster['id']}/moves",
            json={"visit_id": visit["id"], "nurse_id": bea["id"]},
            headers={"If-Match": f'"{roster["revision"]}"'},
        )
        assert moved.status_code == 200, moved.text
    # Bea keeps First's promise now; Ana's hour is free again for the next caller.
    later = _offers(region, second["id"], day, before="09:00")["offers"]
    assert any(o["nurse_id"] == ana["id"] for o in later), later
    held = region.dispatcher.post(f"/v1/offers/{next(o for o in later if o['nurse_id'] == ana['id'])['id']}/hold")
    assert held.status_code == 200, held.text
