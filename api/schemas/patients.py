"""Patients."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Address, Body, Name, Notes, Patch, Phone, Point, RecordId
from dispatch.vocabulary import MAX_EXTERNAL_ID_LENGTH

ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_EXTERNAL_ID_LENGTH,
        examples=["MRN-004211"],
        description="the clinic's own number for her (MRN): unique in the region; a visits CSV may name her by it",
    ),
]


class Clearance(BaseModel):
    """Derived from her evaluation records (GET /v1/patients/{id}/evaluations); never written directly."""

    on: dt.date = Field(description="today in her region")
    cleared: bool
    reason: str = Field(examples=["evaluation of 2026-11-20 needs review by a clinician", "cleared until 2027-05-20"])
    until: dt.date | None = Field(description="the last day it holds without a treatment in between")


class PatientIn(Body):
    name: Name = Field(examples=["Jordan Lee"])
    phone: Phone | None = Field(default=None, examples=["+1 303 555 0199"])
    address: Address | None = Field(default=None, examples=["1437 Bannock St, Denver, CO 80202"])
    location: Point | None = Field(default=None, description="give it to skip geocoding")
    state: str = Field(min_length=2, max_length=2, examples=["CO"])
    notes: Notes = Field(default="", examples=["dog in the yard; ring twice"])
    preferred_nurse_ids: list[RecordId] = []
    excluded_nurse_ids: list[RecordId] = []
    external_id: ExternalId | None = None


class PatientPatch(Patch):
    NULLABLE = frozenset({"phone", "address", "location", "external_id"})

    name: Name | None = None
    phone: Phone | None = None
    address: Address | None = None
    location: Point | None = None
    state: str | None = Field(default=None, min_length=2, max_length=2)
    notes: Notes | None = None
    preferred_nurse_ids: list[RecordId] | None = None
    excluded_nurse_ids: list[RecordId] | None = None
    external_id: ExternalId | None = None


class PatientOut(BaseModel):
    id: int
    region_id: str
    name: str
    phone: str | None
    address: str | None
    location: Point
    state: str
    notes: str
    clearance: Clearance
    preferred_nurse_ids: list[int]
    excluded_nurse_ids: list[int]
    external_id: str | None
    version: int


class PatientImportResult(BaseModel):
    imported: int = Field(description="patients added")
    patient_ids: list[int] = Field(description="the patients added, in the file's order")
    kept: int = Field(description="lines whose external id the region already had: that patient, left as she is")
    kept_ids: list[int]
