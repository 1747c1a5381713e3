"""Records changed at the same moment, and under a published roster, through the real server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.conftest import DAY, Region, login

ROUNDS = 20


def at_once(requests: list) -> list[httpx.Response]:
    """Send every request from its own thread, all at about the same moment; the answers in order."""
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(lambda send: send(), requests))


def two_clients(region: Region) -> tuple[httpx.Client, httpx.Client]:
    return login(region.base_url, region.dispatcher_name), login(region.base_url, region.dispatcher_name)


def test_concurrent_patches_of_different_patient_fields_both_stick(region):
    patient = region.patient("Dee")
    one, other = two_clients(region)
    path = f"/v1/patients/{patient['id']}"
    for round_ in range(ROUNDS):
        notes, phone = f"gate code {round_}", f"+1 303 555 01{round_:02d}"
        answers = at_once(
            [
                lambda: one.patch(path, json={"notes": notes}),  # noqa: B023 - sent within this round
                lambda: other.patch(path, json={"phone": phone}),  # noqa: B023 - sent within this round
            ]
        )  # noqa: B023
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        stored = region.dispatcher.get(path).json()
        assert (stored["notes"], stored["phone"]) == (f"gate code {round_}", f"+1 303 555 01{round_:02d}"), round_
    assert stored["version"] == 1 + 2 * ROUNDS


def test_concurrent_patches_of_different_nurse_fields_both_stick(region):
    nurse = region.nurse("Ana")
    one, other = two_clients(region)
    path = f"/v1/nurses/{nurse['id']}"
    for round_ in range(ROUNDS):
        phone, max_visits = f"+1 720 555 01{round_:02d}", 4 + round_
        answers = at_once(
            [
                lambda: one.patch(path, json={"phone": phone}),  # noqa: B023 - sent within this round
                lambda: other.patch(path, json={"max_visits": max_visits}),  # noqa: B023 - sent within this round
            ]
        )  # noqa: B023
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        stored = region.dispatcher.get(path).json()
        assert (stored["phone"], stored["max_visits"]) == (f"+1 720 555 01{round_:02d}", 4 + round_), round_
    assert stored["version"] == 1 + 2 * ROUNDS


def published_visit(region: Region) -> tuple[dict, dict]:
    region.nurse("Ana")
    visit = region.visit(region.patient("Fay")["id"], window=("09:00", "12:00"))
    roster = region.solved_roster()
    assert region.publish(roster).status_code == 200
    return visit, roster


def test_moving_a_visit_of_the_published_roster_by_patch_is_refused_naming_the_roster(region):
    visit, roster = published_visit(region)
    path = f"/v1/visits/{visit['id']}"
    for change in (
        {"window": {"start": "13:00", "end": "15:00"}},
        {"date": str(DAY.replace(day=2))},
        {"duration_min": 90},
        {"service": "ketamine"},
    ):
        answer = region.dispatcher.patch(path, json=change)
        assert answer.status_code == 409, (change, answer.text)
        detail = answer.json()["detail"]
        assert f"roster {roster['id']} (version {roster['version']})" in detail and "re-plan" in detail, detail
    stored = region.dispatcher.get(path).json()
    assert stored["window"] == {"start": "09:00:00", "end": "12:00:00"} and stored["version"] == 2  # published: 1 → 2
    assert region.dispatcher.patch(path, json={"notes": "dog in the yard"}).status_code == 200
    same = region.dispatcher.patch(path, json={"window": {"start": "09:00", "end": "12:00"}})
    assert same.status_code == 200  # naming a field with the value it has moves nothing


def test_a_visit_in_no_published_roster_can_still_be_moved(region):
    visit, _ = published_visit(region)
    spare = region.visit(region.patient("Gus")["id"], day=DAY.replace(day=2))
    answer = region.dispatcher.patch(f"/v1/visits/{spare['id']}", json={"window": {"start": "13:00", "end": "15:00"}})
    assert answer.status_code == 200, answer.text


def test_nurse_and_shift_changes_are_audited_without_their_values(region, admin):
    nurse = region.nurse("Hana", phone="+1 720 555 0142", shift=None)
    path = f"/v1/nurses/{nurse['id']}"
    assert region.dispatcher.patch(path, json={"phone": "+1 720 555 0143", "max_visits": 5}).status_code == 200
    assert region.dispatcher.put(f"{path}/shifts/{DAY}", json={"start": "08:00", "end": "16:00"}).status_code == 200
    assert region.dispatcher.delete(f"{path}/shifts/{DAY}").status_code == 204
    assert region.dispatcher.delete(path).status_code == 204
    entries = admin.get("/v1/audit", params={"resource": f"nurse/{nurse['id']}"}).json()
    assert [(e["username"], e["action"]) for e in reversed(entries)] == [
        (region.dispatcher_name, action) for action in ("create", "update", "set_shift", "remove_shift", "delete")
    ]
    update = next(e for e in entries if e["action"] == "update")
    assert update["detail"] == {"fields": ["max_visits", "phone"]}
    assert "555" not in str(entries)  # what the fields hold stays out of the log
    shift = next(e for e in entries if e["action"] == "set_shift")
    assert shift["detail"] == {"date": str(DAY), "start": "08:00", "end": "16:00"}
