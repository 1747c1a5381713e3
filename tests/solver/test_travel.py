"""Travel matrices agree with geopy's geodesy and are built fast enough for big days."""

from __future__ import annotations

import numpy as np
from geopy.distance import geodesic, great_circle

from solver.travel import great_circle_km, speed_durations


def test_vectorised_great_circle_matches_geopy():
    rng = np.random.default_rng(3)
    lats = 39.74 + rng.uniform(-0.4, 0.4, 40)
    lons = -104.99 + rng.uniform(-0.5, 0.5, 40)
    ours = great_circle_km(lats, lons)
    for i in range(0, 40, 7):
        for j in range(1, 40, 5):
            assert abs(ours[i, j] - great_circle((lats[i], lons[i]), (lats[j], lons[j])).km) < 1e-6
            if i != j:  # the spherical model is within 0.5 % of the ellipsoid at this latitude
                assert abs(ours[i, j] / geodesic((lats[i], lons[i]), (lats[j], lons[j])).km - 1) < 0.005


def test_durations_are_rounded_up_whole_seconds_and_read_only():
    durations = speed_durations(np.array([0.0, 0.0]), np.array([0.0, 0.01]), speed_kmh=36.0, circuity=1.5)
    km = great_circle((0, 0), (0, 0.01)).km
    assert durations[0, 1] == int(np.ceil(km * 1.5 / 36.0 * 3600))
    assert durations[0, 0] == 0
    assert not durations.flags.writeable


def test_three_thousand_locations_build_a_full_matrix():
    rng = np.random.default_rng(0)
    durations = speed_durations(rng.uniform(39, 40, 3000), rng.uniform(-105.5, -104.5, 3000), 40.0, 1.3)
    assert durations.shape == (3000, 3000)
    assert durations.dtype == np.int64
    assert (durations.diagonal() == 0).all() and (durations >= 0).all()
