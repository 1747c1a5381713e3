"""Learned durations against the fixed service time, on a replay of generated session records.

Each patient has a service and a pace of her own (some patients simply take longer); each session's
minutes on site come from an overrun shape. The replay goes through the sessions in the order they
happen and plans each visit twice, before its session: with the service's fixed minutes, and with what
the service would have suggested from the sessions recorded so far (dispatch.sameday.durations:
the 80th percentile, the patient's own after three sessions, else the service's). A visit is late when
it ends more than 15 minutes past its plan.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from dispatch.sameday.durations import suggested_minutes

# The services' fixed minutes (the schema's service_types).
SERVICE_MINUTES = {"evaluation": 60, "ketamine": 90, "hydration": 60, "myers": 45, "nad": 150}
LATE_AFTER_MIN = 15
# The service's own suggestion needs a few sessions before it stands in for the fixed time.
SERVICE_SESSIONS_NEEDED = 5


def _lognormal(rng: random.Random, planned: int, pace: float) -> float:
    """Most sessions near the patient's pace, a few a fair bit longer."""
    return planned * pace * rng.lognormvariate(0, 0.12)


def _complications(rng: random.Random, planned: int, pace: float) -> float:
    """Mostly on time, but one session in eight has a complication (a slowed drip, a reaction): 20–60 min more."""
    extra = rng.uniform(20, 60) if rng.random() < 1 / 8 else 0.0
    return planned * pace * rng.lognormvariate(0, 0.06) + extra


def _slow_patients(rng: random.Random, planned: int, pace: float) -> float:
    """The pace alone: a patient who takes long always does (a third of patients 25–45 % longer)."""
    return planned * pace * rng.lognormvariate(0, 0.05)


SHAPES: dict[str, tuple[Callable[[random.Random, int, float], float], Callable[[random.Random], float]]] = {
    # (a session's minutes, a patient's pace)
    "lognormal": (_lognormal, lambda rng: rng.lognormvariate(0.05, 0.10)),
    "complications": (_complications, lambda rng: rng.lognormvariate(0.0, 0.08)),
    "slow patients": (_slow_patients, lambda rng: rng.uniform(1.25, 1.45) if rng.random() < 1 / 3 else rng.uniform(0.9, 1.1)),
}


@dataclass(frozen=True)
class Replay:
    shape: str
    seed: int
    visits: int
    late_fixed: int
    late_learned: int
    planned_fixed_min: float
    planned_learned_min: float
    # The control: every fixed time padded by the same share, so that the plans are as long in all as the learned ones.
    late_padded: int

    @property
    def cut(self) -> float:
        return 1 - self.late_learned / self.late_fixed if self.late_fixed else 0.0


def replay(shape: str, seed: int, patients: int = 80, sessions_each: int = 8) -> Replay:
    """Generate the sessions of `patients` patients and replay them in order, planned both ways."""
    session_minutes, pace_of = SHAPES[shape]
    rng = random.Random(seed)
    people = [(p, rng.choice(list(SERVICE_MINUTES)), pace_of(rng)) for p in range(patients)]
    visits = [person for _ in range(sessions_each) for person in rng.sample(people, len(people))]
    by_service: dict[str, list[float]] = defaultdict(list)
    by_patient: dict[int, list[float]] = defaultdict(list)
    late_fixed = late_learned = 0
    planned_fixed = planned_learned = 0.0
    sessions: list[tuple[int, float]] = []
    for patient, service, pace in visits:
        fixed = SERVICE_MINUTES[service]
        learned, _ = suggested_minutes(fixed, by_service[service], by_patient[patient], SERVICE_SESSIONS_NEEDED)
        actual = session_minutes(rng, fixed, pace)
        late_fixed += actual > fixed + LATE_AFTER_MIN
        late_learned += actual > learned + LATE_AFTER_MIN
        planned_fixed += fixed
        planned_learned += learned
        by_service[service].append(actual)
        by_patient[patient].append(actual)
        sessions.append((fixed, actual))
    pad = planned_learned / planned_fixed
    late_padded = sum(actual > fixed * pad + LATE_AFTER_MIN for fixed, actual in sessions)
    return Replay(shape, seed, len(visits), late_fixed, late_learned, planned_fixed, planned_learned, late_padded)


def markdown(rows: list[Replay]) -> str:
    lines = [
        "| overrun shape | seed | visits | late, fixed time | late, learned | cut | planned minutes, learned vs fixed"
        " | late, fixed padded as long |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.shape} | {r.seed} | {r.visits} | {r.late_fixed} ({r.late_fixed / r.visits:.1%}) |"
            f" {r.late_learned} ({r.late_learned / r.visits:.1%}) | {r.cut:.0%} |"
            f" {r.planned_learned_min / r.planned_fixed_min - 1:+.1%} | {r.late_padded} ({r.late_padded / r.visits:.1%}) |"
        )
    return "\n".join(lines)
