"""Accounts (admin only): create, list, and remove access (deactivate, revoke tokens, reset a password)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.users import PasswordReset, UserIn, UserOut
from dispatch.records import users

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post("", response_model=UserOut, status_code=201)
def create_user(body: UserIn, conn: Conn, who: CurrentUser) -> dict:
    """Create an account (admins): a dispatcher's regions, a nurse's record, a clinician's regions."""
    return users.create_account(conn, who, body.username, body.password, body.role, body.regions, body.nurse_id)


@router.get("", response_model=list[UserOut])
def all_users(conn: Conn, who: CurrentUser) -> list[dict]:
    """Every account (admins)."""
    return users.accounts(conn, who)


@router.post("/{username}/deactivate", response_model=UserOut)
def deactivate(username: str, conn: Conn, who: CurrentUser) -> dict:
    """She can no longer log in; her tokens and calendar feeds stop working at once."""
    return users.set_active(conn, who, username, active=False)


@router.post("/{username}/reactivate", response_model=UserOut)
def reactivate(username: str, conn: Conn, who: CurrentUser) -> dict:
    """She can log in again (a nurse only while her nurse record is active); old tokens stay refused."""
    return users.set_active(conn, who, username, active=True)


@router.post("/{username}/revoke-tokens", response_model=UserOut)
def revoke_tokens(username: str, conn: Conn, who: CurrentUser) -> dict:
    """Every token and calendar feed she holds stops working; she may log in again."""
    return users.revoke_tokens(conn, who, username)


@router.put("/{username}/password", response_model=UserOut)
def reset_password(username: str, body: PasswordReset, conn: Conn, who: CurrentUser) -> dict:
    """Set her password (tell her out of band); her tokens and feeds are revoked and a lockout is lifted."""
    return users.reset_password(conn, who, username, body.password)
