"""The day screen's server side: reasons kept after an urgent slot, events undone on record, names in reasons,
solve progress in visits placed."""

from __future__ import annotations

from dispatch.records.users import add_user
from tests.api.conftest import DAY, PASSWORD, Region, login, unique


def _day_with_left_out_visits(region: Region) -> tuple[dict, list[dict]]:
    """Ana (08:00–16:00) alone for four visits due at 12:00–12:30 (room for one, two at most) and one in the
    evening (outside her shift): published, with what it left out and why."""
    region.nurse("Ana", shift=("08:00", "16:00"))
    visits = [
        region.visit(region.patient(f"Morning {i}", lat=39.74 + 0.01 * i)["id"], window=("12:00", "12:30")) for i in range(4)
    ]
    visits.append(region.visit(region.patient("Evening", lat=39.70)["id"], window=("20:00", "21:30")))
    published = region.publish(region.solved_roster())
    assert published.status_code == 200, published.text
    left_out = {u["visit_id"] for u in published.json()["roster"]["unassigned"]}
    return published.json(), [v for v in visits if str(v["id"]) in left_out]


def test_after_an_urgent_slot_is_taken_the_other_unassigned_visits_keep_their_reasons(region):
    published, left_out = _day_with_left_out_visits(region)
    reasons = {u["visit_id"]: u["reason"] for u in published["roster"]["unassigned"]}
    assert len(left_out) >= 3
    urgent = region.visit(region.patient("Urgent Caller", lat=39.73)["id"], window=("13:30", "15:30"), priority=10)
    slots = region.dispatcher.get(f"/v1/visits/{urgent['id']}/slots", params={"as_of": "10:40"}).json()["slots"]
    best = slots[0]
    taken = region.dispatcher.post(
        f"/v1/visits/{urgent['id']}/slots/take",
        json={"nurse_id": best["nurse_id"], "position": best["position"], "bumped": [], "as_of": "10:40"},
    )
    assert taken.status_code == 201, taken.text
    draft = taken.json()
    after = {u["visit_id"]: u["reason"] for u in draft["roster"]["unassigned"]}
    for visit in left_out:
        assert after[str(visit["id"])] == reasons[str(visit["id"])], after
        assert after[str(visit["id"])] != "not in the roster in force yet"
    assert draft["reason"].startswith("urgent visit for Urgent Caller: Ana at ")


def test_an_event_recorded_by_mistake_is_undone_on_record(region, base_url, admin, db):
    published, _ = _day_with_left_out_visits(region)
    stop = published["roster"]["routes"][0]["stops"][0]
    recorded = region.dispatcher.post(f"/v1/visits/{stop['visit_id']}/cancellation", json={"at": "08:30", "replan": False})
    assert recorded.status_code == 201, recorded.text
    event = recorded.json()["event"]
    assert event["patient_name"].startswith("Morning") and event["undone_at"] is None
    assert region.dispatcher.get(f"/v1/visits/{stop['visit_id']}").json()["status"] == "cancelled"

    # Another region's dispatcher cannot undo it, and is not told it exists.
    other = Region(base_url, admin, db)
    refused = other.dispatcher.post(f"/v1/regions/{region.id}/days/{DAY}/events/{event['id']}/undo")
    assert refused.status_code in (403, 404)

    undo = region.dispatcher.post(f"/v1/regions/{region.id}/days/{DAY}/events/{event['id']}/undo")
    assert undo.status_code == 200, undo.text
    assert undo.json()["undone_by"] == region.dispatcher_name and undo.json()["undone_at"] is not None
    assert region.dispatcher.get(f"/v1/visits/{stop['visit_id']}").json()["status"] == "scheduled"
    again = region.dispatcher.post(f"/v1/regions/{region.id}/days/{DAY}/events/{event['id']}/undo")
    assert again.status_code == 409 and region.dispatcher_name in again.json()["detail"]
    listed = region.dispatcher.get(f"/v1/regions/{region.id}/days/{DAY}/events").json()
    assert [(e["id"], e["undone_by"]) for e in listed] == [(event["id"], region.dispatcher_name)]
    audited = db.execute(
        "SELECT count(*) AS n FROM audit_log WHERE username = %s AND action = 'undo-event'", [region.dispatcher_name]
    ).fetchone()
    assert audited["n"] == 1

    # A re-plan no longer reads it: the visit keeps its nurse.
    job = region.wait(region.dispatcher.post(f"/v1/regions/{region.id}/rosters/{DAY}/replan", json={"as_of": "08:45"}).json())
    assert job["state"] == "succeeded", job
    draft = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert stop["visit_id"] in [s["visit_id"] for r in draft["roster"]["routes"] for s in r["stops"]]


def test_an_undone_sick_call_no_longer_marks_her_off(region):
    published, _ = _day_with_left_out_visits(region)
    nurse_id = int(published["roster"]["routes"][0]["nurse_id"])
    sick = region.dispatcher.post(f"/v1/nurses/{nurse_id}/sick-calls", json={"date": str(DAY), "at": "07:15", "replan": False})
    assert sick.status_code == 201, sick.text
    view = region.dispatcher.get(f"/v1/rosters/{published['id']}/view").json()
    assert view["nurses"][0]["off_from"] is not None
    event = sick.json()["event"]
    assert event["nurse_name"] == "Ana"
    assert region.dispatcher.post(f"/v1/regions/{region.id}/days/{DAY}/events/{event['id']}/undo").status_code == 200
    view = region.dispatcher.get(f"/v1/rosters/{published['id']}/view").json()
    assert view["nurses"][0]["off_from"] is None


def test_a_re_plan_says_why_with_names_not_ids(region):
    published, _ = _day_with_left_out_visits(region)
    nurse_id = int(published["roster"]["routes"][0]["nurse_id"])
    sick = region.dispatcher.post(f"/v1/nurses/{nurse_id}/sick-calls", json={"date": str(DAY), "at": "10:00"})
    job = region.wait(sick.json()["job"])
    assert job["state"] == "succeeded", job
    assert region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()["reason"] == "sick call: Ana"


def test_solve_progress_counts_the_visits_placed(region):
    published, left_out = _day_with_left_out_visits(region)
    job = region.wait(region.solve())
    assert job["state"] == "succeeded", job
    progress = job["progress"]
    assert progress["visits"] == 5
    assert progress["visits_placed"] == 5 - len(left_out)
    stop = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}/view").json()["nurses"][0]["stops"][0]
    assert stop["phone"] == "+1 303 555 0100" and stop["address"] == "1 Test St"  # for run sheets and call lists


def test_a_cancellation_undone_after_its_re_plan_was_published_lists_the_visit_to_be_placed_again(region):
    published, _ = _day_with_left_out_visits(region)
    stop = published["roster"]["routes"][0]["stops"][0]
    recorded = region.dispatcher.post(f"/v1/visits/{stop['visit_id']}/cancellation", json={"at": "08:30"}).json()
    job = region.wait(recorded["job"])
    assert job["state"] == "succeeded", job
    draft = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert region.publish(draft).status_code == 200
    undo = region.dispatcher.post(f"/v1/regions/{region.id}/days/{DAY}/events/{recorded['event']['id']}/undo")
    assert undo.status_code == 200, undo.text
    assert region.dispatcher.get(f"/v1/visits/{stop['visit_id']}").json()["status"] == "requested"
    view = region.dispatcher.get(f"/v1/rosters/{draft['id']}/view").json()
    assert int(stop["visit_id"]) in [u["visit_id"] for u in view["unassigned"]]


def test_the_call_list_ticks_are_kept_for_every_dispatcher_and_audited(region, base_url, admin, db):
    published, left_out = _day_with_left_out_visits(region)
    visit_id = left_out[0]["id"]
    path = f"/v1/rosters/{published['id']}/calls/{visit_id}"
    ticked = region.dispatcher.put(path)
    assert ticked.status_code == 200, ticked.text
    assert ticked.json()["called_by"] == region.dispatcher_name
    assert region.dispatcher.put(path).json()["called_at"] == ticked.json()["called_at"]  # the first call stands
    colleague = unique("dispatcher")
    add_user(db, colleague, PASSWORD, "dispatcher", [region.id])
    seen = login(base_url, colleague).get(f"/v1/rosters/{published['id']}/calls").json()
    assert [(c["visit_id"], c["called_by"]) for c in seen] == [(visit_id, region.dispatcher_name)]

    other = Region(base_url, admin, db)
    assert other.dispatcher.put(path).status_code in (403, 404)
    elsewhere = other.visit(other.patient("Elsewhere")["id"])
    assert region.dispatcher.put(f"/v1/rosters/{published['id']}/calls/{elsewhere['id']}").status_code == 404

    assert region.dispatcher.delete(path).status_code == 204
    assert region.dispatcher.get(f"/v1/rosters/{published['id']}/calls").json() == []
    actions = [
        r["action"]
        for r in db.execute(
            "SELECT action FROM audit_log WHERE resource = %s AND action IN ('called', 'not-called') ORDER BY id",
            [f"roster/{published['id']}"],
        )
    ]
    assert actions == ["called", "called", "not-called"]
