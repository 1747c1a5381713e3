"""Removing access: deactivating an account or a nurse, revoking tokens, changing or resetting a password;
refusals audited; feed links that do not follow the Host header; no caching of patient data.
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from dispatch.errors import Conflict
from dispatch.records.users import add_user, set_active
from tests.api.conftest import DAY, PASSWORD, Region, login, unique

NEW_PASSWORD = "a-new-password-7"


def _bearer(client: httpx.Client) -> dict[str, str]:
    return {"Authorization": client.headers["Authorization"]}


def _answers(base_url: str, headers: dict[str, str], path: str, **params) -> int:
    return httpx.get(f"{base_url}{path}", headers=headers, params=params).status_code


@pytest.fixture
def dispatcher(region: Region) -> tuple[str, httpx.Client]:
    name = unique("dispatcher")
    add_user(region.db, name, PASSWORD, "dispatcher", [region.id])
    return name, login(region.base_url, name)


@pytest.fixture
def nurse(region: Region) -> tuple[str, httpx.Client, dict, str]:
    """A nurse with an account, a session and a calendar feed: (username, client, nurse, feed URL)."""
    record = region.nurse("Ana")
    name = unique("nurse")
    add_user(region.db, name, PASSWORD, "nurse", nurse_id=record["id"])
    client = login(region.base_url, name)
    feed = client.post("/v1/me/calendar-feed")
    assert feed.status_code == 201, feed.text
    return name, client, record, feed.json()["url"]


def _refused_everywhere(base_url: str, name: str, client: httpx.Client, feed_url: str) -> None:
    assert _answers(base_url, _bearer(client), "/v1/me/itinerary", date=str(DAY)) == 401
    assert httpx.post(f"{base_url}/v1/auth/token", data={"username": name, "password": PASSWORD}).status_code == 401
    assert httpx.get(feed_url).status_code == 404


def test_a_deactivated_account_cannot_log_in_and_its_tokens_and_feeds_stop(region, admin, nurse):
    name, client, _, feed_url = nurse
    assert _answers(region.base_url, _bearer(client), "/v1/me/itinerary", date=str(DAY)) == 200
    answer = admin.post(f"/v1/users/{name}/deactivate")
    assert answer.status_code == 200, answer.text
    assert answer.json()["active"] is False
    _refused_everywhere(region.base_url, name, client, feed_url)


def test_reactivating_lets_her_log_in_but_brings_back_no_old_token(region, admin, dispatcher):
    name, client = dispatcher
    assert admin.post(f"/v1/users/{name}/deactivate").status_code == 200
    assert admin.post(f"/v1/users/{name}/reactivate").json()["active"] is True
    assert _answers(region.base_url, _bearer(client), "/v1/regions") == 401
    assert _answers(region.base_url, _bearer(login(region.base_url, name)), "/v1/regions") == 200


def test_a_nurse_whose_record_is_inactive_is_refused_everywhere(region, nurse):
    name, client, record, feed_url = nurse
    assert httpx.get(feed_url).status_code == 200
    answer = region.dispatcher.patch(f"/v1/nurses/{record['id']}", json={"active": False})
    assert answer.status_code == 200, answer.text
    _refused_everywhere(region.base_url, name, client, feed_url)


def test_revoking_tokens_refuses_every_token_and_feed_she_holds(region, admin, nurse):
    name, client, _, feed_url = nurse
    second = login(region.base_url, name)
    assert admin.post(f"/v1/users/{name}/revoke-tokens").status_code == 200
    for session in (client, second):
        assert _answers(region.base_url, _bearer(session), "/v1/me") == 401
    assert httpx.get(feed_url).status_code == 404
    assert _answers(region.base_url, _bearer(login(region.base_url, name)), "/v1/me") == 200


def test_she_changes_her_password_and_her_other_tokens_stop(region, dispatcher):
    name, client = dispatcher
    other_device = login(region.base_url, name)
    answer = client.post("/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    new_token = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    assert _answers(region.base_url, new_token, "/v1/me") == 200
    assert _answers(region.base_url, _bearer(other_device), "/v1/me") == 401
    assert _answers(region.base_url, _bearer(client), "/v1/me") == 401
    login(region.base_url, name, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "not-my-password", "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "password1"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
    ],
)
def test_a_password_change_needs_the_current_one_and_a_good_new_one(body, field, region, dispatcher):
    name, client = dispatcher
    answer = client.post("/v1/me/password", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert _answers(region.base_url, _bearer(client), "/v1/me") == 200  # nothing changed
    login(region.base_url, name)


def test_an_admin_resets_a_password(region, admin, dispatcher):
    name, client = dispatcher
    answer = admin.put(f"/v1/users/{name}/password", json={"password": NEW_PASSWORD})
    assert answer.status_code == 200, answer.text
    assert _answers(region.base_url, _bearer(client), "/v1/me") == 401
    login(region.base_url, name, NEW_PASSWORD)


def test_only_an_admin_removes_access_and_a_refusal_is_audited(region, admin, dispatcher, db):
    name, client = dispatcher
    target = unique("colleague")
    add_user(db, target, PASSWORD, "dispatcher", [region.id])
    answer = client.post(f"/v1/users/{target}/deactivate")
    assert answer.status_code == 403
    entry = db.execute(
        "SELECT username, action, resource, detail FROM audit_log WHERE username = %s AND action = 'denied'"
        " ORDER BY id DESC LIMIT 1",
        [name],
    ).fetchone()
    assert entry is not None
    assert entry["resource"] == "/v1/users/{username}/deactivate"
    assert entry["detail"]["method"] == "POST" and entry["detail"]["path_params"] == {"username": target}
    login(region.base_url, target)  # still active


def test_an_unknown_user_is_not_found(admin):
    answer = admin.post(f"/v1/users/{unique('nobody')}/deactivate")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_last_active_admin_cannot_be_deactivated(admin, db):
    """On the shared database, inside a transaction rolled back at the end: every other admin inactive first."""
    with db.transaction(force_rollback=True):
        db.execute("UPDATE users SET active = false WHERE role = 'admin' AND username <> 'admin'")
        with pytest.raises(Conflict) as refused:
            set_active(db, "test", "admin", active=False)
        assert refused.value.field == "username"
        second = unique("admin")
        add_user(db, second, PASSWORD, "admin")
        assert set_active(db, "test", "admin", active=False)["active"] is False


def test_a_feed_link_ignores_a_forged_host_and_answers_head(region, nurse):
    _, client, _, _ = nurse
    answer = client.post("/v1/me/calendar-feed", headers={"Host": "evil.example"})
    assert answer.status_code == 201
    url = answer.json()["url"]
    assert url.startswith(region.base_url + "/v1/calendar/"), url
    head = httpx.head(url)
    get = httpx.get(url)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""
    assert "no-store" in get.headers["cache-control"]


def test_patient_and_itinerary_answers_are_not_stored(region, nurse):
    _, client, _, _ = nurse
    patient = region.patient()
    for answer in (
        region.dispatcher.get(f"/v1/patients/{patient['id']}"),
        client.get("/v1/me/itinerary", params={"date": str(DAY)}),
    ):
        assert answer.status_code == 200, answer.text
        assert answer.headers["cache-control"] == "no-store"


def test_the_command_line_deactivates_and_sets_passwords(region, db, database):
    name = unique("cli")
    add_user(db, name, PASSWORD, "dispatcher", [region.id])
    env = {**os.environ, "DATABASE_URL": database}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "user", *args], env=env, capture_output=True, text=True, timeout=120
        )

    done = run("password", "--username", name, "--password", NEW_PASSWORD)
    assert done.returncode == 0, done.stderr
    login(region.base_url, name, NEW_PASSWORD)
    common = run("password", "--username", name, "--password", "12345678")
    assert common.returncode == 2 and "password:" in common.stderr and "Traceback" not in common.stderr
    done = run("deactivate", "--username", name)
    assert done.returncode == 0, done.stderr
    assert httpx.post(f"{region.base_url}/v1/auth/token", data={"username": name, "password": NEW_PASSWORD}).status_code == 401
    assert run("reactivate", "--username", name).returncode == 0
    login(region.base_url, name, NEW_PASSWORD)
    assert (
        db.execute(
            "SELECT count(*) AS n FROM audit_log WHERE resource = %s AND username LIKE 'cli:%%'", [f"user/{name}"]
        ).fetchone()["n"]
        == 3
    )
