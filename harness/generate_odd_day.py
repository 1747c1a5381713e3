"""Days drawn unlike harness.generate's, to measure the day solver on days nobody tuned it for.

One day of harness.generate_odd_week's drawing, as a day document of the size asked: any of five cities
and an area from a town to a wide region, each nurse her own hours (some with overtime, a visit cap or no
break), visits of 20 minutes to 4 hours with no window, one window or two, priorities 1 to 10, some
pinned to a nurse, some excluding or preferring one, ketamine and NAD+ certifications held by some.
Where harness.generate draws a metro's realistic day of a named shape, this draws the day's shape itself
from the seed.
"""

from __future__ import annotations

import random
from typing import Any

from harness.generate_odd_week import FIRST_DAY, OddDraw


def generate_odd_day(nurses: int, visits: int, seed: int, time_limit_s: float = 10) -> dict[str, Any]:
    """A valid day document with `nurses` nurses (every one working) and `visits` visits, drawn from `seed`."""
    if nurses < 1 or visits < 0:
        raise ValueError(f"need at least one nurse and no negative visit count, got {nurses} nurses, {visits} visits")
    draw = OddDraw(random.Random(seed))
    day = FIRST_DAY
    nurse_docs = []
    while len(nurse_docs) < nurses:
        doc = draw.nurse(f"n{len(nurse_docs)}", [day])
        shift = doc.pop("shifts").get(day.isoformat())
        doc.pop("max_week_min", None)
        if shift is not None:  # a nurse drawn off that day is drawn again: the day has the nurses asked for
            nurse_docs.append(doc | {"shift": shift})
    visit_docs = []
    for k in range(visits):
        visit = draw.visit(f"v{k + 1}", f"p{k + 1}", day, 0, nurse_docs)
        del visit["date"]
        visit_docs.append(visit)
    return {
        "date": day.isoformat(),
        "timezone": draw.city[0],
        "nurses": nurse_docs,
        "visits": visit_docs,
        "travel": {"speed_kmh": draw.rng.choice([25, 40, 60]), "circuity": 1.3},
        "options": {"time_limit_s": time_limit_s},
    }
