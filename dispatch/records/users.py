"""Accounts: created by an admin (or `nurse-dispatch user add`), checked on every request, and removable.

An account can be used (to log in, to call the API with a token, to read a calendar feed) only while
it is active and, for a nurse, while her nurse record is active too: `USABLE` is that rule, in SQL,
for every query that lets someone in.
"""

from __future__ import annotations

import secrets

from psycopg import errors

from dispatch.errors import Conflict, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.logins import LoginLimits, count_failure, forget_failures, refuse_if_locked
from dispatch.platform.passwords import check_new_password, hash_password, password_matches
from dispatch.vocabulary import ROLES

DEFAULT_LIMITS = LoginLimits()

# Over `users u LEFT JOIN nurses n ON n.id = u.nurse_id`.
USABLE = "u.active AND (u.nurse_id IS NULL OR n.active)"

_PRINCIPAL = f"""
SELECT u.username, u.role, u.regions, u.nurse_id, u.token_version, u.password_hash, {USABLE} AS usable
FROM users u LEFT JOIN nurses n ON n.id = u.nurse_id
WHERE u.username = %s
"""


def principal_from_row(row: dict) -> Principal:
    """A principal from a users row (username, role, regions, nurse_id, token_version)."""
    return Principal(row["username"], row["role"], tuple(row["regions"]), row["nurse_id"], row["token_version"])


def add_user(
    conn: Db, username: str, password: str, role: str, regions: list[str] | None = None, nurse_id: int | None = None
) -> Principal:
    """Create an account; the role decides what else it needs (a dispatcher's regions, a nurse's record)."""
    regions = sorted(set(regions or []))
    if role not in ROLES:
        raise InvalidField(f"role must be one of {', '.join(ROLES)}", "role")
    if not username.strip():
        raise InvalidField("username must not be empty", "username")
    check_new_password(password)
    if role == "nurse" and nurse_id is None:
        raise InvalidField("a nurse account needs the nurse's id", "nurse_id")
    if role != "nurse" and nurse_id is not None:
        raise InvalidField("only nurse accounts link to a nurse", "nurse_id")
    if role in ("dispatcher", "clinician") and not regions:
        raise InvalidField(f"a {role} needs at least one region", "regions")
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


def principal_named(conn: Db, username: str) -> Principal | None:
    """A usable account as a principal, for work done on the server itself (the demo); None otherwise."""
    row = conn.execute(_PRINCIPAL, [username]).fetchone()
    return principal_from_row(row) if row is not None and row["usable"] else None


def principal_for_token(conn: Db, username: str, token_version: int) -> Principal | None:
    """The account a token speaks for, or None if it is gone, not usable, or its tokens were revoked since."""
    row = conn.execute(_PRINCIPAL, [username]).fetchone()
    if row is None or not row["usable"] or row["token_version"] != token_version:
        return None
    return principal_from_row(row)


def authenticate(
    conn: Db, username: str, password: str, address: str | None = None, limits: LoginLimits = DEFAULT_LIMITS
) -> Principal | None:
    """The account for these credentials, or None (same answer, in the same time, for a wrong name and a wrong password).

    Raises Throttled while the account or the address is locked by earlier failures (dispatch/platform/logins.py).
    """
    refuse_if_locked(conn, username, address)
    row = conn.execute(_PRINCIPAL, [username]).fetchone()
    # An unknown or unusable account still verifies a password (against a stand-in hash): refusing it
    # early would tell, by the time taken, which usernames exist.
    matches = password_matches(row["password_hash"] if row else None, password)
    if row is None or not row["usable"] or not matches:
        count_failure(conn, username, address, limits)
        return None
    forget_failures(conn, username)
    return principal_from_row(row)


def list_users(conn: Db) -> list[dict]:
    return conn.execute("SELECT id, username, role, regions, nurse_id, active FROM users ORDER BY id").fetchall()


def create_account(
    conn: Db, who: Principal, username: str, password: str, role: str, regions: list[str], nurse_id: int | None
) -> dict:
    """An admin creates an account (audited); the account as listed."""
    who.require_role("admin")
    add_user(conn, username, password, role, regions, nurse_id)
    audit.record(conn, who, "create", f"user/{username}")
    return next(u for u in list_users(conn) if u["username"] == username)


def accounts(conn: Db, who: Principal) -> list[dict]:
    """Every account, for an admin."""
    who.require_role("admin")
    return list_users(conn)


def user_named(conn: Db, username: str) -> dict:
    row = conn.execute(
        "SELECT id, username, role, regions, nurse_id, active FROM users WHERE username = %s", [username]
    ).fetchone()
    if row is None:
        raise NotFound(f"no user {username}")
    return row


# ---------------------------------------------------------------- a nurse's login, given at the front desk

# Letters and digits nobody misreads when the password is read out or copied from a screen (no 0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """Three groups of four (e.g. `k7qm-x2rd-9fte`): about 59 bits, shown once, for her to change (POST /v1/me/password)."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(3))


def create_nurse_login(conn: Db, who: Principal, nurse_id: int, username: str) -> dict:
    """A dispatcher of her region (or an admin) gives a nurse her login, with a temporary password made here and
    answered once (only its hash is kept). One login per nurse; an inactive nurse gets none.

    Asked again for the login she has while its password is still the temporary one (she lost the slip, never
    logged in to change it), a new temporary password replaces it and every token and session of hers ends."""
    who.require_role("admin", "dispatcher")
    username = username.strip()
    with conn.transaction():
        nurse = conn.execute(
            "SELECT n.id, n.region_id, n.name, n.active, u.username, u.password_temporary FROM nurses n"
            " LEFT JOIN users u ON u.nurse_id = n.id WHERE n.id = %s FOR UPDATE OF n",
            [nurse_id],
        ).fetchone()
        nurse = who.require_reach(nurse, f"nurse {nurse_id}")
        if not nurse["active"]:
            raise Conflict(f"{nurse['name']} is not active: make her active first", "active")
        password = temporary_password()
        if nurse["username"] is not None:
            if nurse["username"] != username or not nurse["password_temporary"]:
                raise Conflict(
                    f"{nurse['name']} already has the login {nurse['username']}"
                    + (
                        "; she has chosen her own password: an admin resets it if she lost it"
                        if not nurse["password_temporary"]
                        else f"; ask again for {nurse['username']} to give her a new temporary password"
                    ),
                    "username",
                )
            conn.execute("UPDATE users SET password_hash = %s WHERE username = %s", [hash_password(password), username])
            _revoke(conn, username)
            forget_failures(conn, username)
            audit.record(conn, who, "reissue-temporary-password", f"user/{username}", nurse=f"nurse/{nurse_id}")
        else:
            try:
                with conn.transaction():
                    add_user(conn, username, password, "nurse", nurse_id=nurse_id)
            except Conflict:
                raise Conflict(f"the login {username} is taken: choose another for {nurse['name']}", "username") from None
            conn.execute("UPDATE users SET password_temporary = true WHERE username = %s", [username])
            audit.record(conn, who, "create", f"user/{username}", nurse=f"nurse/{nurse_id}")
    return {"nurse_id": nurse_id, "name": nurse["name"], "username": username, "temporary_password": password}


def password_is_temporary(conn: Db, username: str) -> bool:
    """Whether her password is still one a dispatcher made for her (she is asked to choose her own)."""
    row = conn.execute("SELECT password_temporary FROM users WHERE username = %s", [username]).fetchone()
    return bool(row and row["password_temporary"])


# ---------------------------------------------------------------- removing access


def _require_admin(who: Principal | str) -> None:
    """The API's caller must be an admin; the command line (a plain name, `cli:…`) works on the server itself."""
    if isinstance(who, Principal):
        who.require_role("admin")


def _revoke(conn: Db, username: str) -> None:
    """Refuse every token she holds (raise the version they must carry), her sessions and her calendar feeds."""
    row = conn.execute(
        "UPDATE users SET token_version = token_version + 1 WHERE username = %s RETURNING nurse_id", [username]
    ).fetchone()
    if row is None:
        raise NotFound(f"no user {username}")
    # Her sessions too (dispatch/records/sessions.py): a phone cannot refresh its way back in.
    conn.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE username = %s AND revoked_at IS NULL", [username])
    if row["nurse_id"] is not None:
        conn.execute("UPDATE calendar_feeds SET revoked_at = now() WHERE nurse_id = %s AND revoked_at IS NULL", [row["nurse_id"]])


def revoke_tokens(conn: Db, who: Principal | str, username: str) -> dict:
    """Refuse all tokens and calendar feeds `username` holds now; she can log in again for new ones (admins)."""
    _require_admin(who)
    with conn.transaction():
        _revoke(conn, username)
        audit.record(conn, who, "revoke-tokens", f"user/{username}")
    return user_named(conn, username)


def set_active(conn: Db, who: Principal | str, username: str, active: bool) -> dict:
    """Deactivate (her tokens and feeds are revoked too, so reactivating brings none back) or reactivate (admins)."""
    _require_admin(who)
    with conn.transaction():
        target = conn.execute("SELECT role, active FROM users WHERE username = %s FOR UPDATE", [username]).fetchone()
        if target is None:
            raise NotFound(f"no user {username}")
        if not active and target["role"] == "admin" and target["active"]:
            # Lock every active admin so that two admins deactivating each other cannot both succeed.
            admins = conn.execute("SELECT username FROM users WHERE role = 'admin' AND active FOR UPDATE").fetchall()
            if all(a["username"] == username for a in admins):
                raise Conflict(f"{username} is the last active admin; make another admin first", "username")
        conn.execute("UPDATE users SET active = %s WHERE username = %s", [active, username])
        if not active:
            _revoke(conn, username)
        audit.record(conn, who, "deactivate" if not active else "reactivate", f"user/{username}")
    return user_named(conn, username)


def reset_password(conn: Db, who: Principal | str, username: str, new_password: str) -> dict:
    """An admin sets a new password: her tokens and feeds are revoked, and a lockout on the account lifted."""
    _require_admin(who)
    check_new_password(new_password)
    with conn.transaction():
        if (
            conn.execute(
                "UPDATE users SET password_hash = %s WHERE username = %s", [hash_password(new_password), username]
            ).rowcount
            == 0
        ):
            raise NotFound(f"no user {username}")
        _revoke(conn, username)
        forget_failures(conn, username)
        audit.record(conn, who, "reset-password", f"user/{username}")
    return user_named(conn, username)


def change_own_password(
    conn: Db,
    who: Principal,
    current_password: str,
    new_password: str,
    address: str | None = None,
    limits: LoginLimits = DEFAULT_LIMITS,
) -> Principal:
    """She changes her password (knowing the current one); her other tokens stop working. Returns her, re-read.

    A wrong current password counts as a failed login: a stolen token must not let anyone guess the password.
    """
    refuse_if_locked(conn, who.username, address)
    row = conn.execute(_PRINCIPAL, [who.username]).fetchone()
    if row is None or not password_matches(row["password_hash"], current_password):
        count_failure(conn, who.username, address, limits)
        raise InvalidField("the current password is wrong", "current_password")
    check_new_password(new_password, "new_password")
    with conn.transaction():
        row = one(
            conn.execute(
                "UPDATE users SET password_hash = %s, password_temporary = false, token_version = token_version + 1"
                " WHERE username = %s"
                " RETURNING username, role, regions, nurse_id, token_version",
                [hash_password(new_password), who.username],
            )
        )
        conn.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE username = %s AND revoked_at IS NULL", [who.username])
        audit.record(conn, who, "change-password", f"user/{who.username}")
    return principal_from_row(row)
