"""Log in: OAuth2 password flow, a signed token that expires."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppServices, Conn
from api.schemas.auth import Token
from dispatch.platform.access import issue_token
from dispatch.records.users import authenticate

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/token", response_model=Token)
def log_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], conn: Conn, services: AppServices) -> Token:
    principal = authenticate(conn, form.username, form.password)
    if principal is None:
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    minutes = services.settings.token_minutes
    return Token(access_token=issue_token(principal, services.settings.signing_key, minutes), expires_in=minutes * 60)
