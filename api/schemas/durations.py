"""Durations that learn: what the session records suggest for planned minutes on site."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ServiceDuration(BaseModel):
    service: str
    name: str
    planned_min: int = Field(description="the service's minutes on site now")
    suggested_min: int | None = Field(description="the percentile of arrival → discharge; null without sessions")
    sessions: int = Field(description="how many sessions the suggestion rests on")


class PatientDuration(BaseModel):
    patient_id: int
    patient_name: str
    service: str
    suggested_min: int
    sessions: int


class LearnedDurations(BaseModel):
    region_id: str
    percentile: int
    patient_sessions_to_learn: int
    services: list[ServiceDuration]
    patients: list[PatientDuration] = Field(description="patients with enough sessions of a service to learn their own")
