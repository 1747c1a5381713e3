"""The call list after a re-plan: which patients whose time changed a dispatcher has called, shared by the region's
dispatchers (one ticks, the others see it) and audited."""

from __future__ import annotations

from typing import Any

from dispatch.errors import NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.rosters.workflow import roster_row


def calls(conn: Db, who: Principal, roster_id: int) -> list[dict[str, Any]]:
    """The patients called about this roster, by whom and when."""
    roster_row(conn, who, roster_id)
    return conn.execute(
        "SELECT visit_id, called_by, called_at FROM roster_calls WHERE roster_id = %s ORDER BY called_at, visit_id", [roster_id]
    ).fetchall()


def _visit_of_roster(conn: Db, who: Principal, roster_id: int, visit_id: int) -> None:
    roster = roster_row(conn, who, roster_id)
    visit = conn.execute("SELECT region_id, day FROM visits WHERE id = %s", [visit_id]).fetchone()
    if visit is None or (visit["region_id"], visit["day"]) != (roster["region_id"], roster["day"]):
        raise NotFound(f"visit {visit_id} not found on roster {roster_id}'s day")


def mark_called(conn: Db, who: Principal, roster_id: int, visit_id: int) -> dict[str, Any]:
    """Record that the patient was called (again: the first call stands)."""
    with conn.transaction():
        _visit_of_roster(conn, who, roster_id, visit_id)
        conn.execute(
            "INSERT INTO roster_calls (roster_id, visit_id, called_by) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [roster_id, visit_id, who.username],
        )
        audit.record(conn, who, "called", f"roster/{roster_id}", visit=visit_id)
        return one(
            conn.execute(
                "SELECT visit_id, called_by, called_at FROM roster_calls WHERE roster_id = %s AND visit_id = %s",
                [roster_id, visit_id],
            )
        )


def unmark_called(conn: Db, who: Principal, roster_id: int, visit_id: int) -> None:
    """Take the tick back (ticked by mistake)."""
    with conn.transaction():
        _visit_of_roster(conn, who, roster_id, visit_id)
        conn.execute("DELETE FROM roster_calls WHERE roster_id = %s AND visit_id = %s", [roster_id, visit_id])
        audit.record(conn, who, "not-called", f"roster/{roster_id}", visit=visit_id)
