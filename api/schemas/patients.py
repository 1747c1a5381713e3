"""Patients."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Body, Point


class PatientIn(Body):
    name: str = Field(min_length=1, examples=["Jordan Lee"])
    phone: str | None = Field(default=None, examples=["+1 303 555 0199"])
    address: str | None = Field(default=None, examples=["1437 Bannock St, Denver, CO 80202"])
    location: Point | None = Field(default=None, description="give it to skip geocoding")
    state: str = Field(min_length=2, max_length=2, examples=["CO"])
    notes: str = Field(default="", examples=["dog in the yard; ring twice"])
    evaluation_done: bool = False
    preferred_nurse_ids: list[int] = []
    excluded_nurse_ids: list[int] = []


class PatientPatch(Body):
    name: str | None = Field(default=None, min_length=1)
    phone: str | None = None
    address: str | None = None
    location: Point | None = None
    state: str | None = Field(default=None, min_length=2, max_length=2)
    notes: str | None = None
    evaluation_done: bool | None = None
    preferred_nurse_ids: list[int] | None = None
    excluded_nurse_ids: list[int] | None = None


class PatientOut(BaseModel):
    id: int
    region_id: str
    name: str
    phone: str | None
    address: str | None
    location: Point
    state: str
    notes: str
    evaluation_done: bool
    preferred_nurse_ids: list[int]
    excluded_nurse_ids: list[int]
    version: int
