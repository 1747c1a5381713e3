"""The domain's vocabulary, defined once: statuses and how they change, report and event kinds, roles, bounds.

Everything else reads it: dispatch's checks, the API's Literal types and Field bounds, the console
(through GET /v1/vocabulary), and a test that the database's CHECK constraints agree
(tests/api/platform/test_vocabulary.py). Where the solver owns a bound (priority), it is defined
there and read here, since the solver imports nothing from dispatch.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from dispatch.platform.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from solver.document import DEFAULT_OVERTIME_COST_PER_MIN_S, MAX_PRIORITY, PROGRESS_STATUSES

# ---------------------------------------------------------------- visits

VISIT_STATUSES = ("requested", "scheduled", "en_route", "in_progress", "done", "cancelled", "no_show")
# Which status may follow which (a dispatcher's PATCH, a nurse's report, a same-day event).
NEXT_STATUSES: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "requested": frozenset({"scheduled", "cancelled"}),
        "scheduled": frozenset({"requested", "en_route", "in_progress", "cancelled", "no_show"}),
        "en_route": frozenset({"in_progress", "cancelled", "no_show"}),
        "in_progress": frozenset({"done"}),
        "done": frozenset(),
        "cancelled": frozenset(),
        "no_show": frozenset(),
    }
)
# Not begun: a solve plans them, an urgent slot can be found for them.
PLANNED_STATUSES = ("requested", "scheduled")
# Under way or over: a re-plan keeps them as they happened (the solver's `progress` statuses).
UNDER_WAY_STATUSES = tuple(s for s in VISIT_STATUSES if s in PROGRESS_STATUSES)
# On a nurse's published day and not finished: she can report on it, it can run long.
OPEN_STATUSES = ("scheduled", "en_route", "in_progress")
FINAL_STATUSES = tuple(s for s in VISIT_STATUSES if not NEXT_STATUSES[s])

# ---------------------------------------------------------------- a nurse's reports from the road

# The status each report leads to, through the statuses in between (a nurse may tap "done" without
# having tapped "started": the visit passes through in_progress, as NEXT_STATUSES requires); a
# status missing from a kind's map cannot be reported that way.
REPORT_STATUS_PATH: MappingProxyType[str, MappingProxyType[str, tuple[str, ...]]] = MappingProxyType(
    {
        "en_route": MappingProxyType({"scheduled": ("en_route",)}),
        "arrived": MappingProxyType({"scheduled": ("in_progress",), "en_route": ("in_progress",)}),
        "started": MappingProxyType({"scheduled": ("in_progress",), "en_route": ("in_progress",), "in_progress": ()}),
        "running_late": MappingProxyType({"scheduled": (), "en_route": (), "in_progress": ()}),
        "infusion_ended": MappingProxyType({"in_progress": ()}),
        "observation": MappingProxyType({"in_progress": ()}),
        "done": MappingProxyType(
            {"scheduled": ("in_progress", "done"), "en_route": ("in_progress", "done"), "in_progress": ("done",)}
        ),
        # The session record's notes, while the visit is under way: they change no status.
        "vitals": MappingProxyType({"in_progress": ()}),
        "adverse_event": MappingProxyType({"in_progress": ()}),
        "escort": MappingProxyType({"in_progress": ()}),
    }
)
REPORT_KINDS = tuple(REPORT_STATUS_PATH)
# The phases of a visit on site, in order (the session record): each at most once, never one before an
# earlier one; "started" is the infusion started, "done" the patient discharged. A nurse may skip phases.
SESSION_PHASES = ("arrived", "started", "infusion_ended", "observation", "done")
# Reports about where she is in the visit (the latest is what the dispatcher and re-planning read);
# the others are notes of the session record.
PROGRESS_REPORT_KINDS = ("en_route", "arrived", "started", "running_late", "infusion_ended", "observation", "done")
SESSION_NOTE_KINDS = tuple(k for k in REPORT_KINDS if k not in PROGRESS_REPORT_KINDS)
# A report may be taken back by an `undo` record (append-only: nothing is deleted) within this long of it.
UNDO_WITHIN_S = 60
# A report's moment (its `at`, or now) may lie this long before her shift begins or after it ends (setting
# out early, a visit that ran over); further off, or on a day that has not begun, it is not a report of the day.
REPORT_SHIFT_ALLOWANCE_MIN = 60
STORED_REPORT_KINDS = (*REPORT_KINDS, "undo")

# ---------------------------------------------------------------- what the dispatcher is told during the day

DAY_EVENT_KINDS = ("sick_call", "cancellation", "no_show", "overrun", "urgent_visit")

# ---------------------------------------------------------------- rosters, jobs, accounts

ROSTER_STATUSES = ("draft", "published", "superseded")
JOB_STATES = ("queued", "running", "succeeded", "failed")
JOB_KINDS = ("solve", "replan")
# A clinician (a prescriber) records the outcome of a patient's pre-treatment evaluation, and nothing else.
ROLES = ("admin", "dispatcher", "nurse", "clinician")

# ---------------------------------------------------------------- clinical: evaluations, clearance, services

EVALUATION_OUTCOMES = ("cleared", "not_cleared", "needs_review")
# How the patient was evaluated; `unknown` only for records migrated from the old yes/no flag.
EVALUATION_MODES = ("home_visit", "telehealth", "unknown")
# A clearance is valid this long after the evaluation unless the clinician gives a shorter validity, and
# lapses sooner when this long passes without a treatment it covers (re-evaluation after a pause).
CLEARANCE_VALID_DAYS = 365
CLEARANCE_LAPSES_AFTER_DAYS = 183
# How a service's drug is given (`none`: no drug, e.g. the evaluation itself).
ROUTES_OF_ADMINISTRATION = ("iv", "im", "intranasal", "oral", "none")
# Credentials a nurse may hold and a service may require: both draw from this one list, so a typo
# ("RN", "Ketamine") is refused at save time rather than leaving a nurse eligible for nothing.
CERTIFICATIONS = ("rn", "lpn", "np", "iv", "ketamine", "nad", "acls", "bls", "pals")
# Two-letter codes of the US states and DC, where nurses are licensed and patients live.
STATE_CODES = tuple(
    (
        "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK"
        " OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
    ).split()
)

# ---------------------------------------------------------------- courses, contracts, week plans

# Weekdays as the week document names them (docs/week-document.md), Monday first: the database stores
# each as its ISO number, its index here plus one.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
COURSE_STATUSES = ("active", "cancelled")
# A course's session: done (given), planned (a day and, once published, a nurse), or still to plan.
SESSION_STATES = ("done", "planned", "to_plan", "cancelled")
PLAN_STATUSES = ROSTER_STATUSES
PLAN_KINDS = ("plan", "replan")
MAX_COURSE_SESSIONS = 52
MAX_GAP_DAYS = 90
MAX_PLAN_DAYS = 28  # the week document's longest horizon
# A session given by a nurse other than its course's own costs this much, like ten minutes of driving.
CONTINUITY_WEIGHT_S = 600
# An overtime minute's price when a contract gives none: the solver's (solver/document.py), imported above.
OVERTIME_COST_PER_MIN_S = DEFAULT_OVERTIME_COST_PER_MIN_S

# ---------------------------------------------------------------- booking (dispatch/booking/)

# An offer shown (offered), kept for a caller a few minutes (held), booked (taken), or its hold run out (expired).
OFFER_STATUSES = ("offered", "held", "taken", "expired")
# How offers are ranked: `acute` (an attack: the earliest first), `routine` (the patient's preferred days and
# times first, then the least added driving).
OFFER_URGENCIES = ("routine", "acute")
MAX_OFFERS = 5
OFFER_DAYS = 7  # how many days ahead offers look by default; at most MAX_PLAN_DAYS, the planning horizon
ARRIVAL_WINDOW_MIN = 120  # the arrival window a patient is told by default
ARRIVAL_WINDOW_BOUNDS = (30, 480)
# A visit booked from an offer at least weighs this much when a solve must leave visits out: the window was
# promised to the patient, so it is kept before requests nobody was promised yet.
PROMISED_PRIORITY = 10
# A patient's own request from the public page: new until the front desk confirms (books it) or declines it.
REQUEST_STATUSES = ("new", "confirmed", "declined")
REQUEST_TIMES = 3  # the times the public page says the clinic may offer

# ---------------------------------------------------------------- bounds

MIN_PRIORITY = 1
# MAX_PRIORITY: the solver's (solver/document.py), imported above.
MAX_DURATION_MIN = 720  # twelve hours on site; the same bound for the JSON API and the CSV import
MAX_BREAK_MIN = 240
MAX_VISITS_PER_NURSE = 1000
MAX_TIME_LIMIT_S = 600  # a solve's or re-plan's time limit: a worker is not held longer
MAX_MINUTES_LATE = 480
MAX_OVERRUN_MIN = 720
MAX_DAYS_AHEAD = 14  # how far ahead a timed solve may plan
# A published start that moves by more than this is a change the patient must be told of.
RETIME_TOLERANCE_MIN = 30
# Text fields: long enough for any real value, short enough that nobody stores a novel by mistake.
MAX_NAME_LENGTH = 200  # people's, regions', certifications', services' names
MAX_PHONE_LENGTH = 40
MAX_ADDRESS_LENGTH = 500
MAX_NOTES_LENGTH = 2000
MAX_USERNAME_LENGTH = 80
MAX_EXTERNAL_ID_LENGTH = 64  # a patient's external id (the clinic's MRN); the database CHECK mirrors it
# MIN_/MAX_PASSWORD_LENGTH: the password policy's (dispatch/platform/passwords.py), imported above.
MAX_SERVICE_CODE_LENGTH = 40
# Vital signs a nurse records during a session: wide enough for any living patient, narrow enough to catch a typo.
SYSTOLIC_MM_HG = (50, 260)
DIASTOLIC_MM_HG = (20, 160)
HEART_RATE_BPM = (20, 250)
SPO2_PERCENT = (50, 100)
VITALS_INTERVAL_MIN = (5, 120)  # a region's (the clinic's) interval between vital-sign checks
# A certification that expires within this many days is flagged on the nurse (and one expired, at once).
CERTIFICATION_WARNING_DAYS = 30
# Learned durations: a patient's own suggestion once she has had this many sessions of a service.
PATIENT_SESSIONS_TO_LEARN = 3
LEARNED_PERCENTILE = 80

BOUNDS = MappingProxyType(
    {
        "priority": {"min": MIN_PRIORITY, "max": MAX_PRIORITY},
        "duration_min": {"min": 1, "max": MAX_DURATION_MIN},
        "break_min": {"min": 1, "max": MAX_BREAK_MIN},
        "max_visits": {"min": 0, "max": MAX_VISITS_PER_NURSE},
        "time_limit_s": {"min_exclusive": 0, "max": MAX_TIME_LIMIT_S},
        "minutes_late": {"min": 1, "max": MAX_MINUTES_LATE},
        "overrun_min": {"min": 1, "max": MAX_OVERRUN_MIN},
        "days_ahead": {"min": 0, "max": MAX_DAYS_AHEAD},
        "password": {"min_length": MIN_PASSWORD_LENGTH, "max_length": MAX_PASSWORD_LENGTH},
        "username": {"min_length": 1, "max_length": MAX_USERNAME_LENGTH},
        "name": {"min_length": 1, "max_length": MAX_NAME_LENGTH},
        "phone": {"max_length": MAX_PHONE_LENGTH},
        "address": {"max_length": MAX_ADDRESS_LENGTH},
        "notes": {"max_length": MAX_NOTES_LENGTH},
        "external_id": {"min_length": 1, "max_length": MAX_EXTERNAL_ID_LENGTH},
        "course_sessions": {"min": 1, "max": MAX_COURSE_SESSIONS},
        "gap_days": {"min": 1, "max": MAX_GAP_DAYS},
        "plan_days": {"min": 1, "max": MAX_PLAN_DAYS},
        "offer_days": {"min": 1, "max": MAX_PLAN_DAYS},
        "arrival_window_min": {"min": ARRIVAL_WINDOW_BOUNDS[0], "max": ARRIVAL_WINDOW_BOUNDS[1]},
        "systolic": {"min": SYSTOLIC_MM_HG[0], "max": SYSTOLIC_MM_HG[1]},
        "diastolic": {"min": DIASTOLIC_MM_HG[0], "max": DIASTOLIC_MM_HG[1]},
        "heart_rate": {"min": HEART_RATE_BPM[0], "max": HEART_RATE_BPM[1]},
        "spo2": {"min": SPO2_PERCENT[0], "max": SPO2_PERCENT[1]},
        "vitals_interval_min": {"min": VITALS_INTERVAL_MIN[0], "max": VITALS_INTERVAL_MIN[1]},
    }
)


# A region's road dataset: a folder name under NURSE_DISPATCH_ROADS_DIR, never a path (the database CHECK mirrors it).
ROADS_DATASET_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


def vocabulary() -> dict[str, Any]:
    """All of it as plain data, for GET /v1/vocabulary (the console reads its lists and numbers there)."""
    return {
        "visit_statuses": list(VISIT_STATUSES),
        "transitions": {status: sorted(following) for status, following in NEXT_STATUSES.items()},
        "planned_statuses": list(PLANNED_STATUSES),
        "under_way_statuses": list(UNDER_WAY_STATUSES),
        "open_statuses": list(OPEN_STATUSES),
        "final_statuses": list(FINAL_STATUSES),
        "report_kinds": {
            kind: {status: list(path) for status, path in paths.items()} for kind, paths in REPORT_STATUS_PATH.items()
        },
        "session_phases": list(SESSION_PHASES),
        "progress_report_kinds": list(PROGRESS_REPORT_KINDS),
        "undo_within_s": UNDO_WITHIN_S,
        "report_shift_allowance_min": REPORT_SHIFT_ALLOWANCE_MIN,
        "day_event_kinds": list(DAY_EVENT_KINDS),
        "roster_statuses": list(ROSTER_STATUSES),
        "job_states": list(JOB_STATES),
        "roles": list(ROLES),
        "evaluation_outcomes": list(EVALUATION_OUTCOMES),
        "evaluation_modes": list(EVALUATION_MODES),
        "clearance_valid_days": CLEARANCE_VALID_DAYS,
        "clearance_lapses_after_days": CLEARANCE_LAPSES_AFTER_DAYS,
        "routes_of_administration": list(ROUTES_OF_ADMINISTRATION),
        "certifications": list(CERTIFICATIONS),
        "certification_warning_days": CERTIFICATION_WARNING_DAYS,
        "state_codes": list(STATE_CODES),
        "bounds": {name: dict(bound) for name, bound in BOUNDS.items()},
        "retime_tolerance_min": RETIME_TOLERANCE_MIN,
        "weekdays": list(WEEKDAYS),
        "course_statuses": list(COURSE_STATUSES),
        "session_states": list(SESSION_STATES),
        "continuity_weight_s": CONTINUITY_WEIGHT_S,
        "offer_statuses": list(OFFER_STATUSES),
        "offer_urgencies": list(OFFER_URGENCIES),
        "max_offers": MAX_OFFERS,
        "offer_days": OFFER_DAYS,
        "arrival_window_min": ARRIVAL_WINDOW_MIN,
    }
