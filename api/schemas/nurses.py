"""Nurses, their certifications and shifts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.common import Address, Body, LocalTime, Name, Notes, Patch, Phone, Point, Window
from dispatch.vocabulary import (
    CERTIFICATION_WARNING_DAYS,
    CERTIFICATIONS,
    MAX_BREAK_MIN,
    MAX_DURATION_MIN,
    MAX_USERNAME_LENGTH,
    MAX_VISITS_PER_NURSE,
    OVERTIME_COST_PER_MIN_S,
    WEEKDAYS,
)

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
    home: Point | None = Field(default=None, description="give it, or her home_address to be geocoded")
    home_address: Address | None = Field(default=None, examples=["1437 Bannock St, Denver, CO 80202"])
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
    NULLABLE = frozenset({"phone", "home", "home_address", "certifications", "max_visits", "break_"})

    name: Name | None = None
    phone: Phone | None = None
    home: Point | None = None
    home_address: Address | None = Field(default=None, description="geocoded into her home unless home is given too")
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
    home_address: str | None
    licensed_states: list[str]
    certifications: list[Certification]
    certification_warnings: list[str] = Field(
        description=f"her certifications expired or expiring within {CERTIFICATION_WARNING_DAYS} days, by name and date"
    )
    max_visits: int | None
    break_: dict[str, Any] | None = Field(alias="break")
    active: bool
    login: str | None = Field(description="her login's user name, once she has one (POST /v1/nurses/{id}/account)")
    login_temporary: bool = Field(
        default=False, description="her login's password is still the temporary one she was given (she has not chosen hers)"
    )
    version: int
    warnings: list[str] = Field(default=[], description="on a save: e.g. she can take no service with her certifications")


class NurseLoginIn(Body):
    username: str = Field(min_length=1, max_length=MAX_USERNAME_LENGTH, examples=["ana.ruiz"])


class NurseLoginOut(BaseModel):
    nurse_id: int
    name: str
    username: str
    temporary_password: str = Field(
        description="shown this once (only its hash is kept): give it to her; she changes it (POST /v1/me/password)"
    )


class ShiftIn(Body):
    start: LocalTime = Field(examples=["08:00"])
    end: LocalTime = Field(examples=["16:30"])


class ShiftOut(BaseModel):
    nurse_id: int
    date: dt.date
    start: dt.time
    end: dt.time
    source: Literal["template", "exception"] = Field(description="her weekly template, or the date's own shift")


WeekdayName = Literal[WEEKDAYS]


class Overtime(Body):
    max_min: int = Field(ge=0, le=MAX_DURATION_MIN, examples=[30])
    cost_per_min_s: int = Field(
        default=OVERTIME_COST_PER_MIN_S, ge=0, description="each overtime minute costs like this much driving"
    )


class ContractIn(Body):
    """Her weekly template (weekday → shift), her caps and her overtime; replaces the whole contract."""

    template: dict[WeekdayName, ShiftIn] = Field(default={}, examples=[{"mon": {"start": "08:00", "end": "16:30"}}])
    max_day_min: int | None = Field(default=None, gt=0, le=24 * 60)
    max_week_min: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    overtime: Overtime | None = None


class ContractOut(BaseModel):
    nurse_id: int
    template: dict[str, dict[str, dt.time]]
    max_day_min: int | None
    max_week_min: int | None
    overtime: dict[str, int]


class TimeOffIn(Body):
    note: Notes = ""


class TimeOffOut(BaseModel):
    nurse_id: int
    date: dt.date
    off: bool
    note: str


class GridCell(BaseModel):
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    source: Literal["template", "exception", "time_off", "off"]
    note: str


class GridNurse(BaseModel):
    nurse_id: int
    name: str
    max_week_min: int | None
    minutes: int = Field(description="her shifts' minutes over the grid's dates")
    cells: list[GridCell]


class ShiftGrid(BaseModel):
    region_id: str
    dates: list[dt.date]
    nurses: list[GridNurse]
