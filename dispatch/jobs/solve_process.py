"""One solve (or re-plan: `python -m dispatch.jobs.solve_process replan`) in a process of its own:
a problem document on stdin, JSON lines out.

OR-Tools holds the GIL while it searches (measured: a 10 ms timer thread stalls for up to 0.6 s),
so a solve inside the API or worker process would freeze it. Lines written:
  {"progress": {"best_objective": .., "elapsed_s": .., "visits_placed": .., "visits": ..}}   as better rosters are found
  {"roster": {...}}                                      the roster document, at the end
  {"error": "..."}                                       the document was refused (exit code 2)
"""

from __future__ import annotations

import ctypes
import json
import signal
import sys

from dispatch.rosters.naming import named_path, parse_day
from solver import ProblemError, replan, roster_document, solve

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: have the kernel kill this process when the worker that started it dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the parent's stdin closing ends us at the next write instead


def _emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Solve the day on stdin; with the argument `replan`, re-plan it (a job of kind "replan")."""
    die_with_parent()
    kind = (sys.argv[1:] if argv is None else argv) or ["solve"]
    plan = {"solve": solve, "replan": replan}[kind[0]]  # the job's kind (solve_jobs.kind)
    try:
        document = json.load(sys.stdin)
        problem = parse_day(document)
    except (ProblemError, ValueError) as error:
        _emit({"error": str(error)})
        return 2
    best: list[int | None] = [None]
    shown_placed = [-1]
    visits = len(problem.visits)

    def report(objective: int, elapsed: float, placed: int) -> None:
        # The search reports each solution it accepts; users want the best so far, and how many visits it places.
        # A day solved in parts sums the parts' objectives, which grows as each part is added: its visits placed
        # grow too, and are news.
        if best[0] is None or objective < best[0] or placed > shown_placed[0]:
            best[0], shown_placed[0] = objective, placed
            progress = {"best_objective": objective, "elapsed_s": round(elapsed, 2), "visits_placed": placed, "visits": visits}
            _emit({"progress": progress})

    try:
        solution = plan(problem, report)
    except ProblemError as error:  # a solve job given a day under way: solve() refuses it
        _emit({"error": str(ProblemError(named_path(document, error.path), error.problem))})
        return 2
    _emit({"roster": roster_document(problem, solution)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
