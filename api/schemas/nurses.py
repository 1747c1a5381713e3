"""Nurses, their certifications and shifts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, field_validator

from api.schemas.common import Body, LocalTime, Point, Window


class Certification(Body):
    name: str = Field(min_length=1, examples=["ketamine"])
    expires_on: dt.date | None = Field(default=None, examples=["2027-06-30"])


class BreakIn(Body):
    window: Window
    duration_min: int = Field(gt=0, le=240, examples=[30])


class NurseIn(Body):
    name: str = Field(min_length=1, examples=["Ana Ruiz"])
    phone: str | None = Field(default=None, examples=["+1 303 555 0101"])
    home: Point
    licensed_states: list[str] = Field(default=[], examples=[["CO"]])
    certifications: list[Certification] = Field(default=[])
    max_visits: int | None = Field(default=None, ge=0, le=1000)
    break_: BreakIn | None = Field(default=None, alias="break")
    active: bool = True

    @field_validator("licensed_states")
    @classmethod
    def _states_upper(cls, states: list[str]) -> list[str]:
        return [s.strip().upper() for s in states]


class NursePatch(Body):
    name: str | None = Field(default=None, min_length=1)
    phone: str | None = None
    home: Point | None = None
    licensed_states: list[str] | None = None
    certifications: list[Certification] | None = None
    max_visits: int | None = Field(default=None, ge=0, le=1000)
    break_: BreakIn | None = Field(default=None, alias="break")
    active: bool | None = None


class NurseOut(BaseModel):
    id: int
    region_id: str
    name: str
    phone: str | None
    home: Point
    licensed_states: list[str]
    certifications: list[Certification]
    max_visits: int | None
    break_: dict[str, Any] | None = Field(serialization_alias="break")
    active: bool
    version: int


class ShiftIn(Body):
    start: LocalTime = Field(examples=["08:00"])
    end: LocalTime = Field(examples=["16:30"])


class ShiftOut(BaseModel):
    nurse_id: int
    date: dt.date
    start: dt.time
    end: dt.time
