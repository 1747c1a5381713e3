"""The one place where wall-clock times meet the solver's integer seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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
        return self.datetime(seconds).strftime("%H:%M")


def seconds_to_hours(seconds: int) -> float:
    return round(seconds / 3600.0, 2)
