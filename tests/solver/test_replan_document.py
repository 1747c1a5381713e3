"""The re-planning fields of the problem document: the plan in force, each nurse's now, each visit's progress."""

from __future__ import annotations

import pytest

from solver import ProblemError, parse_problem
from solver.model import NurseNow, Planned, Stop

H = 3600


@pytest.fixture
def under_way(document):
    """At 09:30: Ana finished V1 late, Bea is on her way to V2 and then V3 is hers."""
    document["as_of"] = "09:30"
    document["visits"][0]["planned"] = {"nurse": "N1", "start": "09:00"}
    document["visits"][0]["progress"] = {"status": "done", "start": "09:05", "end": "09:25"}
    document["visits"][1]["planned"] = {"nurse": "N2", "start": "09:00"}
    document["visits"][1]["progress"] = {"status": "en_route"}
    document["visits"][2]["planned"] = {"nurse": "N2", "start": "13:00"}
    document["nurses"][1]["now"] = {"location": {"index": 1}, "time": "09:20"}
    return document


def test_the_plan_and_the_state_become_seconds(under_way):
    problem = parse_problem(under_way)
    assert problem.visits[2].planned == Planned("N2", 13 * H)
    state = problem.state
    assert state.as_of == 9 * H + 1800
    # Done: arrival defaults to the start. Without a report she is free where and when V1 ended.
    assert state.of("N1") == NurseNow("N1", 2, 9 * H + 1500, (Stop("V1", 9 * H + 300, 9 * H + 300, 9 * H + 1500),))
    # En route: left home (index 1) at 09:20, 10 minutes away; V2 opens at 09:00, lasts 40 minutes.
    assert state.of("N2") == NurseNow("N2", 3, 10 * H + 600, (Stop("V2", 9 * H + 1800, 9 * H + 1800, 10 * H + 600),))


def test_a_nurse_off_duty_needs_no_place_or_time(document):
    document["as_of"] = "07:15"
    document["nurses"][1]["now"] = {"off_duty": True}
    assert parse_problem(document).state.of("N2") == NurseNow("N2", 1, 7 * H + 900, (), None, True)


def test_disruption_options_are_read(document):
    document["options"].update(reassign_weight_s=600, retime_tolerance_s=900, retime_weight=2)
    options = parse_problem(document).options
    assert (options.reassign_weight_s, options.retime_tolerance_s, options.retime_weight) == (600, 900, 2)


def test_a_plan_without_a_state_is_a_plan_in_force_for_a_day_not_started(document):
    document["visits"][0]["planned"] = {"nurse": "N1", "start": "09:00"}
    problem = parse_problem(document)
    assert problem.state is None and problem.visits[0].planned == Planned("N1", 9 * H)


def _unplanned(visit: dict) -> dict:
    visit.pop("planned")
    return visit


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["visits"][2].update(planned={"nurse": "N9", "start": "13:00"}),
            "visits[2].planned.nurse: unknown nurse 'N9'",
        ),
        (lambda d: d["visits"][2].update(planned={"nurse": "N2"}), "visits[2].planned.start: is required"),
        (
            lambda d: d["visits"][0]["progress"].update(status="started"),
            "visits[0].progress.status: must be one of done, in_progress, en_route",
        ),
        (lambda d: d.pop("as_of"), "as_of: is required when nurses report `now` or visits have `progress`"),
        (lambda d: d.update(as_of="24:00"), "as_of: 24:00 is not a moment of the day"),
        (
            lambda d: d["visits"][1]["progress"].update(start="09:40"),
            "visits[1].progress: a visit en route is timed from the nurse's now",
        ),
        (
            lambda d: _unplanned(d["visits"][2]).update(progress={"status": "done", "start": "13:00"}),
            "visits[2].progress.nurse: is required (the visit has no planned nurse)",
        ),
        (lambda d: d["visits"][0]["progress"].update(end="09:00"), "visits[0].progress.end: 09:00 is before the start 09:05"),
        (
            lambda d: d["visits"][0]["progress"].update(arrival="09:10"),
            "visits[0].progress.arrival: 09:10 is after the start 09:05",
        ),
        (
            lambda d: d["visits"][2].update(progress={"status": "done", "nurse": "N1", "start": "09:15"}),
            "starts at 09:15, before V1 ends at 09:25 for nurse N1",
        ),
        (lambda d: d["visits"][2].update(progress={"status": "en_route"}), "nurse N2 is already en route to V2"),
        (lambda d: d["nurses"][1]["now"].update(off_duty="yes"), "nurses[1].now.off_duty: must be true or false"),
        (lambda d: d["nurses"][1]["now"].update(location={"index": 9}), "nurses[1].now.location.index: 9 is outside"),
        (lambda d: d["nurses"][1]["now"].update(arrived="09:00"), "nurses[1].now.arrived: unknown field"),
        (lambda d: d["options"].update(retime_weight=-1), "options.retime_weight: must be at least 0"),
        (lambda d: d["options"].update(retime_tolerance_s=1.5), "options.retime_tolerance_s: must be a whole number"),
    ],
)
def test_bad_re_planning_input_names_the_field(under_way, change, message):
    change(under_way)
    with pytest.raises(ProblemError) as error:
        parse_problem(under_way)
    assert message in str(error.value)
