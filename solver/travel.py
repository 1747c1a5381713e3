"""Travel-time matrices."""

from __future__ import annotations

import numpy as np

# Mean Earth radius of the WGS-84 ellipsoid in km, as geopy's great_circle uses.
EARTH_RADIUS_KM = 6371.009


def great_circle_km(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) between every pair of points, vectorised (haversine)."""
    lat = np.radians(np.asarray(lats, dtype=np.float64))
    lon = np.radians(np.asarray(lons, dtype=np.float64))
    sin_dlat = np.sin((lat[:, None] - lat[None, :]) / 2.0)
    sin_dlon = np.sin((lon[:, None] - lon[None, :]) / 2.0)
    cos_lat = np.cos(lat)
    h = sin_dlat**2 + np.outer(cos_lat, cos_lat) * sin_dlon**2
    np.clip(h, 0.0, 1.0, out=h)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h, out=h), out=h)


def speed_durations(lats: np.ndarray, lons: np.ndarray, speed_kmh: float, circuity: float) -> np.ndarray:
    """Seconds to drive between every pair: great-circle km × circuity ÷ speed, rounded up."""
    seconds = great_circle_km(lats, lons)
    seconds *= circuity * 3600.0 / speed_kmh
    # Guard against float noise turning an exact integer into the next one up.
    seconds -= 1e-6
    np.ceil(seconds, out=seconds)
    np.maximum(seconds, 0.0, out=seconds)
    durations = seconds.astype(np.int64)
    durations.flags.writeable = False
    return durations


def euclidean_truncated(xs: np.ndarray, ys: np.ndarray, scale: int = 10) -> np.ndarray:
    """Euclidean distances × scale, truncated to integers (DIMACS convention for scale=10)."""
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) * scale
    # floor(10*d) with a tiny tolerance so that e.g. 10*sqrt(2.25)=15.0 is not read as 14.999…
    matrix = np.floor(d + 1e-9).astype(np.int64)
    matrix.flags.writeable = False
    return matrix


def as_duration_matrix(rows: list[list[float]] | np.ndarray) -> np.ndarray:
    """A caller-supplied matrix (e.g. from OSRM) as read-only int64 seconds, rounded up."""
    matrix = np.asarray(rows, dtype=np.float64)
    matrix = np.ceil(matrix - 1e-9).astype(np.int64)
    matrix.flags.writeable = False
    return matrix
