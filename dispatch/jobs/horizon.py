"""How far from today a solve, a re-plan or a week plan may be asked for (the solver crashed on days years away)."""

from __future__ import annotations

from datetime import date

from dispatch.errors import InvalidField

# A solve or re-plan is for a working day near today; a date years away is a typo (and the solver's
# time arithmetic does not expect it).
MAX_DAYS_AWAY = 366


def check_day_near(day: date) -> None:
    """Refuse (422, field `day`) a solve or re-plan of a day more than MAX_DAYS_AWAY from today."""
    if abs((day - date.today()).days) > MAX_DAYS_AWAY:
        raise InvalidField(f"{day} is more than {MAX_DAYS_AWAY} days from today; solves are for days within a year", "day")
