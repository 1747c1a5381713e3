"""Regions: admins create them; dispatchers see the ones they work in (nurses reach only /v1/me/…)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.regions import RegionIn, RegionOut, RegionPatch
from dispatch.records import regions

router = APIRouter(prefix="/v1/regions", tags=["regions"])


@router.post("", response_model=RegionOut, status_code=201)
def create_region(body: RegionIn, conn: Conn, who: CurrentUser) -> dict:
    """Create a region (admins): its timezone, and optionally the road dataset that times its travel."""
    return regions.create_region(conn, who, body.id, body.name, body.timezone, body.roads_dataset)


@router.patch("/{region_id}", response_model=RegionOut)
def update_region(region_id: str, body: RegionPatch, conn: Conn, who: CurrentUser) -> dict:
    """Set the region's road dataset (its next solve, re-plan or slot search uses it), whether nurses' calendar feeds
    carry addresses and phones, and the vitals interval (admin); only the fields sent change."""
    return regions.update_region(conn, who, region_id, body.model_dump(include=body.model_fields_set))


@router.get("", response_model=list[RegionOut])
def my_regions(conn: Conn, who: CurrentUser) -> list[dict]:
    """The regions the caller works in (all of them for an admin)."""
    return regions.visible_regions(conn, who)
