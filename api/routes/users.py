"""Accounts (admin only)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.users import UserIn, UserOut
from dispatch.platform import audit
from dispatch.records.users import add_user, list_users

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post("", response_model=UserOut, status_code=201)
def create_user(body: UserIn, conn: Conn, who: CurrentUser) -> dict:
    who.require_role("admin")
    add_user(conn, body.username, body.password, body.role, body.regions, body.nurse_id)
    audit.record(conn, who, "create", f"user/{body.username}")
    return next(u for u in list_users(conn) if u["username"] == body.username)


@router.get("", response_model=list[UserOut])
def all_users(conn: Conn, who: CurrentUser) -> list[dict]:
    who.require_role("admin")
    return list_users(conn)
