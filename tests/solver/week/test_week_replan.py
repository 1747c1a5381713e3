"""Re-planning the horizon: what was given stays, sessions move only within their gaps, a cancelled one goes."""

from __future__ import annotations

import copy
from datetime import date

from solver.week import check_week, parse_week, plan_week, replan_week
from tests.solver.week.conftest import MON, SHIFT, THU, TUE, WED


def test_a_sick_nurse_loses_her_days_and_the_days_before_stay(week):
    problem = parse_week(week)
    plan = plan_week(problem).document()
    given = next(r["nurse_id"] for r in plan["days"][MON]["routes"] if r["stops"])
    new = replan_week(problem, plan, date(2026, 12, 8), sick={given: [date(2026, 12, 8), date(2026, 12, 9)]}).document()
    assert check_week(problem, new) == []
    assert new["days"][MON] == plan["days"][MON]
    for day in (TUE, "2026-12-09"):
        assert not any(r["stops"] for r in new["days"][day]["routes"] if r["nurse_id"] == given)


def test_a_cancelled_session_is_listed_and_the_course_goes_on_from_the_last_given(week):
    week["visits"].append(
        {
            "id": "A3",
            "location": {"index": 2},
            "window": {"start": "09:00", "end": "12:00"},
            "duration_min": 20,
            "dates": {"from": "2026-12-10", "to": "2026-12-11"},
        }
    )
    week["courses"][0].update(sessions=["A1", "A2", "A3"], min_gap_days=1, max_gap_days=4)
    problem = parse_week(week)
    plan = plan_week(problem).document()
    new = replan_week(problem, plan, date(2026, 12, 8), cancelled=["A2"]).document()
    assert {"visit_id": "A2", "reason": "cancelled"} in new["unassigned"]
    served = {s["visit_id"]: day for day, r in new["days"].items() for route in r["routes"] for s in route["stops"]}
    assert served["A1"] == MON and served["A3"] in ("2026-12-10", "2026-12-11")  # within 4 days of A1
    # The checker reads the event: the course goes on without A2 (against the horizon as it was, A3 follows a
    # session not given, which the service's checker refused, failing every re-plan of a cancelled session).
    assert check_week(problem.with_cancelled(["A2"]), new) == []
    assert check_week(problem, new) == [f"course C1: A3 is given on {served['A3']} though the earlier session A2 is not"]


def test_nothing_moves_when_nothing_happened(week):
    problem = parse_week(week)
    plan = plan_week(problem).document()
    new = replan_week(problem, plan, date(2026, 12, 8)).document()
    before = {s["visit_id"]: (d, r["nurse_id"]) for d, x in plan["days"].items() for r in x["routes"] for s in r["stops"]}
    after = {s["visit_id"]: (d, r["nurse_id"]) for d, x in new["days"].items() for r in x["routes"] for s in r["stops"]}
    assert after == before


def test_after_a_sick_day_the_other_days_keep_their_rosters_in_force():
    """A generated, overbooked week: the busiest nurse is off on Tuesday; every other day keeps its routes
    (nurse and order) for the visits it keeps, and almost none of their visits change day.

    No nurse has a weekly cap here: a day of the plan in force that holds weekly minutes carried to it may not fit
    the re-plan's cut and is routed again (docs/week-document.md, "How the weekly cap is kept"), so with caps which
    days stand depends on the plan's routes (this test failed now and then when its week had caps); the capped case
    is `test_a_re_plan_keeps_a_capped_nurse_within_her_week_when_a_day_in_force_took_minutes_carried_to_it`."""
    from collections import Counter
    from dataclasses import replace

    from harness.generate_week import generate_week

    problem = parse_week(generate_week(nurses=8, visits_per_day=45, weeks=1, seed=4, capped_share=0.0, time_limit_s=16))
    plan = plan_week(problem).document()
    sick_day = problem.days[1]
    busiest = Counter(r["nurse_id"] for r in plan["days"][sick_day.isoformat()]["routes"] for _ in r["stops"])
    sick = busiest.most_common(1)[0][0]
    fast = replace(problem, options=replace(problem.options, time_limit_s=8))
    new = replan_week(fast, plan, sick_day, sick={sick: [sick_day]}).document()
    assert check_week(problem, new) == []

    def places(document):
        return {
            s["visit_id"]: (day, r["nurse_id"])
            for day, roster in document["days"].items()
            for r in roster["routes"]
            for s in r["stops"]
        }

    before, after = places(plan), places(new)
    others = [v for v, (day, _) in before.items() if day > sick_day.isoformat()]
    moved = [v for v in others if after.get(v, (None,))[0] != before[v][0]]
    assert len(moved) <= 0.05 * len(others)
    for day in (d.isoformat() for d in problem.days[2:]):
        for route in plan["days"][day]["routes"]:
            kept = [s["visit_id"] for s in route["stops"] if after.get(s["visit_id"]) == (day, route["nurse_id"])]
            new_route = next(r for r in new["days"][day]["routes"] if r["nurse_id"] == route["nurse_id"])
            order = [s["visit_id"] for s in new_route["stops"] if s["visit_id"] in kept]
            assert order == kept  # the same nurse, in the same order (the repair may have inserted visits between)
            assert len(kept) >= len(route["stops"]) - 1


def test_a_re_plan_keeps_a_course_on_its_days_rather_than_shift_it_for_a_session_left_out(week):
    """Daily sessions S1 (Mon-Tue), S2 (Tue-Wed), S3 (Wed only). The plan in force gave S1 on Tuesday and S2 on
    Wednesday, so S3 was left out. A re-plan after an event elsewhere (N2 off on Friday) could serve S3 by moving
    both to a day earlier; it keeps them on their days instead (least disruption: their patients were told) and
    S3 stays out, naming the gap. One at a time neither could go back (each one's gap was to the other's new day);
    before courses went back as a whole, S1 and S2 moved (and on a full week such a shift lost the sessions)."""
    session = {"location": {"index": 2}, "window": {"start": "09:00", "end": "12:00"}, "duration_min": 60}
    week["visits"] = [
        session | {"id": "S1", "dates": {"from": MON, "to": TUE}},
        session | {"id": "S2", "dates": {"from": TUE, "to": WED}},
        session | {"id": "S3", "dates": {"from": WED, "to": WED}},
    ]
    week["courses"] = [{"id": "C1", "sessions": ["S1", "S2", "S3"], "min_gap_days": 1, "max_gap_days": 1}]
    as_given = copy.deepcopy(week)
    as_given["visits"][0] = session | {"id": "S1", "date": TUE}
    as_given["visits"][1] = session | {"id": "S2", "date": WED}
    in_force = plan_week(parse_week(as_given)).document()
    assert [u["visit_id"] for u in in_force["unassigned"]] == ["S3"]

    problem = parse_week(week)
    new = replan_week(problem, in_force, date(2026, 12, 7), sick={"N2": [date(2026, 12, 11)]}).document()
    assert check_week(problem, new) == []
    served = {s["visit_id"]: day for day, r in new["days"].items() for route in r["routes"] for s in route["stops"]}
    assert served == {"S1": TUE, "S2": WED}
    reason = next(u["reason"] for u in new["unassigned"] if u["visit_id"] == "S3")
    assert "1–1 days after session S2 of course C1" in reason


def test_a_re_plan_keeps_a_capped_nurse_within_her_week_when_a_day_in_force_took_minutes_carried_to_it(week):
    """Drawn unlike the generator (an odd week, seed 3, went 54 minutes over a cap): the plan gave N1's Wednesday the
    minutes her short Monday left; the re-plan from Tuesday cuts her days anew, shorter than that Wednesday, and
    kept it as it stood while giving her Tuesday and Thursday their new cut, so the week ran over."""
    days = [MON, TUE, WED, THU]
    week["nurses"] = [
        {**week["nurses"][0], "shifts": {day: SHIFT for day in days}, "max_week_min": 1200},
        {**week["nurses"][1], "shifts": {day: SHIFT for day in days}},
    ]
    week["courses"] = []
    week["visits"] = [
        {"id": "M1", "location": {"index": 2}, "window": {"start": "08:00", "end": "09:00"}, "duration_min": 20, "date": MON}
    ] + [
        {
            "id": f"{day}-{k}",
            "location": {"index": 2 + k % 3},
            "window": {"start": "08:00", "end": "16:00"},
            "duration_min": 20,
            "date": day,
        }
        for day in (TUE, WED, THU)
        for k in range(30)
    ]
    week["visits"][0]["pinned_nurse"] = "N1"
    week["options"]["time_limit_s"] = 6
    problem = parse_week(week)
    plan = plan_week(problem).document()
    assert check_week(problem, plan) == []
    wednesday = next(r for r in plan["days"][WED]["routes"] if r["nurse_id"] == "N1")
    assert wednesday["working_s"] > 400 * 60  # longer than the re-plan's cut: (1200 - Monday's minutes) / 3
    new = replan_week(problem, plan, date(2026, 12, 8), sick={"N2": [date(2026, 12, 8)]}).document()
    assert check_week(problem, new) == []
