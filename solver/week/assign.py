"""Each visit's day, each course's own nurse, and each nurse's shifts after her weekly cap (CP-SAT).

The days are chosen on estimated loads (a visit's duration plus a travel allowance); the day solver
then routes each day and `solver.week.assemble` repairs what a day could not take. Hard here:
course gaps (and the first session after `last_given`), each visit's allowed days, a pinned nurse's
working days, the course nurse's room on a day she is counted on. Soft: continuity (a session on a
day its course's nurse does not take it costs continuity_weight_s), and each minute a day's load
lies above the horizon's average utilisation of its nurses' time (load balance).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from ortools.sat.python import cp_model

from solver.week.model import Course, DayAssignment, Placement, WeekNurse, WeekProblem, WeekVisit

LEFT_OUT_WEIGHT = 1_000_000  # per unit of priority: dropping a visit outweighs any balance or continuity
OWN_NURSE_FILL = 0.8  # a course's nurse is counted on for at most this share of her day's minutes
OVERLOAD_WEIGHT = 10  # per minute above a day's capacity, against 1 per minute above the average utilisation


def capped_shifts(problem: WeekProblem) -> dict[str, dict[date, tuple[str, str, int]]]:
    """Each nurse's (start, end, overtime minutes) per working day, cut so each ISO week stays within max_week_min.

    A route works at most from its shift start to its shift end plus overtime. When those add up to more
    than the cap in a week, each day gets a share of the cap in proportion to its length; when the cap is
    under half of them, she works whole days instead (a 16-hour cap over five 8-hour shifts: two days, not
    five slivers of 3 h 12 min each spent mostly driving out and back), spread over the week, and what is
    left of the cap on one more day.
    """
    out: dict[str, dict[date, tuple[str, str, int]]] = {}
    for nurse in problem.nurses:
        days: dict[date, tuple[str, str, int]] = {}
        weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
        for day in nurse.shifts:
            weeks[day.isocalendar()[:2]].append(day)
        for week_days in weeks.values():
            lengths = {day: nurse.shifts[day].minutes + nurse.overtime_min for day in week_days}
            total = sum(lengths.values())
            cap = nurse.max_week_min
            if cap is not None:  # minutes worked already that week (a re-plan keeps the days before it)
                cap = max(0, cap - nurse.worked_min.get(week_days[0].isocalendar()[:2], 0))
            if cap is None or total <= cap:
                worked = lengths
            elif 2 * cap >= total:
                worked = {day: (cap * lengths[day]) // total for day in week_days}
            else:
                worked = _whole_days(sorted(week_days), lengths, cap)
            for day, minutes in worked.items():
                shift = nurse.shifts[day]
                _start, end, overtime = _cut(nurse, day, shift.start_min, minutes)
                if _minutes(end) <= shift.start_min or _minutes(end) < _break_end_at_earliest(nurse):
                    continue  # too short a day for her break (which must fit her shift): she does not work it
                days[day] = (shift.start, end, overtime)
        out[nurse.id] = dict(sorted(days.items()))
    return out


def carry_unused_week_minutes(
    problem: WeekProblem,
    assignment: DayAssignment,
    rosters: Mapping[date, Mapping[str, Any]],
    started: Mapping[date, Mapping[str, tuple[str, str, int]]] | None = None,
) -> DayAssignment:
    """The assignment with each capped nurse's week minutes that her routed days did not use given to her other days.

    `capped_shifts` cuts a capped nurse's days before anything is routed; a route seldom takes its whole
    cut (she sets off when her first visit needs her, and comes back when her last is done), and what it
    leaves would otherwise be lost to her week. Each routed day she works (a route with stops in `rosters`)
    is held to the time its route took, departure to return, and the minutes of her weekly cap not taken
    go to her days of that ISO week not routed yet (in proportion to the room each has up to her shift end
    and overtime), or, once every day is routed, back to the routed days (so the repair may still lengthen
    their routes). `started` are days being routed (on other workers) with the shifts their routing was
    given: they count at those and take no more. The week's working time stays within the cap whatever the
    routing of the open days does.
    """
    started = started or {}
    took = {
        (route["nurse_id"], day): _route_span(route)
        for day, roster in rosters.items()
        for route in roster["routes"]
        if route["stops"]
    }
    day_shifts = {nurse_id: dict(shifts) for nurse_id, shifts in assignment.day_shifts.items()}
    for nurse in problem.nurses:
        if nurse.max_week_min is None or nurse.id not in day_shifts:
            continue
        own = day_shifts[nurse.id]
        weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
        for day in own:
            weeks[day.isocalendar()[:2]].append(day)
        for week, days in weeks.items():
            worked = [day for day in days if (nurse.id, day) in took]
            if not worked:
                continue
            for day in worked:
                own[day] = _held_to(nurse, day, *took[(nurse.id, day)])
            for day in days:
                if day not in rosters and nurse.id in started.get(day, {}):
                    own[day] = started[day][nurse.id]
            cap = max(0, nurse.max_week_min - nurse.worked_min.get(week, 0))
            spare = cap - sum(_length(own[day]) for day in days)
            receiving = [day for day in days if day not in rosters and day not in started] or worked
            room = {day: nurse.shifts[day].end_min + nurse.overtime_min - _latest(own[day]) for day in receiving}
            total_room = sum(max(0, r) for r in room.values())
            if spare <= 0 or total_room <= 0:
                continue
            for day in receiving:
                extra = min(room[day], spare * max(0, room[day]) // total_room)
                if extra > 0:
                    start, _end, _overtime = own[day]
                    own[day] = _cut(nurse, day, _minutes(start), _length(own[day]) + extra)
    return replace(assignment, day_shifts=day_shifts)


def _route_span(route: Mapping[str, Any]) -> tuple[int, int]:
    """A route's departure and return in whole minutes of its day (departure rounded down, return up)."""
    departure, back = datetime.fromisoformat(route["departure"]), datetime.fromisoformat(route["return"])
    up = 1 if back.second or back.microsecond else 0
    past_midnight = (back.date() - departure.date()).days * 24 * 60
    return departure.hour * 60 + departure.minute, past_midnight + back.hour * 60 + back.minute + up


def _held_to(nurse: WeekNurse, day: date, departure: int, back: int) -> tuple[str, str, int]:
    """Her shift on a routed day held to her route's span (the part past her shift end is overtime), widened to hold
    her break's window start and its earliest end (a day document's break must fit its shift)."""
    brk = nurse.day_fields.get("break")
    if brk:
        departure = min(departure, _minutes(brk["window"]["start"]))
        back = max(back, _break_end_at_earliest(nurse))
    return _cut(nurse, day, departure, back - departure)


def _cut(nurse: WeekNurse, day: date, start: int, minutes: int) -> tuple[str, str, int]:
    """(start, end, overtime) of a day worked `minutes` from `start`: to her shift end, the rest as overtime."""
    latest = start + minutes
    end = min(nurse.shifts[day].end_min, latest)
    return _hhmm(start), _hhmm(end), max(0, latest - end)


def _latest(shift: tuple[str, str, int]) -> int:
    """The latest a route on this shift may return, overtime included."""
    _start, end, overtime = shift
    return _minutes(end) + overtime


def _length(shift: tuple[str, str, int]) -> int:
    start, end, overtime = shift
    return _minutes(end) - _minutes(start) + overtime


def _whole_days(week_days: list[date], lengths: dict[date, int], cap: int) -> dict[date, int]:
    """As many whole days as the cap holds, spread over the week; what is left of the cap on the first day free,
    if it makes at least half of that day (else it is left unused rather than worked as a sliver)."""
    for count in range(len(week_days), 0, -1):
        chosen = [week_days[int((k + 0.5) * len(week_days) / count)] for k in range(count)]
        if sum(lengths[day] for day in chosen) <= cap:
            break
    else:
        chosen = []
    worked = {day: lengths[day] for day in chosen}
    left = cap - sum(worked.values())
    spare = next((day for day in week_days if day not in worked), None)
    if spare is not None and 2 * left >= lengths[spare]:
        worked[spare] = min(left, lengths[spare])
    return dict(sorted(worked.items()))


def _break_end_at_earliest(nurse: WeekNurse) -> int:
    brk = nurse.day_fields.get("break")
    if not brk:
        return 0
    return _minutes(brk["window"]["start"]) + round(brk["duration_min"])


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_minutes(shift: tuple[str, str, int]) -> int:
    start, end, _ = shift
    return _minutes(end) - _minutes(start)


def estimated_minutes(problem: WeekProblem, visit: WeekVisit) -> int:
    return round(visit.duration_min) + problem.options.travel_allowance_min


def course_nurses(problem: WeekProblem, shifts: dict[str, dict[date, tuple[str, str, int]]]) -> dict[str, str]:
    """Each course's own nurse: as given, else the nearest qualified nurse working most of its sessions' days."""
    chosen: dict[str, str] = {}
    own_load: dict[str, int] = defaultdict(int)
    room = {n.id: sum(_day_minutes(s) for s in shifts[n.id].values()) for n in problem.nurses}
    for course in sorted(problem.courses, key=lambda c: -len(c.sessions)):
        sessions = [problem.visit(v) for v in course.sessions]
        if course.nurse is not None:
            chosen[course.id] = course.nurse
        else:
            pinned = {s.pinned_nurse for s in sessions if s.pinned_nurse}
            skills = frozenset().union(*(s.required_skills for s in sessions))
            excluded = frozenset().union(*(s.excluded_nurses for s in sessions))
            place = sessions[0].location_index
            best: tuple | None = None
            for nurse in problem.nurses:
                if not skills <= nurse.skills or nurse.id in excluded or (pinned and nurse.id not in pinned):
                    continue
                covered = sum(1 for s in sessions if any(shift_fits(shifts[nurse.id].get(day), s) for day in s.dates))
                crowded = own_load[nurse.id] > 0.6 * room[nurse.id]
                key = (-covered, crowded, int(problem.durations[nurse.start_index, place]))
                if best is None or key < best[0]:
                    best = (key, nurse.id)
            if best is None:
                continue
            chosen[course.id] = best[1]
        own_load[chosen[course.id]] += sum(estimated_minutes(problem, s) for s in sessions)
    return chosen


def shift_fits(shift: tuple[str, str, int] | None, visit: WeekVisit) -> bool:
    """Whether the visit can start in one of its windows on that shift and end within it (overtime included).

    Travel is left out: a course's nurse is chosen, and counted on, only where her hours can hold the
    session at all (a morning session's nurse on an afternoon shift gave it away every time).
    """
    if shift is None:
        return False
    start, end, overtime = shift
    opens, closes = _minutes(start), _minutes(end) + overtime - round(visit.duration_min)
    return any(max(earliest, opens) <= min(latest, closes) for earliest, latest in visit.window_min or ((0, 24 * 60),))


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def allowed_days(visit: WeekVisit, shifts: Mapping[str, Mapping[date, tuple[str, str, int]]]) -> tuple[date, ...]:
    """The visit's days on which someone could take it: a pinned visit only on its nurse's working days."""
    if visit.pinned_nurse is not None:
        return tuple(day for day in visit.dates if day in shifts[visit.pinned_nurse])
    return tuple(day for day in visit.dates if any(day in nurse_days for nurse_days in shifts.values()))


def earliest_days(problem: WeekProblem, shifts: dict[str, dict[date, tuple[str, str, int]]]) -> dict[str, date | None]:
    """Each visit on its earliest allowed day, each session on the earliest within its gaps after the one before
    (None: no such day, and every later session of its course None too).

    Always keeps the hard rules of the assignment (loads are soft): the plan when the search finds none in its
    time (a large horizon in a few seconds), and the week benchmark's baseline.
    """
    earliest: dict[str, date | None] = {}
    for visit in problem.visits:
        if problem.course_of(visit.id) is None:
            days = allowed_days(visit, shifts)
            earliest[visit.id] = days[0] if days else None
    for course in problem.courses:
        previous = course.last_given
        for k, visit_id in enumerate(course.sessions):
            days = allowed_days(problem.visit(visit_id), shifts)
            within = [d for d in days if previous is None or course.min_gap_days <= (d - previous).days <= course.max_gap_days]
            if (k > 0 and previous is None) or not within:
                earliest.update(dict.fromkeys(course.sessions[k:]))
                break
            earliest[visit_id] = previous = within[0]
    return earliest


def assign_days(problem: WeekProblem, deadline: float | None = None) -> DayAssignment:
    """Every visit's day (or why it has none), each course's nurse, and the shifts after weekly caps."""
    if deadline is None:
        deadline = time.monotonic() + max(1.0, 0.15 * problem.options.time_limit_s)
    shifts = capped_shifts(problem)
    own = course_nurses(problem, shifts)
    session_of = {v: (course, k) for course in problem.courses for k, v in enumerate(course.sessions)}
    nurses_by_id = {n.id: n for n in problem.nurses}

    model = cp_model.CpModel()
    on: dict[tuple[str, date], cp_model.IntVar] = {}  # visit on day
    with_own: dict[tuple[str, date], cp_model.IntVar] = {}  # session on a day its course's nurse is counted on
    placed: dict[str, cp_model.IntVar] = {}
    left_out: dict[str, str] = {}
    objective = []
    for visit in problem.visits:
        days = allowed_days(visit, shifts)
        if not days:
            left_out[visit.id] = _no_day_reason(visit)
            continue
        placed[visit.id] = model.new_bool_var(f"placed {visit.id}")
        for day in days:
            on[visit.id, day] = model.new_bool_var(f"{visit.id} on {day}")
        model.add(sum(on[visit.id, day] for day in days) == placed[visit.id])
        objective.append(LEFT_OUT_WEIGHT * visit.priority * (1 - placed[visit.id]))
        if visit.id in problem.in_force:  # a re-plan: moving a visit off its day costs
            objective += [problem.move_weight_s * on[visit.id, d] for d in days if d != problem.in_force[visit.id][0]]
        if visit.id in session_of:
            course, _ = session_of[visit.id]
            nurse_id = own.get(course.id)
            if nurse_id is not None and _may_take(nurses_by_id[nurse_id], visit):
                for day in days:
                    if shift_fits(shifts[nurse_id].get(day), visit):
                        with_own[visit.id, day] = model.new_bool_var(f"{visit.id} with own on {day}")
                        model.add_implication(with_own[visit.id, day], on[visit.id, day])
            counted = [with_own[visit.id, day] for day in days if (visit.id, day) in with_own]
            weight = problem.options.continuity_weight_s
            objective.append(weight * (placed[visit.id] - sum(counted)))

    days_of: dict[str, list[date]] = defaultdict(list)
    on_day: dict[date, list[str]] = defaultdict(list)
    own_on_day: dict[tuple[str, date], list[str]] = defaultdict(list)
    for visit_id, day in on:
        days_of[visit_id].append(day)
        on_day[day].append(visit_id)
    for visit_id, day in with_own:
        own_on_day[own[session_of[visit_id][0].id], day].append(visit_id)
    for course in problem.courses:
        _constrain_gaps(model, course, on, days_of, placed)

    # Each course nurse's room on a day, and each day's load against its nurses' minutes.
    for nurse_id, nurse_days in shifts.items():
        nurse = nurses_by_id[nurse_id]
        for day, shift in nurse_days.items():
            sessions_counted = own_on_day.get((nurse_id, day), [])
            if not sessions_counted:
                continue
            minutes = [estimated_minutes(problem, problem.visit(v)) * with_own[v, day] for v in sessions_counted]
            model.add(sum(minutes) <= int(OWN_NURSE_FILL * _day_minutes(shift)))
            if nurse.max_visits is not None:
                model.add(sum(with_own[v, day] for v in sessions_counted) <= nurse.max_visits)
    # Loads: all visits against every nurse's minutes, and the visits needing each certification beyond the
    # commonest (e.g. ketamine, nad) against the minutes of the nurses holding it, so specialist work spreads
    # over the days its few nurses work.
    common = frozenset.intersection(*(n.skills for n in problem.nurses)) if problem.nurses else frozenset()
    groups: list[tuple[str, frozenset[str] | None]] = [("all", None)]
    groups += [(skill, frozenset({skill})) for skill in sorted({s for v in problem.visits for s in v.required_skills} - common)]
    # A re-plan keeps days as they are unless a day overflows: moving a visit costs move_weight_s (docs/week-document.md).
    replanning = bool(problem.in_force)
    for name, skill in groups:
        holders = [n.id for n in problem.nurses if skill is None or skill <= n.skills]
        capacity = {day: sum(_day_minutes(shifts[n][day]) for n in holders if day in shifts[n]) for day in problem.days}
        wanted = [v for v in problem.visits if v.id in placed and (skill is None or skill <= v.required_skills)]
        utilisation = min(1.0, sum(estimated_minutes(problem, v) for v in wanted) / max(1, sum(capacity.values())))
        wanted_ids = {v.id for v in wanted}
        for day in problem.days:
            needing = [v for v in on_day.get(day, []) if v in wanted_ids]
            load = sum(estimated_minutes(problem, problem.visit(v)) * on[v, day] for v in needing)
            above_capacity = model.new_int_var(0, 10**7, f"{name} above capacity {day}")
            model.add(above_capacity >= load - capacity[day])
            objective.append((1 if replanning else OVERLOAD_WEIGHT) * above_capacity)
            if not replanning:
                above_average = model.new_int_var(0, 10**7, f"{name} above average {day}")
                model.add(above_average >= load - int(utilisation * capacity[day]))
                objective.append(above_average)
    model.minimize(sum(objective))
    # A hint: every visit placed, on its earliest allowed day (the search repairs the gaps this breaks; a hint
    # keeping them, earliest_days, was measured: 0.98x the baseline's weight out at full size where this gives
    # 0.97x, docs/BENCHMARKS.md); in a re-plan, what is in force on its day and nothing else (the plan in force
    # kept every gap, and loads are soft), so a short search under load starts from the plan in force.
    for visit_id in placed:
        hinted: date | None = None
        if not replanning or visit_id in problem.in_force:
            hinted = problem.in_force[visit_id][0] if visit_id in problem.in_force else days_of[visit_id][0]
            if hinted not in days_of[visit_id]:
                hinted = days_of[visit_id][0]
        model.add_hint(placed[visit_id], hinted is not None)
        for day in days_of[visit_id]:
            model.add_hint(on[visit_id, day], day == hinted)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, deadline - time.monotonic())
    solver.parameters.num_workers = max(2, problem.options.workers)
    solver.parameters.random_seed = problem.options.seed
    status = solver.solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    earliest = {} if found else earliest_days(problem, shifts)
    placements: dict[str, Placement] = {}
    for visit in problem.visits:
        if visit.id not in placed:
            continue
        if found:  # else (no plan in the time given: a huge horizon, a few seconds) the day in force or the earliest
            chosen = next((d for d in days_of[visit.id] if solver.value(on[visit.id, d])), None)
        else:
            chosen = problem.in_force[visit.id][0] if replanning and visit.id in problem.in_force else earliest[visit.id]
        if chosen is None or chosen not in days_of[visit.id]:
            left_out[visit.id] = _gap_reason(problem, visit, session_of.get(visit.id))
            continue
        placements[visit.id] = Placement(chosen)
    if replanning:
        _back_to_days_in_force(problem, placements, left_out, days_of, session_of)
    return DayAssignment(placements, left_out, own, shifts)


def _back_to_days_in_force(
    problem: WeekProblem, placements: dict[str, Placement], left_out: dict[str, str], days_of, session_of
) -> None:
    """A re-plan's least disruption, made sure: each visit the search moved off its day in force (or left
    out) goes back to it where that day is still allowed and its course's gaps hold there. A search cut
    short (a few seconds, on a busy machine) moves visits it need not; loads are soft and each day's
    re-plan and the repair deal with an overfull day.

    A course's sessions in force go back together first (_course_back_to_days_in_force): one at a time,
    a session moved with its neighbours (a course shifted a day to make room for a session the plan in
    force left out) could never go back.
    """
    for course in problem.courses:
        _course_back_to_days_in_force(problem, course, placements, left_out, days_of)
    for _ in range(2):  # twice: a session moved back may let the next one of its course go back too
        for visit in problem.visits:
            in_force = problem.in_force.get(visit.id)
            placement = placements.get(visit.id)
            if in_force is None or in_force[0] not in days_of.get(visit.id, ()):
                continue
            if (placement is not None and placement.day == in_force[0]) or (placement is None and visit.id not in left_out):
                continue
            session = session_of.get(visit.id)
            if session is not None and not _gaps_hold(placements, session[0], session[1], in_force[0]):
                continue
            placements[visit.id] = Placement(in_force[0])
            left_out.pop(visit.id, None)


def _course_back_to_days_in_force(
    problem: WeekProblem, course: Course, placements: dict[str, Placement], left_out: dict[str, str], days_of
) -> None:
    """The course's sessions in force all back on their days, where those days are still allowed and keep the gaps.

    A session the plan in force left out keeps the day the search gave it only where the gaps to the sessions in
    force still hold; else it and the later ones are left out again. A session in force whose day no longer
    holds it (its nurse sick, a gap to a session that had to move) leaves the course as the search placed it.
    """
    in_force = {
        v: Placement(problem.in_force[v][0])
        for v in course.sessions
        if v in problem.in_force and problem.in_force[v][0] in days_of.get(v, ())
    }
    if all(placements.get(v) == placement for v, placement in in_force.items()):
        return
    trial = {v: placements[v] for v in course.sessions if v in placements} | in_force
    previous = course.last_given
    gaps = range(course.min_gap_days, course.max_gap_days + 1)
    for k, visit_id in enumerate(course.sessions):
        placement = trial.get(visit_id)
        if placement is None or (previous is not None and (placement.day - previous).days not in gaps):
            later = course.sessions[k:]
            if any(v in in_force for v in later):
                return
            for j, v in enumerate(later, start=k):
                if trial.pop(v, None) is not None:
                    left_out[v] = _gap_reason(problem, problem.visit(v), (course, j))
            break
        previous = placement.day
    for visit_id in course.sessions:
        if visit_id in trial:
            placements[visit_id] = trial[visit_id]
            left_out.pop(visit_id, None)
        else:
            placements.pop(visit_id, None)


def _gaps_hold(placements: dict[str, Placement], course: Course, k: int, day: date) -> bool:
    """Session k of the course on `day` keeps its gaps to the sessions placed before and after it."""
    gaps = range(course.min_gap_days, course.max_gap_days + 1)
    if k == 0:
        before = course.last_given
    elif course.sessions[k - 1] in placements:
        before = placements[course.sessions[k - 1]].day
    else:
        return False
    after = placements.get(course.sessions[k + 1]) if k + 1 < len(course.sessions) else None
    return (before is None or (day - before).days in gaps) and (after is None or (after.day - day).days in gaps)


def _may_take(nurse: WeekNurse, visit: WeekVisit) -> bool:
    return (
        visit.required_skills <= nurse.skills and nurse.id not in visit.excluded_nurses and visit.pinned_nurse in (None, nurse.id)
    )


def _constrain_gaps(model: cp_model.CpModel, course: Course, on, days_of, placed) -> None:
    """Consecutive sessions min..max days apart; a session left out leaves the later ones out."""
    previous_day = None  # an expression: the previous session's day number
    previous_placed = None
    if course.last_given is not None:
        previous_day, previous_placed = course.last_given.toordinal(), 1
    for visit_id in course.sessions:
        if visit_id not in placed:  # no day at all: it and every later session are out
            for later in course.sessions[course.sessions.index(visit_id) + 1 :]:
                if later in placed:
                    model.add(placed[later] == 0)
            return
        day_number = sum(d.toordinal() * on[visit_id, d] for d in days_of[visit_id])
        if previous_placed is not None:
            if not isinstance(previous_placed, int):
                model.add_implication(placed[visit_id], previous_placed)
            model.add(day_number - previous_day >= course.min_gap_days).only_enforce_if(placed[visit_id])
            model.add(day_number - previous_day <= course.max_gap_days).only_enforce_if(placed[visit_id])
        previous_day, previous_placed = day_number, placed[visit_id]


def _no_day_reason(visit: WeekVisit) -> str:
    if visit.pinned_nurse is not None:
        return f"its pinned nurse {visit.pinned_nurse} works on none of its days ({_days_text(visit.dates)})"
    return f"no nurse works on any of its days ({_days_text(visit.dates)})"


def _gap_reason(problem: WeekProblem, visit: WeekVisit, session: tuple[Course, int] | None) -> str:
    if session is None:
        return "no day of its range has room"
    course, k = session
    if k == 0 and course.last_given is not None:
        return (
            f"cannot be planned within {course.min_gap_days}–{course.max_gap_days} days of the last session "
            f"({course.last_given}): its days are {_days_text(visit.dates)}"
        )
    if k > 0:
        return (
            f"cannot be planned {course.min_gap_days}–{course.max_gap_days} days after session {course.sessions[k - 1]} "
            f"of course {course.id} (or that session is not planned): its days are {_days_text(visit.dates)}"
        )
    return f"course {course.id}'s sessions cannot all keep their gaps: its days are {_days_text(visit.dates)}"


def _days_text(days: tuple[date, ...]) -> str:
    return ", ".join(day.isoformat() for day in days) if len(days) <= 4 else f"{days[0]}..{days[-1]}"
