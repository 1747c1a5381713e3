"""Horizons drawn unlike harness.generate_week, to find what breaks on weeks nobody tuned for.

Where generate_week draws a realistic metro's weekdays, this draws from a seed alone: any city (Helsinki,
Phoenix, Chicago, Sydney, New York) and area, horizons that run through weekends, each nurse her own
hours and working days (some days moved, some capped weeks, some overtime, some without a break, some
with a visit cap), visits of 20 minutes to 4 hours with no window, one window or two, any priority,
some pinned to a nurse (who may be off that day), some with an excluded or a preferred nurse, movable
over up to five days, and courses of 2-10 sessions (each course one service in one daily window) with
gaps from daily to weekly, some under way and some with a named nurse. Every document is valid; many are
lopsided (one nurse, a hundred visits).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

CITIES = (
    ("Europe/Helsinki", 60.17, 24.94),
    ("America/Phoenix", 33.45, -112.07),
    ("America/Chicago", 41.88, -87.63),
    ("Australia/Sydney", -33.87, 151.21),
    ("America/New_York", 40.71, -74.0),
)
FIRST_DAY = date(2027, 1, 4)
SERVICE_FIELDS = ("duration_min", "priority", "required_skills", "window", "windows")  # alike in every session of a course


def generate_odd_week(seed: int, nurses: int, visits_per_day: int, days: int, time_limit_s: float) -> dict[str, Any]:
    """A valid week document of `days` consecutive days (weekends included), drawn from `seed`."""
    draw = OddDraw(random.Random(seed))
    first = FIRST_DAY + timedelta(days=draw.rng.randint(0, 6))  # any weekday
    horizon = [first + timedelta(days=k) for k in range(days)]
    nurse_docs = [draw.nurse(f"n{i}", horizon) for i in range(nurses)]
    visits = []
    for day in horizon:
        for _ in range(visits_per_day):
            span = draw.rng.randint(1, 4) if draw.rng.random() < 0.3 else 0
            visits.append(draw.visit(f"v{len(visits) + 1}", f"p{len(visits) + 1}", day, span, nurse_docs))
    courses = []
    for c in range(draw.rng.choice([0, 1, max(1, nurses), 3 * nurses])):
        course, sessions = draw.course(f"c{c}", horizon, len(visits), nurse_docs)
        if sessions:
            visits += sessions
            courses.append(course)
    return {
        "timezone": draw.city[0],
        "days": [day.isoformat() for day in horizon],
        "nurses": nurse_docs,
        "visits": visits,
        "courses": courses,
        "travel": {"speed_kmh": draw.rng.choice([25, 40, 60]), "circuity": 1.3},
        "options": {"time_limit_s": time_limit_s},
    }


class OddDraw:
    """Places, nurses, visits and courses drawn from one random generator (harness.generate_odd_day's days too)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.city = rng.choice(CITIES)
        self.radius = rng.uniform(0.03, 0.3)  # degrees of latitude: a town to a wide region

    def place(self) -> dict[str, float]:
        _, lat, lon = self.city
        return {
            "lat": round(lat + self.rng.uniform(-self.radius, self.radius), 5),
            "lon": round(lon + 1.5 * self.rng.uniform(-self.radius, self.radius), 5),
        }

    def nurse(self, nurse_id: str, horizon: list[date]) -> dict[str, Any]:
        rng = self.rng
        start = rng.randrange(6 * 60, 10 * 60 + 1, 30)
        length = rng.randrange(int(7.5 * 60), 12 * 60 + 1, 30)  # every shift holds the 11:30-13:30 break window
        works = rng.uniform(0.3, 1.0)
        shifts = {}
        for day in horizon:
            if rng.random() < works:
                begins = start + (rng.choice([0, 0, 0, 60, -30]) if start >= 7 * 60 else 0)
                shifts[day.isoformat()] = {"start": _hhmm(begins), "end": _hhmm(min(begins + length, 23 * 60))}
        doc: dict[str, Any] = {
            "id": nurse_id,
            "name": f"Nurse {nurse_id}",
            "start": self.place(),
            "skills": ["iv", "rn"] + [s for s in ("ketamine", "nad") if rng.random() < 0.4],
            "shifts": shifts,
        }
        if rng.random() < 0.5:
            doc["max_visits"] = rng.randint(2, 10)
        if rng.random() < 0.6:
            doc["break"] = {"window": {"start": "11:30", "end": "13:30"}, "duration_min": rng.choice([20, 30, 45])}
        if rng.random() < 0.4:
            doc["max_week_min"] = rng.choice([480, 1200, 1920, 2400])
        if rng.random() < 0.3:
            doc["overtime"] = {"max_min": rng.choice([15, 30, 60]), "cost_per_min_s": rng.choice([60, 120, 300])}
        return doc

    def visit(self, visit_id: str, patient_id: str, day: date, span: int, nurses: list[dict], place=None) -> dict[str, Any]:
        rng = self.rng
        doc: dict[str, Any] = {
            "id": visit_id,
            "patient_id": patient_id,
            "location": place or self.place(),
            "duration_min": rng.choice([20, 30, 45, 60, 85, 120, 150, 180, 240]),
            "priority": rng.choice([1, 1, 1, 2, 3, 5, 10]),
        }
        kind = rng.random()
        doc["required_skills"] = ["iv", "rn"] + (["ketamine"] if kind < 0.2 else ["nad"] if kind < 0.3 else [])
        shape = rng.random()
        if shape < 0.15:
            doc["window"] = {"start": "06:00", "end": "22:00"}
        elif shape < 0.3:
            morning, afternoon = rng.randrange(8 * 60, 14 * 60, 30), rng.randrange(15 * 60, 19 * 60, 30)
            doc["windows"] = [
                {"start": _hhmm(morning), "end": _hhmm(morning + 60)},
                {"start": _hhmm(afternoon), "end": _hhmm(afternoon + 90)},
            ]
        else:
            opens = rng.randrange(7 * 60, 18 * 60, 30)
            doc["window"] = {"start": _hhmm(opens), "end": _hhmm(min(opens + rng.choice([30, 60, 120, 180, 300]), 23 * 60))}
        if span:
            doc["dates"] = {"from": day.isoformat(), "to": (day + timedelta(days=span)).isoformat()}
        else:
            doc["date"] = day.isoformat()
        who = rng.random()
        if who < 0.03:
            doc["pinned_nurse"] = rng.choice(nurses)["id"]  # she may be off that day
        elif who < 0.08:
            doc["excluded_nurses"] = [rng.choice(nurses)["id"]]
        elif who < 0.18:
            doc["preferred_nurses"] = [rng.choice(nurses)["id"]]
        return doc

    def course(self, course_id: str, horizon: list[date], numbered: int, nurses: list[dict]) -> tuple[dict, list[dict]]:
        rng = self.rng
        low = rng.choice([1, 1, 2, 3, 7])
        high = low + rng.choice([0, 0, 1, 2, 4, 7])
        course: dict[str, Any] = {"id": course_id, "min_gap_days": low, "max_gap_days": high}
        start = horizon[0] + timedelta(days=rng.randint(-3, len(horizon) - 1))
        if start < horizon[0]:
            course["last_given"] = start.isoformat()
            start += timedelta(days=low)
        home, sessions = self.place(), []
        for k in range(rng.randint(2, 10)):
            nominal = start + timedelta(days=k * low)
            if nominal > horizon[-1]:
                break
            first = max(horizon[0], nominal - timedelta(days=rng.randint(0, 1)))
            last = max(first, min(horizon[-1], nominal + timedelta(days=rng.randint(0, high - low + 1))))
            session = self.visit(f"s{numbered + len(sessions) + 1}", f"q{course_id}", first, (last - first).days, nurses, home)
            session.pop("pinned_nurse", None)
            if sessions:  # one service in one daily window: the course's first session's
                session.pop("window", None)
                session.pop("windows", None)
                session.update({key: sessions[0][key] for key in SERVICE_FIELDS if key in sessions[0]})
            if "date" in session:
                session["dates"] = {"from": session["date"], "to": session.pop("date")}
            sessions.append(session)
        course["sessions"] = [s["id"] for s in sessions]
        if rng.random() < 0.15:
            course["nurse"] = rng.choice(nurses)["id"]
        return course, sessions


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
