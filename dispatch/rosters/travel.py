"""Travel times for a region's day: its road dataset when it has one, the geodesic model otherwise, and a note
saying which (stored on the roster, shown in the console).

Every travel question the service asks about a day (a solve, a re-plan, an urgent slot, a move, the
roster view's drive times, a nurse's times) reads the problem document built here: with road times, its
places carry an `index` into `travel.durations_s`, which the solver reads as any other matrix.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from dispatch.platform.db import Db
from dispatch.platform.roads import RoadsUnavailable, TravelCache, road_source, travel_cache
from dispatch.platform.settings import Settings
from dispatch.records.regions import region
from solver.travel import speed_durations

log = logging.getLogger(__name__)

# The fallback, and the model of a region without a dataset: great-circle × circuity at a city speed.
GEODESIC = {"speed_kmh": 40, "circuity": 1.35}


def region_travel(conn: Db, region_id: str) -> tuple[TravelCache | None, dict[str, Any]]:
    """The region's road times (or None) and the travel note a roster made with them starts from."""
    name = region(conn, region_id)["roads_dataset"]
    if not name:
        return None, {"model": "geodesic", "reason": "no road dataset is set for this region"}
    settings = Settings()
    try:
        return travel_cache(road_source(name, settings.roads_dir, settings.roads_url)), {"model": "road", "dataset": name}
    except RoadsUnavailable as why:
        log.warning("region %s: road times unavailable, geodesic model used: %s", region_id, why)
        return None, {"model": "geodesic", "dataset": name, "reason": str(why)}


def with_travel(document: dict[str, Any], roads: TravelCache | None, note: dict[str, Any]) -> tuple[dict, dict]:
    """The problem document timed by road (places become matrix rows) or by the geodesic model, and its note."""
    if roads is None:
        return document | {"travel": GEODESIC}, note
    places: dict[tuple[float, float], int] = {}
    document = _indexed(document, places)
    points = np.array(list(places), dtype=np.float64).reshape(-1, 2)
    try:
        seconds = roads.durations(points)
    except RoadsUnavailable as why:
        log.warning("road times unavailable, geodesic model used: %s", why)
        plain = _without_index(document)
        return plain | {"travel": GEODESIC}, {"model": "geodesic", "dataset": note.get("dataset"), "reason": str(why)}
    unreachable = np.isnan(seconds)
    geodesic = speed_durations(points[:, 0], points[:, 1], GEODESIC["speed_kmh"], GEODESIC["circuity"])
    durations = np.where(unreachable, geodesic, np.ceil(np.nan_to_num(seconds) - 1e-9)).astype(np.int64)
    note = dict(note)
    if unreachable.any():
        pairs = int(unreachable.sum())
        note["geodesic_pairs"] = pairs
        note["reason"] = (
            f"{pairs} of {unreachable.size} pairs of places have no road between them in dataset "
            f"{note['dataset']}: the geodesic model times those"
        )
    return document | {"travel": {"durations_s": durations.tolist()}}, note


def _indexed(document: dict[str, Any], places: dict[tuple[float, float], int]) -> dict[str, Any]:
    """The document with each place given its row (`index`), rows numbered in the order places first appear."""

    def place(location: dict) -> dict:
        key = (float(location["lat"]), float(location["lon"]))
        return {"index": places.setdefault(key, len(places)), "lat": key[0], "lon": key[1]}

    nurses = []
    for nurse in document["nurses"]:
        nurse = nurse | {"start": place(nurse["start"])}
        if "end" in nurse:
            nurse["end"] = place(nurse["end"])
        if "location" in nurse.get("now", {}):
            nurse["now"] = nurse["now"] | {"location": place(nurse["now"]["location"])}
        nurses.append(nurse)
    visits = [visit | {"location": place(visit["location"])} for visit in document["visits"]]
    return document | {"nurses": nurses, "visits": visits}


def _without_index(document: dict[str, Any]) -> dict[str, Any]:
    def plain(location: dict) -> dict:
        return {"lat": location["lat"], "lon": location["lon"]}

    nurses = []
    for nurse in document["nurses"]:
        nurse = nurse | {"start": plain(nurse["start"])}
        if "end" in nurse:
            nurse["end"] = plain(nurse["end"])
        if "location" in nurse.get("now", {}):
            nurse["now"] = nurse["now"] | {"location": plain(nurse["now"]["location"])}
        nurses.append(nurse)
    return document | {"nurses": nurses, "visits": [v | {"location": plain(v["location"])} for v in document["visits"]]}
