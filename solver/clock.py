"""The one place where wall-clock times meet the solver's integer seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DayClock:
    """Converts between local times on `day` in `tz_name` and elapsed seconds since local midnight."""

    day: date
    tz_name: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def midnight_utc(self) -> datetime:
        return datetime.combine(self.day, time(0), tzinfo=self.tz).astimezone(UTC)

    def seconds(self, local: time, *, next_day: bool = False) -> int:
        """Elapsed seconds from local midnight to `local` on this day (or the next)."""
        day = self.day + timedelta(days=1) if next_day else self.day
        moment = datetime.combine(day, local, tzinfo=self.tz).astimezone(UTC)
        return int((moment - self.midnight_utc).total_seconds())

    def datetime(self, seconds: int) -> datetime:
        return (self.midnight_utc + timedelta(seconds=seconds)).astimezone(self.tz)

    def iso(self, seconds: int) -> str:
        return self.datetime(seconds).isoformat(timespec="seconds")

    def hhmm(self, seconds: int) -> str:
        # Cached by minute (time zone offsets are whole minutes): the scheduler words every order it
        # refuses in clock times, many thousands a solve, and a time zone conversion costs ~10 µs.
        return _hhmm(self, seconds // 60)


@lru_cache(maxsize=4096)
def _hhmm(clock: DayClock, minutes: int) -> str:
    return clock.datetime(minutes * 60).strftime("%H:%M")


def seconds_to_hours(seconds: int) -> float:
    return round(seconds / 3600.0, 2)
