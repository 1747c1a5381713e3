"""Log in: OAuth2 password flow, a signed token that expires; failures are throttled (429 with Retry-After).

With a `device_id`, the answer also carries a refresh token: the session then lasts a shift
(POST /v1/auth/refresh rotates it; POST /v1/auth/logout ends it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppServices, ClientAddress, Conn, Limits
from api.schemas.auth import LogoutIn, RefreshIn, Token
from dispatch.platform.access import Principal, issue_token
from dispatch.records import sessions
from dispatch.records.users import authenticate

router = APIRouter(prefix="/v1/auth", tags=["auth"])
_REFUSED = {"WWW-Authenticate": "Bearer"}


def _token(principal: Principal, services: AppServices, refresh_token: str | None = None) -> Token:
    minutes = services.settings.token_minutes
    access = issue_token(principal, services.settings.signing_key, minutes)
    return Token(access_token=access, expires_in=int(minutes * 60), refresh_token=refresh_token)


@router.post("/token", response_model=Token, responses={429: {"description": "too many failed logins; see Retry-After"}})
def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    conn: Conn,
    services: AppServices,
    address: ClientAddress,
    limits: Limits,
    device_id: Annotated[str | None, Form(min_length=8, max_length=100)] = None,
) -> Token:
    """Log in with a username and password (OAuth2 password form); a signed access token that expires. Failed attempts are
    throttled per account and per address (429 with Retry-After).
    """
    principal = authenticate(conn, form.username, form.password, address, limits)
    if principal is None:
        raise HTTPException(401, "wrong username or password", headers=_REFUSED)
    refresh_token = sessions.start_session(conn, principal, device_id, services.settings.session_hours) if device_id else None
    return _token(principal, services, refresh_token)


@router.post("/refresh", response_model=Token)
def refresh(body: RefreshIn, conn: Conn, services: AppServices) -> Token:
    """The next access token and refresh token of her session; the refresh token sent is spent."""
    renewed = sessions.refresh(conn, body.refresh_token, body.device_id)
    if renewed is None:
        raise HTTPException(401, "the session has ended or was revoked; log in again", headers=_REFUSED)
    principal, refresh_token = renewed
    return _token(principal, services, refresh_token)


@router.post("/logout", status_code=204, response_class=Response)
def log_out(body: LogoutIn, conn: Conn) -> Response:
    """End the session this refresh token belongs to (the page forgets its access token itself)."""
    sessions.end_session(conn, body.refresh_token)
    return Response(status_code=204)
