"""The service catalogue."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Body, Name, Patch
from dispatch.vocabulary import CERTIFICATIONS, MAX_DURATION_MIN, MAX_NOTES_LENGTH, ROUTES_OF_ADMINISTRATION

Certification = Literal[CERTIFICATIONS]
Route = Literal[ROUTES_OF_ADMINISTRATION]


class ServiceIn(Body):
    code: str = Field(examples=["ketamine"], description="lower-case letters, digits, hyphens")
    name: Name = Field(examples=["Ketamine infusion (migraine)"])
    infusion_min: int = Field(ge=0, le=MAX_DURATION_MIN, examples=[45])
    setup_min: int = Field(default=0, ge=0, le=MAX_DURATION_MIN, examples=[15])
    observation_min: int = Field(default=0, ge=0, le=MAX_DURATION_MIN, examples=[30])
    required_certifications: list[Certification] = Field(default=[], examples=[["rn", "iv", "ketamine"]])
    needs_clearance: bool = Field(default=True, description="placed only for a patient cleared on the visit's date")
    is_evaluation: bool = Field(default=False, description="a done visit of it adds an evaluation that needs review")
    route: Route = "iv"
    home_allowed: bool = True
    home_rule: str = Field(default="", max_length=MAX_NOTES_LENGTH, description="why not at home, when home_allowed is false")


class ServicePatch(Patch):
    name: Name | None = None
    infusion_min: int | None = Field(default=None, ge=0, le=MAX_DURATION_MIN)
    setup_min: int | None = Field(default=None, ge=0, le=MAX_DURATION_MIN)
    observation_min: int | None = Field(default=None, ge=0, le=MAX_DURATION_MIN)
    required_certifications: list[Certification] | None = None
    needs_clearance: bool | None = None
    is_evaluation: bool | None = None
    route: Route | None = None
    home_allowed: bool | None = None
    home_rule: str | None = Field(default=None, max_length=MAX_NOTES_LENGTH)


class ServiceOut(BaseModel):
    code: str
    name: str
    minutes: int = Field(description="time on site: infusion + setup + observation")
    infusion_min: int
    setup_min: int
    observation_min: int
    required_certifications: list[str]
    needs_clearance: bool
    is_evaluation: bool
    route: str
    home_allowed: bool
    home_rule: str
