"""Logging in against an attacker: failures throttled per account and per address (in the database, so
every replica agrees), the same answer for unknown names, common passwords refused, tokens that age out.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from dispatch.errors import InvalidField
from dispatch.platform import passwords
from dispatch.platform.access import TOKEN_ALGORITHM
from dispatch.platform.passwords import check_new_password
from dispatch.platform.settings import Settings
from dispatch.records.users import add_user, authenticate
from tests.api.conftest import PASSWORD, running_api, unique

ACCOUNT_LIMIT, ADDRESS_LIMIT, LOCKOUT_S = 3, 5, 4
_addresses = itertools.count(2)


@pytest.fixture(scope="module")
def strict(service_home, database, base_url) -> str:
    """A second replica on the same database, with small limits (the shared test server's are lifted)."""
    settings = Settings(
        home=service_home,
        database_url=database,
        geocoder="none",
        login_failures_per_account=ACCOUNT_LIMIT,
        login_failures_per_address=ADDRESS_LIMIT,
        login_lockout_s=LOCKOUT_S,
    )
    with running_api(settings) as url:
        yield url


def caller(base_url: str) -> httpx.Client:
    """A client calling from an address of its own on the loopback network (127.0.0.0/8), so tests do not share counts."""
    n = next(_addresses)
    address = f"127.0.{n // 250}.{n % 250 + 2}"
    return httpx.Client(base_url=base_url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def log_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/v1/auth/token", data={"username": username, "password": password})


def test_an_account_is_locked_after_failures_and_the_right_password_waits_for_the_end(strict, db):
    name = unique("target")
    add_user(db, name, PASSWORD, "admin")
    with caller(strict) as client:
        for _ in range(ACCOUNT_LIMIT):
            assert log_in(client, name, "wrong-password-x").status_code == 401
        locked = log_in(client, name)
        assert locked.status_code == 429, locked.text
        assert locked.headers["content-type"] == "application/problem+json"
        assert 1 <= int(locked.headers["retry-after"]) <= LOCKOUT_S
    with caller(strict) as elsewhere:  # the lock is on the account, whatever the address
        assert log_in(elsewhere, name).status_code == 429
        time.sleep(LOCKOUT_S + 0.5)
        assert log_in(elsewhere, name).status_code == 200


def test_the_lock_is_shared_by_every_replica(strict, base_url, db):
    name = unique("target")
    add_user(db, name, PASSWORD, "admin")
    with caller(strict) as client:
        for _ in range(ACCOUNT_LIMIT):
            log_in(client, name, "wrong-password-x")
    with caller(base_url) as other_replica:
        assert log_in(other_replica, name).status_code == 429


def test_an_unknown_username_is_locked_the_same_way(strict):
    name = unique("nobody")
    with caller(strict) as client:
        answers = [log_in(client, name, "wrong-password-x").status_code for _ in range(ACCOUNT_LIMIT + 1)]
    assert answers == [401] * ACCOUNT_LIMIT + [429]


def test_an_address_is_locked_after_failures_across_accounts(strict, db):
    name = unique("bystander")
    add_user(db, name, PASSWORD, "admin")
    with caller(strict) as spraying:
        for _ in range(ADDRESS_LIMIT):
            assert log_in(spraying, unique("guess"), "wrong-password-x").status_code == 401
        assert log_in(spraying, name).status_code == 429
    with caller(strict) as elsewhere:
        assert log_in(elsewhere, name).status_code == 200


def test_right_passwords_are_never_throttled(strict, db):
    name = unique("busy")
    add_user(db, name, PASSWORD, "admin")
    with caller(strict) as client:
        assert [log_in(client, name).status_code for _ in range(ADDRESS_LIMIT + 2)] == [200] * (ADDRESS_LIMIT + 2)


def test_a_right_password_clears_the_accounts_failures(strict, db):
    name = unique("typo")
    add_user(db, name, PASSWORD, "admin")
    with caller(strict) as client:
        for _ in range(2):
            for _ in range(ACCOUNT_LIMIT - 1):
                assert log_in(client, name, "wrong-password-x").status_code == 401
            assert log_in(client, name).status_code == 200


def test_an_unknown_username_is_checked_against_a_password_hash_too(db, monkeypatch):
    """The time a refusal takes does not tell whether the name exists: both verify one Argon2 hash."""
    verified = []
    real = passwords._hasher

    class CountingHasher:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, password_hash: str, password: str) -> bool:
            verified.append(password_hash)
            return real.verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    name = unique("known")
    add_user(db, name, PASSWORD, "admin")
    assert authenticate(db, unique("unknown"), "wrong-password-x") is None
    assert authenticate(db, name, "wrong-password-x") is None
    assert len(verified) == 2
    assert all(h.startswith("$argon2id$") for h in verified)


@pytest.mark.parametrize("password", ["password", "12345678", "Password", "qwertyuiop", "short1"])
def test_a_common_or_short_password_is_refused(password, admin):
    answer = admin.post("/v1/users", json={"username": unique("u"), "password": password, "role": "admin"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "password"


@pytest.mark.parametrize("password", ["test-password-1", "demo-password", "bench-password", "long-enough-1"])
def test_the_suites_and_demos_passwords_pass_the_policy(password):
    check_new_password(password)


def test_the_policy_names_the_field_it_checks():
    with pytest.raises(InvalidField) as refused:
        check_new_password("password", "new_password")
    assert refused.value.field == "new_password"


def _signing_key(service_home) -> str:
    return (service_home / "secret.key").read_text().strip()


def _token(service_home, **claims) -> str:
    return jwt.encode({"sub": "admin", "role": "admin"} | claims, _signing_key(service_home), algorithm=TOKEN_ALGORITHM)


@pytest.mark.parametrize("kind", ["older than the lifetime, with a far expiry", "without iat", "issued in the future"])
def test_a_token_outside_its_lifetime_is_refused(kind, base_url, admin, service_home):
    now = datetime.now(UTC)
    claims = {
        "older than the lifetime, with a far expiry": {"iat": now - timedelta(hours=2), "exp": now + timedelta(days=365)},
        "without iat": {"exp": now + timedelta(minutes=5)},
        "issued in the future": {"iat": now + timedelta(hours=1), "exp": now + timedelta(hours=2)},
    }[kind]
    answer = httpx.get(f"{base_url}/v1/regions", headers={"Authorization": f"Bearer {_token(service_home, **claims)}"})
    assert answer.status_code == 401


def test_a_token_within_its_lifetime_is_accepted(base_url, admin, service_home):
    """The control for the refusals above."""
    now = datetime.now(UTC)
    token = _token(service_home, iat=now - timedelta(minutes=5), exp=now + timedelta(minutes=5))
    assert httpx.get(f"{base_url}/v1/regions", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_token_answer_is_not_stored(base_url, admin):
    answer = httpx.post(f"{base_url}/v1/auth/token", data={"username": "admin", "password": PASSWORD})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"


def test_the_docs_carry_a_content_security_policy(base_url):
    answer = httpx.get(f"{base_url}/docs")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'sha256-" in policy  # the page's one inline script, by hash; no 'unsafe-inline' for scripts
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
