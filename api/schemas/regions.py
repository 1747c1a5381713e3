"""Regions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Body, Name


class RegionIn(Body):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", examples=["denver"])
    name: Name = Field(examples=["Denver metro"])
    timezone: str = Field(examples=["America/Denver"])


class RegionOut(BaseModel):
    id: str
    name: str
    timezone: str
