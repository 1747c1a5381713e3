"""A shift edit that leaves no room for her break is refused at the edit, naming her; a day's problem fits her break
into her shift; and what the solver still refuses names the nurse, not her place in a list."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.conftest import DAY

NOON_BREAK = {"window": {"start": "12:00", "end": "13:00"}, "duration_min": 30}


def test_a_shift_ending_before_her_break_can_fit_is_refused_naming_her_and_the_break(region):
    ana = region.nurse("Ana", **{"break": NOON_BREAK})
    answer = region.dispatcher.put(f"/v1/nurses/{ana['id']}/shifts/{DAY}", json={"start": "08:00", "end": "12:00"})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["field"] == "end"
    assert "Ana's 30-minute break (window 12:00–13:00) does not fit her shift 08:00–12:00" in problem["detail"], problem
    shifts = region.dispatcher.get(f"/v1/nurses/{ana['id']}/shifts", params={"from": str(DAY), "to": str(DAY)}).json()
    assert [(s["start"], s["end"]) for s in shifts] == [("08:00:00", "16:00:00")]  # unchanged


def test_a_shift_that_still_holds_the_break_is_solved_with_the_break_narrowed_into_it(region, db):
    # The shift starts inside her break window: the solver refused the whole day (the window starts before the shift).
    ana = region.nurse(
        "Ana", shift=("12:00", "18:00"), **{"break": {"window": {"start": "11:00", "end": "14:00"}, "duration_min": 30}}
    )
    region.visit(region.patient("Avery")["id"], window=("12:00", "17:00"))
    job = region.wait(region.solve())
    assert job["state"] == "succeeded", job
    problem = db.execute("SELECT problem FROM rosters WHERE id = %s", [job["roster_id"]]).fetchone()["problem"]
    nurse = next(n for n in problem["nurses"] if n["id"] == str(ana["id"]))
    assert nurse["break"]["window"] == {"start": "12:00", "end": "14:00"}


def test_a_day_the_solver_refuses_names_the_nurse_not_her_index(region, db):
    region.nurse("Bea")
    ana = region.nurse("Ana", **{"break": NOON_BREAK})
    # A shift stored before the edit was checked (or written by hand): the day's error says whose it is.
    db.execute("UPDATE nurse_shifts SET ends = '12:00' WHERE nurse_id = %s", [ana["id"]])
    region.visit(region.patient("Avery")["id"])
    job = region.wait(region.solve())
    assert job["state"] == "failed"
    assert f"Ana (nurse {ana['id']}): break.window: a 30-minute break starting at 12:00 does not fit" in job["error"], job
    assert "nurses[" not in job["error"]


def test_a_break_changed_so_it_no_longer_fits_a_coming_shift_is_refused(region):
    coming = date.today() + timedelta(days=3)
    ana = region.nurse("Ana", shift=("08:00", "12:00"), day=coming)
    answer = region.dispatcher.patch(f"/v1/nurses/{ana['id']}", json={"break": NOON_BREAK})
    assert answer.status_code == 422, answer.text
    assert f"does not fit her shift 08:00–12:00 on {coming}" in answer.json()["detail"]
    assert region.dispatcher.get(f"/v1/nurses/{ana['id']}").json()["break"] is None


def test_a_published_roster_that_no_longer_fits_a_changed_shift_says_so(region):
    ana = region.nurse("Ana")
    region.visit(region.patient("Avery")["id"], window=("13:30", "13:30"))
    roster = region.solved_roster()
    assert region.publish(roster).status_code == 200
    before = region.dispatcher.get(f"/v1/rosters/{roster['id']}/view").json()
    assert before["nurses"][0]["shift_changed"] is None
    assert (
        region.dispatcher.put(f"/v1/nurses/{ana['id']}/shifts/{DAY}", json={"start": "08:00", "end": "12:00"}).status_code == 200
    )
    view = region.dispatcher.get(f"/v1/rosters/{roster['id']}/view").json()
    assert view["nurses"][0]["shift_changed"] == "Ana's shift now ends at 12:00; her 13:30 visit is outside it: re-plan"
