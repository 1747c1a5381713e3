"""Bad input is refused with the field's path and a reason; good input becomes integer seconds."""

from __future__ import annotations

import pytest

from solver import ProblemError, parse_problem


def test_times_become_seconds_since_local_midnight(document):
    problem = parse_problem(document)
    assert problem.nurses[0].shift.start == 8 * 3600
    assert problem.visits[0].windows[0].start == 9 * 3600
    assert problem.visits[0].duration == 3600
    assert problem.travel(0, 2) == 600


def test_dst_day_counts_elapsed_seconds(document):
    document["date"] = "2026-03-08"  # clocks go forward at 02:00 in Denver
    problem = parse_problem(document)
    assert problem.nurses[0].shift.start == 7 * 3600
    assert problem.clock.iso(problem.nurses[0].shift.start) == "2026-03-08T08:00:00-06:00"


def test_speed_model_uses_great_circle_times_circuity(document):
    document["travel"] = {"speed_kmh": 36, "circuity": 1.0}
    for i, (lat, lon) in enumerate([(39.70, -105.0), (39.71, -105.0), (39.72, -105.0), (39.73, -105.0), (39.74, -105.0)]):
        target = document["nurses"][i] if i < 2 else document["visits"][i - 2]
        target["start" if i < 2 else "location"] = {"lat": lat, "lon": lon}
    problem = parse_problem(document)
    # 0.01° of latitude is 1.1119 km; at 36 km/h that is 111.19 s, rounded up.
    assert problem.travel(0, 1) == 112


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["visits"][0].update(window={"start": "10:00", "end": "09:00"}),
            "visits[0].window: end 09:00 is before start 10:00",
        ),
        (lambda d: d["visits"][1].pop("location"), "visits[1].location: is required"),
        (lambda d: d["visits"][2].update(pinned_nurse="N9"), "visits[2].pinned_nurse: unknown nurse 'N9'"),
        (lambda d: d["visits"][2].update(id="V1"), "visits[2].id: duplicate visit id 'V1'"),
        (lambda d: d["nurses"][1].update(id="N1"), "nurses[1].id: duplicate nurse id 'N1'"),
        (lambda d: d["visits"][0].update(duration_min=-5), "visits[0].duration_min: must be at least 0"),
        (lambda d: d["nurses"][0]["shift"].update(start="8am"), 'nurses[0].shift.start: must be a time "HH:MM"'),
        (lambda d: d["travel"]["durations_s"].pop(), "travel.durations_s[0]: must be a list of 4 numbers"),
        (lambda d: d["travel"]["durations_s"][1].__setitem__(2, -3), "travel.durations_s[1][2]: must not be negative"),
        (lambda d: d["visits"][0].update(location={"index": 7}), "visits[0].location.index: 7 is outside the 5×5 matrix"),
        (lambda d: d.update(date="2026-13-01"), "date: must be a date YYYY-MM-DD"),
        (lambda d: d.update(timezone="Mars/Olympus"), "timezone: unknown IANA time zone"),
        (lambda d: d["visits"][0].update(priority=0), "visits[0].priority: must be at least 1"),
        (lambda d: d["visits"][0].update(duraton_min=3), "visits[0].duraton_min: unknown field"),
        (
            lambda d: d["nurses"][0].update(**{"break": {"window": {"start": "06:00", "end": "07:00"}, "duration_min": 30}}),
            "nurses[0].break.window: a 30-minute break starting at 06:00 does not fit the shift 08:00–16:00",
        ),
        (lambda d: d["options"].update(time_limit_s=0), "options.time_limit_s: must be greater than 0"),
        (lambda d: d["options"].update(first_roster="pyvrp"), 'options.first_roster: must be "vroom" or "insertion"'),
        (
            lambda d: d["options"].update(preferences_in_first_roster="yes"),
            "options.preferences_in_first_roster: must be true or false",
        ),
        (lambda d: d["visits"][0].update(excluded_nurses=["N9"]), "visits[0].excluded_nurses[0]"),
        (
            lambda d: d["visits"][0].update(preferred_nurses=["N1", None]),
            "visits[0].preferred_nurses[1]: must be a non-empty string",
        ),
        (lambda d: d.update(nurses={}), "nurses: must be a list, got an object"),
    ],
)
def test_bad_input_names_the_field(document, change, message):
    change(document)
    with pytest.raises(ProblemError) as error:
        parse_problem(document)
    assert message in str(error.value)


def test_not_an_object_is_refused():
    with pytest.raises(ProblemError, match="must be an object"):
        parse_problem([1, 2])


def test_overlapping_windows_are_merged(document):
    document["visits"][0].pop("window")
    document["visits"][0]["windows"] = [
        {"start": "13:00", "end": "14:00"},
        {"start": "09:00", "end": "10:00"},
        {"start": "09:30", "end": "11:00"},
    ]
    windows = parse_problem(document).visits[0].windows
    assert [(w.start // 3600, w.end // 3600) for w in windows] == [(9, 11), (13, 14)]
