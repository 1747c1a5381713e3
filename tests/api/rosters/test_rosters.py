"""Reviewing and changing rosters: moves checked by the checker, optimistic concurrency, publishing all or nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest


@pytest.fixture
def two_nurse_day(region):
    """Ana (ketamine) and Bea (no ketamine), four hydration visits and one ketamine visit."""
    ana = region.nurse("Ana", lat=39.74, lon=-104.99)
    bea = region.nurse("Bea", lat=39.70, lon=-104.90, certifications=("rn", "iv"))
    hydration = [region.visit(region.patient(f"H{i}", lat=39.70 + 0.01 * i)["id"], window=("09:00", "14:00")) for i in range(4)]
    ketamine = region.visit(region.patient("K", lat=39.73)["id"], window=("10:00", "12:00"), service="ketamine")
    return ana, bea, hydration, ketamine


def _nurse_of(roster: dict) -> dict[str, str]:
    return {s["visit_id"]: r["nurse_id"] for r in roster["roster"]["routes"] for s in r["stops"]}


def _move(region, roster, **body):
    return region.dispatcher.post(f"/v1/rosters/{roster['id']}/moves", json=body, headers={"If-Match": f'"{roster["revision"]}"'})


def test_a_visit_moves_to_another_qualified_nurse(region, two_nurse_day):
    ana, bea, hydration, _ = two_nurse_day
    roster = region.solved_roster()
    visit = next(v for v in hydration if _nurse_of(roster)[str(v["id"])] != str(bea["id"]))
    moved = _move(region, roster, visit_id=visit["id"], nurse_id=bea["id"])
    assert moved.status_code == 200, moved.text
    after = moved.json()
    assert _nurse_of(after)[str(visit["id"])] == str(bea["id"])
    assert after["revision"] == roster["revision"] + 1
    assert after["kpis"]["assigned"] == roster["kpis"]["assigned"]


def test_a_move_to_a_nurse_without_the_certification_is_refused_with_the_reason(region, two_nurse_day, db):
    _, bea, _, ketamine = two_nurse_day
    roster = region.solved_roster()
    refused = _move(region, roster, visit_id=ketamine["id"], nurse_id=bea["id"])
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == "Bea cannot take K's visit: she lacks ketamine on this day"
    unchanged = region.dispatcher.get(f"/v1/rosters/{roster['id']}").json()
    assert unchanged["revision"] == roster["revision"] and _nurse_of(unchanged) == _nurse_of(roster)


def test_a_move_to_a_time_outside_the_window_is_refused(region, two_nurse_day):
    ana, _, _, ketamine = two_nurse_day
    roster = region.solved_roster()
    refused = _move(region, roster, visit_id=ketamine["id"], nurse_id=ana["id"], start="15:00")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "K's visit must start within 10:00–12:00; 15:00 is outside"


def test_a_move_to_a_time_inside_the_window_fixes_the_start(region):
    ana = region.nurse("Ana")
    region.visit(region.patient("H")["id"], window=("08:00", "15:00"))
    ketamine = region.visit(region.patient("K", lat=39.73)["id"], window=("10:00", "12:00"), service="ketamine")
    roster = region.solved_roster()
    moved = _move(region, roster, visit_id=ketamine["id"], nurse_id=ana["id"], start="11:30")
    assert moved.status_code == 200, moved.text
    stop = next(s for r in moved.json()["roster"]["routes"] for s in r["stops"] if s["visit_id"] == str(ketamine["id"]))
    assert stop["start"][11:16] == "11:30"


def test_a_fixed_time_that_pushes_her_other_visits_out_of_their_windows_is_refused(region):
    ana = region.nurse("Ana")
    other = region.visit(region.patient("H")["id"], window=("11:00", "11:30"))
    # Both fit her day (the infusion early, H at 11:00); at 10:45 the infusion runs past H's window.
    ketamine = region.visit(region.patient("K", lat=39.73)["id"], window=("08:00", "12:00"), service="ketamine")
    roster = region.solved_roster()
    assert roster["roster"]["unassigned"] == []
    refused = _move(region, roster, visit_id=ketamine["id"], nurse_id=ana["id"], start="10:45")
    assert refused.status_code == 409
    assert f"visit {other['id']} cannot start in any of its windows" in refused.json()["detail"]


def test_taking_a_visit_out_lists_it_as_unassigned_with_who_did_it(region, two_nurse_day):
    _, _, hydration, _ = two_nurse_day
    roster = region.solved_roster()
    moved = _move(region, roster, visit_id=hydration[0]["id"], nurse_id=None)
    assert moved.status_code == 200
    reasons = {u["visit_id"]: u["reason"] for u in moved.json()["roster"]["unassigned"]}
    assert reasons[str(hydration[0]["id"])] == f"taken out of the roster by {region.dispatcher_name}"


def test_a_stale_revision_is_refused_so_two_dispatchers_cannot_overwrite_each_other(region, two_nurse_day):
    ana, bea, hydration, _ = two_nurse_day
    roster = region.solved_roster()
    assert _move(region, roster, visit_id=hydration[0]["id"], nurse_id=None).status_code == 200
    stale = _move(region, roster, visit_id=hydration[1]["id"], nurse_id=None)  # still the old revision
    assert stale.status_code == 412
    assert region.publish(roster).status_code == 412


def test_a_move_and_a_publish_without_if_match_are_refused_and_change_nothing(region, two_nurse_day):
    _, _, hydration, _ = two_nurse_day
    roster = region.solved_roster()
    moved = region.dispatcher.post(f"/v1/rosters/{roster['id']}/moves", json={"visit_id": hydration[0]["id"], "nurse_id": None})
    published = region.dispatcher.post(f"/v1/rosters/{roster['id']}/publish")
    for refused in (moved, published):
        assert refused.status_code == 428, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["field"] == "If-Match" and "revision you read" in refused.json()["detail"]
    unchanged = region.dispatcher.get(f"/v1/rosters/{roster['id']}").json()
    assert (unchanged["revision"], unchanged["status"]) == (roster["revision"], "draft")
    assert _nurse_of(unchanged) == _nurse_of(roster)
    bad = region.dispatcher.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": "latest"})
    assert bad.status_code == 400 and bad.json()["field"] == "If-Match"


def test_publishing_the_same_draft_twice_at_once_succeeds_once(region, two_nurse_day):
    roster = region.solved_roster()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: region.publish(roster).status_code, range(4)))
    # The first publishes; the others find it published (409) or its revision moved on (412).
    assert answers.count(200) == 1 and set(answers) <= {200, 409, 412}


def test_two_drafts_of_the_same_day_cannot_both_be_published(region, two_nurse_day):
    first = region.solved_roster()
    second = region.solved_roster()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda r: region.publish(r), [first, second]))
    assert sorted(a.status_code for a in answers) == [200, 409]
    refused = next(a for a in answers if a.status_code == 409)
    assert "after this draft was made" in refused.json()["detail"]
    published = [
        r for r in region.dispatcher.get(f"/v1/regions/{region.id}/rosters/2026-12-01").json() if r["status"] == "published"
    ]
    assert len(published) == 1


def test_a_new_draft_supersedes_the_published_roster_and_the_comparison_shows_what_changed(region, two_nurse_day):
    ana, bea, hydration, _ = two_nurse_day
    first = region.solved_roster()
    assert region.publish(first).status_code == 200
    draft = region.solved_roster()
    visit = next(v for v in hydration if _nurse_of(draft)[str(v["id"])] == str(ana["id"]))
    moved = _move(region, draft, visit_id=visit["id"], nurse_id=bea["id"]).json()
    comparison = region.dispatcher.get(f"/v1/rosters/{moved['id']}/compare").json()
    assert comparison["compared_with"] == first["id"]
    changes = {c["nurse_id"]: c for c in comparison["nurses"]}
    if _nurse_of(first)[str(visit["id"])] == str(ana["id"]):
        assert visit["id"] in changes[bea["id"]]["added"]
        assert visit["id"] in changes[ana["id"]]["removed"]
    assert region.publish(moved).status_code == 200
    statuses = {r["id"]: r["status"] for r in region.dispatcher.get(f"/v1/regions/{region.id}/rosters/2026-12-01").json()}
    assert statuses[first["id"]] == "superseded" and statuses[moved["id"]] == "published"


def test_a_cancelled_visit_blocks_publishing_a_draft_that_still_holds_it(region, two_nurse_day):
    _, _, hydration, _ = two_nurse_day
    roster = region.solved_roster()
    assert region.dispatcher.patch(f"/v1/visits/{hydration[0]['id']}", json={"status": "cancelled"}).status_code == 200
    refused = region.publish(roster)
    assert refused.status_code == 409 and "cancelled" in refused.json()["detail"]


def _another_published_roster(db, region_id: str) -> int:
    return db.execute(
        "INSERT INTO rosters (region_id, day, version, status, problem, document, created_by)"
        " VALUES (%s, '2026-11-30', 1, 'published', '{}', '{\"summary\": {}}', 'test') RETURNING id",
        [region_id],
    ).fetchone()["id"]


def test_the_database_refuses_overlapping_published_stops_for_one_nurse(region, two_nurse_day, db):
    roster = region.solved_roster()
    assert region.publish(roster).status_code == 200
    stop = db.execute("SELECT * FROM roster_stops WHERE roster_id = %s LIMIT 1", [roster["id"]]).fetchone()
    other = _another_published_roster(db, region.id)
    with pytest.raises(psycopg.errors.ExclusionViolation):
        db.execute(
            "INSERT INTO roster_stops (roster_id, visit_id, nurse_id, seq, arrival, starts, ends, published)"
            " VALUES (%s, %s, %s, 0, %s, %s, %s, true)",
            [other, stop["visit_id"], stop["nurse_id"], stop["arrival"], stop["starts"], stop["ends"]],
        )


def test_publishing_is_all_or_nothing(region, two_nurse_day, db):
    """A draft that would double-book a nurse against another published roster leaves everything as it was."""
    ana, *_ = two_nurse_day
    roster = region.solved_roster()
    stop = db.execute(
        "SELECT * FROM roster_stops WHERE roster_id = %s AND nurse_id = %s ORDER BY seq LIMIT 1", [roster["id"], ana["id"]]
    ).fetchone()
    assert stop is not None
    # Another published roster already holds Ana at that time (as if an earlier plan had been kept).
    other = _another_published_roster(db, region.id)
    db.execute(
        "INSERT INTO roster_stops (roster_id, visit_id, nurse_id, seq, arrival, starts, ends, published)"
        " VALUES (%s, %s, %s, 0, %s, %s, %s, true)",
        [other, stop["visit_id"], ana["id"], stop["arrival"], stop["starts"], stop["ends"]],
    )
    refused = region.publish(roster)
    assert refused.status_code == 409, refused.text
    assert "overlapping" in refused.json()["detail"]
    after = db.execute("SELECT status FROM rosters WHERE id = %s", [roster["id"]]).fetchone()
    assert after["status"] == "draft"
    assert (
        db.execute("SELECT count(*) AS n FROM roster_stops WHERE roster_id = %s AND published", [roster["id"]]).fetchone()["n"]
        == 0
    )
    statuses = {
        v["status"] for v in region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": "2026-12-01"}).json()
    }
    assert statuses == {"requested"}


def test_a_draft_solved_before_a_visits_window_changed_cannot_be_published(region):
    region.nurse()
    visit = region.visit(region.patient()["id"], window=("09:00", "12:00"))
    roster = region.solved_roster()
    assert [s["visit_id"] for r in roster["roster"]["routes"] for s in r["stops"]] == [str(visit["id"])]
    moved = region.dispatcher.patch(f"/v1/visits/{visit['id']}", json={"window": {"start": "14:00", "end": "15:00"}})
    assert moved.status_code == 200, moved.text  # nothing published holds it yet
    refused = region.publish(roster)
    assert refused.status_code == 409, refused.text
    assert f"visit {visit['id']} changed since this roster was made (its window is now 14:00–15:00)" in refused.json()["detail"]
    assert region.dispatcher.get(f"/v1/visits/{visit['id']}").json()["status"] == "requested"


def test_a_visit_moved_to_a_fixed_start_inside_its_window_can_be_published(region):
    region.nurse()
    visit = region.visit(region.patient()["id"], window=("09:00", "12:00"))
    roster = region.solved_roster()
    nurse_id = int(roster["roster"]["routes"][0]["nurse_id"])
    body = {"visit_id": visit["id"], "nurse_id": nurse_id, "start": "11:00"}
    moved = region.dispatcher.post(
        f"/v1/rosters/{roster['id']}/moves", json=body, headers={"If-Match": f'"{roster["revision"]}"'}
    )
    assert moved.status_code == 200, moved.text
    published = region.publish(moved.json())
    assert published.status_code == 200, published.text
    stop = published.json()["roster"]["routes"][0]["stops"][0]
    assert stop["start"][11:16] == "11:00"


def test_a_visit_pinned_to_a_nurse_without_a_shift_is_held_back_naming_her(region):
    region.nurse("Ana Reyes")
    cleo = region.nurse("Cleo Park", shift=None)  # no shift that day
    visit = region.visit(region.patient("Jordan Lee")["id"], pinned_nurse_id=cleo["id"])
    roster = region.solved_roster()
    reasons = {u["visit_id"]: u["reason"] for u in roster["roster"]["unassigned"]}
    assert reasons[str(visit["id"])] == "pinned nurse Cleo Park has no shift that day"
