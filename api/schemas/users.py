"""Accounts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Body, RecordId, Role
from dispatch.platform.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from dispatch.vocabulary import MAX_USERNAME_LENGTH

# The length bounds are the policy's (dispatch/platform/passwords.py), which also refuses common passwords.
Password = Annotated[
    str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH, examples=["correct horse battery"])
]


class UserIn(Body):
    username: str = Field(min_length=1, max_length=MAX_USERNAME_LENGTH, examples=["dana"])
    password: Password
    role: Role
    regions: list[str] = Field(default=[], examples=[["denver"]])
    nurse_id: RecordId | None = None


class PasswordReset(Body):
    password: Password


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None
    active: bool
