"""Regions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import Body, Name
from dispatch.vocabulary import ROADS_DATASET_PATTERN, VITALS_INTERVAL_MIN

RoadsDataset = Field(
    default=None,
    pattern=ROADS_DATASET_PATTERN,
    description="the region's road dataset: a folder under NURSE_DISPATCH_ROADS_DIR made by `nurse-dispatch roads build`;"
    " null for the geodesic model (straight-line distance × 1.35 at 40 km/h)",
    examples=["helsinki"],
)


class RegionIn(Body):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", examples=["denver"])
    name: Name = Field(examples=["Denver metro"])
    timezone: str = Field(examples=["America/Denver"])
    roads_dataset: str | None = RoadsDataset


class RegionPatch(Body):
    roads_dataset: str | None = RoadsDataset
    calendar_details: bool = Field(
        default=False, description="nurses' calendar feeds carry the patient's address and phone (default: initials and time)"
    )
    vitals_interval_min: int = Field(
        default=15,
        ge=VITALS_INTERVAL_MIN[0],
        le=VITALS_INTERVAL_MIN[1],
        description="how often the nurse's page asks for vital signs during a session",
    )


class RegionOut(BaseModel):
    id: str
    name: str
    timezone: str
    roads_dataset: str | None
    calendar_details: bool
    vitals_interval_min: int
