"""Accounts: created by an admin (or `nurse-dispatch user add`), read on every request."""

from __future__ import annotations

from psycopg import Connection, errors

from dispatch.errors import Conflict, InvalidField
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.passwords import MIN_PASSWORD_LENGTH, hash_password, password_matches
from dispatch.vocabulary import ROLES


def add_user(conn: Connection, username: str, password: str, role: str, regions: list[str] | None = None,
             nurse_id: int | None = None) -> Principal:
    """Create an account; the role decides what else it needs (a dispatcher's regions, a nurse's record)."""
    regions = sorted(set(regions or []))
    if role not in ROLES:
        raise InvalidField(f"role must be one of {', '.join(ROLES)}", "role")
    if not username.strip():
        raise InvalidField("username must not be empty", "username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField(f"password must have at least {MIN_PASSWORD_LENGTH} characters", "password")
    if role == "nurse" and nurse_id is None:
        raise InvalidField("a nurse account needs the nurse's id", "nurse_id")
    if role != "nurse" and nurse_id is not None:
        raise InvalidField("only nurse accounts link to a nurse", "nurse_id")
    if role == "dispatcher" and not regions:
        raise InvalidField("a dispatcher needs at least one region", "regions")
    with conn.transaction():
        known = {row["id"] for row in conn.execute("SELECT id FROM regions WHERE id = ANY(%s)", [regions])}
        if missing := [r for r in regions if r not in known]:
            raise InvalidField(f"unknown region {missing[0]}", "regions")
        if nurse_id is not None and not conn.execute("SELECT 1 FROM nurses WHERE id = %s", [nurse_id]).fetchone():
            raise InvalidField(f"unknown nurse {nurse_id}", "nurse_id")
        try:
            conn.execute(
                "INSERT INTO users (username, password_hash, role, regions, nurse_id) VALUES (%s, %s, %s, %s, %s)",
                [username, hash_password(password), role, regions, nurse_id],
            )
        except errors.UniqueViolation as error:
            what = "username" if "username" in str(error) else "nurse_id"
            raise Conflict(f"{what} is already taken by another account", what) from None
    return Principal(username, role, tuple(regions), nurse_id)


def principal_named(conn: Connection, username: str) -> Principal | None:
    row = conn.execute(
        "SELECT username, role, regions, nurse_id FROM users WHERE username = %s AND active", [username]
    ).fetchone()
    return None if row is None else Principal(row["username"], row["role"], tuple(row["regions"]), row["nurse_id"])


def authenticate(conn: Connection, username: str, password: str) -> Principal | None:
    """The account for these credentials, or None (same answer for a wrong name and a wrong password)."""
    row = conn.execute("SELECT password_hash FROM users WHERE username = %s AND active", [username]).fetchone()
    if row is None or not password_matches(row["password_hash"], password):
        return None
    return principal_named(conn, username)


def list_users(conn: Connection) -> list[dict]:
    return conn.execute(
        "SELECT id, username, role, regions, nurse_id, active FROM users ORDER BY id"
    ).fetchall()


def create_account(conn: Connection, who: Principal, username: str, password: str, role: str, regions: list[str],
                   nurse_id: int | None) -> dict:
    """An admin creates an account (audited); the account as listed."""
    who.require_role("admin")
    add_user(conn, username, password, role, regions, nurse_id)
    audit.record(conn, who, "create", f"user/{username}")
    return next(u for u in list_users(conn) if u["username"] == username)


def accounts(conn: Connection, who: Principal) -> list[dict]:
    """Every account, for an admin."""
    who.require_role("admin")
    return list_users(conn)
