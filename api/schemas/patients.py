"""Patients."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Address, Body, Name, Notes, Patch, Phone, Point, RecordId


class PatientIn(Body):
    name: Name = Field(examples=["Jordan Lee"])
    phone: Phone | None = Field(default=None, examples=["+1 303 555 0199"])
    address: Address | None = Field(default=None, examples=["1437 Bannock St, Denver, CO 80202"])
    location: Point | None = Field(default=None, description="give it to skip geocoding")
    state: str = Field(min_length=2, max_length=2, examples=["CO"])
    notes: Notes = Field(default="", examples=["dog in the yard; ring twice"])
    evaluation_done: bool = False
    preferred_nurse_ids: list[RecordId] = []
    excluded_nurse_ids: list[RecordId] = []


class PatientPatch(Patch):
    NULLABLE = frozenset({"phone", "address", "location"})

    name: Name | None = None
    phone: Phone | None = None
    address: Address | None = None
    location: Point | None = None
    state: str | None = Field(default=None, min_length=2, max_length=2)
    notes: Notes | None = None
    evaluation_done: bool | None = None
    preferred_nurse_ids: list[RecordId] | None = None
    excluded_nurse_ids: list[RecordId] | None = None


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
