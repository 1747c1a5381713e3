"""Offers: real times over the coming days for a patient's visit, held while she decides, then taken as a promise.

For each day ahead, the day as it stands (dispatch/booking/days.py) and the cheapest insertion of the new
visit give a nurse, a start and the driving it adds; the patient is told an arrival window around that
start. Offers are ranked as the request says (`acute`: earliest first; `routine`: the patient's preferred
days and times first, then the least added driving) and stored, at most MAX_OFFERS.

Holding and taking are decided by the database: each offer's sessions reserve their nurse's time, and an
exclusion constraint on (nurse, reserved time) among reserving sessions lets no two overlap, whatever
process writes them; a transaction lock per nurse and day makes the re-check of her day (does the visit
still fit, with what was held since?) and the reservation one step. A hold runs out after the setting's
minutes; taking books the visit through the visits' own path (duplicates, service rules, clearance
warnings) with the offered window, marked promised, in the same transaction as the offer's change. A taken
offer reserves its nurse's time until a roster (published, else the newest draft) holds the visit: from then
the roster keeps the promise, with whichever nurse it gives the visit to.
"""

from __future__ import annotations

import math
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta
from typing import Any

from psycopg import errors
from psycopg.types.range import Range

from dispatch.booking.days import BookingDay, DayCache, booking_day, routes_in_force, seconds_of
from dispatch.clinical.clearance import clearances, hold_reason
from dispatch.errors import Conflict, InvalidField
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.regions import region, region_today
from dispatch.records.visits import VisitRequest, add_visit, update_visit
from dispatch.vocabulary import MAX_OFFERS, MAX_PLAN_DAYS, PLANNED_STATUSES, PROMISED_PRIORITY, WEEKDAYS
from solver.booking import Opening
from solver.explain import may_take
from solver.model import TimeWindow

WINDOW_STEP_S = 15 * 60  # arrival windows begin on a quarter hour
PER_DAY = 2  # routine offers on one day at most, so that the patient hears more than one day
SAME_DAY_LEAD_S = 3600  # an offer for today starts an hour from now at the soonest
OFFER_KEPT = timedelta(days=1)  # an offer nobody held or took (or whose hold ran out) is forgotten after this


@dataclass(frozen=True)
class OfferQuestion:
    """What the caller asks: a service for a patient over `days` days from `first`, and how to rank."""

    patient_id: int
    service: str | None
    days: int
    first: date | None = None
    window_min: int = 120
    urgency: str = "routine"
    preferred_days: tuple[str, ...] = ()
    preferred_from: time | None = None
    preferred_to: time | None = None
    course_id: int | None = None  # offers for the whole course's sessions still to date (its service)


RANKING = {
    "acute": "earliest first (an acute attack)",
    "routine": "the patient's preferred days and times first, then the least added driving, then the earliest",
}


def _patient(conn: Db, who: Principal, patient_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM patients WHERE id = %s", [patient_id]).fetchone()
    return who.require_reach(row, f"patient {patient_id}")


def bookable_service(conn: Db, code: str) -> dict[str, Any]:
    """The service of that code, if a nurse may give it at home (422 naming `service`, or 409 with the rule)."""
    service = conn.execute("SELECT * FROM service_types WHERE code = %s", [code]).fetchone()
    if service is None:
        codes = [r["code"] for r in conn.execute("SELECT code FROM service_types ORDER BY code")]
        raise InvalidField(f"unknown service {code!r} (known: {', '.join(codes)})", "service")
    if not service["home_allowed"]:
        raise Conflict(f"{service['name']} cannot be given at home: {service['home_rule']}", "service")
    return service


def arrival_window(start: int, window_min: int) -> tuple[int, int]:
    """The window the patient is told: `window_min` minutes around the likely start, on a quarter hour, within the day."""
    half = window_min * 30
    begin = max(0, math.floor((start - half) / WINDOW_STEP_S) * WINDOW_STEP_S)
    end = min(begin + window_min * 60, 24 * 3600 - 60)
    return begin, max(end, start)


def find_offers(conn: Db, who: Principal, question: OfferQuestion, cache: DayCache | None = None) -> dict[str, Any]:
    """Up to MAX_OFFERS offers, ranked, stored as `offered`; with each day that has none and why.

    `cache` keeps days read by earlier requests while they are unchanged (dispatch/booking/days.py)."""
    who.require_role("admin", "dispatcher")
    started = clock.monotonic()
    patient = _patient(conn, who, question.patient_id)
    course, open_sessions = (None, []) if question.course_id is None else _course(conn, who, question.course_id, patient)
    if course is not None and question.service not in (None, course["service_code"]):
        raise InvalidField(f"course {course['id']} is of {course['service_code']}, not {question.service}", "service")
    code = course["service_code"] if course is not None else question.service
    if code is None:
        raise InvalidField("give a service, or a course", "service")
    service = bookable_service(conn, code)
    today = region_today(conn, patient["region_id"])
    # An acute attack may be seen today (an hour from now at the soonest); a routine visit from tomorrow.
    first = question.first or (today if question.urgency == "acute" else today + timedelta(days=1))
    if first < today:
        raise InvalidField(f"{first} is in the past (today is {today} in the region)", "from")
    if not 1 <= question.days <= MAX_PLAN_DAYS:
        raise InvalidField(f"must be between 1 and {MAX_PLAN_DAYS} (the planning horizon)", "days")
    if question.preferred_from and question.preferred_to and question.preferred_to <= question.preferred_from:
        raise InvalidField("the preferred times end before they start", "before")
    dates = [first + timedelta(days=k) for k in range(question.days)]
    with conn.transaction():
        _release_kept_promises(conn, patient["region_id"])
    days = _Days(conn, patient, service, cache)
    if course is not None:
        candidates, without = _course_candidates(days, question, dates, course, open_sessions)
    else:
        candidates, without = _single_candidates(days, question, dates)
    candidates.sort(key=lambda c: c.key)
    chosen: list[_Candidate] = []
    per_day: dict[date, int] = {}
    seen = set()
    for candidate in candidates:
        first_session = candidate.sessions[0]
        if (first_session.day, first_session.window) in seen:
            continue
        if question.urgency == "routine" and per_day.get(first_session.day, 0) >= PER_DAY:
            continue
        seen.add((first_session.day, first_session.window))
        per_day[first_session.day] = per_day.get(first_session.day, 0) + 1
        chosen.append(candidate)
        if len(chosen) == MAX_OFFERS:
            break
    with conn.transaction():
        _forget_stale_offers(conn, patient["region_id"])
        stored = [
            _store_offer(conn, who, patient, service, rank, candidate, course, open_sessions)
            for rank, candidate in enumerate(chosen, start=1)
        ]
        audit.record(conn, who, "read", f"patient/{patient['id']}/offers", offers=len(stored))
    return {
        "patient_id": patient["id"],
        "service": service["code"],
        "ranking": RANKING[question.urgency],
        "elapsed_ms": round((clock.monotonic() - started) * 1000, 1),
        "offers": stored,
        "days_without": without,
    }


@dataclass(frozen=True)
class _Session:
    """One visit of an offer: its day, the opening found, and the arrival window told (seconds of that day)."""

    day: date
    opening: Opening
    built: BookingDay
    window: tuple[int, int]


@dataclass(frozen=True)
class _Candidate:
    key: tuple
    sessions: tuple[_Session, ...]
    preferred: bool

    @property
    def added_travel(self) -> int:
        return sum(s.opening.added_travel for s in self.sessions)


class _Days:
    """Each day as booking sees it, read once per request; a day the patient is not cleared on has its reason."""

    def __init__(self, conn: Db, patient: dict[str, Any], service: dict[str, Any], cache: DayCache | None):
        self.conn, self.patient, self.service, self.cache = conn, patient, service, cache
        self.read: dict[date, BookingDay | str] = {}
        self.today = region_today(conn, patient["region_id"])
        self.now = one(conn.execute("SELECT now() AS t"))["t"]

    def not_before(self, built: BookingDay, within: TimeWindow | None) -> TimeWindow | None:
        """`within` (None: the whole day), and today no sooner than SAME_DAY_LEAD_S from now."""
        if built.day != self.today:
            return within
        earliest = seconds_of(built.problem, self.now) + SAME_DAY_LEAD_S
        start, end = max(earliest, within.start if within else 0), within.end if within else 24 * 3600 - 60
        return TimeWindow(start, max(start, end))

    def __call__(self, day: date) -> BookingDay | str:
        if day not in self.read:
            refused = _not_cleared(self.conn, self.patient, self.service, day)
            self.read[day] = refused or booking_day(
                self.conn, self.patient["region_id"], day, self.patient, self.service, cache=self.cache
            )
        return self.read[day]


def _single_candidates(days: _Days, question: OfferQuestion, dates: list[date]) -> tuple[list[_Candidate], list[dict[str, Any]]]:
    candidates, without = [], []
    for day in dates:
        built = days(day)
        if isinstance(built, str):
            without.append({"date": day, "reason": built})
            continue
        found = _openings_of_day(built, question, days.not_before(built, None))
        if not found:
            without.append({"date": day, "reason": _why_none(built)})
        for opening, preferred in found:
            session = _Session(day, opening, built, arrival_window(opening.start, question.window_min))
            candidates.append(
                _Candidate(_rank_key(question, day, opening, preferred, opening.added_travel), (session,), preferred)
            )
    return candidates, without


def _course(conn: Db, who: Principal, course_id: int, patient: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The course (of this patient) and its sessions still to date, in order; 409 when none is left."""
    course = conn.execute("SELECT * FROM courses WHERE id = %s", [course_id]).fetchone()
    if course is None or course["patient_id"] != patient["id"] or not who.may_manage(course["region_id"]):
        raise InvalidField(f"{patient['name']} has no course {course_id}", "course")
    if course["status"] != "active":
        raise Conflict(f"course {course_id} is {course['status']}", "course")
    sessions = conn.execute(
        "SELECT * FROM visits WHERE course_id = %s AND day IS NULL AND status = ANY(%s) ORDER BY session_no",
        [course_id, list(PLANNED_STATUSES)],
    ).fetchall()
    if not sessions:
        raise Conflict(f"every session of course {course_id} has a day already", "course")
    return course, sessions


def _course_candidates(
    days: _Days, question: OfferQuestion, dates: list[date], course: dict[str, Any], sessions: list[dict[str, Any]]
) -> tuple[list[_Candidate], list[dict[str, Any]]]:
    """The course's first session on a day of the range, then each next one with the same nurse in the same arrival
    window, on the first course weekday its gaps allow; a chain that breaks is no offer."""
    weekdays = set(course["weekdays"])
    dated = course_anchor(days.conn, course)
    first_range = (
        (dated + timedelta(days=course["min_gap_days"]), dated + timedelta(days=course["max_gap_days"]))
        if dated
        else (sessions[0]["earliest"], sessions[0]["latest"])
    )
    candidates, without = [], []
    for day in dates:
        if not first_range[0] <= day <= first_range[1] or day.isoweekday() not in weekdays:
            continue
        built = days(day)
        if isinstance(built, str):
            without.append({"date": day, "reason": built})
            continue
        day_clock = built.problem.clock
        course_window = TimeWindow(
            day_clock.seconds(course["window_start"]),
            max(day_clock.seconds(course["window_start"]), day_clock.seconds(course["window_end"]) - built.visit.duration),
        )
        found = _openings_of_day(built, question, days.not_before(built, course_window))
        if not found:
            without.append({"date": day, "reason": _why_none(built)})
        for opening, preferred in found[:3]:
            window = arrival_window(opening.start, question.window_min)
            chain = [_Session(day, opening, built, window)]
            told = (day_clock.datetime(window[0]).time(), day_clock.datetime(window[1]).time())
            while len(chain) < len(sessions):
                following = _next_session(days, chain[-1], course, weekdays, told)
                if following is None:
                    break
                chain.append(following)
            if len(chain) < len(sessions):
                continue
            total = sum(s.opening.added_travel for s in chain)
            candidates.append(_Candidate(_rank_key(question, day, opening, preferred, total), tuple(chain), preferred))
    if not candidates and not without:
        without.append(
            {
                "date": first_range[0],
                "reason": f"the course's first session falls {first_range[0]}–{first_range[1]}, on its weekdays",
            }
        )
    return candidates, without


def course_anchor(conn: Db, course: dict[str, Any]) -> date | None:
    """The day of the course's latest session given or dated (or the one given before it was recorded)."""
    row = conn.execute(
        "SELECT max(day) AS d FROM visits WHERE course_id = %s AND day IS NOT NULL AND status NOT IN ('cancelled', 'no_show')",
        [course["id"]],
    ).fetchone()
    return row["d"] if row and row["d"] else course["last_given"]


def _next_session(days: _Days, before: _Session, course: dict[str, Any], weekdays: set[int], told: tuple[time, time]):
    """The next session with the same nurse in the same arrival window, on the first day its gap allows."""
    for gap in range(course["min_gap_days"], course["max_gap_days"] + 1):
        day = before.day + timedelta(days=gap)
        if day.isoweekday() not in weekdays:
            continue
        built = days(day)
        if isinstance(built, str):
            continue
        day_clock = built.problem.clock
        window = (day_clock.seconds(told[0]), day_clock.seconds(told[1]))
        found = built.openings(TimeWindow(*window), 1, nurse_id=before.opening.nurse_id)
        if found:
            return _Session(day, found[0], built, window)
    return None


def _not_cleared(conn: Db, patient: dict, service: dict, day: date) -> str | None:
    """Why the clinical gate would hold the visit back that day (the one copy of that rule), or None."""
    if not service["needs_clearance"]:
        return None
    clearance = clearances(conn, [patient["id"]], day)[patient["id"]]
    return None if clearance.cleared else hold_reason(service["name"], clearance)


def _preferred_window(built: BookingDay, question: OfferQuestion) -> TimeWindow | None:
    if question.preferred_from is None and question.preferred_to is None:
        return None
    clock_ = built.problem.clock
    start = clock_.seconds(question.preferred_from or time(0))
    end = clock_.seconds(question.preferred_to or time(23, 59))
    return TimeWindow(start, max(start, end - built.visit.duration))  # the visit over by the end of her preferred time


def _openings_of_day(built: BookingDay, question: OfferQuestion, within: TimeWindow | None) -> list[tuple[Opening, bool]]:
    """The day's openings, each marked whether it is on a preferred day and time; those inside the preferred times
    are searched on their own, so that a cheaper place outside them does not hide them."""
    preferred_day = not question.preferred_days or WEEKDAYS[built.day.weekday()] in question.preferred_days
    limit = len(built.problem.nurses) if question.urgency == "acute" else MAX_OFFERS
    window = _preferred_window(built, question)
    if window is not None and within is not None:
        window = TimeWindow(max(window.start, within.start), min(window.end, within.end))
        window = window if window.start <= window.end else None
    found: list[tuple[Opening, bool]] = []
    if window is not None:
        found += [(o, preferred_day) for o in built.openings(window, limit)]
    found += [(o, preferred_day and window is None) for o in built.openings(within, limit)]
    return found


def _rank_key(question: OfferQuestion, day: date, opening: Opening, preferred: bool, added_travel: int) -> tuple:
    if question.urgency == "acute":
        return (day, opening.start, added_travel)
    return (not preferred, added_travel, day, opening.start)


def _why_none(built: BookingDay) -> str:
    allowed = [n for n in built.problem.nurses if may_take(n, built.visit)]
    if not allowed:
        return "no nurse on shift that day has the certifications and licence this visit needs"
    return "every nurse who may give it is fully booked that day (or her weekly cap is reached)"


def _store_offer(
    conn: Db,
    who: Principal,
    patient: dict,
    service: dict,
    rank: int,
    candidate: _Candidate,
    course: dict | None,
    course_sessions: list[dict],
) -> dict[str, Any]:
    offer = one(
        conn.execute(
            "INSERT INTO booking_offers (region_id, patient_id, service_code, course_id, duration_min, added_travel_s, rank,"
            " visit_ids, created_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
            [
                patient["region_id"],
                patient["id"],
                service["code"],
                course and course["id"],
                candidate.sessions[0].built.visit.duration // 60,
                candidate.added_travel,
                rank,
                [v["id"] for v in course_sessions],  # a course's sessions to date, in order
                who.username,
            ],
        )
    )
    for number, session in enumerate(candidate.sessions, start=1):
        day_clock, start = session.built.problem.clock, session.opening.start
        conn.execute(
            "INSERT INTO offer_sessions (offer_id, session, region_id, day, window_start, window_end, nurse_id, reserved)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                offer["id"],
                number,
                patient["region_id"],
                session.day,
                day_clock.datetime(session.window[0]).time(),
                day_clock.datetime(session.window[1]).time(),
                int(session.opening.nurse_id),
                Range(day_clock.datetime(start), day_clock.datetime(start + session.built.visit.duration), "[)"),
            ],
        )
    return offer_view(conn, offer["id"]) | {"preferred": candidate.preferred}


def offer_view(conn: Db, offer_id: int) -> dict[str, Any]:
    """An offer as the API answers it: its first session's date, window, nurse and likely start, and all sessions."""
    offer = one(conn.execute("SELECT * FROM booking_offers WHERE id = %s", [offer_id]))
    tz = region(conn, offer["region_id"])["timezone"]
    sessions = conn.execute(
        "SELECT s.*, n.name AS nurse_name, to_char(lower(s.reserved) AT TIME ZONE %s, 'HH24:MI') AS likely_start"
        " FROM offer_sessions s JOIN nurses n ON n.id = s.nurse_id WHERE s.offer_id = %s ORDER BY s.session",
        [tz, offer_id],
    ).fetchall()
    shown = [
        {
            "session": s["session"],
            "date": s["day"],
            "window": {"start": s["window_start"], "end": s["window_end"]},
            "nurse_id": s["nurse_id"],
            "nurse_name": s["nurse_name"],
            "likely_start": s["likely_start"],
        }
        for s in sessions
    ]
    first = shown[0]
    return {
        "id": offer["id"],
        "patient_id": offer["patient_id"],
        "service": offer["service_code"],
        "course_id": offer["course_id"],
        "rank": offer["rank"],
        "date": first["date"],
        "window": first["window"],
        "nurse_id": first["nurse_id"],
        "nurse_name": first["nurse_name"],
        "likely_start": first["likely_start"],
        "duration_min": offer["duration_min"],
        "added_travel_min": round(offer["added_travel_s"] / 60, 1),
        "status": offer["status"],
        "held_until": offer["held_until"],
        "held_by": offer["held_by"] if offer["status"] == "held" else None,
        "visit_ids": offer["visit_ids"],
        "sessions": shown,
    }


def _offer_row(conn: Db, who: Principal, offer_id: int) -> dict[str, Any]:
    who.require_role("admin", "dispatcher")
    row = conn.execute("SELECT * FROM booking_offers WHERE id = %s FOR UPDATE", [offer_id]).fetchone()
    return who.require_reach(row, f"offer {offer_id}")


def _reserve(conn: Db, offer: dict[str, Any]) -> None:
    """Check each session still fits its nurse's day, with all held and taken since, and reserve the time found.

    One transaction lock per nurse and day (taken in a fixed order) makes the check and the reservation one step;
    the exclusion constraint is the last word should anything else reserve the same time."""
    sessions = conn.execute("SELECT * FROM offer_sessions WHERE offer_id = %s ORDER BY session", [offer["id"]]).fetchall()
    tz = region(conn, offer["region_id"])["timezone"]
    now = one(conn.execute("SELECT (now() AT TIME ZONE %s) AS t", [tz]))["t"]
    first = sessions[0]
    if (first["day"], first["window_end"]) < (now.date(), now.time()):
        raise Conflict(
            f"offer {offer['id']} was for {first['day']} {first['window_start']:%H:%M}–{first['window_end']:%H:%M},"
            " which has passed; ask for offers again",
            "offer",
        )
    for key in sorted({(s["nurse_id"], s["day"]) for s in sessions}):
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"booking:{key[0]}:{key[1]}"])
    patient = one(conn.execute("SELECT * FROM patients WHERE id = %s", [offer["patient_id"]]))
    service = one(conn.execute("SELECT * FROM service_types WHERE code = %s", [offer["service_code"]]))
    for s in sessions:
        built = booking_day(conn, offer["region_id"], s["day"], patient, service, except_offer=offer["id"])
        nurse = one(conn.execute("SELECT name FROM nurses WHERE id = %s", [s["nurse_id"]]))["name"]
        gone = (
            f"{nurse} can no longer come on {s['day']} between {s['window_start']:%H:%M} and {s['window_end']:%H:%M}: "
            "that time has been booked since the offer; ask for offers again"
        )
        if isinstance(built, str):
            raise Conflict(f"{gone} ({built})", "offer")
        window = TimeWindow(built.problem.clock.seconds(s["window_start"]), built.problem.clock.seconds(s["window_end"]))
        found = built.openings(window, 1, nurse_id=str(s["nurse_id"]))
        if not found:
            raise Conflict(gone, "offer")
        start = found[0].start
        try:
            with conn.transaction():
                conn.execute(
                    "UPDATE offer_sessions SET reserved = %s, reserving = true WHERE id = %s",
                    [
                        Range(
                            built.problem.clock.datetime(start),
                            built.problem.clock.datetime(start + built.visit.duration),
                            "[)",
                        ),
                        s["id"],
                    ],
                )
        except errors.ExclusionViolation:
            raise Conflict(gone, "offer") from None


def _forget_stale_offers(conn: Db, region_id: str) -> None:
    """Delete the region's offers older than OFFER_KEPT that nobody holds or took, with their sessions.

    They reserve nothing, but every question stores up to MAX_OFFERS of them. Asking again gives fresh
    offers; holding or taking a forgotten one is a 404. Rows another transaction holds are left to it."""
    stale = [
        r["id"]
        for r in conn.execute(
            "SELECT id FROM booking_offers WHERE region_id = %s AND status IN ('offered', 'expired')"
            " AND created_at < now() - %s ORDER BY id FOR UPDATE SKIP LOCKED",
            [region_id, OFFER_KEPT],
        )
    ]
    if stale:
        conn.execute("DELETE FROM offer_sessions WHERE offer_id = ANY(%s)", [stale])
        conn.execute("DELETE FROM booking_offers WHERE id = ANY(%s)", [stale])


def _expire_holds(conn: Db, region_id: str) -> None:
    """Holds run out: their sessions stop reserving. Rows another transaction holds are left to it (no waiting)."""
    ran_out = [
        r["id"]
        for r in conn.execute(
            "SELECT id FROM booking_offers WHERE region_id = %s AND status = 'held' AND held_until <= now()"
            " ORDER BY id FOR UPDATE SKIP LOCKED",
            [region_id],
        )
    ]
    if ran_out:
        conn.execute("UPDATE offer_sessions SET reserving = false WHERE offer_id = ANY(%s)", [ran_out])
        conn.execute("UPDATE booking_offers SET status = 'expired' WHERE id = ANY(%s)", [ran_out])


def _release_kept_promises(conn: Db, region_id: str) -> None:
    """Taken offers whose visit a roster now holds stop reserving their nurse's time: the roster keeps the promise
    (the visit carries the offered window and PROMISED_PRIORITY), with whichever nurse it gives the visit to, so
    the nurse first offered is free for other callers wherever the roster does not use her. Rows another
    transaction holds are left to it (no waiting)."""
    taken = conn.execute(
        "SELECT s.id, s.day, s.session, o.visit_ids FROM offer_sessions s JOIN booking_offers o ON o.id = s.offer_id"
        " WHERE s.region_id = %s AND s.reserving AND o.status = 'taken' AND s.day >= current_date - 1"
        " ORDER BY s.id FOR UPDATE OF s SKIP LOCKED",
        [region_id],
    ).fetchall()
    kept = []
    for day in sorted({s["day"] for s in taken}):
        orders, _ = routes_in_force(conn, region_id, day)
        routed = {visit_id for order in orders.values() for visit_id in order}
        kept += [
            s["id"]
            for s in taken
            if s["day"] == day and len(s["visit_ids"]) >= s["session"] and str(s["visit_ids"][s["session"] - 1]) in routed
        ]
    if kept:
        conn.execute("UPDATE offer_sessions SET reserving = false WHERE id = ANY(%s)", [kept])


def _refuse_anothers_hold(offer: dict[str, Any], who: Principal) -> None:
    """A held offer is its holder's until the hold runs out (expired holds were marked so just before)."""
    if offer["status"] == "held" and offer["held_by"] != who.username:
        until = offer["held_until"].astimezone(UTC)
        raise Conflict(
            f"offer {offer['id']} is held by {offer['held_by']} until {until:%H:%M} UTC while the patient decides", "offer"
        )


def _offer_to_act_on(conn: Db, who: Principal, offer_id: int) -> dict[str, Any]:
    """The offer a hold or take acts on, its time reserved: 409 if taken, held by another caller, or no longer fitting."""
    offer = _offer_row(conn, who, offer_id)
    if offer["status"] == "taken":
        raise Conflict(f"offer {offer_id} was taken already (visit {', '.join(map(str, offer['visit_ids']))})", "offer")
    _expire_holds(conn, offer["region_id"])
    _release_kept_promises(conn, offer["region_id"])
    offer = one(conn.execute("SELECT * FROM booking_offers WHERE id = %s", [offer_id]))
    _refuse_anothers_hold(offer, who)
    if offer["status"] != "held":  # not held, or its hold ran out: it must still fit
        _reserve(conn, offer)
    return offer


def hold(conn: Db, who: Principal, offer_id: int, minutes: float) -> dict[str, Any]:
    """Keep the offer's time for `minutes` while the patient decides; 409 if it no longer fits or another caller has it."""
    with conn.transaction():
        _offer_to_act_on(conn, who, offer_id)
        conn.execute(
            "UPDATE booking_offers SET status = 'held', held_until = now() + %s, held_by = %s WHERE id = %s",
            [timedelta(minutes=minutes), who.username, offer_id],
        )
        audit.record(conn, who, "hold", f"offer/{offer_id}")
    return offer_view(conn, offer_id)


def take(conn: Db, who: Principal, offer_id: int) -> dict[str, Any]:
    """Book the offer: its visit with the offered window, marked promised; 409 if it no longer fits or was taken."""
    with conn.transaction():
        offer = _offer_to_act_on(conn, who, offer_id)
        visits = []
        for s in conn.execute("SELECT * FROM offer_sessions WHERE offer_id = %s ORDER BY session", [offer_id]).fetchall():
            booked = (
                _date_session(conn, who, offer, s)
                if offer["course_id"] is not None
                else add_visit(
                    conn,
                    who,
                    VisitRequest(
                        patient_id=offer["patient_id"],
                        day=s["day"],
                        window_start=s["window_start"],
                        window_end=s["window_end"],
                        service=offer["service_code"],
                        priority=PROMISED_PRIORITY,
                        notes=f"booked from offer {offer_id}",
                    ),
                )
            )
            conn.execute("UPDATE visits SET promised = true WHERE id = %s", [booked["id"]])
            visits.append(booked | {"promised": True})
        conn.execute(
            "UPDATE booking_offers SET status = 'taken', held_until = NULL, visit_ids = %s WHERE id = %s",
            [[v["id"] for v in visits], offer_id],
        )
        audit.record(conn, who, "take", f"offer/{offer_id}", visits=[v["id"] for v in visits])
    return visits[0] | {"offer_id": offer_id}


def _date_session(conn: Db, who: Principal, offer: dict[str, Any], session: dict[str, Any]) -> dict[str, Any]:
    """A course session (a movable visit) given the offer's day and window, through the visits' own change path."""
    visit_id = offer["visit_ids"][session["session"] - 1]
    current = one(conn.execute("SELECT day, status, session_no, priority FROM visits WHERE id = %s", [visit_id]))
    if current["day"] is not None or current["status"] not in PLANNED_STATUSES:
        raise Conflict(
            f"session {current['session_no']} of course {offer['course_id']} was dated or changed since the offer"
            f" ({current['day'] or current['status']}); ask for offers again",
            "offer",
        )
    given = {
        "date": session["day"],
        "window": {"start": session["window_start"], "end": session["window_end"]},
        "priority": max(PROMISED_PRIORITY, current["priority"]),
    }
    return update_visit(conn, who, visit_id, given, None)
