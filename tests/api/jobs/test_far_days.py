"""Solves and re-plans are for days within a year of today: further away is refused at request time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dispatch.jobs.horizon import MAX_DAYS_AWAY


@pytest.mark.parametrize("days_away", [-(MAX_DAYS_AWAY + 1), MAX_DAYS_AWAY + 1, 3650])
def test_a_solve_far_from_today_is_refused_naming_the_day(region, db, days_away):
    day = date.today() + timedelta(days=days_away)
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/rosters/{day}/solve", json={"time_limit_s": 1})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "day" and str(day) in answer.json()["detail"]
    assert db.execute("SELECT count(*) AS n FROM solve_jobs WHERE region_id = %s", [region.id]).fetchone()["n"] == 0


def test_a_replan_far_from_today_is_refused_naming_the_day(region):
    day = date.today() - timedelta(days=MAX_DAYS_AWAY + 30)
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/rosters/{day}/replan", json={"as_of": "10:00"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "day"
