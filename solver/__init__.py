"""Pure optimisation: a day's nurses and visits in, a verified roster out. No I/O here."""

from solver.check import RosterInfeasible, check_solution
from solver.document import ProblemError, parse_problem
from solver.model import Problem, Solution
from solver.replan import current_roster, replan
from solver.roster import roster_document
from solver.solve import solve
from solver.urgent import accept_slot, urgent_slots

__all__ = [
    "Problem",
    "ProblemError",
    "RosterInfeasible",
    "Solution",
    "accept_slot",
    "check_solution",
    "current_roster",
    "parse_problem",
    "replan",
    "roster_document",
    "solve",
    "urgent_slots",
]
