"""Nurse contracts: a weekly shift template, exceptions by date, caps per day and week, and paid overtime.

This module is the one copy of the rule that says when a nurse works: a date's own row in
`nurse_shifts` (a changed day, or time off) wins; otherwise her template's shift for that weekday;
otherwise she is off. Every reader of shifts (a day's solve, a sick call, the week plan, the shift
grid, GET …/shifts) asks `shifts_between`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from dispatch.errors import InvalidField
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.nurses import nurse
from dispatch.records.regions import managed_region, region_today
from dispatch.vocabulary import WEEKDAYS

MAX_SHIFT_RANGE_DAYS = 366


@dataclass(frozen=True)
class Shift:
    starts: time
    ends: time
    # Where it comes from: `template` (her week), `exception` (the date's own shift).
    source: str

    @property
    def minutes(self) -> int:
        return (self.ends.hour * 60 + self.ends.minute) - (self.starts.hour * 60 + self.starts.minute)


def shifts_between(conn: Db, nurse_ids: Iterable[int], first: date, last: date) -> dict[tuple[int, date], Shift]:
    """Each nurse's shift on each date from `first` to `last` she works: (nurse id, date) → shift."""
    ids = sorted(set(nurse_ids))
    template: dict[tuple[int, int], tuple[time, time]] = {
        (r["nurse_id"], r["weekday"]): (r["starts"], r["ends"])
        for r in conn.execute("SELECT * FROM nurse_shift_templates WHERE nurse_id = ANY(%s)", [ids])
    }
    exceptions = {
        (r["nurse_id"], r["day"]): r
        for r in conn.execute(
            "SELECT nurse_id, day, starts, ends, off FROM nurse_shifts WHERE nurse_id = ANY(%s) AND day BETWEEN %s AND %s",
            [ids, first, last],
        )
    }
    found: dict[tuple[int, date], Shift] = {}
    for nurse_id in ids:
        for offset in range((last - first).days + 1):  # not `day += 1`: the last date there is has no next day
            day = first + timedelta(days=offset)
            own = exceptions.get((nurse_id, day))
            if own is not None:
                if not own["off"]:
                    found[(nurse_id, day)] = Shift(own["starts"], own["ends"], "exception")
            elif (nurse_id, day.isoweekday()) in template:
                starts, ends = template[(nurse_id, day.isoweekday())]
                found[(nurse_id, day)] = Shift(starts, ends, "template")
    return found


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def contract(conn: Db, who: Principal, nurse_id: int) -> dict[str, Any]:
    """Her contract as the API answers it: template by weekday name, caps, overtime."""
    row = nurse(conn, who, nurse_id)
    template = {
        WEEKDAYS[r["weekday"] - 1]: {"start": r["starts"], "end": r["ends"]}
        for r in conn.execute("SELECT * FROM nurse_shift_templates WHERE nurse_id = %s ORDER BY weekday", [nurse_id])
    }
    return {
        "nurse_id": nurse_id,
        "template": template,
        "max_day_min": row["max_day_min"],
        "max_week_min": row["max_week_min"],
        "overtime": {"max_min": row["overtime_max_min"], "cost_per_min_s": row["overtime_cost_per_min_s"]},
    }


def set_contract(conn: Db, who: Principal, nurse_id: int, given: dict[str, Any]) -> dict[str, Any]:
    """Replace her template, caps and overtime; each shift is checked and named by its weekday."""
    with conn.transaction():
        her = nurse(conn, who, nurse_id, lock=True)
        template: dict[str, dict] = given.get("template") or {}
        max_day = given.get("max_day_min")
        for weekday, shift in template.items():
            if weekday not in WEEKDAYS:
                raise InvalidField(f"{her['name']}: unknown weekday {weekday!r} (known: {', '.join(WEEKDAYS)})", "template")
            if shift["end"] <= shift["start"]:
                raise InvalidField(
                    f"{her['name']}: the {weekday} shift ends at {shift['end']:%H:%M}, not after it starts at"
                    f" {shift['start']:%H:%M}",
                    f"template.{weekday}.end",
                )
            if max_day is not None and _minutes(shift["start"], shift["end"]) > max_day:
                raise InvalidField(
                    f"{her['name']}: the {weekday} shift is {_minutes(shift['start'], shift['end'])} min, longer than"
                    f" her {max_day} min a day",
                    f"template.{weekday}",
                )
        overtime = given.get("overtime") or {"max_min": 0, "cost_per_min_s": 0}
        conn.execute(
            "UPDATE nurses SET max_day_min = %s, max_week_min = %s, overtime_max_min = %s, overtime_cost_per_min_s = %s,"
            " version = version + 1 WHERE id = %s",
            [max_day, given.get("max_week_min"), overtime["max_min"], overtime["cost_per_min_s"], nurse_id],
        )
        conn.execute("DELETE FROM nurse_shift_templates WHERE nurse_id = %s", [nurse_id])
        for weekday, shift in template.items():
            conn.execute(
                "INSERT INTO nurse_shift_templates (nurse_id, weekday, starts, ends) VALUES (%s, %s, %s, %s)",
                [nurse_id, WEEKDAYS.index(weekday) + 1, shift["start"], shift["end"]],
            )
        audit.record(conn, who, "set_contract", f"nurse/{nurse_id}", weekdays=sorted(template, key=WEEKDAYS.index))
    return contract(conn, who, nurse_id)


def set_time_off(conn: Db, who: Principal, nurse_id: int, day: date, note: str) -> dict[str, Any]:
    """An exception: she does not work on `day`, whatever her template says."""
    nurse(conn, who, nurse_id)
    with conn.transaction():
        one(
            conn.execute(
                "INSERT INTO nurse_shifts (nurse_id, day, starts, ends, off, note) VALUES (%s, %s, NULL, NULL, true, %s)"
                " ON CONFLICT (nurse_id, day) DO UPDATE SET starts = NULL, ends = NULL, off = true, note = EXCLUDED.note"
                " RETURNING nurse_id",
                [nurse_id, day, note],
            )
        )
        audit.record(conn, who, "time_off", f"nurse/{nurse_id}", date=day.isoformat())
    return {"nurse_id": nurse_id, "date": day, "off": True, "note": note}


def shift_grid(conn: Db, who: Principal, region_id: str, first: date, days: int) -> dict[str, Any]:
    """The week shift grid: each active nurse × each date, her shift (and where it comes from) or off."""
    managed_region(conn, who, region_id)
    last = first + timedelta(days=days - 1)
    nurses = conn.execute(
        "SELECT id, name, max_week_min FROM nurses WHERE region_id = %s AND active ORDER BY name, id", [region_id]
    ).fetchall()
    shifts = shifts_between(conn, [n["id"] for n in nurses], first, last)
    off = {
        (r["nurse_id"], r["day"]): r["note"]
        for r in conn.execute(
            "SELECT nurse_id, day, note FROM nurse_shifts WHERE off AND nurse_id = ANY(%s) AND day BETWEEN %s AND %s",
            [[n["id"] for n in nurses], first, last],
        )
    }
    dates = [first + timedelta(days=k) for k in range(days)]
    rows = []
    for n in nurses:
        cells = []
        for day in dates:
            shift = shifts.get((n["id"], day))
            cells.append(
                {
                    "date": day,
                    "start": shift.starts if shift else None,
                    "end": shift.ends if shift else None,
                    "source": shift.source if shift else ("time_off" if (n["id"], day) in off else "off"),
                    "note": off.get((n["id"], day), ""),
                }
            )
        week_min = sum(Shift(c["start"], c["end"], "").minutes for c in cells if c["start"] is not None)
        rows.append(
            {"nurse_id": n["id"], "name": n["name"], "max_week_min": n["max_week_min"], "minutes": week_min, "cells": cells}
        )
    return {"region_id": region_id, "dates": dates, "nurses": rows}


def shifts(conn: Db, who: Principal, nurse_id: int, first: date | None, last: date | None) -> list[dict]:
    """Her shifts from `first` (default today) to `last` (default a month on), template and exceptions together."""
    her = nurse(conn, who, nurse_id)
    first = first or region_today(conn, her["region_id"])
    last = last or min(first, date.max - timedelta(days=30)) + timedelta(days=30)
    if (last - first).days > MAX_SHIFT_RANGE_DAYS:
        raise InvalidField(f"ask for at most {MAX_SHIFT_RANGE_DAYS} days at once", "to")
    found = shifts_between(conn, [nurse_id], first, last)
    return [
        {"nurse_id": nurse_id, "date": day, "start": shift.starts, "end": shift.ends, "source": shift.source}
        for (_, day), shift in sorted(found.items())
    ]
