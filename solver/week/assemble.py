"""Putting the routed days together into a week plan, with the repair, and `plan_week` composing it all.

The repair: a visit a day left out moves to another day of its range on which its course's gaps
still hold (against the sessions around it as planned), into the cheapest position some nurse has
room for (solver.insertion), its course's nurse preferred by continuity_weight_s; days nearest its
first day are tried first. Then the course rule: a session left out leaves every later session of
its course out too (taken out of its route if it was served). Each day is re-timed and checked by the
day checker; the whole plan by nothing here (solver.week.check is independent of this module).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from solver.check import check_solution
from solver.document import parse_problem
from solver.explain import eligibility
from solver.insertion import Insertion, RemainingDays
from solver.model import Problem, Solution, SolveStats, Unassigned
from solver.roster import roster_document
from solver.schedule import InfeasibleSequence, schedule_route
from solver.week.assign import allowed_days, assign_days, carry_unused_week_minutes
from solver.week.days import day_document, following_the_days, route_days
from solver.week.model import DayAssignment, WeekPlan, WeekProblem

# The day assignment's share of the time limit: CP-SAT finds its plan early and then mostly proves bounds,
# while every second of routing serves visits (bench week, docs/BENCHMARKS.md).
ASSIGN_SHARE = 0.06
ASSIGN_MAX_S = 20.0

EXCHANGE_CANDIDATES = 8  # visits left out tried in the time a session leaves when it joins its nurse (nearest first)

WeekProgress = Callable[[str, float], None]  # (what is being done, share of the plan done 0..1)


class WeekPlanInfeasible(AssertionError):
    """A day of the plan failed the day checker: a bug, never bad input."""


def plan_week(
    problem: WeekProblem, progress: WeekProgress | None = None, rosters_in_force: Mapping[date, Mapping[str, Any]] | None = None
) -> WeekPlan:
    """The week plan within options.time_limit_s: days assigned (CP-SAT), each day routed, then repaired.

    In a re-plan, `rosters_in_force` are the days' roster documents in force: a day the assignment leaves
    with the same visits, whose routes still time with the same nurses, keeps its roster as it is (least
    disruption, and the routing time goes to the days that changed).
    """
    started = time.monotonic()
    limit = problem.options.time_limit_s
    report = progress or (lambda _what, _share: None)
    report("assigning days", 0.0)
    assignment = assign_days(problem, started + min(ASSIGN_MAX_S, max(0.5, ASSIGN_SHARE * limit)))
    assigned_at = time.monotonic()
    report("routing days", 0.15)
    # The repair parses each day again, inserts and moves sessions to their nurses (about 5 s for 3,000
    # visits); its continuity moves stop in time for the days' final timing and checks (about 2 s).
    repair_reserve = min(15.0, 0.5 + 0.002 * len(problem.visits))
    final_reserve = min(8.0, 0.3 + 0.001 * len(problem.visits))
    kept = unchanged_days(problem, assignment, rosters_in_force or {})
    to_route = [day for day in problem.days if day not in kept]
    routed = route_days(problem, assignment, started + limit - repair_reserve, to_route, kept=kept)
    rosters = {**kept, **routed}
    if not kept:  # a re-plan keeping days routes on the cut shifts (route_days)
        assignment = carry_unused_week_minutes(problem, assignment, rosters)
    assignment = following_the_days(problem, assignment, rosters.values())
    routed_at = time.monotonic()
    report("repairing", 0.9)
    plan = assemble(problem, assignment, rosters, continuity_until=started + limit - final_reserve)
    finished = time.monotonic()
    report("done", 1.0)
    phases: dict[str, Any] = {"assign": round(assigned_at - started, 2), "route": round(routed_at - assigned_at, 2)}
    phases["repair"] = round(finished - routed_at, 2)
    return WeekPlan(plan.days, plan.unassigned, {**plan.stats, "solve_time_s": round(finished - started, 2), "phases_s": phases})


def unchanged_days(
    problem: WeekProblem, assignment: DayAssignment, rosters_in_force: Mapping[date, Mapping[str, Any]]
) -> dict[date, Mapping[str, Any]]:
    """The days whose roster in force still stands: its nurses working and every route timing again under the
    day's shifts (weekly caps may have cut them), less the visits the assignment moved off the day.

    A visit the assignment puts on such a day that its roster did not serve is listed as the day's left
    out, so the repair inserts it where there is room.
    """
    kept: dict[date, Mapping[str, Any]] = {}
    for day, roster in rosters_in_force.items():
        if day not in problem.days:
            continue
        on_day = set(assignment.visits_on(day))
        routes = [{**route, "stops": [s for s in route["stops"] if s["visit_id"] in on_day]} for route in roster["routes"]]
        if any(route["stops"] and day not in assignment.day_shifts.get(route["nurse_id"], {}) for route in routes):
            continue
        served = [stop["visit_id"] for route in routes for stop in route["stops"]]
        day_problem = parse_problem(day_document(problem, assignment, day, served))
        visits = {visit.id: visit for visit in day_problem.visits}
        nurses = {nurse.id: nurse for nurse in day_problem.nurses}
        try:
            for route in routes:
                if route["stops"]:
                    schedule_route(day_problem, nurses[route["nurse_id"]], [visits[s["visit_id"]] for s in route["stops"]])
        except InfeasibleSequence:
            continue
        left_out_there = [item for item in roster["unassigned"] if item["visit_id"] in on_day]
        listed = set(served) | {item["visit_id"] for item in left_out_there}
        reason = "not in this day's roster in force; no room found beside it"
        added = [{"visit_id": v, "reason": reason} for v in sorted(on_day - listed)]
        kept[day] = {**roster, "routes": routes, "unassigned": left_out_there + added}
    return kept


def assemble(
    problem: WeekProblem,
    assignment: DayAssignment,
    rosters_by_day: Mapping[date, Mapping[str, Any]],
    continuity_until: float | None = None,
) -> WeekPlan:
    """The day rosters put together, visits the days left out moved where their gaps and a nurse's day allow.

    Moving sessions to their course's nurse stops at `continuity_until` (time.monotonic()), if given.
    """
    orders, served_on = _first_serving_days(problem, rosters_by_day)
    # A movable visit offered to several days and left out by each (route_days: ahead of its day, and left
    # behind after it) counts as dropped from the last day listing it.
    dropped: dict[str, tuple[date, str]] = {
        item["visit_id"]: (day, item["reason"])
        for day in problem.days
        for item in rosters_by_day[day]["unassigned"]
        if item["visit_id"] not in served_on
    }
    # Sessions no day was offered (visits_to_route: one before them was left out) wait for the repair, after
    # the one before: if it finds that one a day, they may follow it.
    not_routed = {
        v: (placed.day, _after_left_out(problem, v))
        for v, placed in assignment.placements.items()
        if placed.day in problem.days and v not in served_on and v not in dropped
    }
    dropped.update(not_routed)
    left_out: dict[str, str] = dict(assignment.left_out)
    repair = _Repair(problem, assignment, orders, served_on, dropped, left_out)
    for visit_id in sorted(dropped, key=lambda v: (dropped[v][0], -problem.visit(v).priority, v)):
        if not repair.place(visit_id):
            day, reason = dropped[visit_id]
            visit = problem.visit(visit_id)
            left_out[visit_id] = (
                reason
                if visit.fixed or visit_id in not_routed
                else f"{reason} (on {day}); no other day of its range within its gaps had room"
            )
    for day in problem.days:
        repair.bring_sessions_to_their_nurse(day, continuity_until)
    _leave_out_later_sessions(problem, orders, served_on, left_out)
    days = {day: _final_roster(problem, assignment, day, orders[day], left_out, rosters_by_day[day]) for day in problem.days}
    unassigned = tuple((v.id, left_out[v.id]) for v in problem.visits if v.id in left_out)
    return WeekPlan(days, unassigned, _summary(problem, assignment, days, unassigned))


def _after_left_out(problem: WeekProblem, visit_id: str) -> str:
    """Why a session was not routed: the reason of the course rule (solver.week.days.visits_to_route)."""
    session = problem.course_of(visit_id)
    course_id = session[0].id if session else "?"
    return f"an earlier session of course {course_id} was left out"


def _first_serving_days(
    problem: WeekProblem, rosters_by_day: Mapping[date, Mapping[str, Any]]
) -> tuple[dict[date, dict[str, list[str]]], dict[str, date]]:
    """Each day's visit order per nurse, and each served visit's day: a visit two days serve (days routed at once,
    both offered it by visits_to_route) stays on the first and leaves the later day's route."""
    orders: dict[date, dict[str, list[str]]] = {}
    served_on: dict[str, date] = {}
    for day in problem.days:
        routes = rosters_by_day[day]["routes"]
        orders[day] = {r["nurse_id"]: [s["visit_id"] for s in r["stops"] if s["visit_id"] not in served_on] for r in routes}
        served_on.update({v: day for order in orders[day].values() for v in order})
    return orders, served_on


class _Repair:
    """Each day's routes as visit orders, and cheapest insertions into them (day problems built on demand)."""

    def __init__(self, problem, assignment, orders, served_on, dropped, left_out):
        self.problem, self.assignment, self.orders = problem, assignment, orders
        self.served_on, self.dropped, self.left_out = served_on, dropped, left_out
        self.days: dict[date, tuple[Problem, RemainingDays]] = {}
        self.eligible: dict[date, dict[str, tuple[int, ...]]] = {}

    def _day(self, day: date) -> tuple[Problem, RemainingDays]:
        if day not in self.days:
            candidates = [v for v, (from_day, _) in self.dropped.items() if from_day == day or day in self._range(v)]
            served = [v for order in self.orders[day].values() for v in order]
            day_problem = parse_problem(day_document(self.problem, self.assignment, day, served + candidates))
            visits = {visit.id: visit for visit in day_problem.visits}
            routes = [[visits[v] for v in self.orders[day].get(nurse.id, [])] for nurse in day_problem.nurses]
            self.days[day] = (day_problem, RemainingDays(day_problem, routes, [False] * len(day_problem.nurses), {}))
            # Insertion weighs travel and time only: who may take a visit (skills, pins, exclusions) is asked here.
            self.eligible[day] = {
                visit.id: found.nurse_positions for visit, found in zip(day_problem.visits, eligibility(day_problem), strict=True)
            }
        return self.days[day]

    def _range(self, visit_id: str) -> tuple[date, ...]:
        visit = self.problem.visit(visit_id)
        return () if visit.fixed else allowed_days(visit, self.assignment.day_shifts)

    def _within_gaps(self, visit_id: str, day: date) -> bool:
        session = self.problem.course_of(visit_id)
        if session is None:
            return True
        course, k = session
        previous = course.last_given if k == 0 else self.served_on.get(course.sessions[k - 1])
        if k > 0 and previous is None:
            return False  # the session before is not planned
        if previous is not None and not course.min_gap_days <= (day - previous).days <= course.max_gap_days:
            return False
        following = self.served_on.get(course.sessions[k + 1]) if k + 1 < len(course.sessions) else None
        return following is None or course.min_gap_days <= (following - day).days <= course.max_gap_days

    def place(self, visit_id: str) -> bool:
        first_day = self.dropped[visit_id][0]
        # Its own day first (where the day dropped a session pinned to its course's nurse, another nurse may
        # have room), then the nearest days of its range within its gaps.
        days = [d for d in dict.fromkeys((first_day, *self._range(visit_id))) if self._within_gaps(visit_id, d)]
        session = self.problem.course_of(visit_id)
        own = self.assignment.course_nurses.get(session[0].id) if session else None
        for day in sorted(days, key=lambda d: (abs((d - first_day).days), d)):
            day_problem, remaining = self._day(day)
            visit = next((v for v in day_problem.visits if v.id == visit_id), None)
            if visit is None:  # the day's problem was built before this visit left its route (a continuity exchange)
                continue
            found = remaining.best(visit, self.eligible[day][visit_id], limit=3)
            if not found:
                continue
            weight = self.problem.options.continuity_weight_s
            best = min(found, key=lambda i: i.cost + (weight if own and day_problem.nurses[i.nurse].id != own else 0))
            nurse_id = day_problem.nurses[best.nurse].id
            remaining.orders[best.nurse].insert(best.position, visit)
            self.orders[day].setdefault(nurse_id, []).insert(best.position, visit_id)
            self.served_on[visit_id] = day
            return True
        return False

    def bring_sessions_to_their_nurse(self, day: date, until: float | None = None) -> None:
        """Continuity: a session another nurse gives moves to its course's nurse, every route still timing.

        Beside her visits, where her added driving less the driving saved is under continuity_weight_s;
        where her day is full, in place of a visit of no course that another nurse takes (_swapped_in), or
        failing that which a visit left out replaces (_exchanged_with_left_out). Stops at `until`.
        """
        own_of = self.assignment.course_nurses
        strays = [
            (visit_id, nurse_id)
            for nurse_id, order in self.orders[day].items()
            for visit_id in order
            if (session := self.problem.course_of(visit_id)) is not None
            and own_of.get(session[0].id) not in (None, nurse_id)
            and day in self.assignment.day_shifts.get(own_of[session[0].id], {})
        ]
        if not strays:
            return
        day_problem, remaining = self._day(day)
        position = {nurse.id: n for n, nurse in enumerate(day_problem.nurses)}
        for visit_id, nurse_id in strays:
            if until is not None and time.monotonic() > until:
                return
            own = own_of[self.problem.course_of(visit_id)[0].id]
            if own not in position or position[own] not in self.eligible[day].get(visit_id, ()):
                continue
            giver, taker = position[nurse_id], position[own]
            visit = next(v for v in remaining.orders[giver] if v.id == visit_id)
            without = [v for v in remaining.orders[giver] if v.id != visit_id]
            if remaining.time(giver, without) is None:
                continue
            moved = self._moved_to_own(remaining, visit, giver, taker, without) or self._swapped_in(
                day, remaining, visit, giver, taker, without
            )
            exchanged = None
            if moved is None:
                exchanged = self._exchanged_with_left_out(day, remaining, visit, giver, taker, without)
                if exchanged is None:
                    continue
                moved, out, taken = exchanged
                del self.left_out[taken.id]
                self.served_on.pop(out.id, None)
                self.served_on[taken.id] = day
            for n, order in moved.items():
                remaining.orders[n] = order
                self.orders[day][day_problem.nurses[n].id] = [v.id for v in order]
            if exchanged is not None:
                reason = f"no nurse had room for it on {day} once {visit.id}, a session of her course, took its place"
                self.dropped[out.id] = (day, reason)
                if not self.place(out.id):
                    self.left_out[out.id] = reason

    def _moved_to_own(self, remaining: RemainingDays, visit, giver: int, taker: int, without: list) -> dict | None:
        """The session moved into its nurse's route, if the added travel less the travel saved is below the price."""
        found = remaining.best(visit, [taker], limit=1)
        if not found:
            return None
        saved = remaining.travel_of(giver, remaining.orders[giver]) - remaining.travel_of(giver, without)
        if found[0].cost - saved >= self.problem.options.continuity_weight_s:
            return None
        taker_order = list(remaining.orders[taker])
        taker_order.insert(found[0].position, visit)
        return {giver: without, taker: taker_order}

    def _in_place_of_a_one_off(self, remaining: RemainingDays, visit, giver: int, taker: int, without: list):
        """(visit out, orders) for each visit of no course in the taker's day the session can take the place of.

        The orders: the giver's day without the session, the taker's with the session where the visit was
        (at its cheapest position, timed). Pinned visits and visits of the plan in force stay.
        """
        for out in remaining.orders[taker]:
            if self.problem.course_of(out.id) is not None or out.pinned_nurse is not None or out.id in self.problem.in_force:
                continue
            taker_without = [v for v in remaining.orders[taker] if v.id != out.id]
            found = remaining.best(visit, [taker], limit=1, orders={taker: taker_without})
            if found:
                position = found[0].position
                yield out, {giver: without, taker: [*taker_without[:position], visit, *taker_without[position:]]}

    def _swapped_in(self, day: date, remaining: RemainingDays, visit, giver: int, taker: int, without: list) -> dict | None:
        """The session in its nurse's route in place of a one-off visit, which goes to whichever nurse takes it cheapest.

        Her routes are full in time on an overbooked day, so a session rarely fits beside her visits; a
        visit of no course (continuity is nothing to it) can often go to another nurse instead. Taken
        when the day's travel and missed preferences fall (continuity_weight_s each), every route timed.
        A visit of the plan in force keeps its nurse (a re-plan keeps what it can).
        """
        day_problem = remaining.day
        price = self.problem.options.continuity_weight_s

        def missed(v, n: int) -> int:
            return price if v.preferred_nurses and day_problem.nurses[n].id not in v.preferred_nurses else 0

        best: tuple[int, dict] | None = None
        for out, orders in self._in_place_of_a_one_off(remaining, visit, giver, taker, without):
            others = [n for n in self.eligible[day].get(out.id, ()) if n != taker]
            placed = remaining.best(out, others, limit=1, orders=orders)
            if not placed:
                continue
            changed = _with_inserted(remaining, orders, placed[0], out)
            change = _driving_change(remaining, changed) - price + missed(out, placed[0].nurse) - missed(out, taker)
            if change < 0 and (best is None or change < best[0]):
                best = (change, changed)
        return None if best is None else best[1]

    def _exchanged_with_left_out(self, day: date, remaining: RemainingDays, visit, giver: int, taker: int, without: list):
        """The session in its nurse's full day in place of a visit of no course that no other nurse can take, and a
        visit left out (of no course, its range holding the day, at least as high a priority) into the time freed.

        As much weight is served and the session is with its nurse; taken when the weight served grows, or
        when it stays and the day's driving and missed preferences fall. A visit of the plan in force never
        goes out (a re-plan keeps what it can).
        """
        day_problem = remaining.day
        price = self.problem.options.continuity_weight_s
        # Those that may fill the time the session leaves: the nearest to its place (a handful, for speed).
        near = sorted(
            (
                v
                for v in day_problem.visits
                if v.id in self.left_out
                and v.id in self.dropped
                and self.problem.course_of(v.id) is None
                and (self.dropped[v.id][0] == day or day in self._range(v.id))
            ),
            key=lambda v: (day_problem.travel(visit.location_index, v.location_index), v.id),
        )[:EXCHANGE_CANDIDATES]
        waiting = sorted(near, key=lambda v: -v.priority)
        for out, orders in self._in_place_of_a_one_off(remaining, visit, giver, taker, without):
            for waiting_visit in waiting:
                if waiting_visit.priority < out.priority:
                    break
                placed = remaining.best(
                    waiting_visit, list(self.eligible[day].get(waiting_visit.id, ())), orders=orders, max_timed=20
                )
                if not placed:
                    continue
                changed = _with_inserted(remaining, orders, placed[0], waiting_visit)
                missed = placed[0].cost - placed[0].added_travel  # her preference, if the receiver is not hers
                if waiting_visit.priority > out.priority or _driving_change(remaining, changed) + missed - price < 0:
                    return changed, out, waiting_visit
        return None


def _with_inserted(remaining: RemainingDays, orders: dict[int, list], found: Insertion, visit) -> dict[int, list]:
    """`orders` (some nurses' days as they would be) with `visit` inserted where `found` puts it."""
    receiver = list(orders.get(found.nurse, remaining.orders[found.nurse]))
    receiver.insert(found.position, visit)
    return {**orders, found.nurse: receiver}


def _driving_change(remaining: RemainingDays, orders: dict[int, list]) -> int:
    """The driving of the nurses' days in `orders` less that of their days as they are."""
    return sum(remaining.travel_of(n, order) - remaining.travel_of(n, remaining.orders[n]) for n, order in orders.items())


def _leave_out_later_sessions(problem: WeekProblem, orders, served_on: dict[str, date], left_out: dict[str, str]) -> None:
    """A session left out leaves every later session of its course out, taken out of its route if served."""
    for course in problem.courses:
        missing = next((v for v in course.sessions if v not in served_on), None)
        if missing is None:
            continue
        for later in course.sessions[course.sessions.index(missing) + 1 :]:
            reason = f"an earlier session of course {course.id} ({missing}) is not planned"
            if later in served_on:
                for order in orders[served_on.pop(later)].values():
                    if later in order:
                        order.remove(later)
            left_out.setdefault(later, reason)
            if left_out[later] != reason and later in served_on:
                left_out[later] = reason


def _final_roster(
    problem: WeekProblem,
    assignment: DayAssignment,
    day: date,
    by_nurse: dict[str, list[str]],
    left_out: dict[str, str],
    routed: Mapping[str, Any],
) -> dict[str, Any]:
    """The day's roster document after the repair: routes re-timed, fixed visits left out listed, checked."""
    served = [v for order in by_nurse.values() for v in order]
    # A fixed visit left out shows on its day too, unless its pinned nurse does not work that day (no day
    # problem can hold it then: it is in the plan's unassigned only).
    working = {nurse_id for nurse_id, shifts in assignment.day_shifts.items() if day in shifts}
    fixed_out = [
        v.id for v in problem.visits if v.fixed and v.dates[0] == day and v.id in left_out and v.pinned_nurse in (None, *working)
    ]
    day_problem = parse_problem(day_document(problem, assignment, day, served + fixed_out))
    visits = {visit.id: visit for visit in day_problem.visits}
    routes = []
    for nurse in day_problem.nurses:
        order = [visits[v] for v in by_nurse.get(nurse.id, [])]
        try:
            routes.append(schedule_route(day_problem, nurse, order))
        except InfeasibleSequence as why:  # only if a removal broke the travel triangle (a matrix): say so loudly
            raise WeekPlanInfeasible(f"{day}: {nurse.id}'s route cannot be timed after the repair: {why}") from None
    summary = routed.get("summary", {})
    stats = SolveStats(float(summary.get("solve_time_s", 0.0)), 0, int(summary.get("solutions_found", 0)))
    solution = Solution(tuple(routes), tuple(Unassigned(v, left_out[v]) for v in fixed_out), stats)
    violations = check_solution(day_problem, solution)
    if violations:
        raise WeekPlanInfeasible(f"{day}: " + "; ".join(violations))
    return roster_document(day_problem, solution)


def _summary(problem: WeekProblem, assignment: DayAssignment, days, unassigned) -> dict[str, Any]:
    nurse_of = {
        stop["visit_id"]: route["nurse_id"] for roster in days.values() for route in roster["routes"] for stop in route["stops"]
    }
    out_weight = sum(problem.visit(v).priority for v, _ in unassigned)
    continuity = []
    with_own = sessions = 0
    for course in problem.courses:
        nurses = [nurse_of[v] for v in course.sessions if v in nurse_of]
        sessions += len(nurses)
        with_own += sum(1 for n in nurses if n == assignment.course_nurses.get(course.id))
        if nurses:
            continuity.append(max(nurses.count(n) for n in set(nurses)) / len(nurses))
    return {
        "visits": len(problem.visits),
        "assigned": len(nurse_of),
        "unassigned": len(unassigned),
        "unassigned_priority_weight": out_weight,
        "total_priority_weight": sum(v.priority for v in problem.visits),
        "sessions": sessions,
        "sessions_with_course_nurse": with_own,
        "course_continuity": round(sum(continuity) / len(continuity), 4) if continuity else 1.0,
        "total_travel_s": sum(roster["summary"]["total_travel_s"] for roster in days.values()),
    }
