"""Realistic, seeded horizons (a week or two of weekdays) as week documents (docs/week-document.md).

Drawn from the day generator's metro, nurses and visits (harness.generate), plus: each nurse works
4 or 5 weekdays a week, some with a weekly cap or overtime; most one-off visits have a date, some a
range of days; a share of each day's visits are course sessions (4-8 sessions, min gap, max gap
above it) at one patient's home, some of them under way (last_given before the horizon), some with
days the patient is away. Shapes vary with the arguments: metro, weeks, nurses, visits per day,
course share, gap ranges, long drips (NAD), caps.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from harness.generate import (
    draw_neighbourhoods,
    draw_nurses,
    draw_visits,
    metro_named,
    metro_radius_km,
    nurse_document,
    visit_document,
)

FIRST_MONDAY = date(2026, 12, 7)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
COURSE_SERVICES = ("ketamine", "hydration", "myers", "nad")


def generate_week(
    nurses: int = 40,
    visits_per_day: int = 300,
    weeks: int = 2,
    seed: int = 0,
    metro: str = "denver",
    course_share: float = 0.25,
    min_gap: tuple[int, int] = (2, 4),
    extra_gap: tuple[int, int] = (2, 5),
    movable_share: float = 0.15,
    capped_share: float = 0.5,
    overtime_share: float = 0.3,
    long_drips: bool = False,
    time_limit_s: float = 180.0,
) -> dict:
    """A week document: `weeks` weeks of weekdays, about `visits_per_day` visits a day of which `course_share` are sessions."""
    if nurses < 1 or visits_per_day < 1 or weeks < 1:
        raise ValueError("need at least one nurse, one visit a day and one week")
    rng = np.random.default_rng(seed)
    area = metro_named(metro)
    days = [FIRST_MONDAY + timedelta(days=7 * w + d) for w in range(weeks) for d in range(5)]
    radius = metro_radius_km(visits_per_day)
    neighbourhoods = draw_neighbourhoods(rng, radius, visits_per_day)

    nurse_docs = []
    for plan in draw_nurses(rng, nurses, radius):
        doc = nurse_document(plan, area)
        shift = doc.pop("shift")
        off = {int(d) for w in range(weeks) if rng.uniform() < 0.4 for d in [7 * w + int(rng.integers(5))]}
        doc["shifts"] = {day.isoformat(): shift for day in days if (day - FIRST_MONDAY).days not in off}
        if rng.uniform() < capped_share:
            doc["max_week_min"] = int(rng.choice([1920, 2160, 2400]))  # 32, 36 or 40 hours
        if rng.uniform() < overtime_share:
            doc["overtime"] = {"max_min": int(rng.choice([30, 60])), "cost_per_min_s": 120}
        nurse_docs.append(doc)

    visits: list[dict] = []
    one_off_per_day = round(visits_per_day * (1 - course_share))
    for day in days:
        for plan in draw_visits(rng, one_off_per_day, radius, neighbourhoods):
            doc = visit_document(plan, area, None, None)
            doc["id"] = f"V{len(visits) + 1:05d}"
            doc["patient_id"] = f"P{len(visits) + 1:05d}"
            if plan.service != "urgent migraine ketamine" and rng.uniform() < movable_share:
                span = int(rng.integers(1, 3))
                doc["dates"] = {"from": day.isoformat(), "to": (day + timedelta(days=span)).isoformat()}
            else:
                doc["date"] = day.isoformat()
            visits.append(doc)

    courses = []
    wanted = round(visits_per_day * course_share * len(days))
    horizon_end = days[-1]
    sessions_made = 0
    while sessions_made < wanted:
        patient = draw_visits(rng, 1, radius, neighbourhoods)[0]
        service = str(rng.choice(COURSE_SERVICES, p=[0.25, 0.25, 0.2, 0.3] if long_drips else [0.45, 0.3, 0.2, 0.05]))
        minutes = {"ketamine": 85, "hydration": 50, "myers": 45, "nad": int(rng.choice([120, 150, 180]))}[service]
        skills = {"ketamine": ("iv", "ketamine", "rn"), "nad": ("iv", "nad", "rn")}.get(service, ("iv", "rn"))
        patient = replace(patient, service=f"{service} course", minutes=minutes, skills=frozenset(skills), priority=2)
        low = int(rng.integers(min_gap[0], min_gap[1] + 1))
        high = low + int(rng.integers(extra_gap[0], extra_gap[1] + 1))
        count = int(rng.integers(4, 9))
        start = FIRST_MONDAY + timedelta(days=int(rng.integers(-high, 8)))
        last_given = None
        if start < FIRST_MONDAY:
            last_given, start = start, start + timedelta(days=(low + high) // 2)
        weekdays = sorted(rng.choice(5, size=3, replace=False).tolist()) if rng.uniform() < 0.1 else None
        course_id = f"C{len(courses) + 1:04d}"
        session_ids = []
        for k in range(count):
            nominal = start + timedelta(days=k * ((low + high) // 2))
            if nominal > horizon_end:
                break
            first, last = nominal - timedelta(days=1 if k else 0), nominal + timedelta(days=2)
            if not any(first <= day <= last for day in days):
                first, last = nominal - timedelta(days=2), nominal + timedelta(days=3)
            if not any(first <= day <= last for day in days):
                break
            doc = visit_document(patient, area, None, None)
            doc["id"] = f"S{len(visits) + 1:05d}"
            doc["patient_id"] = f"Q{len(courses) + 1:04d}"
            doc["dates"] = {"from": first.isoformat(), "to": last.isoformat()}
            if weekdays is not None:
                doc["weekdays"] = [WEEKDAYS[d] for d in weekdays]
            if rng.uniform() < 0.1:
                doc["excluded_dates"] = [(first + timedelta(days=1)).isoformat()]
            if not _has_day(doc, days):
                break
            visits.append(doc)
            session_ids.append(doc["id"])
        if not session_ids:
            continue
        course = {"id": course_id, "sessions": session_ids, "min_gap_days": low, "max_gap_days": high}
        if last_given is not None:
            course["last_given"] = last_given.isoformat()
        courses.append(course)
        sessions_made += len(session_ids)
    return {
        "timezone": area.timezone,
        "days": [day.isoformat() for day in days],
        "nurses": nurse_docs,
        "visits": visits,
        "courses": courses,
        "travel": {"speed_kmh": 40, "circuity": 1.35},
        "options": {"time_limit_s": time_limit_s},
    }


def _has_day(doc: dict, days: list[date]) -> bool:
    """Whether some horizon day is left for a movable visit after its weekdays and excluded dates."""
    first, last = date.fromisoformat(doc["dates"]["from"]), date.fromisoformat(doc["dates"]["to"])
    excluded = set(doc.get("excluded_dates", []))
    weekdays = doc.get("weekdays")
    return any(
        first <= day <= last and day.isoformat() not in excluded and (weekdays is None or WEEKDAYS[day.weekday()] in weekdays)
        for day in days
    )
