"""Week plans: requested, made by jobs on the solve workers (dispatch/jobs/plans.py), published as days.

A plan row is both the job (state, progress, error) and the draft (status: draft, published,
superseded). It writes one draft roster per day of its horizon (rosters.plan_id); publishing the plan
publishes each of them through dispatch/rosters/workflow.py (which takes the day's lock) and gives
each planned course session its day, all in one transaction: every day or none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg import errors
from psycopg.types.json import Jsonb

from dispatch.errors import Conflict, InvalidField
from dispatch.jobs.horizon import check_day_near
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.regions import region
from dispatch.rosters.workflow import lock_day, publish, published_id, store_draft, with_held_back
from dispatch.vocabulary import MAX_PLAN_DAYS, MAX_TIME_LIMIT_S, PLANNED_STATUSES
from solver.week.document import too_short_time_limit


def request_plan(
    conn: Db,
    who: Principal,
    region_id: str,
    first: date,
    days: int,
    time_limit_s: float,
    based_on: int | None = None,
    replan_from: date | None = None,
    event: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], bool]:
    """The plan job for this request and whether it is new; a request while one is under way joins it."""
    who.require_region(region_id)
    region(conn, region_id)
    check_day_near(first)
    if not 1 <= days <= MAX_PLAN_DAYS:
        raise InvalidField(f"must be 1 to {MAX_PLAN_DAYS}", "days")
    if not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise InvalidField(f"must be more than 0 and at most {MAX_TIME_LIMIT_S} seconds", "time_limit_s")
    if (too_short := too_short_time_limit(time_limit_s, days)) is not None:
        raise InvalidField(too_short, "time_limit_s")
    try:
        with conn.transaction():
            row = one(
                conn.execute(
                    "INSERT INTO plans (region_id, first_day, days, kind, based_on, replan_from, event, time_limit_s,"
                    " requested_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
                    [
                        region_id,
                        first,
                        days,
                        "plan" if based_on is None else "replan",
                        based_on,
                        replan_from,
                        Jsonb(event or {}),
                        time_limit_s,
                        who.username,
                    ],
                )
            )
            audit.record(conn, who, "request_plan", f"plan/{row['id']}", first=first.isoformat(), days=days)
            return row, True
    except errors.UniqueViolation:
        pass
    found = conn.execute(
        "SELECT * FROM plans WHERE region_id = %s AND state IN ('queued', 'running') ORDER BY id DESC LIMIT 1", [region_id]
    ).fetchone()
    if found is None:
        raise Conflict("another plan request was being made at the same moment; try again")
    return found, False


def request_replan(
    conn: Db, who: Principal, plan_id: int, replan_from: date, time_limit_s: float, event: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Re-plan a plan's horizon from `replan_from` after an event: what was given stays, later sessions keep their gaps."""
    base = plan_row(conn, who, plan_id)
    last = base["first_day"].toordinal() + base["days"] - 1
    if not base["first_day"] <= replan_from <= date.fromordinal(last):
        raise InvalidField(f"{replan_from} is not in the plan's horizon", "from")
    days = last - replan_from.toordinal() + 1
    with conn.transaction():
        for visit_id in event.get("cancelled", []):
            cancelled = conn.execute(
                "UPDATE visits SET status = 'cancelled', version = version + 1 WHERE id = %s AND region_id = %s"
                " AND status = ANY(%s) RETURNING id",
                [visit_id, base["region_id"], list(PLANNED_STATUSES)],
            ).fetchone()
            if cancelled is None:
                raise InvalidField(f"visit {visit_id} is not a visit of this region still to give", "cancelled")
            audit.record(conn, who, "cancel", f"visit/{visit_id}", plan=plan_id)
    return request_plan(conn, who, base["region_id"], replan_from, days, time_limit_s, plan_id, replan_from, event)


def plan_row(conn: Db, who: Principal, plan_id: int, lock: bool = False) -> dict[str, Any]:
    row = conn.execute(f"SELECT * FROM plans WHERE id = %s{' FOR UPDATE' if lock else ''}", [plan_id]).fetchone()
    return who.require_reach(row, f"plan {plan_id}")


def plan_view(conn: Db, who: Principal, plan_id: int) -> dict[str, Any]:
    """The plan as the console draws it: each day's roster id and, per nurse, the visits placed; what is left out."""
    row = plan_row(conn, who, plan_id)
    names = {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM nurses WHERE region_id = %s", [row["region_id"]])}
    sessions = {
        str(r["id"]): r
        for r in conn.execute(
            "SELECT v.id, v.course_id, v.session_no, p.name AS patient_name, v.service_code FROM visits v"
            " JOIN patients p ON p.id = v.patient_id WHERE v.region_id = %s AND (v.day IS NULL OR v.day >= %s)",
            [row["region_id"], row["first_day"]],
        )
    }
    days = []
    for r in conn.execute("SELECT id, day, status, revision, document FROM rosters WHERE plan_id = %s ORDER BY day", [plan_id]):
        nurses = []
        for route in r["document"]["routes"]:
            stops = []
            for stop in route["stops"]:
                v = sessions.get(stop["visit_id"], {})
                stops.append(
                    {
                        "visit_id": int(stop["visit_id"]),
                        "start": stop["start"],
                        "end": stop["end"],
                        "patient_name": v.get("patient_name"),
                        "service": v.get("service_code"),
                        "course_id": v.get("course_id"),
                        "session": v.get("session_no"),
                    }
                )
            if stops:
                nurses.append({"nurse_id": int(route["nurse_id"]), "name": names.get(int(route["nurse_id"])), "stops": stops})
        days.append({"date": r["day"], "roster_id": r["id"], "status": r["status"], "nurses": nurses})
    document = row["document"] or {}
    return {
        "id": row["id"],
        "region_id": row["region_id"],
        "from": row["first_day"],
        "days": row["days"],
        "kind": row["kind"],
        "based_on": row["based_on"],
        "state": row["state"],
        "progress": row["progress"],
        "error": row["error"],
        "status": row["status"],
        "time_limit_s": row["time_limit_s"],
        "requested_by": row["requested_by"],
        "created_at": row["created_at"],
        "published_at": row["published_at"],
        "published_by": row["published_by"],
        "rosters": days,
        "unassigned": [
            _named(item["visit_id"], item["reason"], sessions) for item in [*document.get("unassigned", []), *row["held_back"]]
        ],
        "summary": document.get("summary", {}),
    }


def _named(visit_id: Any, reason: str, sessions: dict[str, dict]) -> dict[str, Any]:
    """A visit left out of the plan, with its patient, service and course session (the console shows names)."""
    v = sessions.get(str(visit_id), {})
    return {
        "visit_id": str(visit_id),
        "reason": reason,
        "patient_name": v.get("patient_name"),
        "service": v.get("service_code"),
        "course_id": v.get("course_id"),
        "session": v.get("session_no"),
    }


def store_plan(conn: Db, plan_id: int, document: dict[str, Any], day_problems: dict[str, dict[str, Any]]) -> None:
    """The checked plan: one draft roster per day (with the visits held back of that day), the plan succeeded."""
    with conn.transaction():
        row = one(conn.execute("SELECT * FROM plans WHERE id = %s FOR UPDATE", [plan_id]))
        if row["state"] != "running":  # stored already by another worker's attempt
            return
        held_by_day: dict[str, list[dict]] = {}
        for h in row["held_back"]:
            if h.get("day"):
                held_by_day.setdefault(str(h["day"]), []).append(h)
        for day_text, roster in sorted(document["days"].items()):
            day = date.fromisoformat(day_text)
            roster_id = store_draft(
                conn,
                row["region_id"],
                day,
                day_problems[day_text],
                with_held_back(roster, held_by_day.get(day_text, [])),
                row["requested_by"],
                published_id(conn, row["region_id"], day),
                f"week plan {plan_id}" if row["kind"] == "plan" else f"week re-plan {plan_id}: {row['event'].get('reason', '')}",
                {"model": "geodesic"} if "durations_s" not in day_problems[day_text].get("travel", {}) else {"model": "road"},
            )
            conn.execute("UPDATE rosters SET plan_id = %s WHERE id = %s", [plan_id, roster_id])
        conn.execute(
            "UPDATE plans SET state = 'succeeded', document = %s, finished_at = now(), progress = progress || %s WHERE id = %s",
            [Jsonb(document), Jsonb({"phase": "done", "share": 1.0}), plan_id],
        )


def publish_plan(conn: Db, who: Principal, plan_id: int) -> dict[str, Any]:
    """Publish every day of the plan and date its sessions; all of it or nothing (409 naming the day that refused)."""
    with conn.transaction():
        row = plan_row(conn, who, plan_id, lock=True)
        if row["state"] != "succeeded" or row["status"] != "draft":
            now = row["state"] if row["state"] != "succeeded" else row["status"]
            raise Conflict(f"plan {plan_id} is {now}; only a finished draft can be published")
        rosters = conn.execute("SELECT id, day FROM rosters WHERE plan_id = %s ORDER BY day", [plan_id]).fetchall()
        for r in rosters:
            lock_day(conn, row["region_id"], r["day"])  # in date order, so two plans never wait for each other
            # The sessions this day serves take its date: the day pipeline reads visits.day from now on. A re-plan
            # also moves course sessions not yet begun that an earlier plan dated within its horizon.
            conn.execute(
                "UPDATE visits SET day = %s, version = version + 1 WHERE id IN"
                " (SELECT visit_id FROM roster_stops WHERE roster_id = %s) AND (day IS NULL OR"
                " (%s AND course_id IS NOT NULL AND day >= %s AND day <> %s AND status = ANY(%s)))",
                [r["day"], r["id"], row["kind"] == "replan", row["first_day"], r["day"], list(PLANNED_STATUSES)],
            )
            try:
                publish(conn, who, r["id"], None)
            except Conflict as refused:
                raise Conflict(f"{r['day']}: {refused.message}; nothing of plan {plan_id} was published") from None
        if row["based_on"] is not None:
            conn.execute("UPDATE plans SET status = 'superseded' WHERE id = %s AND status = 'published'", [row["based_on"]])
        conn.execute(
            "UPDATE plans SET status = 'published', published_at = now(), published_by = %s WHERE id = %s",
            [who.username, plan_id],
        )
        audit.record(conn, who, "publish", f"plan/{plan_id}", days=[r["day"].isoformat() for r in rosters])
    return plan_view(conn, who, plan_id)
