"""Fuzzing the OpenAPI document against the live server, as an admin and as a dispatcher.

Whatever is sent — valid, invalid, odd — the answer is never a server error, and every error is
problem+json. Path parameters are sometimes swapped for values that exist (a region, nurse, patient,
visit, roster and job of one region, and the day), so requests also reach past "not found".

The solve endpoint is fuzzed like the rest, but its real region is one without nurses: a solve
uses all of its time limit (fuzzed up to 600 s) unless there is no nurse to plan, and long solves
would hold up every other test's solves. Its jobs are waited for before the module ends.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from api.app import create_app
from dispatch.records.users import add_user
from tests.api.conftest import DAY, PASSWORD, Region, login, unique

# Bounded for every test run; set these for a deeper search now and then (it finds what 25 cannot).
SEED = int(os.environ.get("NURSE_DISPATCH_FUZZ_SEED", "20261201"))
EXAMPLES_PER_OPERATION = int(os.environ.get("NURSE_DISPATCH_FUZZ_EXAMPLES", "25"))
# A path parameter drawn as this is replaced by the value that exists (made at test time). Path
# parameters reach the test URL-encoded, so the marker has only characters that encoding keeps.
KNOWN = "KNOWN"
KNOWN_PARAMETERS = {"region_id", "nurse_id", "patient_id", "visit_id", "roster_id", "job_id", "day"}
SOLVE = ("POST", "/v1/regions/{region_id}/rosters/{day}/solve")

# The document the server publishes (checked below); loaded here so that each operation is a test.
schema = schemathesis.openapi.from_dict(
    create_app().openapi(),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "database": "none"},
        }
    ),
)


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict[str, Any] | None):
    """Either the fuzzed values, or the same with every parameter that has a real value marked KNOWN."""
    if not path_parameters or not KNOWN_PARAMETERS & set(path_parameters):
        return st.just(path_parameters)
    marked = {name: KNOWN if name in KNOWN_PARAMETERS else value for name, value in path_parameters.items()}
    return st.sampled_from([path_parameters, marked])


@pytest.fixture(scope="module")
def known(base_url, admin, db) -> Iterator[dict[str, Any]]:
    """Values that exist: a region with a nurse, patients, visits, a roster and its job; a region without nurses."""
    region = Region(base_url, admin, db)
    nurse = region.nurse("Ana")
    patient = region.patient("Jordan")
    visit = region.visit(patient["id"])
    region.visit(region.patient("Kim", lat=39.76)["id"], window=("13:00", "15:00"))
    job = region.wait(region.solve(time_limit_s=1))
    assert job["state"] == "succeeded", job
    nobody = unique("r")
    assert admin.post("/v1/regions", json={"id": nobody, "name": "No nurses", "timezone": "America/Denver"}).is_success
    dispatcher = unique("dispatcher")
    add_user(db, dispatcher, PASSWORD, "dispatcher", [region.id, nobody])
    yield {
        "dispatcher": login(base_url, dispatcher),
        "region_id": region.id,
        "nurse_id": nurse["id"],
        "patient_id": patient["id"],
        "visit_id": visit["id"],
        "roster_id": job["roster_id"],
        "job_id": job["id"],
        "day": str(DAY),
        "region_without_nurses": nobody,
    }
    _wait_for_solves(db, nobody)


def _wait_for_solves(db, region_id: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while db.execute(
        "SELECT count(*) AS n FROM solve_jobs WHERE region_id = %s AND state IN ('queued', 'running')", [region_id]
    ).fetchone()["n"]:
        assert time.monotonic() < deadline, f"solves of {region_id} still running after {timeout_s} s"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def callers(admin, known) -> dict[str, dict[str, str]]:
    """The Authorization header of each role the fuzzing runs as."""
    return {
        "admin": {"Authorization": admin.headers["Authorization"]},
        "dispatcher": {"Authorization": known["dispatcher"].headers["Authorization"]},
    }


def problem_json(ctx, response, case) -> None:
    """Every error answer is RFC 9457 problem+json with its status, a title and a detail."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == "application/problem+json", f"{response.status_code} answered as {content_type}"
    body = response.json()
    assert body.get("status") == response.status_code, body
    assert body.get("title") and body.get("detail"), body


def test_the_server_publishes_the_fuzzed_document(base_url):
    assert httpx.get(f"{base_url}/openapi.json").json() == create_app().openapi()


@pytest.mark.parametrize("role", ["admin", "dispatcher"])
@schema.parametrize()
def test_no_input_makes_a_server_error(case, role, base_url, known, callers):
    if case.path_parameters:
        real = known | ({"region_id": known["region_without_nurses"]} if (case.method.upper(), case.path) == SOLVE else {})
        case.path_parameters = {name: real[name] if value == KNOWN else value for name, value in case.path_parameters.items()}
    response = case.call(base_url=base_url, headers=callers[role], timeout=30)
    case.validate_response(response, checks=[not_a_server_error, problem_json])


class Found(NamedTuple):
    """A request fuzzing (or reading the code it pointed at) once turned into a 500, and its answer now."""

    method: str
    path: str  # formatted with the known values
    request: Callable[[dict[str, Any]], dict[str, Any]]  # httpx keyword arguments, from the known values
    status: int
    field: str | None = None  # the field the problem names
    says: str = ""  # a phrase of its detail


def _csv_line(duration_min: object) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda k: {
        "headers": {"Content-Type": "text/csv"},
        "content": "patient_id,date,window_start,window_end,service,duration_min\n"
        f"{k['patient_id']},{k['day']},09:00,10:00,hydration,{duration_min}\n",
    }


def _nurse(**extra: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda k: {"json": {"name": "Cy", "home": {"lat": 39.7, "lon": -105.0}} | extra}


FOUND = {
    "a NUL character in a text": Found(
        "POST",
        "/v1/users",
        lambda k: {"json": {"username": "nul", "password": PASSWORD, "role": "dispatcher", "regions": ["a\x00b"]}},
        422,
        field="regions[0]",  # named since the text gate (api/text_gate.py); it used to be a 422 naming no field
        says="NUL",
    ),
    "a NUL character in a path": Found("GET", "/v1/regions/a%00b/nurses", lambda k: {}, 422, says="NUL"),
    "a nurse's name set to null": Found(
        "PATCH", "/v1/nurses/{nurse_id}", lambda k: {"json": {"name": None}}, 422, "name", "cannot be null"
    ),
    "a patient's state set to null": Found(
        "PATCH", "/v1/patients/{patient_id}", lambda k: {"json": {"state": None}}, 422, "state", "cannot be null"
    ),
    "a shift in UTC offsets": Found(
        "PUT",
        "/v1/nurses/{nurse_id}/shifts/{day}",
        lambda k: {"json": {"start": "00:00:00.0+00:12", "end": "00:00:00Z"}},
        422,
        "start",
        "without a UTC offset",
    ),
    "a visit window with an offset": Found(
        "POST",
        "/v1/visits",
        lambda k: {
            "json": {
                "patient_id": k["patient_id"],
                "date": k["day"],
                "service": "hydration",
                "window": {"start": "09:00", "end": "10:00+01:00"},
            }
        },
        422,
        "window.end",
        "without a UTC offset",
    ),
    "a nurse's maximum visits beyond an integer": Found(
        "POST", "/v1/regions/{region_id}/nurses", _nurse(max_visits=10**10), 422, "max_visits"
    ),
    "a nurse without licensed states": Found("POST", "/v1/regions/{region_id}/nurses", _nurse(), 201),
    "an imported visit lasting years": Found(
        "POST", "/v1/regions/{region_id}/visits/import", _csv_line(10**12), 422, "line 2: duration_min", "duration_min"
    ),
    "an imported field over the csv module's limit": Found(
        "POST", "/v1/regions/{region_id}/visits/import", _csv_line("9" * 140_000), 422, "line 2", "field limit"
    ),
    "a timezone that is a directory of timezones": Found(
        "POST",
        "/v1/regions",
        lambda k: {"json": {"id": "tz-dir", "name": "X", "timezone": "America"}},
        422,
        "timezone",
        "unknown timezone",
    ),
    "a timezone name too long for a file": Found(
        "POST",
        "/v1/regions",
        lambda k: {"json": {"id": "tz-long", "name": "X", "timezone": "a" * 300}},
        422,
        "timezone",
        "unknown timezone",
    ),
    "shifts from the last date there is": Found(
        "GET", "/v1/nurses/{nurse_id}/shifts", lambda k: {"params": {"from": "9999-12-31"}}, 200
    ),
}


@pytest.mark.parametrize("found", list(FOUND))
def test_what_fuzzing_found_is_answered_in_words(found, admin, known):
    method, path, request, status, field, says = FOUND[found]
    answer = admin.request(method, path.format(**known), **request(known))
    assert answer.status_code == status, answer.text
    if status >= 400:
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json().get("field") == field, answer.json()
        assert says in answer.json()["detail"], answer.json()
