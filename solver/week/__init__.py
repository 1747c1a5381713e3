"""The week plan: a region's horizon of days, courses of sessions, weekly caps (docs/week-document.md).

`plan_week(parse_week(doc))` plans a horizon; the service may run its steps apart:
`assign_days` → `day_document` per day (routed by `solver.solve` on any worker) → `assemble`.
`check_week` is the independent checker; `replan_week` re-plans after an event.
"""

from solver.week.assemble import WeekPlanInfeasible, assemble, plan_week
from solver.week.assign import assign_days
from solver.week.check import check_week
from solver.week.days import day_document, route_days, solve_day_document
from solver.week.document import parse_week
from solver.week.model import Course, DayAssignment, Placement, WeekPlan, WeekProblem
from solver.week.replan import replan_week

__all__ = [
    "Course",
    "DayAssignment",
    "Placement",
    "WeekPlan",
    "WeekPlanInfeasible",
    "WeekProblem",
    "assemble",
    "assign_days",
    "check_week",
    "day_document",
    "parse_week",
    "plan_week",
    "replan_week",
    "route_days",
    "solve_day_document",
]
