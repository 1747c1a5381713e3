"""Patients' own requests through the public API: no login, minimal data, rate-limited, nothing booked."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.api.conftest import region_today

ADDRESS = "1437 Bannock St, Denver, CO 80202"  # the stand-in geocoder's one known address


def _request(base_url: str, region_id: str, **extra) -> httpx.Response:
    body = {"name": "Kim Lee", "phone": "+1 303 555 0142", "address": ADDRESS, "service": "hydration"} | extra
    return httpx.post(f"{base_url}/v1/public/regions/{region_id}/booking-requests", json=body)


def test_a_patients_own_request_is_answered_with_times_and_left_for_the_front_desk(region, db, base_url):
    tomorrow = region_today(db) + timedelta(days=1)
    region.patient("Jordan")  # the region's patients say which state its licences follow
    region.nurse("Ana", shift=("08:00", "16:00"), day=tomorrow)
    form = httpx.get(f"{base_url}/v1/public/regions/{region.id}/booking-form").json()
    assert "hydration" in [s["code"] for s in form["services"]]
    answer = _request(base_url, region.id, preferred_days=[], after="13:00", before="16:00")
    assert answer.status_code == 201, answer.text
    told = answer.json()
    assert told["status"] == "new" and "Nothing is booked" in told["message"]
    assert [t["date"] for t in told["times"]] == [str(tomorrow)]
    assert told["times"][0]["window"]["start"] >= "12:00"
    # Nothing placed: no patient, no visit, no offer holding anyone's time.
    assert [p["name"] for p in region.dispatcher.get(f"/v1/regions/{region.id}/patients").json()] == ["Jordan"]
    assert region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(tomorrow)}).json() == []
    (listed,) = region.dispatcher.get(f"/v1/regions/{region.id}/booking-requests").json()
    assert (listed["name"], listed["phone"], listed["preferred"]) == ("Kim Lee", "+1 303 555 0142", "after 13:00, before 16:00")
    closed = region.dispatcher.post(f"/v1/booking-requests/{listed['id']}/close", json={"status": "confirmed"})
    assert closed.status_code == 200 and closed.json()["closed_by"] == region.dispatcher_name
    again = region.dispatcher.post(f"/v1/booking-requests/{listed['id']}/close", json={"status": "declined"})
    assert again.status_code == 409
    assert region.dispatcher.get(f"/v1/regions/{region.id}/booking-requests", params={"status": "new"}).json() == []


def test_requests_from_one_address_are_limited_per_hour_and_say_when_to_come_back(region, base_url):
    for _ in range(5):
        assert _request(base_url, region.id).status_code == 201
    refused = _request(base_url, region.id)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 3000
    assert refused.headers["content-type"] == "application/problem+json"
    assert len(region.dispatcher.get(f"/v1/regions/{region.id}/booking-requests").json()) == 5


def test_an_address_that_cannot_be_found_is_refused_naming_the_field(region, base_url):
    answer = _request(base_url, region.id, address="nowhere at all")
    assert answer.status_code == 422 and answer.json()["field"] == "address"
    assert _request(base_url, "no-such-region").status_code == 404
