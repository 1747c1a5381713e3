"""Who may see what: every role against every endpoint of the OpenAPI document, through the real API.

An admin reaches everything; a dispatcher only her regions (anything else answers as if it did not
exist); a nurse only /v1/me/… and her own calendar feed. Without a valid token, only logging in,
health, the docs and a calendar feed (its URL is its secret) answer at all.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import httpx
import jwt
import pytest
from icalendar import Calendar

from api.app import create_app
from dispatch.platform.access import TOKEN_ALGORITHM, Principal, issue_token
from dispatch.records.users import add_user
from tests.api.conftest import DAY, EVALUATED_ON, PASSWORD, WHOLE_DAY, Region, login, region_today, unique

OPERATIONS = sorted((method.upper(), path) for path, item in create_app().openapi()["paths"].items() for method in item)
PUBLIC = {
    ("POST", "/v1/auth/token"),
    # A session's refresh token is its own credential (no bearer token): tests/api/sameday/test_session_record.py.
    ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/v1/calendar/{token}.ics"),
    ("GET", "/v1/vocabulary"),
    # A patient's own request for a visit, and what its page shows: tests/api/booking/test_requests.py.
    ("GET", "/v1/public/regions/{region_id}/booking-form"),
    ("POST", "/v1/public/regions/{region_id}/booking-requests"),
}
NURSE_OWN = {op for op in OPERATIONS if op[1] == "/v1/me" or op[1].startswith("/v1/me/")}
ADMIN_ONLY = {
    ("GET", "/v1/users"),
    ("POST", "/v1/users"),
    ("POST", "/v1/regions"),
    ("PATCH", "/v1/regions/{region_id}"),
    ("GET", "/v1/audit"),
    ("POST", "/v1/users/{username}/deactivate"),
    ("POST", "/v1/users/{username}/reactivate"),
    ("POST", "/v1/users/{username}/revoke-tokens"),
    ("PUT", "/v1/users/{username}/password"),
    ("POST", "/v1/services"),
    ("PATCH", "/v1/services/{code}"),
}
# Only a clinician (a prescriber) of the patient's region records what an evaluation found.
CLINICIAN_ONLY = {("POST", "/v1/patients/{patient_id}/evaluations")}
# What a clinician reaches besides her own account: her regions' patients, their evaluations, the catalogue.
CLINICIAN_READS = {
    ("GET", "/v1/regions/{region_id}/patients"),
    ("GET", "/v1/patients/{patient_id}"),
    ("GET", "/v1/patients/{patient_id}/evaluations"),
    ("GET", "/v1/services"),
}
# Operations that name a region's resource in their path: a dispatcher of another region must get 403/404.
REGION_SCOPED = sorted(
    op
    for op in OPERATIONS
    if any(
        f"{{{name}}}" in op[1]
        for name in (
            "region_id",
            "nurse_id",
            "patient_id",
            "visit_id",
            "roster_id",
            "job_id",
            "schedule_id",
            "course_id",
            "plan_id",
            "offer_id",
            "request_id",
        )
    )
    and op not in PUBLIC
)
REFUSED = (403, 404)


@dataclass
class Side:
    """One region with two nurses on shift, each with a published stop; a patient, a visit, a roster, a job."""

    region: Region
    ana: dict
    bea: dict
    patient: dict
    visits: dict[int, dict]  # nurse id → the visit pinned to her
    roster: dict
    job: dict
    ana_client: httpx.Client
    bea_client: httpx.Client
    schedule: dict
    course: dict
    plan: dict
    offer: dict
    booking_request: dict
    day: date  # the region's today, so that her reports are of a day that has begun, within her shift
    event: dict  # Bea off sick from 23:58, not re-planned: an event of the day to undo

    @property
    def account(self) -> str:
        """The account the admin-only operations on /v1/users/{username}/… act on (made in _side)."""
        return f"subject-{self.region.id}"

    @property
    def visit(self) -> dict:
        return self.visits[self.ana["id"]]

    def path(self, template: str, nurse_id: int | None = None) -> str:
        return template.format(
            region_id=self.region.id,
            nurse_id=nurse_id or self.ana["id"],
            patient_id=self.patient["id"],
            visit_id=self.visit["id"],
            roster_id=self.roster["id"],
            job_id=self.job["id"],
            schedule_id=self.schedule["id"],
            course_id=self.course["id"],
            plan_id=self.plan["id"],
            offer_id=self.offer["id"],
            request_id=self.booking_request["id"],
            day=self.day,
            event_id=self.event["id"],
            token="not-a-feed-token",
            username=self.account,
            code="myers",
        )


def _side(base_url: str, admin: httpx.Client, db) -> Side:
    region = Region(base_url, admin, db)
    day = region_today(db)
    ana = region.nurse("Ana", lat=39.74, lon=-104.99, shift=WHOLE_DAY, day=day)
    bea = region.nurse("Bea", lat=39.70, lon=-104.90, shift=WHOLE_DAY, day=day)
    patient = region.patient("Jordan", lat=39.72, lon=-104.95)
    visits = {
        nurse["id"]: region.visit(
            region.patient(f"For {nurse['name']}", lat=39.73)["id"], window=window, pinned_nurse_id=nurse["id"], day=day
        )
        for nurse, window in ((ana, ("09:00", "11:00")), (bea, ("12:00", "14:00")))
    }
    job = region.wait(region.solve(day))
    assert job["state"] == "succeeded", job
    roster = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    published = region.publish(roster)
    assert published.status_code == 200, published.text
    schedule = region.dispatcher.post(f"/v1/regions/{region.id}/schedules", json={"local_time": "18:00"})
    assert schedule.status_code == 201, schedule.text
    add_user(db, f"subject-{region.id}", PASSWORD, "dispatcher", [region.id])
    course = region.dispatcher.post("/v1/courses", json=_course_body(patient["id"]))
    assert course.status_code == 201, course.text
    plan = region.dispatcher.post(f"/v1/regions/{region.id}/plans", json={"from": str(DAY), "days": 1, "time_limit_s": 1})
    assert plan.status_code == 202, plan.text
    sick = region.dispatcher.post(f"/v1/nurses/{bea['id']}/sick-calls", json={"date": str(day), "at": "23:58", "replan": False})
    assert sick.status_code == 201, sick.text
    # Offers from tomorrow, when Ana works too: late in the region's evening today has no hour left to offer.
    tomorrow = day + timedelta(days=1)
    shift = region.dispatcher.put(f"/v1/nurses/{ana['id']}/shifts/{tomorrow}", json={"start": "08:00", "end": "16:00"})
    assert shift.status_code == 200, shift.text
    offers = region.dispatcher.get(
        f"/v1/patients/{patient['id']}/offers", params={"service": "hydration", "from": str(tomorrow), "days": 1}
    )
    assert offers.status_code == 200 and offers.json()["offers"], offers.text
    asked = httpx.post(f"{base_url}/v1/public/regions/{region.id}/booking-requests", json=_booking_request())
    assert asked.status_code == 201, asked.text
    return Side(
        region,
        ana,
        bea,
        patient,
        visits,
        published.json(),
        job,
        region.nurse_account(ana["id"]),
        region.nurse_account(bea["id"]),
        schedule.json(),
        course.json(),
        plan.json(),
        offers.json()["offers"][0],
        asked.json(),
        day,
        sick.json()["event"],
    )


def _booking_request() -> dict:
    return {"name": "Kim", "phone": "+1 303 555 0199", "address": "1437 Bannock St, Denver, CO 80202", "service": "hydration"}


def _course_body(patient_id: int) -> dict:
    return {
        "patient_id": patient_id,
        "service": "hydration",
        "sessions": 2,
        "min_gap_days": 2,
        "max_gap_days": 4,
        "window": {"start": "09:00", "end": "12:00"},
        "start_on": str(DAY),
    }


@pytest.fixture(scope="module")
def ours(base_url, admin, db) -> Side:
    return _side(base_url, admin, db)


@pytest.fixture(scope="module")
def theirs(base_url, admin, db) -> Side:
    return _side(base_url, admin, db)


def _csv(side: Side) -> str:
    return f"patient_id,date,window_start,window_end,service\n{side.patient['id']},{side.day},09:00,11:00,hydration\n"


# A valid request for every operation, so that what decides the answer is who asks, not what she sends.
REQUESTS: dict[tuple[str, str], Callable[[Side], dict]] = {
    ("POST", "/v1/auth/token"): lambda s: {"data": {"username": s.region.dispatcher_name, "password": PASSWORD}},
    ("GET", "/v1/users"): lambda s: {},
    ("POST", "/v1/users"): lambda s: {
        "json": {"username": unique("user"), "password": PASSWORD, "role": "dispatcher", "regions": [s.region.id]}
    },
    ("GET", "/v1/regions"): lambda s: {},
    ("POST", "/v1/regions"): lambda s: {"json": {"id": unique("r"), "name": "New", "timezone": "America/Denver"}},
    ("PATCH", "/v1/regions/{region_id}"): lambda s: {"json": {"roads_dataset": None}},
    ("POST", "/v1/regions/{region_id}/nurses"): lambda s: {"json": {"name": "Cy", "home": {"lat": 39.7, "lon": -105.0}}},
    ("GET", "/v1/regions/{region_id}/nurses"): lambda s: {},
    ("GET", "/v1/nurses/{nurse_id}"): lambda s: {},
    ("PATCH", "/v1/nurses/{nurse_id}"): lambda s: {"json": {"phone": "+1 303 555 0111"}},
    ("DELETE", "/v1/nurses/{nurse_id}"): lambda s: {},
    ("PUT", "/v1/nurses/{nurse_id}/shifts/{day}"): lambda s: {"json": {"start": WHOLE_DAY[0], "end": WHOLE_DAY[1]}},
    ("DELETE", "/v1/nurses/{nurse_id}/shifts/{day}"): lambda s: {},
    ("GET", "/v1/nurses/{nurse_id}/shifts"): lambda s: {"params": {"from": str(s.day)}},
    ("POST", "/v1/regions/{region_id}/patients"): lambda s: {
        "json": {"name": "Kim", "location": {"lat": 39.7, "lon": -105.0}, "state": "CO"}
    },
    ("GET", "/v1/regions/{region_id}/patients"): lambda s: {},
    ("POST", "/v1/regions/{region_id}/patients/import"): lambda s: {
        "content": f"external_id,name,state,lat,lon\n{unique('mrn')},Kim,CO,39.7,-105.0\n",
        "headers": {"Content-Type": "text/csv"},
    },
    ("POST", "/v1/nurses/{nurse_id}/account"): lambda s: {"json": {"username": unique("nurse")}},
    ("GET", "/v1/patients/{patient_id}"): lambda s: {},
    ("PATCH", "/v1/patients/{patient_id}"): lambda s: {"json": {"notes": "changed"}},
    ("DELETE", "/v1/patients/{patient_id}"): lambda s: {},
    ("POST", "/v1/visits"): lambda s: {
        "json": {
            "patient_id": s.patient["id"],
            "date": str(s.day),
            "window": {"start": "09:00", "end": "11:00"},
            "service": "hydration",
        }
    },
    ("GET", "/v1/regions/{region_id}/visits"): lambda s: {"params": {"date": str(s.day)}},
    ("GET", "/v1/visits/{visit_id}"): lambda s: {},
    ("PATCH", "/v1/visits/{visit_id}"): lambda s: {"json": {"notes": "changed"}},
    ("DELETE", "/v1/visits/{visit_id}"): lambda s: {},
    ("POST", "/v1/regions/{region_id}/visits/import"): lambda s: {"content": _csv(s), "headers": {"Content-Type": "text/csv"}},
    ("POST", "/v1/regions/{region_id}/rosters/{day}/solve"): lambda s: {"json": {"time_limit_s": 1}},
    ("GET", "/v1/jobs/{job_id}"): lambda s: {},
    ("GET", "/v1/regions/{region_id}/rosters/{day}"): lambda s: {},
    ("GET", "/v1/rosters/{roster_id}"): lambda s: {},
    ("GET", "/v1/rosters/{roster_id}/compare"): lambda s: {},
    ("GET", "/v1/rosters/{roster_id}/view"): lambda s: {},
    ("POST", "/v1/rosters/{roster_id}/publish"): lambda s: {"headers": {"If-Match": f'"{s.roster["revision"]}"'}},
    ("POST", "/v1/rosters/{roster_id}/moves"): lambda s: {
        "json": {"visit_id": s.visit["id"], "nurse_id": None},
        "headers": {"If-Match": f'"{s.roster["revision"]}"'},
    },
    ("POST", "/v1/regions/{region_id}/rosters/{day}/replan"): lambda s: {"json": {"as_of": "10:00", "time_limit_s": 1}},
    ("POST", "/v1/nurses/{nurse_id}/sick-calls"): lambda s: {"json": {"date": str(s.day), "at": "07:00", "replan": False}},
    ("POST", "/v1/visits/{visit_id}/cancellation"): lambda s: {"json": {"replan": False}},
    ("POST", "/v1/visits/{visit_id}/no-show"): lambda s: {"json": {"replan": False}},
    ("POST", "/v1/visits/{visit_id}/overrun"): lambda s: {"json": {"minutes": 10, "replan": False}},
    ("GET", "/v1/regions/{region_id}/days/{day}/events"): lambda s: {},
    ("POST", "/v1/regions/{region_id}/days/{day}/events/{event_id}/undo"): lambda s: {},
    ("GET", "/v1/rosters/{roster_id}/calls"): lambda s: {},
    ("PUT", "/v1/rosters/{roster_id}/calls/{visit_id}"): lambda s: {},
    ("DELETE", "/v1/rosters/{roster_id}/calls/{visit_id}"): lambda s: {},
    ("GET", "/v1/visits/{visit_id}/slots"): lambda s: {"params": {"as_of": "07:00"}},
    ("POST", "/v1/visits/{visit_id}/slots/take"): lambda s: {"json": {"nurse_id": s.ana["id"], "position": 0, "as_of": "07:00"}},
    ("POST", "/v1/regions/{region_id}/schedules"): lambda s: {"json": {"local_time": "05:30", "days_ahead": 0}},
    ("GET", "/v1/regions/{region_id}/schedules"): lambda s: {},
    ("GET", "/v1/schedules/{schedule_id}"): lambda s: {},
    ("PATCH", "/v1/schedules/{schedule_id}"): lambda s: {"json": {"time_limit_s": 20}},
    ("DELETE", "/v1/schedules/{schedule_id}"): lambda s: {},
    ("GET", "/v1/me"): lambda s: {},
    ("POST", "/v1/me/password"): lambda s: {"json": {"current_password": PASSWORD, "new_password": PASSWORD}},
    ("POST", "/v1/users/{username}/deactivate"): lambda s: {},
    ("POST", "/v1/users/{username}/reactivate"): lambda s: {},
    ("POST", "/v1/users/{username}/revoke-tokens"): lambda s: {},
    ("PUT", "/v1/users/{username}/password"): lambda s: {"json": {"password": "a-new-password-7"}},
    ("GET", "/v1/me/itinerary"): lambda s: {"params": {"date": str(s.day)}},
    ("POST", "/v1/me/calendar-feed"): lambda s: {},
    ("POST", "/v1/me/visits/{visit_id}/reports"): lambda s: {"json": {"kind": "running_late", "minutes_late": 10}},
    ("POST", "/v1/me/visits/{visit_id}/undo"): lambda s: {"json": {"undoes": UNDOABLE.get(s.visit["id"], str(uuid.uuid4()))}},
    ("GET", "/v1/me/day"): lambda s: {"params": {"date": str(s.day)}},
    ("GET", "/v1/regions/{region_id}/durations"): lambda s: {},
    ("POST", "/v1/auth/refresh"): lambda s: {"json": {"refresh_token": "not-a-refresh-token", "device_id": "a-device-id"}},
    ("POST", "/v1/auth/logout"): lambda s: {"json": {"refresh_token": "not-a-refresh-token"}},
    ("DELETE", "/v1/me/calendar-feed"): lambda s: {},
    ("GET", "/v1/audit"): lambda s: {},
    ("GET", "/v1/calendar/{token}.ics"): lambda s: {},
    ("GET", "/healthz"): lambda s: {},
    ("GET", "/readyz"): lambda s: {},
    ("GET", "/v1/vocabulary"): lambda s: {},
    ("GET", "/v1/patients/{patient_id}/evaluations"): lambda s: {},
    ("POST", "/v1/patients/{patient_id}/evaluations"): lambda s: {
        "json": {"outcome": "cleared", "mode": "telehealth", "evaluated_on": str(EVALUATED_ON)}
    },
    ("GET", "/v1/services"): lambda s: {},
    ("POST", "/v1/courses"): lambda s: {"json": _course_body(s.patient["id"])},
    ("GET", "/v1/courses/{course_id}"): lambda s: {},
    ("GET", "/v1/regions/{region_id}/courses"): lambda s: {},
    ("POST", "/v1/courses/{course_id}/cancellation"): lambda s: {},
    ("GET", "/v1/nurses/{nurse_id}/contract"): lambda s: {},
    ("PUT", "/v1/nurses/{nurse_id}/contract"): lambda s: {"json": {"template": {"mon": {"start": "08:00", "end": "16:00"}}}},
    ("PUT", "/v1/nurses/{nurse_id}/time-off/{day}"): lambda s: {"json": {"note": "leave"}},
    ("GET", "/v1/regions/{region_id}/shift-grid"): lambda s: {"params": {"from": str(DAY)}},
    ("POST", "/v1/regions/{region_id}/plans"): lambda s: {"json": {"from": str(DAY), "days": 1, "time_limit_s": 1}},
    ("GET", "/v1/plans/{plan_id}"): lambda s: {},
    ("POST", "/v1/plans/{plan_id}/publish"): lambda s: {},
    ("POST", "/v1/plans/{plan_id}/replan"): lambda s: {"json": {"from": str(DAY), "time_limit_s": 1}},
    ("GET", "/v1/me/week"): lambda s: {"params": {"from": str(DAY), "to": str(DAY)}},
    ("POST", "/v1/services"): lambda s: {
        "json": {"code": unique("svc"), "name": "Vitamin C drip", "infusion_min": 40, "required_certifications": ["rn", "iv"]}
    },
    ("PATCH", "/v1/services/{code}"): lambda s: {"json": {"name": "Myers' cocktail"}},
    ("GET", "/v1/patients/{patient_id}/offers"): lambda s: {"params": {"service": "hydration", "from": str(s.day), "days": 1}},
    ("POST", "/v1/offers/{offer_id}/hold"): lambda s: {},
    ("POST", "/v1/offers/{offer_id}/take"): lambda s: {},
    ("GET", "/v1/public/regions/{region_id}/booking-form"): lambda s: {},
    ("POST", "/v1/public/regions/{region_id}/booking-requests"): lambda s: {"json": _booking_request()},
    ("GET", "/v1/regions/{region_id}/booking-requests"): lambda s: {},
    ("POST", "/v1/booking-requests/{request_id}/close"): lambda s: {"json": {"status": "declined"}},
}


# Visit id → the key of a report Ana has just made on it, for her undo (made in test_a_nurse_reaches_her_own_day,
# so that no other test leaves a report behind that re-planning would read).
UNDOABLE: dict[int, str] = {}


def _send(client: httpx.Client, operation: tuple[str, str], target: Side, nurse_id: int | None = None) -> httpx.Response:
    method, template = operation
    return client.request(method, target.path(template, nurse_id), **REQUESTS[operation](target))


def assert_problem(answer: httpx.Response, statuses: tuple[int, ...]) -> None:
    """The answer is one of `statuses`, told as RFC 9457 problem+json."""
    assert answer.status_code in statuses, (answer.request.method, answer.request.url, answer.status_code, answer.text)
    assert answer.headers["content-type"] == "application/problem+json", answer.headers
    body = answer.json()
    assert body["status"] == answer.status_code
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]


def _ids(operations) -> list[str]:
    return [f"{method} {path}" for method, path in operations]


# ---------------------------------------------------------------- the matrix covers the whole API


def test_every_operation_has_a_request_in_the_matrix():
    assert set(REQUESTS) == set(OPERATIONS), "a new endpoint needs a request here, so its access rules are tested"


def test_the_server_publishes_the_document_the_matrix_is_built_from(base_url):
    served = httpx.get(f"{base_url}/openapi.json").json()
    assert sorted((m.upper(), p) for p, item in served["paths"].items() for m in item) == OPERATIONS


# ---------------------------------------------------------------- no token, or a bad one


@pytest.mark.parametrize("operation", sorted(set(OPERATIONS) - PUBLIC), ids=_ids(sorted(set(OPERATIONS) - PUBLIC)))
def test_without_a_token_only_public_endpoints_answer(operation, base_url, ours):
    with httpx.Client(base_url=base_url, timeout=30) as anonymous:
        answer = _send(anonymous, operation, ours)
    assert_problem(answer, (401,))
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/docs", "/openapi.json"])
def test_health_and_docs_need_no_token(path, base_url):
    assert httpx.get(f"{base_url}{path}").status_code == 200


def test_a_calendar_feed_needs_its_secret_not_a_login(base_url):
    assert_problem(httpx.get(f"{base_url}/v1/calendar/not-a-feed-token.ics"), (404,))


def _signing_key(service_home) -> str:
    return (service_home / "secret.key").read_text().strip()


def _bad_tokens(service_home) -> dict[str, str]:
    key = _signing_key(service_home)
    admin = Principal("admin", "admin")
    now = datetime.now(UTC)
    return {
        "signed with another key": issue_token(admin, "not-the-servers-key-" + "x" * 32, 60),
        "garbage": "not.a.token",
        "expired": issue_token(admin, key, -1),
        "unsigned (alg none)": jwt.encode({"sub": "admin", "exp": now + timedelta(hours=1)}, None, algorithm="none"),
        "without an expiry": jwt.encode({"sub": "admin"}, key, algorithm=TOKEN_ALGORITHM),
        "for nobody": issue_token(Principal("nobody-" + unique("x"), "admin"), key, 60),
    }


@pytest.mark.parametrize(
    "kind", ["signed with another key", "garbage", "expired", "unsigned (alg none)", "without an expiry", "for nobody"]
)
def test_a_bad_token_is_refused(kind, base_url, admin, service_home):
    token = _bad_tokens(service_home)[kind]
    answer = httpx.get(f"{base_url}/v1/regions", headers={"Authorization": f"Bearer {token}"})
    assert_problem(answer, (401,))


def test_a_token_made_with_the_servers_key_is_accepted(base_url, admin, service_home):
    """The control for the bad tokens: the key read above is the one the server signs with."""
    token = issue_token(Principal("admin", "admin"), _signing_key(service_home), 5)
    assert httpx.get(f"{base_url}/v1/regions", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_deactivated_accounts_token_stops_working(base_url, admin, db, ours):
    name = unique("leaver")
    add_user(db, name, PASSWORD, "dispatcher", [ours.region.id])
    client = login(base_url, name)
    assert client.get(f"/v1/regions/{ours.region.id}/nurses").status_code == 200
    db.execute("UPDATE users SET active = false WHERE username = %s", [name])
    assert_problem(client.get(f"/v1/regions/{ours.region.id}/nurses"), (401,))


# ---------------------------------------------------------------- nurses: only /v1/me/…

NOT_FOR_NURSES = sorted(set(OPERATIONS) - PUBLIC - NURSE_OWN)


@pytest.mark.parametrize("operation", NOT_FOR_NURSES, ids=_ids(NOT_FOR_NURSES))
def test_a_nurse_reaches_nothing_but_her_own_day(operation, ours):
    """Even her own region, her own record and the roster she is on."""
    assert_problem(_send(ours.ana_client, operation, ours, nurse_id=ours.ana["id"]), REFUSED)


def test_a_nurse_reads_only_her_own_itinerary(ours, theirs):
    for side in (ours, theirs):
        for nurse, client in ((side.ana, side.ana_client), (side.bea, side.bea_client)):
            # A nurse_id of someone else in the query is not a way in.
            answer = client.get("/v1/me/itinerary", params={"date": str(side.day), "nurse_id": side.bea["id"]})
            assert answer.status_code == 200, answer.text
            day = answer.json()
            assert day["nurse_id"] == nurse["id"]
            assert [s["visit_id"] for s in day["stops"]] == [side.visits[nurse["id"]]["id"]]


def test_a_nurses_calendar_feed_holds_only_her_visits(ours, base_url):
    url = ours.bea_client.post("/v1/me/calendar-feed").json()["url"]
    events = Calendar.from_ical(httpx.get(url).content).walk("VEVENT")
    try:
        assert [str(e["uid"]) for e in events] == [f"visit-{ours.visits[ours.bea['id']]['id']}@nurse-dispatch"]
    finally:
        ours.bea_client.delete("/v1/me/calendar-feed")


@pytest.mark.parametrize(
    "path",
    [
        "/v1/rosters/{roster_id}",
        "/v1/regions/{region_id}/rosters/{day}",
        "/v1/rosters/{roster_id}/compare",
        "/v1/rosters/{roster_id}/view",
        "/v1/patients/{patient_id}",
        "/v1/regions/{region_id}/patients",
        "/v1/regions/{region_id}/visits",
        "/v1/visits/{visit_id}",
    ],
)
def test_a_nurse_cannot_obtain_another_nurses_stops_from_rosters_patients_or_visits(path, ours):
    answer = ours.ana_client.get(ours.path(path), params={"date": str(ours.day)})
    assert_problem(answer, REFUSED)
    assert not re.search(rf"\b{ours.visits[ours.bea['id']]['id']}\b", answer.text)  # not as a number (403 holds a 4)


@pytest.mark.parametrize("operation", sorted(NURSE_OWN), ids=_ids(sorted(NURSE_OWN)))
def test_a_nurse_reaches_her_own_day(operation, ours):
    if operation == ("DELETE", "/v1/me/calendar-feed"):
        ours.ana_client.post("/v1/me/calendar-feed")
    if operation == ("POST", "/v1/me/visits/{visit_id}/undo"):
        UNDOABLE[ours.visit["id"]] = key = str(uuid.uuid4())
        made = ours.ana_client.post(
            f"/v1/me/visits/{ours.visit['id']}/reports", json={"kind": "running_late", "minutes_late": 5, "key": key}
        )
        assert made.status_code == 201, made.text
    answer = _send(ours.ana_client, operation, ours)
    assert 200 <= answer.status_code < 300, answer.text
    if operation == ("POST", "/v1/me/password"):  # her other tokens, this one included, stop: carry on with the new one
        ours.ana_client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


# ---------------------------------------------------------------- dispatchers: only their regions


@pytest.mark.parametrize("operation", REGION_SCOPED, ids=_ids(REGION_SCOPED))
def test_a_dispatcher_cannot_reach_another_regions_resources(operation, ours, theirs):
    answer = _send(ours.region.dispatcher, operation, theirs)
    assert_problem(answer, REFUSED)
    assert theirs.patient["name"] not in answer.text


def _is_read(operation: tuple[str, str]) -> bool:
    return operation[0] == "GET"


REGION_SCOPED_READS = [op for op in REGION_SCOPED if _is_read(op)]


@pytest.mark.parametrize("who", ["admin", "dispatcher"])
@pytest.mark.parametrize("operation", REGION_SCOPED_READS, ids=_ids(REGION_SCOPED_READS))
def test_the_regions_own_dispatcher_and_the_admin_read_what_others_cannot(operation, who, theirs, admin):
    """The control for the refusals above: the same requests succeed for those allowed."""
    client = admin if who == "admin" else theirs.region.dispatcher
    answer = _send(client, operation, theirs)
    assert answer.status_code == 200, answer.text


def test_a_dispatcher_sees_only_her_regions(ours, theirs, admin):
    assert [r["id"] for r in ours.region.dispatcher.get("/v1/regions").json()] == [ours.region.id]
    assert {ours.region.id, theirs.region.id} <= {r["id"] for r in admin.get("/v1/regions").json()}


def test_a_dispatcher_cannot_book_a_visit_for_another_regions_patient(ours, theirs):
    """Told exactly what she would be told for a patient that does not exist: no hint that it does."""
    theirs_answer = _send(ours.region.dispatcher, ("POST", "/v1/visits"), theirs)
    missing = ours.region.dispatcher.post(
        "/v1/visits", json=REQUESTS[("POST", "/v1/visits")](theirs)["json"] | {"patient_id": 10**12}
    )
    assert_problem(theirs_answer, (404, 422))
    assert theirs_answer.status_code == missing.status_code
    assert theirs_answer.json()["detail"].replace(str(theirs.patient["id"]), "N") == missing.json()["detail"].replace(
        str(10**12), "N"
    )


def test_a_dispatcher_cannot_compare_her_roster_with_another_regions(ours, theirs):
    answer = ours.region.dispatcher.get(f"/v1/rosters/{ours.roster['id']}/compare", params={"with": theirs.roster["id"]})
    assert_problem(answer, REFUSED)


def test_a_dispatcher_cannot_point_her_patient_at_another_regions_nurse(ours, theirs):
    answer = ours.region.dispatcher.patch(f"/v1/patients/{ours.patient['id']}", json={"preferred_nurse_ids": [theirs.ana["id"]]})
    assert_problem(answer, (404, 422))
    assert ours.region.dispatcher.get(f"/v1/patients/{ours.patient['id']}").json()["preferred_nurse_ids"] == []


IN_A_REGION = [op for op in OPERATIONS if "{region_id}" in op[1]]


@pytest.mark.parametrize("operation", IN_A_REGION, ids=_ids(IN_A_REGION))
def test_an_admin_is_told_when_a_region_does_not_exist(operation, admin, ours):
    nowhere = replace(ours, region=SimpleNamespace(id="no-such-region"))
    assert_problem(_send(admin, operation, nowhere), (404,))


@pytest.mark.parametrize("operation", sorted(ADMIN_ONLY), ids=_ids(sorted(ADMIN_ONLY)))
def test_only_an_admin_manages_accounts_and_regions(operation, ours, admin):
    assert_problem(_send(ours.region.dispatcher, operation, ours), (403,))
    assert 200 <= _send(admin, operation, ours).status_code < 300


# Everyone reads who she is and changes her own password; the rest of /v1/me/… is a nurse's day.
EVERYONES_OWN = {("GET", "/v1/me"), ("POST", "/v1/me/password")}


@pytest.mark.parametrize("operation", sorted(NURSE_OWN - EVERYONES_OWN), ids=_ids(sorted(NURSE_OWN - EVERYONES_OWN)))
def test_a_dispatcher_has_no_itinerary_or_feed(operation, ours):
    assert_problem(_send(ours.region.dispatcher, operation, ours), (403,))


# ---------------------------------------------------------------- reads of patient data are audited


def _audit_rows(db, username: str, resource: str) -> int:
    return db.execute(
        "SELECT count(*) AS n FROM audit_log WHERE username = %s AND action = 'read' AND resource = %s", [username, resource]
    ).fetchone()["n"]


@pytest.mark.parametrize(
    ("path", "resource"),
    [("/v1/patients/{patient_id}", "patient/{patient_id}"), ("/v1/rosters/{roster_id}", "roster/{roster_id}")],
)
def test_a_dispatchers_read_of_patient_data_is_audited(path, resource, ours, db):
    resource = ours.path(resource)
    before = _audit_rows(db, ours.region.dispatcher_name, resource)
    assert ours.region.dispatcher.get(ours.path(path)).status_code == 200
    assert _audit_rows(db, ours.region.dispatcher_name, resource) == before + 1


def test_a_nurses_read_of_her_itinerary_is_audited(ours, db):
    nurse = ours.ana_client.get("/v1/me").json()["username"]
    itinerary = f"itinerary/{ours.ana['id']}/{ours.day}"
    before = _audit_rows(db, nurse, itinerary)
    assert ours.ana_client.get("/v1/me/itinerary", params={"date": str(ours.day)}).status_code == 200
    assert _audit_rows(db, nurse, itinerary) == before + 1


# ---------------------------------------------------------------- every error is problem+json


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/no-such-thing", 404),
        ("DELETE", "/v1/regions", 405),
        ("GET", "/v1/nurses/not-a-number", 422),
        ("POST", "/v1/visits", 422),
    ],
)
def test_errors_outside_the_handlers_are_problem_json_too(method, path, status, admin):
    assert_problem(admin.request(method, path, json={}), (status,))


# ---------------------------------------------------------------- clinicians: evaluations of their regions' patients

NOT_FOR_CLINICIANS = sorted(set(OPERATIONS) - PUBLIC - CLINICIAN_ONLY - CLINICIAN_READS - EVERYONES_OWN)


@pytest.mark.parametrize("operation", NOT_FOR_CLINICIANS, ids=_ids(NOT_FOR_CLINICIANS))
def test_a_clinician_reaches_nothing_but_patients_and_their_evaluations(operation, ours):
    assert_problem(_send(ours.region.clinician, operation, ours), REFUSED)


@pytest.mark.parametrize(
    "operation", sorted(CLINICIAN_READS | CLINICIAN_ONLY), ids=_ids(sorted(CLINICIAN_READS | CLINICIAN_ONLY))
)
def test_a_clinician_reads_her_regions_patients_and_records_evaluations_but_not_another_regions(operation, ours, theirs):
    answer = _send(ours.region.clinician, operation, ours)
    assert 200 <= answer.status_code < 300, answer.text
    if "{patient_id}" in operation[1] or "{region_id}" in operation[1]:
        refused = _send(ours.region.clinician, operation, theirs)
        assert_problem(refused, REFUSED)
        assert theirs.patient["name"] not in refused.text


@pytest.mark.parametrize("operation", sorted(CLINICIAN_ONLY), ids=_ids(sorted(CLINICIAN_ONLY)))
def test_neither_a_dispatcher_nor_an_admin_records_an_evaluations_outcome(operation, ours, admin):
    assert_problem(_send(ours.region.dispatcher, operation, ours), (403,))
    assert_problem(_send(admin, operation, ours), (403,))
