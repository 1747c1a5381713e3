"""Log in: OAuth2 password flow, a signed token that expires; failures are throttled (429 with Retry-After)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppServices, ClientAddress, Conn, Limits
from api.schemas.auth import Token
from dispatch.platform.access import issue_token
from dispatch.records.users import authenticate

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/token", response_model=Token, responses={429: {"description": "too many failed logins; see Retry-After"}})
def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    conn: Conn,
    services: AppServices,
    address: ClientAddress,
    limits: Limits,
) -> Token:
    """Log in with a username and password (OAuth2 password form); a signed access token that expires. Failed attempts are
    throttled per account and per address (429 with Retry-After).
    """
    principal = authenticate(conn, form.username, form.password, address, limits)
    if principal is None:
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    minutes = services.settings.token_minutes
    return Token(access_token=issue_token(principal, services.settings.signing_key, minutes), expires_in=minutes * 60)
