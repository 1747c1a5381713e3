"""Regions: a dispatch area with its own timezone (rosters are per region and day)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from psycopg import errors

from dispatch.errors import Conflict, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.roads import checked_dataset_name

_COLUMNS = "id, name, timezone, roads_dataset, calendar_details, vitals_interval_min"


def add_region(conn: Db, region_id: str, name: str, timezone: str, roads_dataset: str | None = None) -> dict:
    roads_dataset = checked_dataset_name(roads_dataset)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tz directory ("America"), a name too long
        raise InvalidField(f"unknown timezone {timezone!r} (use an IANA name such as America/Denver)", "timezone") from None
    try:
        return one(
            conn.execute(
                f"INSERT INTO regions (id, name, timezone, roads_dataset) VALUES (%s, %s, %s, %s) RETURNING {_COLUMNS}",
                [region_id, name, timezone, roads_dataset],
            )
        )
    except errors.UniqueViolation:
        raise Conflict(f"region {region_id} already exists", "id") from None
    except errors.CheckViolation:
        raise InvalidField("id must be 1–40 lower-case letters, digits or hyphens", "id") from None


def region(conn: Db, region_id: str) -> dict:
    row = conn.execute(f"SELECT {_COLUMNS} FROM regions WHERE id = %s", [region_id]).fetchone()
    if row is None:
        raise NotFound(f"region {region_id} not found")
    return row


def managed_region(conn: Db, who: Principal, region_id: str) -> dict:
    """The region, if it exists and she may manage it (an admin too is told when it does not exist)."""
    who.require_region(region_id)
    return region(conn, region_id)


def create_region(conn: Db, who: Principal, region_id: str, name: str, timezone: str, roads_dataset: str | None = None) -> dict:
    """An admin creates a region (audited)."""
    who.require_role("admin")
    row = add_region(conn, region_id, name, timezone, roads_dataset)
    audit.record(conn, who, "create", f"region/{region_id}", roads_dataset=roads_dataset)
    return row


def set_roads_dataset(conn: Db, region_id: str, roads_dataset: str | None) -> dict:
    """Name the region's road dataset (a folder under NURSE_DISPATCH_ROADS_DIR), or None for the geodesic model.

    Takes effect at the region's next solve, re-plan or slot search; rosters made before keep their times.
    """
    roads_dataset = checked_dataset_name(roads_dataset)
    row = conn.execute(
        f"UPDATE regions SET roads_dataset = %s WHERE id = %s RETURNING {_COLUMNS}", [roads_dataset, region_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"region {region_id} not found")
    return row


# The clinic's choices a PATCH may set besides the road dataset (the database CHECKs their bounds too).
CLINIC_SETTINGS = ("calendar_details", "vitals_interval_min")


def update_region(conn: Db, who: Principal, region_id: str, changes: dict) -> dict:
    """An admin sets the region's road dataset, whether calendar feeds carry address and phone, the vitals interval (audited).

    Only the fields in `changes` are written."""
    who.require_role("admin")
    with conn.transaction():
        row = region(conn, region_id)
        if "roads_dataset" in changes:
            row = set_roads_dataset(conn, region_id, changes["roads_dataset"])
        for name in CLINIC_SETTINGS:
            if name in changes:
                row = one(
                    conn.execute(f"UPDATE regions SET {name} = %s WHERE id = %s RETURNING {_COLUMNS}", [changes[name], region_id])
                )
        audit.record(conn, who, "update", f"region/{region_id}", **{k: row[k] for k in changes})
    return row


def visible_regions(conn: Db, who: Principal) -> list[dict]:
    """The regions she may manage: all for an admin, hers for a dispatcher; a nurse is refused."""
    who.require_role("admin", "dispatcher")
    rows = conn.execute(f"SELECT {_COLUMNS} FROM regions ORDER BY id").fetchall()
    return [row for row in rows if who.may_manage(row["id"])]


def today_in(timezone: str) -> date:
    """The date now in `timezone`: a region's day begins at its own midnight, not the server's."""
    return datetime.now(ZoneInfo(timezone)).date()


def region_today(conn: Db, region_id: str) -> date:
    """The date now in the region's zone (what "today" means for every rule about its days)."""
    return today_in(region(conn, region_id)["timezone"])
