"""A session that lasts a shift: refresh tokens, rotated on every use, bound to a device, revocable.

An access token lives an hour (NURSE_DISPATCH_TOKEN_MINUTES); a refresh token lets the page get the
next one without her password until the session ends (NURSE_DISPATCH_SESSION_HOURS after she logged
in: a shift and some). Only each token's SHA-256 is stored. A refresh token works once: using it
answers a new one of the same family. A token already used, presented again, means a copy is in other
hands, so the whole family is revoked; so is a token presented from another device than the one it
was given to. Revoking an account's tokens, deactivating it or setting its password revokes them all,
and an account that is not usable (USABLE) cannot refresh.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from dispatch.errors import InvalidField
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db
from dispatch.records.users import USABLE, principal_from_row

DEVICE_ID_LENGTH = (8, 100)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked_device(device_id: str) -> str:
    if not DEVICE_ID_LENGTH[0] <= len(device_id) <= DEVICE_ID_LENGTH[1] or not device_id.isprintable():
        raise InvalidField(f"a device id is {DEVICE_ID_LENGTH[0]}–{DEVICE_ID_LENGTH[1]} printable characters", "device_id")
    return device_id


def start_session(conn: Db, who: Principal, device_id: str, hours: float) -> str:
    """A new refresh token (a new family) for her, on this device, after she logged in with her password."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO refresh_tokens (token_sha256, family, username, device_id, expires_at) VALUES (%s, %s, %s, %s, now() + %s)",
        [_digest(token), uuid.uuid4(), who.username, _checked_device(device_id), timedelta(hours=hours)],
    )
    return token


def refresh(conn: Db, token: str, device_id: str) -> tuple[Principal, str] | None:
    """Her, and the next refresh token of the family; None if the token is unknown, spent, revoked or expired.

    A spent token presented again, or a token from another device, revokes its family (audited).
    """
    with conn.transaction():
        row = conn.execute(
            "SELECT t.id, t.family, t.username, t.device_id, t.expires_at, t.used_at, t.revoked_at, t.expires_at > now() AS live"
            " FROM refresh_tokens t WHERE t.token_sha256 = %s FOR UPDATE",
            [_digest(token)],
        ).fetchone()
        if row is None or row["revoked_at"] is not None or not row["live"]:
            return None
        if row["used_at"] is not None or row["device_id"] != device_id:
            why = "reused" if row["used_at"] is not None else "another device"
            conn.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE family = %s AND revoked_at IS NULL", [row["family"]])
            audit.record(conn, row["username"], "revoke-session", f"user/{row['username']}", reason=why)
            return None
        account = conn.execute(
            "SELECT u.username, u.role, u.regions, u.nurse_id, u.token_version FROM users u"
            f" LEFT JOIN nurses n ON n.id = u.nurse_id WHERE u.username = %s AND {USABLE}",
            [row["username"]],
        ).fetchone()
        if account is None:
            return None
        conn.execute("UPDATE refresh_tokens SET used_at = now() WHERE id = %s", [row["id"]])
        following = secrets.token_urlsafe(32)
        # The family keeps its end: rotating never makes a session last longer than the shift it began.
        conn.execute(
            "INSERT INTO refresh_tokens (token_sha256, family, username, device_id, expires_at) VALUES (%s, %s, %s, %s, %s)",
            [_digest(following), row["family"], row["username"], device_id, row["expires_at"]],
        )
    return principal_from_row(account), following


def end_session(conn: Db, token: str) -> int:
    """Log out: the family of this refresh token is revoked (nothing said about whether it existed)."""
    return conn.execute(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL"
        " AND family = (SELECT family FROM refresh_tokens WHERE token_sha256 = %s)",
        [_digest(token)],
    ).rowcount
