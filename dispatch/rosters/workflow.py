"""Rosters: drafts from solves, the dispatcher's moves, comparison, and publishing (all or nothing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from psycopg import errors
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from dispatch.clinical.clearance import uncleared_visits
from dispatch.errors import Conflict, StaleVersion
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.regions import managed_region
from dispatch.rosters.naming import parse_day
from dispatch.vocabulary import PLANNED_STATUSES, RETIME_TOLERANCE_MIN
from solver import Problem, Solution, check_solution, roster_document
from solver.disruption import assignment_changes
from solver.explain import nurse_refusal
from solver.model import Route, SolveStats, TimeWindow, Unassigned
from solver.residual import residual, route_in_order
from solver.schedule import InfeasibleSequence
from solver.urgent import cheapest_position


def with_held_back(document: dict[str, Any], held_back: list[dict[str, Any]]) -> dict[str, Any]:
    """The solver's roster document plus the visits the solver never saw, counted in the summary."""
    summary = dict(document["summary"])
    summary["unassigned"] += len(held_back)
    summary["unassigned_priority_weight"] += sum(h["priority"] for h in held_back)
    summary["total_priority_weight"] += sum(h["priority"] for h in held_back)
    unassigned = document["unassigned"] + [
        {"visit_id": h["visit_id"], "reason": h["reason"], "priority": h["priority"], "held_back": True} for h in held_back
    ]
    return document | {"unassigned": unassigned, "summary": summary}


def published_id(conn: Db, region_id: str, day: date) -> int | None:
    """The id of the day's published roster, if there is one."""
    row = conn.execute(
        "SELECT id FROM rosters WHERE region_id = %s AND day = %s AND status = 'published'", [region_id, day]
    ).fetchone()
    return row["id"] if row else None


def lock_day(conn: Db, region_id: str, day: date) -> None:
    """Hold the region's day of rosters until the transaction ends: drafts' versions and publishing, one at a time.

    Taken before any roster row is locked, by everything that numbers or publishes a roster of the day,
    so two of them never wait for each other in opposite orders (the deadlocks that answered 503).
    """
    if conn.info.transaction_status == TransactionStatus.IDLE:
        raise RuntimeError("lock_day needs a transaction: outside one the lock would end with the statement")
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"rosters:{region_id}:{day}"])


def store_draft(
    conn: Db,
    region_id: str,
    day: date,
    problem: dict,
    document: dict,
    created_by: str,
    based_on: int | None,
    reason: str | None,
    travel: dict,
) -> int:
    """Save a solved roster as the next draft version of the day; returns its id. Call inside a transaction.

    `based_on` is the roster that was published when the day was read for this draft (DayProblem.based_on),
    not the one published now: a draft made from a roster superseded meanwhile must not be publishable.
    `travel` is the note of the travel model that timed it (DayProblem.travel).
    """
    lock_day(conn, region_id, day)  # max(version) + 1 is only safe with one writer of the day at a time
    row = one(
        conn.execute(
            "INSERT INTO rosters (region_id, day, version, based_on, problem, document, created_by, reason, travel)"
            " SELECT %s, %s, coalesce(max(version), 0) + 1, %s, %s, %s, %s, %s, %s FROM rosters WHERE region_id = %s AND day = %s"
            " RETURNING id",
            [region_id, day, based_on, Jsonb(problem), Jsonb(document), created_by, reason, Jsonb(travel), region_id, day],
        )
    )
    _write_stops(conn, row["id"], document)
    return row["id"]


def _write_stops(conn: Db, roster_id: int, document: dict) -> None:
    conn.execute("DELETE FROM roster_stops WHERE roster_id = %s", [roster_id])
    rows = [
        (
            roster_id,
            int(stop["visit_id"]),
            int(route["nurse_id"]),
            seq,
            datetime.fromisoformat(stop["arrival"]),
            datetime.fromisoformat(stop["start"]),
            datetime.fromisoformat(stop["end"]),
        )
        for route in document["routes"]
        for seq, stop in enumerate(route["stops"])
    ]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO roster_stops (roster_id, visit_id, nurse_id, seq, arrival, starts, ends)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def roster_row(conn: Db, who: Principal, roster_id: int, lock: bool = False) -> dict:
    row = conn.execute(f"SELECT * FROM rosters WHERE id = %s{' FOR UPDATE' if lock else ''}", [roster_id]).fetchone()
    return who.require_reach(row, f"roster {roster_id}")


def roster_summary(row: dict) -> dict[str, Any]:
    return {
        k: row[k]
        for k in (
            "id",
            "region_id",
            "day",
            "version",
            "status",
            "revision",
            "based_on",
            "created_at",
            "created_by",
            "published_at",
            "published_by",
            "reason",
            "changes",
            "travel",
        )
    } | {"kpis": row["document"]["summary"]}


def roster(conn: Db, who: Principal, roster_id: int) -> dict[str, Any]:
    row = roster_row(conn, who, roster_id)
    audit.record(conn, who, "read", f"roster/{roster_id}")
    return roster_summary(row) | {"roster": row["document"]}


def rosters_of_day(conn: Db, who: Principal, region_id: str, day: date) -> list[dict[str, Any]]:
    managed_region(conn, who, region_id)
    rows = conn.execute("SELECT * FROM rosters WHERE region_id = %s AND day = %s ORDER BY version", [region_id, day])
    return [roster_summary(row) for row in rows]


def publish(conn: Db, who: Principal, roster_id: int, expected_revision: int | None) -> dict[str, Any]:
    """Make this draft the day's roster, superseding the published one; all of it or nothing.

    Concurrent publishes of one day queue on the day's lock (lock_day) before touching any row; the
    first wins and the others get a 409 naming the roster now published and who published it.
    """
    try:
        with conn.transaction():
            day_of = roster_row(conn, who, roster_id)  # unlocked: only to learn which day to lock
            lock_day(conn, day_of["region_id"], day_of["day"])
            row = roster_row(conn, who, roster_id, lock=True)
            current = conn.execute(
                "SELECT id, version, published_by, published_at FROM rosters"
                " WHERE region_id = %s AND day = %s AND status = 'published' FOR UPDATE",
                [row["region_id"], row["day"]],
            ).fetchone()
            if row["status"] == "published":
                assert current is not None  # this very roster
                raise Conflict(f"{_named(current)} is already published by {_by_whom(current)}; only a draft can be published")
            if row["status"] != "draft":
                raise Conflict(
                    f"roster {roster_id} is {row['status']}; only a draft can be published"
                    + (f" ({_named(current)} is, published by {_by_whom(current)})" if current else "")
                )
            if expected_revision is not None and expected_revision != row["revision"]:
                raise StaleVersion(f"roster {roster_id} changed since you read it (revision {row['revision']})")
            current_id = current and current["id"]
            if current_id != row["based_on"]:
                raise Conflict(
                    f"{_named(current)} was published by {_by_whom(current)} after this draft was made; "
                    "compare with it and solve again"
                    if current
                    else f"roster {row['based_on']}, which this draft was made from, is no longer published"
                )
            _check_visits_still_planned(conn, row)
            before = conn.execute("SELECT document FROM rosters WHERE id = %s", [current_id]).fetchone() if current_id else None
            changes = changes_between(before and before["document"], row["document"], RETIME_TOLERANCE_MIN)
            if current_id:
                conn.execute("UPDATE rosters SET status = 'superseded' WHERE id = %s", [current_id])
                conn.execute("UPDATE roster_stops SET published = false WHERE roster_id = %s", [current_id])
                conn.execute(
                    "UPDATE visits SET status = 'requested', version = version + 1 WHERE status = 'scheduled'"
                    " AND id IN (SELECT visit_id FROM roster_stops WHERE roster_id = %s)"
                    " AND id NOT IN (SELECT visit_id FROM roster_stops WHERE roster_id = %s)",
                    [current_id, roster_id],
                )
            conn.execute(
                "UPDATE rosters SET status = 'published', published_at = now(), published_by = %s, changes = %s,"
                " revision = revision + 1 WHERE id = %s",
                [who.username, Jsonb(changes), roster_id],
            )
            conn.execute("UPDATE roster_stops SET published = true WHERE roster_id = %s", [roster_id])
            conn.execute(
                "UPDATE visits SET status = 'scheduled', version = version + 1 WHERE status = 'requested'"
                " AND id IN (SELECT visit_id FROM roster_stops WHERE roster_id = %s)",
                [roster_id],
            )
            audit.record(
                conn,
                who,
                "publish",
                f"roster/{roster_id}",
                superseded=current_id,
                reason=row["reason"],
                nurses_changed=[n["nurse_id"] for n in changes["nurses"]],
            )
    except errors.ExclusionViolation:
        raise Conflict("a nurse would hold two overlapping visits across published rosters; nothing was published") from None
    return roster(conn, who, roster_id)


def _named(roster_row: dict | None) -> str:
    return f"roster {roster_row['id']} (version {roster_row['version']})" if roster_row else "no roster"


def _by_whom(published: dict) -> str:
    return f"{published['published_by']} at {published['published_at'].isoformat(timespec='seconds')}"


def _check_visits_still_planned(conn: Db, roster: dict) -> None:
    """Every visit in the roster is still to be given as it was when the roster was solved.

    A cancelled visit or a no-show is refused, and so is a visit not yet begun whose date or window
    changed after the draft was made: publishing would send the nurse at a time the visit no longer
    has. Visits under way or done are kept as a re-plan keeps them.
    """
    as_solved = {v["id"]: v for v in roster["problem"]["visits"]}
    for visit in conn.execute(
        "SELECT v.id, v.status, v.day, v.window_start, v.window_end FROM roster_stops s JOIN visits v ON v.id = s.visit_id"
        " WHERE s.roster_id = %s ORDER BY v.id",
        [roster["id"]],
    ):
        if visit["status"] in ("cancelled", "no_show"):
            raise Conflict(
                f"visit {visit['id']} is {visit['status'].replace('_', ' ')} since this roster was made; re-plan the day"
            )
        solved = as_solved.get(str(visit["id"]))
        if visit["status"] not in PLANNED_STATUSES or solved is None or "window" not in solved:
            continue
        start, end = f"{visit['window_start']:%H:%M}", f"{visit['window_end']:%H:%M}"
        if visit["day"] != roster["day"]:
            changed = f"it is now on {visit['day']}"
        elif not start <= solved["window"]["start"] <= solved["window"]["end"] <= end:
            # Solved inside a window it no longer has (a dispatcher's fixed start narrows the solved window to
            # that start: still inside its own window, so still publishable).
            changed = f"its window is now {start}–{end}"
        else:
            continue
        raise Conflict(f"visit {visit['id']} changed since this roster was made ({changed}); solve or re-plan the day again")
    # The clinical gate again: a clearance may have been withdrawn (or expired) since the draft was made.
    stops = [r["visit_id"] for r in conn.execute("SELECT visit_id FROM roster_stops WHERE roster_id = %s", [roster["id"]])]
    if uncleared := uncleared_visits(conn, stops):
        visit_id = min(uncleared)
        raise Conflict(f"visit {visit_id} cannot be published: {uncleared[visit_id]}; solve or re-plan the day again")


def compare(conn: Db, who: Principal, roster_id: int, other_id: int | None, tolerance_min: int = 0) -> dict:
    """What changes for whom between `other_id` (default: the published roster) and this one."""
    new = roster_row(conn, who, roster_id)
    if other_id is None:
        other_id = published_id(conn, new["region_id"], new["day"])
    old = roster_row(conn, who, other_id) if other_id else None
    if old and (old["region_id"], old["day"]) != (new["region_id"], new["day"]):
        raise Conflict(f"roster {other_id} is for another region or day")
    return {"roster_id": roster_id, "compared_with": other_id, "tolerance_min": tolerance_min} | changes_between(
        old["document"] if old else None, new["document"], tolerance_min
    )


def changes_between(before_document: dict | None, after_document: dict, tolerance_min: int) -> dict[str, Any]:
    """Per nurse, the visits added, removed and re-timed by more than `tolerance_min`; and who lost or gained a nurse.

    Ids are the records' ints (the documents' strings converted here)."""
    before = _assignments(before_document) if before_document else {}
    after = _assignments(after_document)
    changes = assignment_changes(before, after, tolerance_min * 60, _seconds_apart)
    nurses: dict[int, dict[str, Any]] = {}

    def entry(nurse_id: int) -> dict[str, Any]:
        return nurses.setdefault(nurse_id, {"nurse_id": nurse_id, "added": [], "removed": [], "retimed": []})

    for visit_id, (nurse_id, start) in after.items():
        if visit_id in changes.gained or visit_id in changes.moved:
            entry(nurse_id)["added"].append(visit_id)
        elif visit_id in changes.retimed:
            entry(nurse_id)["retimed"].append({"visit_id": visit_id, "from": before[visit_id][1], "to": start})
    for visit_id, (nurse_id, _) in before.items():
        if visit_id in changes.lost or visit_id in changes.moved:
            entry(nurse_id)["removed"].append(visit_id)
    return {
        "nurses": sorted(nurses.values(), key=lambda e: e["nurse_id"]),
        "newly_unassigned": sorted(changes.lost),
        "newly_assigned": sorted(changes.gained),
    }


def _seconds_apart(a: str, b: str) -> float:
    return abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).total_seconds())


def _assignments(document: dict) -> dict[int, tuple[int, str]]:
    return {
        int(stop["visit_id"]): (int(route["nurse_id"]), stop["start"]) for route in document["routes"] for stop in route["stops"]
    }


# ---------------------------------------------------------------- the dispatcher's moves


def move_visit(
    conn: Db,
    who: Principal,
    roster_id: int,
    visit_record_id: int,
    nurse_record_id: int | None,
    start: time | None,
    expected_revision: int | None,
) -> dict[str, Any]:
    """Give a visit to another nurse (at a time, or where it fits best), or take it out; checked before saved."""
    # The solver's documents name visits and nurses by strings; the database and the API by ints.
    visit_id, nurse_id = str(visit_record_id), None if nurse_record_id is None else str(nurse_record_id)
    with conn.transaction():
        row = roster_row(conn, who, roster_id, lock=True)
        if row["status"] != "draft":
            raise Conflict(f"roster {roster_id} is {row['status']}; moves change drafts (solve again for a new draft)")
        if expected_revision is not None and expected_revision != row["revision"]:
            raise StaleVersion(f"roster {roster_id} changed since you read it (revision {row['revision']})")
        problem = parse_day(row["problem"])
        document = row["document"]
        patient = conn.execute(
            "SELECT p.name FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.id = %s", [visit_record_id]
        ).fetchone()
        label = f"{patient['name']}'s visit" if patient else f"visit {visit_id}"  # refusals name the patient
        if visit_id not in {v.id for v in problem.visits}:
            held = next((u for u in document["unassigned"] if u["visit_id"] == visit_id), None)
            raise Conflict(
                f"{label} cannot be placed: {held['reason']}" if held else f"{label} is not part of roster {roster_id}",
                "visit_id",
            )
        if problem.state is not None and visit_id in problem.state.committed_visit_ids():
            raise Conflict(f"{label} is done or under way; it stays as it is", "visit_id")
        if nurse_id is not None and nurse_id not in {n.id for n in problem.nurses}:
            raise Conflict(f"nurse {nurse_id} has no shift in roster {roster_id}", "nurse_id")
        orders = {route["nurse_id"]: [s["visit_id"] for s in route["stops"]] for route in document["routes"]}
        starts = {s["visit_id"]: s["start"] for route in document["routes"] for s in route["stops"]}
        for order in orders.values():
            if visit_id in order:
                order.remove(visit_id)
        if start is not None:
            problem = _with_fixed_start(problem, visit_id, start, label)
        if nurse_id is not None:
            # The clinical gate, on today's records: the draft may be older than a clearance's withdrawal.
            if uncleared := uncleared_visits(conn, [visit_record_id]):
                raise Conflict(f"{label} cannot be placed: {uncleared[visit_record_id]}", "visit_id")
            _check_may_take(problem, nurse_id, visit_id, label)
            orders[nurse_id] = _placed(problem, nurse_id, orders, visit_id, starts, start is not None, label)
        solution = _solution_from_orders(problem, orders, document, visit_id, who.username if nurse_id is None else None)
        violations = check_solution(problem, solution)
        if violations:
            raise Conflict(f"the move breaks a rule: {violations[0]}")
        held_back = [u for u in document["unassigned"] if u.get("held_back")]
        new_document = roster_document(problem, solution)
        new_document["summary"]["solve_time_s"] = document["summary"]["solve_time_s"]
        new_document = with_held_back(new_document, held_back)
        conn.execute(
            "UPDATE rosters SET problem = %s, document = %s, revision = revision + 1 WHERE id = %s",
            [Jsonb(_problem_document(row["problem"], problem, visit_id)), Jsonb(new_document), roster_id],
        )
        _write_stops(conn, roster_id, new_document)
        audit.record(
            conn,
            who,
            "move",
            f"roster/{roster_id}",
            visit=visit_id,
            nurse=nurse_id,
            start=start.strftime("%H:%M") if start else None,
        )
    return roster(conn, who, roster_id)


def _check_may_take(problem: Problem, nurse_id: str, visit_id: str, label: str) -> None:
    visit = next(v for v in problem.visits if v.id == visit_id)
    pinned_to = next((n.name for n in problem.nurses if n.id == visit.pinned_nurse), None)
    if refusal := nurse_refusal(problem.nurse(nurse_id), visit, label, pinned_to):
        raise Conflict(refusal, "nurse_id")


def _with_fixed_start(problem: Problem, visit_id: str, start: time, label: str) -> Problem:
    """The problem with this visit's start fixed at `start`, refused if outside its own windows."""
    seconds = problem.clock.seconds(start)
    visit = next(v for v in problem.visits if v.id == visit_id)
    if not any(w.contains(seconds) for w in visit.windows):
        windows = ", ".join(f"{problem.clock.hhmm(w.start)}–{problem.clock.hhmm(w.end)}" for w in visit.windows)
        raise Conflict(f"{label} must start within {windows}; {start:%H:%M} is outside", "start")
    fixed = replace(visit, windows=(TimeWindow(seconds, seconds),))
    return replace(problem, visits=tuple(fixed if v.id == visit_id else v for v in problem.visits))


def _placed(
    problem: Problem,
    nurse_id: str,
    orders: dict[str, list[str]],
    visit_id: str,
    starts: dict[str, str],
    by_time: bool,
    label: str,
) -> list[str]:
    """Her order with the visit inserted: by its fixed time, or where it costs least, ranked as an urgent slot is."""
    nurse, order = problem.nurse(nurse_id), orders[nurse_id]
    midnight = problem.clock.midnight_utc
    shown = {v: int((datetime.fromisoformat(start) - midnight).total_seconds()) for v, start in starts.items()}
    if by_time:
        fixed = next(v for v in problem.visits if v.id == visit_id).windows[0].start
        position = sum(1 for other in order if shown[other] < fixed)
        candidate = order[:position] + [visit_id] + order[position:]
        try:
            route_in_order(problem, nurse_id, candidate)
        except InfeasibleSequence as why:
            raise Conflict(f"{nurse.name} cannot take {label} at that time: {why}") from None
        return candidate
    try:
        position = cheapest_position(problem, orders, shown, visit_id, nurse_id)
    except InfeasibleSequence as why:
        raise Conflict(f"{nurse.name} cannot take {label} anywhere in her day: {why}") from None
    return order[:position] + [visit_id] + order[position:]


def _solution_from_orders(
    problem: Problem, orders: dict[str, list[str]], document: dict, moved: str, unassigned_by: str | None
) -> Solution:
    rest = residual(problem)
    routes: list[Route] = []
    for nurse in problem.nurses:
        try:
            routes.append(route_in_order(problem, nurse.id, orders.get(nurse.id, []), rest))
        except InfeasibleSequence as why:
            raise Conflict(f"{nurse.name}'s day no longer works: {why}") from None
    served = {v for order in orders.values() for v in order}
    reasons = {u["visit_id"]: u["reason"] for u in document["unassigned"] if not u.get("held_back")}
    if unassigned_by:
        reasons[moved] = f"taken out of the roster by {unassigned_by}"
    unassigned = tuple(Unassigned(v.id, reasons.get(v.id, "not placed")) for v in problem.visits if v.id not in served)
    stats = SolveStats(0.0, 0, 0)
    return Solution(tuple(routes), unassigned, stats)


def _problem_document(original: dict, problem: Problem, visit_id: str) -> dict:
    """The stored problem document with the moved visit's fixed start, if it got one."""
    visit = next(v for v in problem.visits if v.id == visit_id)
    if len(visit.windows) != 1 or visit.windows[0].start != visit.windows[0].end:
        return original
    hhmm = problem.clock.hhmm(visit.windows[0].start)
    visits = [dict(v, window={"start": hhmm, "end": hhmm}) if v["id"] == visit_id else v for v in original["visits"]]
    for v in visits:
        if v["id"] == visit_id:
            v.pop("windows", None)
    return original | {"visits": visits}
