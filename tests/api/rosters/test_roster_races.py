"""Races on a day's rosters through the real server: concurrent publishes and urgent-slot takes.

Each race ends with one winner and 409s that say who won; never a 500 or a 503, and the day stays
consistent (one published roster, distinct version numbers).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.conftest import DAY, Region, login

ROUNDS_OF_PUBLISHES = 20


def at_once(requests: list) -> list[httpx.Response]:
    """Send every request from its own thread, all at about the same moment; the answers in order."""
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(lambda send: send(), requests))


def small_day(region: Region, visits: int = 6) -> None:
    for name, lat in (("Ana", 39.74), ("Bea", 39.70)):
        region.nurse(name, lat=lat)
    for i in range(visits):
        region.visit(region.patient(f"P{i}", lat=39.70 + 0.008 * i)["id"], window=("09:00", "15:30"))


def drafts(region: Region, count: int) -> list[dict]:
    return [region.solved_roster() for _ in range(count)]


def publish_request(base_url: str, username: str, roster: dict):
    client = login(base_url, username)  # a client per request: each its own connection, as two browsers would be
    return lambda: client.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'})


def test_concurrent_publishes_of_a_days_drafts_have_one_winner_and_409s_naming_it(region, db):
    small_day(region)
    competing = drafts(region, 4)
    # Each draft clicked five times at once: double-clicks and rival drafts in the same moment.
    requests = [publish_request(region.base_url, region.dispatcher_name, competing[i % 4]) for i in range(ROUNDS_OF_PUBLISHES)]
    answers = at_once(requests)

    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 1, [(a.status_code, a.text) for a in answers]
    assert statuses.count(409) == ROUNDS_OF_PUBLISHES - 1, [(a.status_code, a.text) for a in answers]
    winner = next(a.json() for a in answers if a.status_code == 200)
    for refused in (a.json() for a in answers if a.status_code == 409):
        assert f"roster {winner['id']} (version {winner['version']})" in refused["detail"], refused
        assert f"by {region.dispatcher_name}" in refused["detail"], refused
    published = db.execute(
        "SELECT id FROM rosters WHERE region_id = %s AND day = %s AND status = 'published'", [region.id, DAY]
    ).fetchall()
    assert published == [{"id": winner["id"]}]


def test_publishing_the_second_draft_after_the_first_says_which_roster_won(region):
    small_day(region)
    first, second = drafts(region, 2)
    assert region.publish(first).status_code == 200
    late = region.publish(second)
    assert late.status_code == 409
    assert late.json()["detail"].startswith(
        f"roster {first['id']} (version {first['version']}) was published by {region.dispatcher_name} at "
    )
    again = region.publish(first)
    assert again.status_code == 409
    assert again.json()["detail"].startswith(f"roster {first['id']} (version {first['version']}) is already published by ")


def published_day(region: Region) -> dict:
    small_day(region)
    published = region.publish(region.solved_roster())
    assert published.status_code == 200, published.text
    return published.json()


def urgent_slot(region: Region) -> tuple[dict, dict]:
    urgent = region.visit(region.patient("Migraine now", lat=39.73)["id"], window=("11:00", "14:00"), priority=10)
    answer = region.dispatcher.get(f"/v1/visits/{urgent['id']}/slots", params={"as_of": "10:40", "limit": 3})
    assert answer.status_code == 200 and answer.json()["slots"], answer.text
    return urgent, answer.json()["slots"][0]


def take_request(region: Region, urgent: dict, slot: dict, publish: bool):
    client = login(region.base_url, region.dispatcher_name)
    body = {
        "nurse_id": slot["nurse_id"],
        "position": slot["position"],
        "bumped": [b["visit_id"] for b in slot["bumped"]],
        "as_of": "10:40",
        "publish": publish,
    }
    return lambda: client.post(f"/v1/visits/{urgent['id']}/slots/take", json=body)


def test_concurrent_urgent_takes_each_get_their_own_draft_version(region, db):
    published_day(region)
    urgent, slot = urgent_slot(region)
    answers = at_once([take_request(region, urgent, slot, publish=False) for _ in range(7)])

    assert [a.status_code for a in answers] == [201] * 7, [(a.status_code, a.text) for a in answers]
    versions = sorted(a.json()["version"] for a in answers)
    assert versions == list(range(2, 9))  # version 1 is the published roster
    stored = db.execute(
        "SELECT version FROM rosters WHERE region_id = %s AND day = %s ORDER BY version", [region.id, DAY]
    ).fetchall()
    assert [r["version"] for r in stored] == list(range(1, 9))


def test_a_take_of_a_slot_published_meanwhile_is_refused_naming_the_roster(region, db):
    # The race above when the second take reads the day only after the first was published: the slot it asks
    # for is where the visit already stands, so it would publish a copy of the winner's roster.
    published_day(region)
    urgent, slot = urgent_slot(region)
    first = take_request(region, urgent, slot, publish=True)()
    assert first.status_code == 201, first.text
    second = take_request(region, urgent, slot, publish=True)()
    assert second.status_code == 409, second.text
    winner = first.json()
    assert f"roster {winner['id']} (version {winner['version']}) was published by" in second.json()["detail"]
    assert "Migraine now's visit in that very slot" in second.json()["detail"]
    versions = db.execute("SELECT count(*) AS n FROM rosters WHERE region_id = %s AND day = %s", [region.id, DAY]).fetchone()
    assert versions["n"] == 2  # the first roster and the winner's: nothing was stored for the refused take


def test_concurrent_urgent_takes_published_at_once_have_one_winner_and_leave_nothing_else(region, db):
    first = published_day(region)
    urgent, slot = urgent_slot(region)
    answers = at_once([take_request(region, urgent, slot, publish=True) for _ in range(7)])

    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == 1 and statuses.count(409) == 6, [(a.status_code, a.text) for a in answers]
    winner = next(a.json() for a in answers if a.status_code == 201)
    assert winner["status"] == "published" and winner["based_on"] == first["id"]
    for refused in (a.json() for a in answers if a.status_code == 409):
        assert f"roster {winner['id']} (version {winner['version']}) was published by" in refused["detail"], refused
    rows = db.execute(
        "SELECT id, status FROM rosters WHERE region_id = %s AND day = %s ORDER BY version", [region.id, DAY]
    ).fetchall()
    # The losers left no draft behind, and the urgent visit was recorded once, by the winner.
    assert rows == [{"id": first["id"], "status": "superseded"}, {"id": winner["id"], "status": "published"}]
    events = db.execute(
        "SELECT count(*) AS n FROM day_events WHERE region_id = %s AND kind = 'urgent_visit'", [region.id]
    ).fetchone()
    assert events["n"] == 1
