"""Accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Body, Role


class UserIn(Body):
    username: str = Field(min_length=1, max_length=80, examples=["dana"])
    password: str = Field(min_length=8, examples=["correct horse battery"])
    role: Role
    regions: list[str] = Field(default=[], examples=[["denver"]])
    nurse_id: int | None = None


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None
    active: bool
