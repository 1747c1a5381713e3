"""The audit log: every read of patient data and every change, with who and when (no patient data in it)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from dispatch.platform.access import Principal
from dispatch.platform.db import Db


def record(conn: Db, who: Principal | str, action: str, resource: str, **detail: Any) -> None:
    username = who.username if isinstance(who, Principal) else who
    conn.execute(
        "INSERT INTO audit_log (username, action, resource, detail) VALUES (%s, %s, %s, %s)",
        [username, action, resource, Jsonb(detail)],
    )


def entries(conn: Db, who: Principal, limit: int = 100, resource: str | None = None) -> list[dict]:
    """Newest first, for an admin."""
    who.require_role("admin")
    return conn.execute(
        "SELECT id, at, username, action, resource, detail FROM audit_log"
        " WHERE %(resource)s::text IS NULL OR resource = %(resource)s ORDER BY id DESC LIMIT %(limit)s",
        {"resource": resource, "limit": limit},
    ).fetchall()
