"""Text the database cannot hold is a 422 naming the field, and the connection stays usable afterwards."""

from __future__ import annotations

import httpx


def _refused(answer: httpx.Response, field: str) -> dict:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["field"] == field, body
    return body


def _raw_json(client: httpx.Client, method: str, url: str, text: str) -> httpx.Response:
    return client.request(
        method, url, content=text.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"}
    )


def test_a_lone_surrogate_in_a_text_field_is_a_422_naming_it_and_the_connection_lives_on(region):
    url = f"/v1/regions/{region.id}/patients"
    body = '{"name": "Jo \\ud800", "location": {"lat": 39.75, "lon": -104.98}, "state": "CO"}'
    problem = _refused(_raw_json(region.dispatcher, "POST", url, body), "name")
    assert "surrogate" in problem["detail"]
    assert region.dispatcher.get(url).status_code == 200  # same keep-alive client, still answered
    assert all(p["name"] != "Jo \ud800" for p in region.dispatcher.get(url).json())


def test_a_nul_character_is_named_by_its_field_path(region):
    patient = region.patient()
    body = {
        "patient_id": patient["id"],
        "date": "2026-12-01",
        "window": {"start": "09:00", "end": "10:00"},
        "service": "hydration",
        "notes": "gate code \u0000 4411",
    }
    problem = _refused(region.dispatcher.post("/v1/visits", json=body), "notes")
    assert "NUL" in problem["detail"]


def test_a_nul_in_a_query_parameter_is_named(region):
    _refused(region.dispatcher.get(f"/v1/regions/{region.id}/patients", params={"q": "a\u0000b"}), "q")


def test_a_body_that_is_not_utf8_is_refused_as_such(region):
    answer = region.dispatcher.post("/v1/visits", content=b'{"notes": "caf\xe9"}', headers={"content-type": "application/json"})
    assert "not UTF-8" in _refused(answer, "body")["detail"]


def test_deep_nesting_is_refused_without_a_server_error(region):
    deep = "[" * 100_000 + "]" * 100_000
    answer = region.dispatcher.post("/v1/visits", content=deep.encode(), headers={"content-type": "application/json"})
    assert "nested" in _refused(answer, "body")["detail"]
    moderately: object = "x"
    for _ in range(40):
        moderately = [moderately]
    moderately = {"notes": moderately}
    answer = region.dispatcher.post("/v1/visits", json=moderately)
    assert answer.status_code == 422 and "nested" in answer.json()["detail"]
