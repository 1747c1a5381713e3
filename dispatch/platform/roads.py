"""Road travel times: OSRM datasets built from OpenStreetMap extracts, asked in process (osrm-bindings)
or over HTTP (an `osrm-routed` server), with a cache of what was asked, per dataset, keyed by place.

A region names its dataset (regions.roads_dataset); the dataset is the folder
`NURSE_DISPATCH_ROADS_DIR/<name>/` that `nurse-dispatch roads build` made. Patients' homes and nurses'
bases recur day after day, so a warm cache asks the engine only about places it has not seen.
Durations are kept as the engine gives them (tenths of a second); an unreachable pair is NaN, and the
caller decides what to do about it (dispatch/rosters/travel.py falls back to the geodesic model).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import numpy as np

from dispatch.errors import InvalidField
from dispatch.vocabulary import ROADS_DATASET_PATTERN

# OpenStreetMap's licence asks that its data be credited wherever it is used.
ATTRIBUTION = "Road data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
DATASET_NAME = re.compile(ROADS_DATASET_PATTERN)
# Rows per table request: bounds the engine's answer (and its conversion) held in memory at once.
BLOCK_ROWS = 1000
# osrm-routed refuses tables larger than its --max-table-size (100 by default): ask it in small blocks.
HTTP_BLOCK = 100
# Places a cache remembers (its matrix is this squared × 4 bytes: 100 MB); past it, it starts afresh.
CACHE_PLACES = 5000
_UNREACHABLE = -1
# The engine's limit on a table's places; OSRM squares it in 32 bits (2**20 is refused as "TooBig"), so stay below 46,340.
MAX_TABLE = 40_000


class RoadsUnavailable(Exception):
    """The dataset or the routing server cannot answer; the message says why, for the roster's travel note."""


def car_profile() -> Path:
    """The car profile shipped inside the osrm-bindings wheel."""
    import osrm

    return Path(osrm.__file__).parent / "share" / "profiles" / "car.lua"


def build_dataset(extract: Path, out: Path) -> Path:
    """Prepare a road dataset (OSRM, car profile, contraction hierarchies) from an OpenStreetMap extract.

    Writes `<out>/<name>.osrm.*` and an ATTRIBUTION file; returns the dataset's base path.
    """
    if not extract.is_file():
        raise FileNotFoundError(f"{extract}: no such OpenStreetMap extract")
    out.mkdir(parents=True, exist_ok=True)
    stem = extract.name.split(".")[0].lower()
    # osrm-extract writes next to its input: a link puts its output in `out` without copying a large extract.
    link = out / f"{stem}.osm.pbf"
    link.unlink(missing_ok=True)
    link.symlink_to(extract.resolve())
    try:
        for step in (["extract", "-p", str(car_profile()), str(link)], ["contract", str(out / f"{stem}.osrm")]):
            done = subprocess.run([sys.executable, "-m", "osrm", *step], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"osrm {step[0]} failed: {(done.stderr or done.stdout).strip()[-800:]}")
    finally:
        link.unlink(missing_ok=True)
    (out / "ATTRIBUTION").write_text(f"{ATTRIBUTION}\nBuilt from {extract.name}.\n")
    return out / f"{stem}.osrm"


def dataset_base(folder: Path) -> Path:
    """The `*.osrm` base of the one dataset in `folder`; RoadsUnavailable when there is none."""
    bases = sorted(folder.glob("*.osrm.hsgr")) if folder.is_dir() else []
    if not bases:
        raise RoadsUnavailable(f"no road dataset in {folder} (build one with `nurse-dispatch roads build`)")
    return bases[0].with_suffix("")


def checked_dataset_name(name: str | None, field: str = "roads_dataset") -> str | None:
    """A region's dataset name: a plain folder name (never a path), or None for the geodesic model."""
    if name is None or name == "":
        return None
    if not DATASET_NAME.match(name):
        raise InvalidField(f"{name!r} is not a dataset name: 1–40 lower-case letters, digits, '-' or '_'", field)
    return name


class Engine(Protocol):
    """Something that answers a table of road durations (seconds; NaN where no road joins the pair)."""

    def table(self, places: np.ndarray, sources: list[int], destinations: list[int]) -> np.ndarray: ...


class OsrmEngine:
    """A dataset loaded in this process (osrm-bindings)."""

    def __init__(self, base: Path):
        import osrm

        try:
            self._osrm = osrm.OSRM(
                storage_config=str(base), algorithm="CH", use_shared_memory=False, max_locations_distance_table=MAX_TABLE
            )
        except RuntimeError as error:
            raise RoadsUnavailable(f"road dataset {base} cannot be loaded: {error}") from None

    def table(self, places: np.ndarray, sources: list[int], destinations: list[int]) -> np.ndarray:
        import osrm

        params = osrm.TableParameters(
            coordinates=[(float(lon), float(lat)) for lat, lon in places],
            sources=sources,
            destinations=destinations,
            annotations=["duration"],
            generate_hints=False,
        )
        params.skip_waypoints = True
        answer = self._osrm.Table(params)
        # The fast path: a list per row, then one float array (None becomes NaN). Indexing each cell from
        # Python, or reading the answer's text, is two to three times slower (docs/BENCHMARKS.md).
        return np.array([list(row) for row in answer["durations"]], dtype=np.float64)


class OsrmHttpEngine:
    """An `osrm-routed` server's table service (one shared routing server instead of a dataset per worker)."""

    def __init__(self, url: str, timeout_s: float = 30.0):
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    def table(self, places: np.ndarray, sources: list[int], destinations: list[int]) -> np.ndarray:
        result = np.full((len(sources), len(destinations)), np.nan)
        for r in range(0, len(sources), HTTP_BLOCK):
            for c in range(0, len(destinations), HTTP_BLOCK):
                rows, cols = sources[r : r + HTTP_BLOCK], destinations[c : c + HTTP_BLOCK]
                asked = sorted(set(rows) | set(cols))
                where = {place: i for i, place in enumerate(asked)}
                path = ";".join(f"{places[i][1]:.6f},{places[i][0]:.6f}" for i in asked)
                query = {
                    "sources": ";".join(str(where[i]) for i in rows),
                    "destinations": ";".join(str(where[i]) for i in cols),
                    "annotations": "duration",
                    "skip_waypoints": "true",
                }
                try:
                    answer = httpx.get(f"{self.url}/table/v1/driving/{path}", params=query, timeout=self.timeout_s).json()
                except (httpx.HTTPError, ValueError) as error:
                    raise RoadsUnavailable(f"the routing server {self.url} did not answer: {error}") from None
                if answer.get("code") != "Ok":
                    raise RoadsUnavailable(f"the routing server {self.url} refused the table: {answer.get('message')}")
                block = np.array(answer["durations"], dtype=np.float64)
                result[r : r + len(rows), c : c + len(cols)] = block
        return result


class TravelCache:
    """Road durations between every pair of places asked so far, for one engine; asks only about new places."""

    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.name = name
        self._lock = threading.Lock()
        self._index: dict[tuple[float, float], int] = {}
        self._places = np.empty((0, 2))
        # Tenths of a second (the engine's resolution), _UNREACHABLE where no road joins the pair.
        self._tenths = np.empty((0, 0), dtype=np.int32)
        self.places_asked = 0  # places the engine was asked about (a test and the benchmark read it)

    def durations(self, places: np.ndarray) -> np.ndarray:
        """Seconds between every pair of `places` ((lat, lon) rows), NaN where no road joins them."""
        keys = [(round(float(lat), 6), round(float(lon), 6)) for lat, lon in places]
        with self._lock:
            new = list(dict.fromkeys(k for k in keys if k not in self._index))
            if len(self._index) + len(new) > CACHE_PLACES:
                self._forget()
                new = list(dict.fromkeys(keys))
            if new:
                self._learn(new)
            rows = np.fromiter((self._index[k] for k in keys), dtype=np.intp, count=len(keys))
            tenths = self._tenths[np.ix_(rows, rows)]
        seconds = tenths / 10.0
        seconds[tenths == _UNREACHABLE] = np.nan
        return seconds

    def _forget(self) -> None:
        self._index, self._places, self._tenths = {}, np.empty((0, 2)), np.empty((0, 0), dtype=np.int32)

    def _learn(self, new: list[tuple[float, float]]) -> None:
        """Ask the engine about `new` places; the cache changes only once every answer is in (an engine that
        fails half-way, say a routing server restarting, leaves it as it was)."""
        old_count = len(self._index)
        places = np.vstack([self._places, np.array(new, dtype=np.float64)])
        count = len(places)
        tenths = np.full((count, count), _UNREACHABLE, dtype=np.int32)
        tenths[:old_count, :old_count] = self._tenths
        everyone, newcomers, known = list(range(count)), list(range(old_count, count)), list(range(old_count))
        # From each new place to every place, then from the places already known to the new ones.
        for start in range(0, len(newcomers), BLOCK_ROWS):
            rows = newcomers[start : start + BLOCK_ROWS]
            tenths[rows[0] : rows[-1] + 1, :] = _as_tenths(self.engine.table(places, rows, everyone))
        for start in range(0, len(known), BLOCK_ROWS):
            rows = known[start : start + BLOCK_ROWS]
            tenths[rows[0] : rows[-1] + 1, old_count:] = _as_tenths(self.engine.table(places, rows, newcomers))
        for key in new:
            self._index[key] = len(self._index)
        self._places, self._tenths = places, tenths
        self.places_asked += len(new)


def _as_tenths(seconds: np.ndarray) -> np.ndarray:
    tenths = np.full(seconds.shape, _UNREACHABLE, dtype=np.int32)
    reachable = ~np.isnan(seconds)
    tenths[reachable] = np.rint(seconds[reachable] * 10).astype(np.int32)
    return tenths


@dataclass(frozen=True)
class RoadSource:
    """Where a dataset's road times come from: a folder loaded in process, or an osrm-routed URL."""

    name: str
    folder: Path | None = None
    url: str | None = None

    def key(self) -> str:
        return self.url or str(self.folder)


_caches: dict[str, TravelCache] = {}
_caches_lock = threading.Lock()


def travel_cache(source: RoadSource) -> TravelCache:
    """The process's cache for this dataset (loaded on first use; kept for the life of the worker)."""
    with _caches_lock:
        cache = _caches.get(source.key())
        if cache is None:
            if source.url:
                engine: Engine = OsrmHttpEngine(source.url)
            else:
                assert source.folder is not None
                engine = OsrmEngine(dataset_base(source.folder))
            cache = _caches[source.key()] = TravelCache(engine, source.name)
        return cache


def road_source(name: str, roads_dir: Path | None, roads_url: str | None) -> RoadSource:
    """A region's dataset name resolved against the settings; RoadsUnavailable when it cannot be reached."""
    if roads_url:
        return RoadSource(name, url=roads_url.replace("{dataset}", name))
    if roads_dir is None:
        raise RoadsUnavailable(f"road dataset {name} is set, but NURSE_DISPATCH_ROADS_DIR is not")
    folder = roads_dir / name
    try:
        dataset_base(folder)  # missing: said now, before anyone waits on it
    except RoadsUnavailable:
        # Said to dispatchers (the roster's travel note), so without the server's paths.
        raise RoadsUnavailable(
            f"road dataset {name} is missing from NURSE_DISPATCH_ROADS_DIR (build it with `nurse-dispatch roads build`)"
        ) from None
    return RoadSource(name, folder=folder)


def loaded_memory_mb() -> float:
    """This process's resident memory, MB (Linux; NaN elsewhere): what a loaded dataset costs a worker."""
    try:
        status: dict[str, Any] = dict(
            line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
        )
        return int(status["VmRSS"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return math.nan
