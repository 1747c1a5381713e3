"""Pure optimisation: a day's nurses and visits in, a verified roster out. No I/O here."""

from solver.check import RosterInfeasible, check_solution
from solver.document import ProblemError, parse_problem
from solver.model import Problem, Solution
from solver.roster import roster_document
from solver.solve import solve

__all__ = ["Problem", "ProblemError", "RosterInfeasible", "Solution", "check_solution", "parse_problem",
           "roster_document", "solve"]
