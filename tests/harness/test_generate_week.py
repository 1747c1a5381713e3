"""The horizon generator: seeded, readable, and varied in the shapes it is asked for."""

from __future__ import annotations

from harness.generate_week import generate_week
from solver.week import parse_week


def test_same_seed_gives_the_same_horizon():
    assert generate_week(6, 20, 1, seed=4) == generate_week(6, 20, 1, seed=4)


def test_a_two_week_horizon_has_ten_weekdays_and_about_the_asked_visits():
    doc = generate_week(10, 40, 2, seed=1)
    problem = parse_week(doc)
    assert len(problem.days) == 10 and all(day.weekday() < 5 for day in problem.days)
    assert 0.9 * 400 <= len(problem.visits) <= 1.15 * 400
    sessions = sum(len(c.sessions) for c in problem.courses)
    assert 0.2 * len(problem.visits) <= sessions <= 0.35 * len(problem.visits)


def test_courses_keep_the_asked_gap_ranges_and_lengths():
    problem = parse_week(generate_week(10, 40, 2, seed=2, min_gap=(2, 4), extra_gap=(2, 5)))
    for course in problem.courses:
        assert 2 <= course.min_gap_days <= 4 and 2 <= course.max_gap_days - course.min_gap_days <= 5
        assert 1 <= len(course.sessions) <= 8


def test_long_drips_and_caps_vary_the_shape():
    plain = parse_week(generate_week(20, 40, 1, seed=5))
    drips = parse_week(generate_week(20, 40, 1, seed=5, long_drips=True, capped_share=1.0))

    def long_share(problem):
        sessions = [problem.visit(v) for c in problem.courses for v in c.sessions]
        return sum(1 for v in sessions if v.duration_min >= 120) / len(sessions)

    assert long_share(drips) > long_share(plain)
    assert all(n.max_week_min is not None for n in drips.nurses)


def test_an_odd_weeks_course_is_one_service_in_one_daily_window():
    """generate_odd_week drew each session's service apart, so a course's sessions needed different certifications."""
    from harness.generate_odd_week import SERVICE_FIELDS, generate_odd_week

    for seed in range(6):
        doc = generate_odd_week(seed, 4, 6, 14, 10.0)
        visits = {v["id"]: v for v in doc["visits"]}
        for course in doc["courses"]:
            kinds = {tuple(repr(visits[s].get(key)) for key in SERVICE_FIELDS) for s in course["sessions"]}
            assert len(kinds) == 1, (seed, course["id"], kinds)
        parse_week(doc)
