"""A week plan's solver steps in a process of their own (CP-SAT and OR-Tools hold the GIL while they search).

`python -m dispatch.jobs.plan_process assign`: {"week": <week document>, "time_limit_s"} on stdin →
{"assignment": <base64 pickle of the solver's DayAssignment>}.
`python -m dispatch.jobs.plan_process day`: {"day": <day problem document>} → {"roster": <roster document>}.
`python -m dispatch.jobs.plan_process replan`: {"week", "plan", "from", "sick", "cancelled", "time_limit_s"} → {"plan":
<plan document of the whole horizon>} (the solver's `replan_week`, from the plan in force).
A document the solver refuses → {"error": "..."} and exit code 2.
"""

from __future__ import annotations

import base64
import json
import pickle
import sys
import time
from datetime import date
from typing import Any

from dispatch.jobs.solve_process import die_with_parent
from solver import ProblemError
from solver.week.assign import assign_days
from solver.week.days import solve_day_document
from solver.week.document import parse_week
from solver.week.replan import replan_week


def main(argv: list[str] | None = None) -> int:
    die_with_parent()
    mode = (sys.argv[1:] if argv is None else argv)[0]
    payload = json.load(sys.stdin)
    try:
        if mode == "assign":
            problem = parse_week(payload["week"])
            assignment = assign_days(problem, time.monotonic() + payload["time_limit_s"])
            answer: dict[str, Any] = {"assignment": base64.b64encode(pickle.dumps(assignment)).decode()}
        elif mode == "replan":
            week = payload["week"] | {"options": payload["week"].get("options", {}) | {"time_limit_s": payload["time_limit_s"]}}
            sick = {nurse: [date.fromisoformat(d) for d in days] for nurse, days in payload["sick"].items()}
            plan = replan_week(parse_week(week), payload["plan"], date.fromisoformat(payload["from"]), sick, payload["cancelled"])
            answer = {"plan": plan.document()}
        else:
            answer = {"roster": solve_day_document(payload["day"])}
    except (ProblemError, ValueError) as error:
        sys.stdout.write(json.dumps({"error": str(error)}))
        return 2
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
