"""Accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Body, RecordId, Role
from dispatch.vocabulary import MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH, MIN_PASSWORD_LENGTH


class UserIn(Body):
    username: str = Field(min_length=1, max_length=MAX_USERNAME_LENGTH, examples=["dana"])
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH,
                          examples=["correct horse battery"])
    role: Role
    regions: list[str] = Field(default=[], examples=[["denver"]])
    nurse_id: RecordId | None = None


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None
    active: bool
