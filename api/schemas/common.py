"""What several resources' bodies share: local times and windows, points, the strict request base."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Role = Literal["admin", "dispatcher", "nurse"]


VisitStatus = Literal["requested", "scheduled", "en_route", "in_progress", "done", "cancelled", "no_show"]


def _without_offset(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("give a local time such as 09:00, without a UTC offset: the region's timezone applies")
    return value


# Windows, shifts and starts are wall-clock times in the region's timezone.
LocalTime = Annotated[dt.time, AfterValidator(_without_offset)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(Body):
    lat: float = Field(ge=-90, le=90, examples=[39.7392])
    lon: float = Field(ge=-180, le=180, examples=[-104.9903])


class Window(Body):
    start: LocalTime = Field(examples=["09:00"])
    end: LocalTime = Field(examples=["11:00"])


class LocalWindow(BaseModel):
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["11:00"])


class VisitReportOut(BaseModel):
    kind: Literal["en_route", "started", "running_late", "done"]
    minutes_late: int | None
    reported_at: dt.datetime
