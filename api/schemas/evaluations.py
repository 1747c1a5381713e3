"""A patient's evaluation records."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Body, Notes, RecordId
from dispatch.vocabulary import EVALUATION_MODES, EVALUATION_OUTCOMES

Outcome = Literal[EVALUATION_OUTCOMES]


class EvaluationIn(Body):
    outcome: Outcome = Field(examples=["cleared"])
    mode: Literal["home_visit", "telehealth"] = Field(examples=["telehealth"])
    evaluated_on: dt.date | None = Field(default=None, description="default: today in her region; never in the future")
    valid_until: dt.date | None = Field(
        default=None, description="a cleared outcome only; default and most: a year after the evaluation"
    )
    visit_id: RecordId | None = Field(default=None, description="the evaluation visit this outcome is for, if any")
    notes: Notes = ""


class EvaluationOut(BaseModel):
    id: int
    patient_id: int
    outcome: Outcome
    mode: Literal[EVALUATION_MODES]
    evaluated_on: dt.date
    valid_until: dt.date | None
    clinician: str | None = Field(description="the account that decided; null only on a migrated record")
    visit_id: int | None
    notes: str
    migrated: bool
    recorded_by: str
    recorded_at: dt.datetime
