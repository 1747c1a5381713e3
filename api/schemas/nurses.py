"""Nurses, their certifications and shifts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.common import Body, LocalTime, Name, Patch, Phone, Point, Window
from dispatch.vocabulary import CERTIFICATIONS, MAX_BREAK_MIN, MAX_VISITS_PER_NURSE

STATES = "two-letter US state codes, e.g. CO (the vocabulary's `state_codes`, GET /v1/vocabulary)"


class Certification(Body):
    name: Name = Field(
        examples=["ketamine"],
        description=f"one of the certification vocabulary: {', '.join(CERTIFICATIONS)} (any case)",
    )
    expires_on: dt.date | None = Field(default=None, examples=["2027-06-30"])


class BreakIn(Body):
    window: Window
    duration_min: int = Field(gt=0, le=MAX_BREAK_MIN, examples=[30])


class NurseIn(Body):
    name: Name = Field(examples=["Ana Ruiz"])
    phone: Phone | None = Field(default=None, examples=["+1 303 555 0101"])
    home: Point
    licensed_states: list[str] = Field(default=[], examples=[["CO"]], description=STATES)
    certifications: list[Certification] = Field(default=[])
    max_visits: int | None = Field(default=None, ge=0, le=MAX_VISITS_PER_NURSE)
    break_: BreakIn | None = Field(default=None, alias="break")
    active: bool = True

    @field_validator("licensed_states")
    @classmethod
    def _states_upper(cls, states: list[str]) -> list[str]:
        return [s.strip().upper() for s in states]


class NursePatch(Patch):
    NULLABLE = frozenset({"phone", "home", "certifications", "max_visits", "break_"})

    name: Name | None = None
    phone: Phone | None = None
    home: Point | None = None
    licensed_states: list[str] | None = Field(default=None, description=STATES)
    certifications: list[Certification] | None = None
    max_visits: int | None = Field(default=None, ge=0, le=MAX_VISITS_PER_NURSE)
    break_: BreakIn | None = Field(default=None, alias="break")
    active: bool | None = None


class NurseOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: int
    region_id: str
    name: str
    phone: str | None
    home: Point
    licensed_states: list[str]
    certifications: list[Certification]
    max_visits: int | None
    break_: dict[str, Any] | None = Field(alias="break")
    active: bool
    version: int
    warnings: list[str] = Field(default=[], description="on a save: e.g. she can take no service with her certifications")


class ShiftIn(Body):
    start: LocalTime = Field(examples=["08:00"])
    end: LocalTime = Field(examples=["16:30"])


class ShiftOut(BaseModel):
    nurse_id: int
    date: dt.date
    start: dt.time
    end: dt.time
