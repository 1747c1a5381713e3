"""Accounts (admin only)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.users import UserIn, UserOut
from dispatch.records.users import accounts, create_account

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post("", response_model=UserOut, status_code=201)
def create_user(body: UserIn, conn: Conn, who: CurrentUser) -> dict:
    return create_account(conn, who, body.username, body.password, body.role, body.regions, body.nurse_id)


@router.get("", response_model=list[UserOut])
def all_users(conn: Conn, who: CurrentUser) -> list[dict]:
    return accounts(conn, who)
