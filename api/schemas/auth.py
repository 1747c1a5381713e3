"""Logging in."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Body


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = Field(
        default=None, description="with a device_id at login: gets the next access token (POST /v1/auth/refresh), once"
    )


class RefreshIn(Body):
    refresh_token: str = Field(min_length=1, max_length=200)
    device_id: str = Field(min_length=8, max_length=100, description="the id the page made for this device at login")


class LogoutIn(Body):
    refresh_token: str = Field(min_length=1, max_length=200)
