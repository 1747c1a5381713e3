"""Realistic synthetic days of at-home IV therapy, as problem documents (see solver.document).

A day is drawn from one seeded generator, so the same arguments always give the same document.
Demand clusters in neighbourhoods of a metro area; nurses live all over it. Visit windows follow
staffing (more demand when more nurses are on shift) and, at about 6.5-7.5 visits per nurse, demand
is a little above what the nurses can cover, so a few low-priority visits stay unassigned.
All priorities are at most 10, well inside VROOM's 0..100 range.

A day's shape (SHAPES) says what kind of day it is: the service mix, the geography (radius,
neighbourhoods, scattered share, an elongated metro), visit caps, lunch and priority levels. The
caller's size (nurses and visits) says how much demand there is against the nurses; "standard" is
the day described above, so a change tuned to it can be measured on days it was not tuned to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from solver.vroom_start import VROOM_MAX_PRIORITY

DEFAULT_DAY = "2026-12-01"
BASE_VISITS = 200  # the default day's size, at which the metro has BASE_RADIUS_KM
BASE_RADIUS_KM = 35.0
KM_PER_DEGREE = 111.32  # along a meridian; along a parallel multiply by cos(latitude)

SCATTERED_SHARE = 0.15  # visits outside any neighbourhood
NEIGHBOURHOOD_SPREAD_KM = (1.5, 4.0)
KETAMINE_NURSE_SHARE = 0.45
NAD_NURSE_SHARE = 0.35
MAX_VISITS_RANGE = (6, 9)
LUNCH_MINUTES = 30

URGENT_SHARE = (0.03, 0.05)
URGENT_PRIORITY = 10
SERIES_PRIORITY = 2
SERIES_SHARE = 0.3  # of non-urgent treatments (evaluations are first visits, never a series)
PREFERRED_SHARE = 0.15
PINNED_SHARE = 0.02
PREFERENCE_POOL = 5  # preferred and pinned nurses come from the nearest qualified nurses

FIRST_START = 7 * 60 + 30  # minutes since midnight: no visit window opens earlier
LAST_START = 19 * 60  # nor closes later
GRID = 30  # window bounds fall on the half hour


@dataclass(frozen=True)
class Metro:
    """A metro area's centre, time zone and state (where its nurses are licensed)."""

    name: str
    lat: float
    lon: float
    timezone: str
    state: str


METROS: dict[str, Metro] = {
    metro.name: metro
    for metro in (
        Metro("denver", 39.7392, -104.9903, "America/Denver", "CO"),
        Metro("phoenix", 33.4484, -112.0740, "America/Phoenix", "AZ"),
        Metro("atlanta", 33.7490, -84.3880, "America/New_York", "GA"),
        Metro("seattle", 47.6062, -122.3321, "America/Los_Angeles", "WA"),
        Metro("houston", 29.7604, -95.3698, "America/Chicago", "TX"),
    )
}


@dataclass(frozen=True)
class ShiftPattern:
    """A shift, in minutes since midnight, and the share of nurses who work it."""

    start: int
    end: int
    share: float


SHIFT_PATTERNS = (
    ShiftPattern(7 * 60, 15 * 60 + 30, 0.30),
    ShiftPattern(8 * 60, 16 * 60 + 30, 0.35),
    ShiftPattern(10 * 60, 18 * 60 + 30, 0.25),
    ShiftPattern(12 * 60, 20 * 60, 0.10),
)
LUNCH_OPENS_AFTER = (210, 225, 240)  # minutes into the shift; the lunch window then stays open an hour
LUNCH_WINDOW_MINUTES = 60


@dataclass(frozen=True)
class Service:
    """A kind of visit: minutes on site (setup and observation included) and skills it needs."""

    name: str
    minutes: tuple[int, int]  # inclusive range, drawn in steps of 5
    skills: tuple[str, ...]
    share: float


# Shares calibrated with VROOM so that 200 visits for 30 nurses leave roughly 5-15 unassigned:
# about 57 min on site per visit on average, 6.3-6.5 visits per nurse-shift once travel is added.
SERVICES = (
    Service("hydration", (45, 60), ("rn", "iv"), 0.50),
    Service("myers", (45, 45), ("rn", "iv"), 0.25),
    Service("evaluation", (45, 45), ("rn",), 0.12),
    Service("ketamine", (75, 90), ("rn", "iv", "ketamine"), 0.10),
    Service("nad", (120, 180), ("rn", "iv", "nad"), 0.03),
)
URGENT_MIGRAINE = Service("urgent migraine ketamine", (75, 90), ("rn", "iv", "ketamine"), 0.0)
URGENT_WINDOW_OPENS = (8 * 60, 15 * 60)
URGENT_WINDOW_MINUTES = 180

# How patients book: (kind, window minutes, share). "anytime" spans the whole visiting day;
# "two" offers a morning or a late-afternoon window.
WINDOW_KINDS = (
    ("fixed", 120, 0.25),
    ("fixed", 180, 0.25),
    ("fixed", 240, 0.20),
    ("anytime", 0, 0.20),
    ("two", 0, 0.10),
)
MORNING = (8 * 60, 11 * 60)
LATE_AFTERNOON = (15 * 60, 18 * 60)


@dataclass(frozen=True)
class Shape:
    """What kind of day to draw: services, geography, caps, lunch and priorities; the caller's size sets the demand."""

    name: str
    services: tuple[Service, ...] = SERVICES
    radius_scale: float = 1.0  # times metro_radius_km(visits)
    neighbourhoods: tuple[int, int] = (8, 15)  # inclusive count range on a BASE_VISITS day (more on bigger days)
    neighbourhood_spread_km: tuple[float, float] = NEIGHBOURHOOD_SPREAD_KM
    scattered_share: float = SCATTERED_SHARE
    stretch: tuple[float, float] = (1.0, 1.0)  # east and north scale of the metro: (0.58, 1.73) is a 3:1 corridor
    max_visits: tuple[int, int] = MAX_VISITS_RANGE  # inclusive, drawn per nurse
    lunch_minutes: int = LUNCH_MINUTES
    lunch_window: tuple[int, int] | None = None  # one window for everyone; None staggers it by shift (LUNCH_OPENS_AFTER)
    priorities: tuple[tuple[int, float], ...] = ()  # (priority, share) of non-urgent visits; () routine 1, series 2

    def __post_init__(self) -> None:
        if not math.isclose(sum(service.share for service in self.services), 1.0):
            raise ValueError(f"shape {self.name!r}: service shares must add up to 1")
        if self.priorities and not math.isclose(sum(share for _, share in self.priorities), 1.0):
            raise ValueError(f"shape {self.name!r}: priority shares must add up to 1")
        if any(not 1 <= level <= VROOM_MAX_PRIORITY for level, _ in self.priorities):
            raise ValueError(f"shape {self.name!r}: priorities must lie in 1..{VROOM_MAX_PRIORITY}")
        if min(self.stretch) <= 0 or self.radius_scale <= 0 or not 1 <= self.max_visits[0] <= self.max_visits[1]:
            raise ValueError(f"shape {self.name!r}: stretch and radius scale must be positive, max_visits a range from 1")


# About 37 min on site on average: eight visits and their travel fit in a shift, so a cap of 8 runs out first.
SHORT_SERVICES = (
    Service("hydration", (30, 45), ("rn", "iv"), 0.50),
    Service("myers", (30, 30), ("rn", "iv"), 0.25),
    Service("evaluation", (30, 30), ("rn",), 0.12),
    Service("ketamine", (60, 75), ("rn", "iv", "ketamine"), 0.10),
    Service("nad", (90, 120), ("rn", "iv", "nad"), 0.03),
)
# A quarter of the visits are 150-180-minute drips: NAD (certified nurses only) and IVIG (any IV nurse).
DRIP_SERVICES = (
    Service("hydration", (45, 45), ("rn", "iv"), 0.35),
    Service("myers", (45, 45), ("rn", "iv"), 0.20),
    Service("evaluation", (45, 45), ("rn",), 0.12),
    Service("ketamine", (75, 90), ("rn", "iv", "ketamine"), 0.08),
    Service("nad", (150, 180), ("rn", "iv", "nad"), 0.10),
    Service("ivig", (150, 180), ("rn", "iv"), 0.15),
)

SHAPES: dict[str, Shape] = {  # docs/BENCHMARKS.md ("Day shapes") says what each draws
    shape.name: shape
    for shape in (
        Shape("standard"),  # the calibrated day described at the top
        Shape("drips", services=DRIP_SERVICES),
        Shape("capped", services=SHORT_SERVICES, max_visits=(8, 8)),
        # 12:00 is when the last shift starts, so one window fits every shift (the break starts inside it).
        Shape("lunch", lunch_minutes=45, lunch_window=(12 * 60, 13 * 60 + 30)),
        Shape("triage", priorities=((1, 0.55), (5, 0.35), (10, 0.10))),  # urgent migraines stay 10 besides
        Shape(  # a rural region: a few towns, many patients in between
            "sparse", radius_scale=2.25, neighbourhoods=(3, 5), neighbourhood_spread_km=(2.0, 6.0), scattered_share=0.40
        ),
        Shape(  # an inner city: many small neighbourhoods
            "dense", radius_scale=0.5, neighbourhoods=(20, 30), neighbourhood_spread_km=(0.4, 1.2), scattered_share=0.10
        ),
        Shape("corridor", stretch=(1 / math.sqrt(3), math.sqrt(3))),  # a coastal metro, 3:1 north-south, the same area
    )
}

FIRST_NAMES = tuple(
    "Ana Ben Carmen Dana Eli Fatima Grace Hana Isaac Jade Kofi Lena "
    "Maya Noah Olivia Priya Quinn Rosa Sam Tara Uma Victor Wen Yara".split()
)
LAST_NAMES = tuple(
    "Alvarez Brooks Chen Diaz Evans Fischer Garcia Haddad Ito Johnson Kim "
    "Lopez Mensah Nguyen Okafor Patel Reyes Singh Tran Walker Young Zhang".split()
)


@dataclass(frozen=True)
class Neighbourhood:
    """A cluster of patients: centre and gaussian spread in km from the metro centre, and its pull."""

    x_km: float
    y_km: float
    spread_km: float
    weight: float


@dataclass(frozen=True)
class NursePlan:
    """A nurse before rendering: home (km offsets), shift and lunch in minutes, skills."""

    id: str
    name: str
    home: tuple[float, float]
    shift: tuple[int, int]
    lunch_window: tuple[int, int]
    skills: frozenset[str]
    max_visits: int
    lunch_minutes: int = LUNCH_MINUTES


@dataclass(frozen=True)
class VisitPlan:
    """A visit before rendering: place (km offsets), start windows in minutes, duration, needs."""

    id: str
    patient_id: str
    place: tuple[float, float]
    windows: tuple[tuple[int, int], ...]
    minutes: int
    skills: frozenset[str]
    service: str
    priority: int


def generate_day(
    nurses: int = 30, visits: int = 200, seed: int = 0, day: str | None = None, metro: str = "denver", shape: str = "standard"
) -> dict:
    """A problem document for one realistic day of this shape (SHAPES), the same for the same arguments."""
    if nurses < 1 or visits < 0:
        raise ValueError(f"need at least one nurse and no negative visit count, got {nurses} nurses, {visits} visits")
    area = metro_named(metro)
    kind = shape_named(shape)
    rng = np.random.default_rng(seed)
    radius = metro_radius_km(visits) * kind.radius_scale
    neighbourhoods = draw_neighbourhoods(rng, radius, visits, kind)
    nurse_plans = draw_nurses(rng, nurses, radius, kind)
    visit_plans = draw_visits(rng, visits, radius, neighbourhoods, kind)
    preferred, pinned = draw_preferences(rng, visit_plans, nurse_plans)
    return {
        "date": day or DEFAULT_DAY,
        "timezone": area.timezone,
        "nurses": [nurse_document(nurse, area) for nurse in nurse_plans],
        "visits": [visit_document(visit, area, preferred.get(visit.id), pinned.get(visit.id)) for visit in visit_plans],
        "travel": {"speed_kmh": 40, "circuity": 1.35},
        "options": {"time_limit_s": 10},
    }


def metro_named(name: str) -> Metro:
    """The metro with this name, or a ValueError listing the ones we know."""
    try:
        return METROS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown metro {name!r} (known: {', '.join(sorted(METROS))})") from None


def shape_named(name: str) -> Shape:
    """The day shape with this name, or a ValueError listing the ones we know."""
    try:
        return SHAPES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown shape {name!r} (known: {', '.join(SHAPES)})") from None


def metro_radius_km(visits: int) -> float:
    """Service-area radius: 35 km at 200 visits, growing with the fourth root of the visit count."""
    # Area ∝ visits would keep density fixed but make a 2,500-visit metro 120 km wide; real metros
    # densify as they grow, so the radius grows with visits ** 0.25 instead.
    return BASE_RADIUS_KM * (max(visits, 1) / BASE_VISITS) ** 0.25


def draw_neighbourhoods(
    rng: np.random.Generator, radius: float, visits: int, shape: Shape = SHAPES["standard"]
) -> list[Neighbourhood]:
    """8-15 neighbourhoods on a default day (the shape's range), more on bigger days; varied sizes and pulls."""
    fewest, most = shape.neighbourhoods
    count = max(3, round(int(rng.integers(fewest, most + 1)) * math.sqrt(max(visits, 1) / BASE_VISITS)))
    centres = stretched(uniform_in_disc(rng, count, 0.8 * radius), shape)
    spreads = rng.uniform(*shape.neighbourhood_spread_km, size=count)
    weights = rng.gamma(1.5, size=count)
    weights /= weights.sum()
    return [Neighbourhood(float(x), float(y), float(s), float(w)) for (x, y), s, w in zip(centres, spreads, weights, strict=True)]


def uniform_in_disc(rng: np.random.Generator, count: int, radius: float) -> np.ndarray:
    """`count` points (km offsets, shape (count, 2)) spread evenly over a disc."""
    distance = radius * np.sqrt(rng.uniform(size=count))
    bearing = rng.uniform(0, 2 * math.pi, size=count)
    return np.column_stack((distance * np.cos(bearing), distance * np.sin(bearing)))


def stretched(points: np.ndarray, shape: Shape) -> np.ndarray:
    """Points (km offsets, shape (count, 2)) on the shape's metro: the disc scaled east and north."""
    return points * np.array(shape.stretch)


def draw_places(
    rng: np.random.Generator, count: int, radius: float, neighbourhoods: list[Neighbourhood], shape: Shape = SHAPES["standard"]
) -> np.ndarray:
    """Patients' homes: mostly in neighbourhoods, some scattered over the metro."""
    scattered = rng.uniform(size=count) < shape.scattered_share
    places = stretched(uniform_in_disc(rng, count, radius), shape)
    chosen = rng.choice(len(neighbourhoods), size=count, p=[n.weight for n in neighbourhoods])
    centres = np.array([(n.x_km, n.y_km) for n in neighbourhoods])[chosen]
    spreads = np.array([n.spread_km for n in neighbourhoods])[chosen]
    clustered = centres + rng.normal(size=(count, 2)) * spreads[:, None]
    return np.where(scattered[:, None], places, clustered)


def draw_nurses(rng: np.random.Generator, count: int, radius: float, shape: Shape = SHAPES["standard"]) -> list[NursePlan]:
    """Nurses living all over the metro, on staggered shifts, with certifications."""
    homes = stretched(uniform_in_disc(rng, count, 0.85 * radius), shape)
    patterns = rng.choice(len(SHIFT_PATTERNS), size=count, p=[p.share for p in SHIFT_PATTERNS])
    ketamine = certified(rng, count, KETAMINE_NURSE_SHARE)
    nad = certified(rng, count, NAD_NURSE_SHARE)
    plans = []
    for i in range(count):
        pattern = SHIFT_PATTERNS[patterns[i]]
        lunch_window = shape.lunch_window or staggered_lunch(rng, pattern)
        skills = {"rn", "iv"} | ({"ketamine"} if i in ketamine else set()) | ({"nad"} if i in nad else set())
        plans.append(
            NursePlan(
                id=f"N{i + 1:03d}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                home=(float(homes[i, 0]), float(homes[i, 1])),
                shift=(pattern.start, pattern.end),
                lunch_window=lunch_window,
                skills=frozenset(skills),
                max_visits=int(rng.integers(shape.max_visits[0], shape.max_visits[1] + 1)),
                lunch_minutes=shape.lunch_minutes,
            )
        )
    return plans


def staggered_lunch(rng: np.random.Generator, pattern: ShiftPattern) -> tuple[int, int]:
    """An hour's lunch window opening 3.5-4 hours into the shift, so nurses do not all stop at once."""
    opens = pattern.start + int(rng.choice(LUNCH_OPENS_AFTER))
    return (opens, opens + LUNCH_WINDOW_MINUTES)


def certified(rng: np.random.Generator, count: int, share: float) -> set[int]:
    """Which of `count` nurses hold a certification: `share` of them, and always at least one."""
    holders = max(1, round(share * count))
    return {int(i) for i in rng.choice(count, size=holders, replace=False)}


def draw_visits(
    rng: np.random.Generator, count: int, radius: float, neighbourhoods: list[Neighbourhood], shape: Shape = SHAPES["standard"]
) -> list[VisitPlan]:
    """The day's visits: the shape's service mix, booking windows, a few urgent migraines."""
    places = draw_places(rng, count, radius, neighbourhoods, shape)
    urgent_count = min(count, max(1, round(count * rng.uniform(*URGENT_SHARE)))) if count else 0
    urgent = {int(i) for i in rng.choice(count, size=urgent_count, replace=False)}
    services = rng.choice(len(shape.services), size=count, p=[s.share for s in shape.services])
    plans = []
    for i in range(count):
        service = URGENT_MIGRAINE if i in urgent else shape.services[services[i]]
        minutes = int(rng.choice(np.arange(service.minutes[0], service.minutes[1] + 1, 5)))
        windows = (urgent_window(rng),) if i in urgent else booking_windows(rng, minutes)
        plans.append(
            VisitPlan(
                id=f"V{i + 1:04d}",
                patient_id=f"P{i + 1:05d}",
                place=(float(places[i, 0]), float(places[i, 1])),
                windows=windows,
                minutes=minutes,
                skills=frozenset(service.skills),
                service=service.name,
                priority=URGENT_PRIORITY if i in urgent else visit_priority(rng, service, shape),
            )
        )
    return plans


def visit_priority(rng: np.random.Generator, service: Service, shape: Shape = SHAPES["standard"]) -> int:
    """The shape's priority levels if it has them; otherwise routine 1, part of a preventive series 2."""
    if shape.priorities:
        levels, shares = zip(*shape.priorities, strict=True)
        return int(levels[int(rng.choice(len(levels), p=shares))])
    if service.name != "evaluation" and rng.uniform() < SERIES_SHARE:
        return SERIES_PRIORITY
    return 1


def urgent_window(rng: np.random.Generator) -> tuple[int, int]:
    """A tight three-hour window during the busiest part of the day."""
    start = on_grid(rng, *URGENT_WINDOW_OPENS)
    return (start, start + URGENT_WINDOW_MINUTES)


def booking_windows(rng: np.random.Generator, minutes: int) -> tuple[tuple[int, int], ...]:
    """The window(s) a patient booked, so that the visit can still finish by the latest shift end."""
    kind, length, _ = WINDOW_KINDS[rng.choice(len(WINDOW_KINDS), p=[k[2] for k in WINDOW_KINDS])]
    last_start = min(LAST_START, latest_shift_end() - minutes)
    if kind == "anytime":
        return ((FIRST_START, last_start),)
    if kind == "two":
        return (MORNING, (LATE_AFTERNOON[0], max(LATE_AFTERNOON[0], min(LATE_AFTERNOON[1], last_start))))
    return (staffed_window(rng, length, minutes),)


def staffed_window(rng: np.random.Generator, length: int, minutes: int) -> tuple[int, int]:
    """A `length`-minute window inside a shift drawn by staffing share, so demand follows supply."""
    pattern = SHIFT_PATTERNS[rng.choice(len(SHIFT_PATTERNS), p=[p.share for p in SHIFT_PATTERNS])]
    opens = max(FIRST_START, pattern.start)
    last_close = min(LAST_START, pattern.end - minutes)
    if last_close - length < opens:  # a long service in a short shift: open as early as the shift allows
        return (opens, min(LAST_START, opens + length))
    start = on_grid(rng, opens, last_close - length)
    return (start, start + length)


def on_grid(rng: np.random.Generator, earliest: int, latest: int) -> int:
    """A random time on the half-hour grid between two times (minutes since midnight)."""
    first = -(-earliest // GRID)
    last = latest // GRID
    return GRID * int(rng.integers(first, max(first, last) + 1))


def latest_shift_end() -> int:
    return max(pattern.end for pattern in SHIFT_PATTERNS)


def draw_preferences(
    rng: np.random.Generator, visits: list[VisitPlan], nurses: list[NursePlan]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Preferred nurses (~15% of visits) and pinned nurses (~2%), all qualified and on shift for the visit."""
    chosen = rng.permutation(len(visits))
    pinned_count = round(PINNED_SHARE * len(visits))
    preferred_count = round(PREFERRED_SHARE * len(visits))
    preferred: dict[str, list[str]] = {}
    pinned: dict[str, str] = {}
    for rank, index in enumerate(chosen[: pinned_count + preferred_count]):
        visit = visits[int(index)]
        candidates = nearby_qualified_nurses(visit, nurses)
        if not candidates:
            continue
        if rank < pinned_count and visit.priority != URGENT_PRIORITY:
            pinned[visit.id] = candidates[int(rng.integers(len(candidates)))]
        else:
            how_many = min(len(candidates), int(rng.integers(1, 3)))
            preferred[visit.id] = sorted(str(n) for n in rng.choice(candidates, size=how_many, replace=False))
    return preferred, pinned


def nearby_qualified_nurses(visit: VisitPlan, nurses: list[NursePlan]) -> list[str]:
    """The nearest few nurses who hold the visit's skills and whose shift can fit it in a window."""
    qualified = [nurse for nurse in nurses if visit.skills <= nurse.skills and fits_shift(visit, nurse)]
    qualified.sort(key=lambda nurse: math.dist(nurse.home, visit.place))
    return [nurse.id for nurse in qualified[:PREFERENCE_POOL]]


def fits_shift(visit: VisitPlan, nurse: NursePlan) -> bool:
    """Whether some window lets the visit start and finish inside the shift (travel aside)."""
    shift_start, shift_end = nurse.shift
    return any(
        max(start, shift_start) <= end and max(start, shift_start) + visit.minutes <= shift_end for start, end in visit.windows
    )


def nurse_document(nurse: NursePlan, metro: Metro) -> dict:
    """A nurse as the problem document writes her."""
    return {
        "id": nurse.id,
        "name": nurse.name,
        "start": lat_lon(nurse.home, metro),
        "shift": window_document(nurse.shift),
        "skills": sorted(nurse.skills),
        "max_visits": nurse.max_visits,
        "break": {"window": window_document(nurse.lunch_window), "duration_min": nurse.lunch_minutes},
    }


def visit_document(visit: VisitPlan, metro: Metro, preferred: list[str] | None, pinned: str | None) -> dict:
    """A visit as the problem document writes it."""
    document: dict = {
        "id": visit.id,
        "patient_id": visit.patient_id,
        "location": lat_lon(visit.place, metro),
        "duration_min": visit.minutes,
        "service": visit.service,
        "required_skills": sorted(visit.skills),
        "priority": visit.priority,
    }
    if len(visit.windows) == 1:
        document["window"] = window_document(visit.windows[0])
    else:
        document["windows"] = [window_document(window) for window in visit.windows]
    if preferred:
        document["preferred_nurses"] = preferred
    if pinned:
        document["pinned_nurse"] = pinned
    return document


def window_document(window: tuple[int, int]) -> dict:
    return {"start": hhmm(window[0]), "end": hhmm(window[1])}


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def lat_lon(offset_km: tuple[float, float], metro: Metro) -> dict:
    """A point `offset_km` (east, north) from the metro centre, to about a metre."""
    east, north = offset_km
    lat = metro.lat + north / KM_PER_DEGREE
    lon = metro.lon + east / (KM_PER_DEGREE * math.cos(math.radians(metro.lat)))
    return {"lat": round(lat, 5), "lon": round(lon, 5)}
