"""Treatment courses, nurse contracts and the week plan through the real API, on a real worker."""

from __future__ import annotations

import pickle
import time
from dataclasses import replace
from datetime import date, timedelta

import psycopg
import pytest
from alembic import command
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from dispatch.jobs.plans import _day_problem, _plan_week_problem
from dispatch.platform.db.migrate import alembic_config
from dispatch.platform.db.pool import open_pool
from dispatch.records.regions import today_in
from solver.week.assign import capped_shifts
from tests.api.conftest import DAY, Region, ahead_of_today, database_at_revision

WEEK = {
    "mon": {"start": "08:00", "end": "16:00"},
    "tue": {"start": "08:00", "end": "16:00"},
    "wed": {"start": "08:00", "end": "16:00"},
    "thu": {"start": "08:00", "end": "16:00"},
    "fri": {"start": "08:00", "end": "16:00"},
}


def _course(region, patient_id: int, **extra) -> dict:
    body = {
        "patient_id": patient_id,
        "service": "ketamine",
        "sessions": 3,
        "min_gap_days": 2,
        "max_gap_days": 3,
        "window": {"start": "09:00", "end": "15:00"},
        "start_on": str(DAY),
    } | extra
    answer = region.dispatcher.post("/v1/courses", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _plan(region, days: int = 7, time_limit_s: float = 6, start: date = DAY) -> dict:
    answer = region.dispatcher.post(
        f"/v1/regions/{region.id}/plans", json={"from": str(start), "days": days, "time_limit_s": time_limit_s}
    )
    assert answer.status_code == 202, answer.text
    return _finished(region, answer.json())


def _finished(region, plan: dict) -> dict:
    """The plan (or re-plan) once it has succeeded or failed."""
    deadline = time.monotonic() + 120
    while plan["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, plan
        time.sleep(0.3)
        plan = region.dispatcher.get(f"/v1/plans/{plan['id']}").json()
    return plan


def _sessions_placed(plan: dict, course: dict) -> dict[int, date]:
    """Session number → the day the plan gives it."""
    return {
        stop["session"]: date.fromisoformat(day["date"])
        for day in plan["rosters"]
        for nurse in day["nurses"]
        for stop in nurse["stops"]
        if stop["course_id"] == course["id"]
    }


ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _nurse_every_day(region, name: str) -> dict:
    nurse = region.nurse(name, shift=None)
    every_day = {d: {"start": "08:00", "end": "16:00"} for d in ALL_WEEK}
    assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": every_day}).status_code == 200
    return nurse


def test_a_course_whose_max_gap_is_below_its_min_gap_is_refused_naming_max_gap_days(region, db):
    patient = region.patient("Robin")
    answer = region.dispatcher.post(
        "/v1/courses",
        json={
            "patient_id": patient["id"],
            "service": "ketamine",
            "sessions": 3,
            "min_gap_days": 5,
            "max_gap_days": 3,
            "window": {"start": "09:00", "end": "12:00"},
        },
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "max_gap_days" and "Robin" in answer.json()["detail"]
    assert db.execute("SELECT count(*) AS n FROM courses WHERE patient_id = %s", [patient["id"]]).fetchone()["n"] == 0


def test_a_plan_with_too_short_a_time_limit_for_its_days_is_refused_before_it_is_queued(region, db):
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/plans", json={"from": str(DAY), "days": 28, "time_limit_s": 10})
    assert answer.status_code == 422
    assert answer.json()["field"] == "time_limit_s" and "at least 14 s" in answer.json()["detail"]
    assert db.execute("SELECT count(*) AS n FROM plans WHERE region_id = %s", [region.id]).fetchone()["n"] == 0


def test_a_template_shift_ending_before_it_starts_is_refused_naming_the_weekday(region):
    nurse = region.nurse("Bea", shift=None)
    answer = region.dispatcher.put(
        f"/v1/nurses/{nurse['id']}/contract", json={"template": {"mon": WEEK["mon"], "wed": {"start": "14:00", "end": "09:00"}}}
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "template.wed.end" and "wed" in answer.json()["detail"] and "Bea" in answer.json()["detail"]
    assert region.dispatcher.get(f"/v1/nurses/{nurse['id']}/contract").json()["template"] == {}


def test_the_template_gives_each_date_its_shift_and_exceptions_override_it(region):
    nurse = region.nurse("Cleo", shift=None)
    answer = region.dispatcher.put(
        f"/v1/nurses/{nurse['id']}/contract",
        json={"template": WEEK, "max_day_min": 540, "max_week_min": 2000, "overtime": {"max_min": 30, "cost_per_min_s": 90}},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["overtime"] == {"max_min": 30, "cost_per_min_s": 90}
    wednesday, thursday = DAY + timedelta(days=1), DAY + timedelta(days=2)
    assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/time-off/{wednesday}", json={"note": "dentist"}).status_code == 200
    assert (
        region.dispatcher.put(f"/v1/nurses/{nurse['id']}/shifts/{thursday}", json={"start": "10:00", "end": "14:00"}).status_code
        == 200
    )
    shifts = region.dispatcher.get(
        f"/v1/nurses/{nurse['id']}/shifts", params={"from": str(DAY), "to": str(DAY + timedelta(days=6))}
    ).json()
    by_date = {s["date"]: (s["start"], s["end"], s["source"]) for s in shifts}
    assert by_date == {
        str(DAY): ("08:00:00", "16:00:00", "template"),
        str(thursday): ("10:00:00", "14:00:00", "exception"),
        str(DAY + timedelta(days=3)): ("08:00:00", "16:00:00", "template"),
        str(DAY + timedelta(days=6)): ("08:00:00", "16:00:00", "template"),  # Monday
    }
    grid = region.dispatcher.get(f"/v1/regions/{region.id}/shift-grid", params={"from": str(DAY), "days": 7}).json()
    (row,) = grid["nurses"]
    assert [c["source"] for c in row["cells"]] == ["template", "time_off", "exception", "template", "off", "off", "template"]
    assert row["minutes"] == 3 * 480 + 240
    # the day's solve reads the template: a visit on the template day is served by her
    visit = region.visit(region.patient("Dale")["id"])
    roster = region.solved_roster(DAY)
    assert [s["visit_id"] for r in roster["roster"]["routes"] for s in r["stops"]] == [str(visit["id"])]
    # the console's view reads her shift by the same rule (it read dated shifts only: a 500 on a template day)
    view = region.dispatcher.get(f"/v1/rosters/{roster['id']}/view")
    assert view.status_code == 200, view.text
    assert view.json()["nurses"][0]["shift_changed"] is None


def test_a_nurse_with_paid_overtime_in_her_contract_is_solved_without_crashing_the_worker(region):
    nurse = region.nurse("Nia", shift=None)
    contract = {"template": WEEK, "overtime": {"max_min": 30, "cost_per_min_s": 90}}
    assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json=contract).status_code == 200
    visit = region.visit(region.patient("Olga")["id"])
    roster = region.solved_roster(DAY)
    assert [s["visit_id"] for r in roster["roster"]["routes"] for s in r["stops"]] == [str(visit["id"])]


def test_a_nurse_with_paid_overtime_is_routed_past_her_shift_end_at_a_price(region):
    nurse = region.nurse("Oona", shift=None)
    contract = {"template": WEEK, "overtime": {"max_min": 60, "cost_per_min_s": 60}}
    assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json=contract).status_code == 200
    # a visit that cannot start before 15:30: she is back after her 16:00 shift end
    visit = region.visit(region.patient("Pia")["id"], window=("15:30", "15:45"))
    roster = region.solved_roster(DAY)
    (route,) = [r for r in roster["roster"]["routes"] if r["stops"]]
    assert [s["visit_id"] for s in route["stops"]] == [str(visit["id"])]
    assert 0 < route["overtime_s"] <= 3600


def test_a_capped_nurses_second_day_takes_the_week_minutes_her_first_days_route_did_not(region, db, database):
    """600 minutes a week over two 8-hour shifts cuts each to 08:00-13:00; the first day's route takes about an
    hour and a half, so the second may run to 16:00 and hold six one-hour visits that its five hours could not."""
    first, second = DAY, DAY + timedelta(days=1)
    template = {d.strftime("%a").lower(): {"start": "08:00", "end": "16:00"} for d in (first, second)}
    nurse = region.nurse("Cara", shift=None)
    answer = region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": template, "max_week_min": 600})
    assert answer.status_code == 200, answer.text
    region.visit(region.patient("Ines")["id"], window=("08:00", "09:30"), day=first)
    later = [
        region.visit(region.patient(f"Jo {k}", lat=39.75 + 0.003 * k)["id"], window=("08:00", "16:00"), day=second)["id"]
        for k in range(6)
    ]
    plan = _plan(region, days=2)
    assert plan["state"] == "succeeded", plan  # the week checker inside held her to 600 minutes
    placed = {s["visit_id"]: d["date"] for d in plan["rosters"] for n in d["nurses"] for s in n["stops"]}
    assert [placed.get(v) for v in later] == [str(second)] * 6

    # On several workers days route at once: each day's problem is built under the plan's lock and counts the
    # days still routing at the shifts they were given, so two days never take the same minutes.
    # The plan is put back as its days found it: none routed, and the shifts as the weekly cap cut them.
    routed_first = db.execute("SELECT roster FROM plan_days WHERE plan_id = %s AND day = %s", [plan["id"], first]).fetchone()
    db.execute("UPDATE plan_days SET roster = NULL, shifts = NULL WHERE plan_id = %s", [plan["id"]])
    with open_pool(database) as pool:
        assigned = pickle.loads(db.execute("SELECT assignment FROM plans WHERE id = %s", [plan["id"]]).fetchone()["assignment"])
        cut = replace(assigned, day_shifts=capped_shifts(_plan_week_problem(pool, plan["id"])))
        db.execute("UPDATE plans SET assignment = %s WHERE id = %s", [pickle.dumps(cut), plan["id"]])
        assert _day_problem(pool, plan["id"], str(first))["nurses"][0]["shift"] == {"start": "08:00", "end": "13:00"}
        stored = db.execute("SELECT shifts FROM plan_days WHERE plan_id = %s AND day = %s", [plan["id"], first]).fetchone()
        assert list(stored["shifts"].values()) == [["08:00", "13:00", 0]]
        assert _day_problem(pool, plan["id"], str(second))["nurses"][0]["shift"] == {"start": "08:00", "end": "13:00"}
        db.execute(
            "UPDATE plan_days SET roster = %s WHERE plan_id = %s AND day = %s", [Jsonb(routed_first["roster"]), plan["id"], first]
        )
        assert _day_problem(pool, plan["id"], str(second))["nurses"][0]["shift"] == {"start": "08:00", "end": "16:00"}


def test_a_course_has_movable_sessions_that_no_days_solve_takes(region):
    region.nurse("Ana")
    patient = region.patient("Evan")
    course = _course(region, patient["id"])
    assert [(s["state"], s["earliest"], s["latest"]) for s in course["session_list"]] == [
        ("to_plan", str(DAY), str(DAY + timedelta(days=1))),
        ("to_plan", str(DAY + timedelta(days=2)), str(DAY + timedelta(days=4))),
        ("to_plan", str(DAY + timedelta(days=4)), str(DAY + timedelta(days=7))),
    ]
    assert region.solved_roster(DAY)["roster"]["routes"][0]["stops"] == []
    listed = region.dispatcher.get(f"/v1/regions/{region.id}/courses").json()
    assert [c["id"] for c in listed] == [course["id"]]


def test_the_week_plan_places_sessions_within_their_gaps_and_publishing_dates_them(region, db):
    nurse = region.nurse("Faye", shift=None)
    assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": WEEK}).status_code == 200
    patient = region.patient("Gus")
    course = _course(region, patient["id"], nurse_id=nurse["id"])
    fixed = region.visit(region.patient("Hana")["id"], day=DAY + timedelta(days=1))
    plan = _plan(region)
    assert plan["state"] == "succeeded", plan
    assert len(plan["rosters"]) == 7 and all(r["status"] == "draft" for r in plan["rosters"])
    placed = {s["visit_id"]: date.fromisoformat(d["date"]) for d in plan["rosters"] for n in d["nurses"] for s in n["stops"]}
    sessions = [s["visit_id"] for s in course["session_list"]]
    assert set(sessions) | {fixed["id"]} <= set(placed)
    assert placed[fixed["id"]] == DAY + timedelta(days=1)
    days = [placed[v] for v in sessions]
    assert all(2 <= (b - a).days <= 3 for a, b in zip(days, days[1:], strict=False))
    assert all(d.isoweekday() <= 5 for d in days)
    page = region.dispatcher.get(f"/v1/courses/{course['id']}").json()
    assert page["planned"] == 3 and {s["nurse_name"] for s in page["session_list"]} == {"Faye"}
    assert (
        db.execute("SELECT count(*) AS n FROM visits WHERE course_id = %s AND day IS NULL", [course["id"]]).fetchone()["n"] == 3
    )

    published = region.dispatcher.post(f"/v1/plans/{plan['id']}/publish")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    rows = db.execute("SELECT id, day, status FROM visits WHERE course_id = %s ORDER BY session_no", [course["id"]]).fetchall()
    assert [(r["day"], r["status"]) for r in rows] == [(d, "scheduled") for d in days]
    page = region.dispatcher.get(f"/v1/courses/{course['id']}").json()
    assert all(s["published"] for s in page["session_list"])
    # the nurse sees her week
    week = region.nurse_account(nurse["id"]).get("/v1/me/week", params={"from": str(DAY), "to": str(DAY + timedelta(days=6))})
    assert week.status_code == 200, week.text
    assert {int(s["visit_id"]) for d in week.json()["days"] for s in d["stops"]} >= set(sessions)
    assert region.dispatcher.post(f"/v1/plans/{plan['id']}/publish").status_code == 409


def test_a_course_stays_with_the_nurse_who_gave_its_first_session_when_its_own_nurse_was_held(region):
    """Ana lives at Gus's and is the planner's choice for his course; on its first day visits pinned to her at 09:00
    and 11:00 across town leave no room for it, so Bea (two minutes away) gives it. The plan's next day is routed
    after it, and the second session follows Bea (a nurse change costs like ten minutes of driving)."""
    ana = region.nurse("Ana", lat=39.75, lon=-104.98, shift=None)
    bea = region.nurse("Bea", lat=39.757, lon=-104.98, shift=None)
    for nurse in (ana, bea):
        assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": WEEK}).status_code == 200
    gus = region.patient("Gus", lat=39.75, lon=-104.98)
    for name, lat, start in (("Hana", 39.80, "09:00"), ("Ivy", 39.70, "11:00")):
        region.visit(region.patient(name, lat=lat, lon=-104.98)["id"], window=(start, start), pinned_nurse_id=ana["id"])
    course = _course(
        region,
        gus["id"],
        service="hydration",
        sessions=2,
        min_gap_days=2,
        max_gap_days=2,
        window={"start": "09:00", "end": "12:00"},
    )
    plan = _plan(region)
    assert plan["state"] == "succeeded", plan
    page = region.dispatcher.get(f"/v1/courses/{course['id']}").json()
    assert [(s["date"], s["nurse_name"]) for s in page["session_list"]] == [
        (str(DAY), "Bea"),
        (str(DAY + timedelta(days=2)), "Bea"),
    ]


def test_the_week_plan_holds_back_sessions_on_days_the_patient_is_not_cleared(region):
    nurse = region.nurse("Ivy", shift=None)
    region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": WEEK})
    patient = region.patient("Jay", cleared=False)
    start = ahead_of_today()
    course = _course(region, patient["id"], start_on=str(start))
    assert course["warnings"] and "not cleared" in course["warnings"][0]
    plan = _plan(region, time_limit_s=4, start=start)
    assert plan["state"] == "succeeded", plan
    reasons = {u["visit_id"]: u["reason"] for u in plan["unassigned"]}
    first, second, third = (str(s["visit_id"]) for s in course["session_list"])
    assert "not cleared for ketamine" in reasons[first]
    assert reasons[second] == f"an earlier session of course {course['id']} ({first}) is not planned"
    page = region.dispatcher.get(f"/v1/courses/{course['id']}").json()
    assert page["session_list"][0]["at_risk"].startswith(f"cannot be planned between {start} and")
    assert "not cleared for ketamine" in page["session_list"][0]["at_risk"]


def test_a_session_no_nurse_can_give_is_at_risk_with_the_reason(region):
    nurse = region.nurse("Kim", certifications=("rn", "iv"), shift=None)  # no ketamine
    region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": WEEK})
    start = ahead_of_today()
    course = _course(region, region.patient("Lou")["id"], last_given=str(start - timedelta(days=2)), start_on=None)
    plan = _plan(region, time_limit_s=4, start=start)
    assert plan["state"] == "succeeded", plan
    risk = region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"][0]["at_risk"]
    assert risk.startswith("cannot be planned within 3 days of the last session: "), risk


def test_a_replan_after_a_sick_day_keeps_what_was_given_and_moves_later_sessions_only_within_their_gaps(region):
    ann = _nurse_every_day(region, "Ann")
    course = _course(region, region.patient("Cy")["id"], nurse_id=ann["id"], weekdays=ALL_WEEK)
    plan = _plan(region, time_limit_s=4)
    assert plan["state"] == "succeeded", plan
    assert region.dispatcher.post(f"/v1/plans/{plan['id']}/publish").status_code == 200
    before = {s["session"]: s for s in region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"]}
    first_day, sick_day = date.fromisoformat(before[1]["date"]), date.fromisoformat(before[2]["date"])
    replan_from = first_day + timedelta(days=1)
    # Ann, the only nurse, is sick on session 2's day: it must move to the other day its gaps allow
    answer = region.dispatcher.post(
        f"/v1/plans/{plan['id']}/replan",
        json={"from": str(replan_from), "sick": {str(ann["id"]): [str(sick_day)]}, "reason": "Ann sick", "time_limit_s": 4},
    )
    assert answer.status_code == 202, answer.text
    replan = answer.json()
    assert replan["kind"] == "replan" and replan["from"] == str(replan_from)
    replan = _finished(region, replan)
    assert replan["state"] == "succeeded", replan
    # what was given stays: the days before `from` are not re-planned
    assert min(d["date"] for d in replan["rosters"]) == str(replan_from)
    placed = _sessions_placed(replan, course)
    assert set(placed) == {2, 3}, (placed, replan["unassigned"])
    assert placed[2] != sick_day
    previous = first_day
    for session in (2, 3):
        assert 2 <= (placed[session] - previous).days <= 3, (session, previous, placed[session])  # within its gaps
        previous = placed[session]
    # publishing the re-plan gives the moved sessions their new days
    published = region.dispatcher.post(f"/v1/plans/{replan['id']}/publish")
    assert published.status_code == 200, published.text
    after = {s["session"]: s for s in region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"]}
    assert [after[k]["date"] for k in (1, 2, 3)] == [str(first_day), str(placed[2]), str(placed[3])]


def test_a_replan_after_a_cancelled_session_succeeds_and_the_course_goes_on_without_it(region):
    """The re-plan of a cancelled session failed in the service: its checker read the horizon without the event, so
    the next session, given without the cancelled one, broke the course rule."""
    ann = _nurse_every_day(region, "Ann")
    course = _course(region, region.patient("Cy")["id"], nurse_id=ann["id"], weekdays=ALL_WEEK, max_gap_days=6)
    plan = _plan(region, time_limit_s=4)
    assert plan["state"] == "succeeded", plan
    assert region.dispatcher.post(f"/v1/plans/{plan['id']}/publish").status_code == 200
    before = {s["session"]: s for s in region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"]}
    first_day, third_day = date.fromisoformat(before[1]["date"]), date.fromisoformat(before[3]["date"])
    assert (third_day - first_day).days <= 6  # so session 3 may stay where it is once session 2 is called off
    second = before[2]["visit_id"]
    answer = region.dispatcher.post(
        f"/v1/plans/{plan['id']}/replan",
        json={"from": str(first_day + timedelta(days=1)), "cancelled": [second], "reason": "Cy called off", "time_limit_s": 4},
    )
    assert answer.status_code == 202, answer.text
    replan = _finished(region, answer.json())
    assert replan["state"] == "succeeded", replan
    reasons = {u["visit_id"]: u["reason"] for u in replan["unassigned"]}
    assert reasons[str(second)] == "cancelled"
    placed = _sessions_placed(replan, course)
    assert placed == {3: third_day}, (placed, replan["unassigned"])  # its gaps now count from session 1, and hold


def test_an_undated_session_asks_for_a_day_before_urgent_slots_with_a_409_not_a_500(region):
    region.nurse("Ana")
    patient = region.patient("Evan")
    session = _course(region, patient["id"])["session_list"][0]
    for answer in (
        region.dispatcher.get(f"/v1/visits/{session['visit_id']}/slots"),
        region.dispatcher.post(f"/v1/visits/{session['visit_id']}/slots/take", json={"nurse_id": 1, "position": 0}),
    ):
        assert answer.status_code == 409, answer.text
        assert answer.json()["detail"].startswith("Evan's visit has no day yet"), answer.text


def test_plan_days_written_before_the_migration_keep_their_search_time(database):
    """0015 keeps a plan's day's search time out of the day problem it stored before, and drops the problem."""
    url = database_at_revision(database, "0012booking")
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute("INSERT INTO regions VALUES ('old', 'Old', 'America/Denver')")
        plan = conn.execute(
            "INSERT INTO plans (region_id, first_day, days, time_limit_s, requested_by)"
            " VALUES ('old', '2026-11-02', 2, 30, 'desk') RETURNING id"
        ).fetchone()["id"]
        for day, seconds in (("2026-11-02", 12.5), ("2026-11-03", 13.0)):
            problem = {"date": day, "nurses": [], "visits": [], "options": {"time_limit_s": seconds}}
            conn.execute("INSERT INTO plan_days (plan_id, day, problem) VALUES (%s, %s, %s)", [plan, day, Jsonb(problem)])
    command.upgrade(alembic_config(url), "head")
    with psycopg.connect(url, row_factory=dict_row) as conn:
        rows = conn.execute("SELECT * FROM plan_days ORDER BY day").fetchall()
    assert [(str(r["day"]), r["time_limit_s"]) for r in rows] == [("2026-11-02", 12.5), ("2026-11-03", 13.0)]
    assert "problem" not in rows[0]


def test_a_sessions_last_day_passes_at_midnight_in_its_region_not_on_the_servers_clock(base_url, admin, db):
    # Kiritimati is 14 h ahead of UTC and Etc/GMT+12 12 h behind: at any moment one of them is on another date.
    zone = next((z for z in ("Pacific/Kiritimati", "Etc/GMT+12") if today_in(z) != date.today()), None)
    if zone is None:
        pytest.skip("this machine's clock is on the same date as both zones 26 h apart (not UTC?)")
    region = Region(base_url, admin, db, timezone=zone)
    today = today_in(zone)
    one_session = {"sessions": 1, "min_gap_days": 2, "max_gap_days": 2}
    ended = _course(region, region.patient("Lou")["id"], start_on=str(today - timedelta(days=1)), **one_session)
    ends_today = _course(region, region.patient("Mo")["id"], start_on=str(today), **one_session)
    undated = _course(region, region.patient("Ny")["id"], start_on=None, **one_session)

    def first_session(course: dict) -> dict:
        return region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"][0]

    assert first_session(ended)["at_risk"] == f"its last possible day, {today - timedelta(days=1)}, has passed"
    assert first_session(ends_today)["at_risk"] is None
    assert first_session(undated)["earliest"] == str(today)  # a course with no start date starts today, the region's
    nurse = region.nurse("Kim", shift=None)
    every_day = {day: {"start": "08:00", "end": "16:00"} for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": every_day}).status_code == 200
    shifts = region.dispatcher.get(f"/v1/nurses/{nurse['id']}/shifts").json()
    assert shifts[0]["date"] == str(today)  # her shifts from the region's today, not the server's
