"""The login throttle: failed attempts counted per account and per client address, in the database.

Failures, not successes, are counted, so a busy office behind one address that types its passwords
right is never refused. Past the limit within the window, the account (or the address) is locked for
the lockout time: every attempt, the right password included, is refused until it ends. Kept in
PostgreSQL so that all API replicas count the same attempts; an upsert makes concurrent failures count
once each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from dispatch.errors import Throttled
from dispatch.platform.db import Db, one


@dataclass(frozen=True)
class LoginLimits:
    failures_per_account: int = 5
    failures_per_address: int = 50
    window_s: int = 900
    lockout_s: int = 900


def _keys(username: str, address: str | None) -> dict[str, str]:
    keys = {"account": f"account:{username}"}
    if address:
        keys["address"] = f"address:{address}"
    return keys


def refuse_if_locked(conn: Db, username: str, address: str | None) -> None:
    """Raise Throttled (with the seconds left) while the account or the address is locked."""
    row = one(
        conn.execute(
            "SELECT extract(epoch FROM max(locked_until) - now()) AS seconds_left FROM login_throttle"
            " WHERE key = ANY(%s) AND locked_until > now()",
            [list(_keys(username, address).values())],
        )
    )
    if row["seconds_left"] is not None:
        seconds = max(1, math.ceil(row["seconds_left"]))
        raise Throttled(f"too many failed logins; try again in {seconds} s", seconds)


_COUNT_FAILURE = """
INSERT INTO login_throttle AS t (key, failures, window_started) VALUES (%(key)s, 1, now())
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.window_started < now() - %(window)s THEN 1 ELSE t.failures + 1 END,
    window_started = CASE WHEN t.window_started < now() - %(window)s THEN now() ELSE t.window_started END
RETURNING failures
"""


def count_failure(conn: Db, username: str, address: str | None, limits: LoginLimits) -> None:
    """Count one failed attempt against the account and the address; lock either that reaches its limit."""
    limit = {"account": limits.failures_per_account, "address": limits.failures_per_address}
    window, lockout = timedelta(seconds=limits.window_s), timedelta(seconds=limits.lockout_s)
    with conn.transaction():
        # Rows whose window and lock are both over count for nothing; without this, names an attacker
        # tried would pile up.
        conn.execute(
            "DELETE FROM login_throttle WHERE window_started < now() - %s AND (locked_until IS NULL OR locked_until < now())",
            [window],
        )
        for kind, key in _keys(username, address).items():
            failures = one(conn.execute(_COUNT_FAILURE, {"key": key, "window": window}))["failures"]
            if failures >= limit[kind]:
                # The lock starts a fresh count: after it ends, the next attempts are counted anew.
                conn.execute(
                    "UPDATE login_throttle SET locked_until = now() + %s, failures = 0, window_started = now() WHERE key = %s",
                    [lockout, key],
                )


def forget_failures(conn: Db, username: str) -> None:
    """After a right password (or an admin's reset), the account starts again from no failures."""
    conn.execute("DELETE FROM login_throttle WHERE key = %s", [f"account:{username}"])
