"""The GH-style VRPTW generator: Solomon's format, every customer reachable alone, the classes' shapes."""

from __future__ import annotations

import math
import statistics

import pytest

from harness.bench.solomon import SolomonInstance, parse_solomon
from harness.vrptw_generate import KINDS, generate_vrptw


def generated(kind: str, customers: int = 200, seed: int = 1) -> SolomonInstance:
    return parse_solomon(generate_vrptw(kind, customers, seed), kind)


def tenths(instance: SolomonInstance, a: int, b: int) -> int:
    """floor(10 × distance), exactly (DIMACS), computed here rather than borrowed from the generator."""
    dx, dy = instance.xs[a] - instance.xs[b], instance.ys[a] - instance.ys[b]
    return math.isqrt(100 * (dx * dx + dy * dy))


def unreachable_alone(instance: SolomonInstance) -> list[int]:
    """Customers that a vehicle of their own cannot serve: leave at the depot's ready time, serve, come back."""
    late = []
    for customer in instance.customers:
        start = max(10 * instance.ready[0] + tenths(instance, 0, customer), 10 * instance.ready[customer])
        back = start + 10 * instance.service[customer] + tenths(instance, customer, 0)
        if start > 10 * instance.due[customer] or back > 10 * instance.due[0]:
            late.append(customer)
    return late


def mean_nearest_neighbour(instance: SolomonInstance) -> float:
    points = [(instance.xs[c], instance.ys[c]) for c in instance.customers]
    return statistics.mean(min(math.dist(p, q) for q in points if q is not p) for p in points)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_kind_parses_as_solomon_with_200_customers_and_its_name_on_the_first_line(kind: str, seed: int):
    text = generate_vrptw(kind, 200, seed)
    instance = parse_solomon(text, kind)
    assert text.splitlines()[0] == f"G1_{kind}_2_s{seed}"
    assert len(instance.customers) == 200 and instance.vehicles == 50
    assert instance.demands[0] == 0 and instance.service[0] == 0 and instance.ready[0] == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("customers", "seed"), [(200, 0), (200, 1), (200, 2), (200, 3), (25, 5), (100, 6)])
def test_every_customer_can_be_served_alone_and_the_fleet_carries_the_demand(kind: str, customers: int, seed: int):
    instance = generated(kind, customers, seed)
    assert unreachable_alone(instance) == []
    assert sum(instance.demands) <= 0.8 * instance.vehicles * instance.capacity
    assert max(instance.demands) <= instance.capacity


@pytest.mark.parametrize("kind", KINDS)
def test_no_due_date_is_later_than_a_start_that_still_gets_the_vehicle_back_in_time(kind: str):
    # Solomon's rule, stricter than the one above: a due date never promises what the depot cannot keep.
    instance = generated(kind)
    for customer in instance.customers:
        back = 10 * instance.due[customer] + 10 * instance.service[customer] + tenths(instance, customer, 0)
        assert back <= 10 * instance.due[0], customer


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_gives_the_same_instance_and_another_seed_another(kind: str):
    assert generate_vrptw(kind, 200, 4) == generate_vrptw(kind, 200, 4)
    assert generated(kind, seed=4).xs != generated(kind, seed=5).xs


def test_the_kinds_demands_and_service_times_follow_solomon():
    for kind in ("C1", "C2"):
        instance = generated(kind)
        assert set(instance.demands[1:]) <= {10, 20, 30, 40, 50} and set(instance.service[1:]) == {90}
    for kind in ("R1", "R2", "RC1", "RC2"):
        instance = generated(kind)
        assert 1 <= min(instance.demands[1:]) and max(instance.demands[1:]) <= 50 and set(instance.service[1:]) == {10}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clustered_kinds_have_much_nearer_neighbours_than_random_ones(seed: int):
    random_spacing = mean_nearest_neighbour(generated("R1", seed=seed))
    for kind in ("C1", "C2"):
        assert mean_nearest_neighbour(generated(kind, seed=seed)) < 0.7 * random_spacing
    assert mean_nearest_neighbour(generated("RC1", seed=seed)) < random_spacing


@pytest.mark.parametrize("klass", ["C", "R", "RC"])
def test_type_2_has_a_longer_horizon_and_bigger_vehicles_than_type_1(klass: str):
    short, long = generated(f"{klass}1"), generated(f"{klass}2")
    assert long.due[0] > 2 * short.due[0]
    assert (short.capacity, long.capacity) == (200, 700 if klass == "C" else 1000)


def test_r_and_rc_types_share_their_customers_for_a_seed_as_solomons_r101_and_r201_do():
    for klass in ("R", "RC"):
        short, long = generated(f"{klass}1", seed=7), generated(f"{klass}2", seed=7)
        assert (short.xs, short.ys, short.demands) == (long.xs, long.ys, long.demands)


def test_the_200_customer_grid_is_ghs_with_the_depot_in_the_middle():
    for kind in KINDS:
        instance = generated(kind)
        assert (instance.xs[0], instance.ys[0]) == (70, 70)
        assert 0 <= min(instance.xs + instance.ys) and max(instance.xs + instance.ys) <= 140
    assert generated("C1").due[0] == 1351  # GH's C1_2_1 depot row


def windowed(instance: SolomonInstance) -> int:
    """Customers whose window is narrower than [0, the latest start that still gets the vehicle back]."""
    count = 0
    for c in instance.customers:
        latest = (10 * (instance.due[0] - instance.service[c]) - tenths(instance, c, 0)) // 10
        count += instance.ready[c] > 0 or instance.due[c] < latest
    return count


def test_the_share_of_customers_with_a_window_follows_the_seed_as_solomons_x01_to_x04():
    counts = [windowed(generated("R1", seed=seed)) for seed in (4, 5, 6, 7)]  # 100, 75, 50, 25 %
    assert counts[0] > counts[1] > counts[2] > counts[3] > 0
    assert all(count <= share for count, share in zip(counts, (200, 150, 100, 50)))


def test_an_unknown_kind_is_refused_with_the_kinds_named():
    with pytest.raises(ValueError, match="C1, C2, R1, R2, RC1, RC2"):
        generate_vrptw("R3")


# --- the command ---------------------------------------------------------------------------------


def test_generate_vrptw_writes_one_parsable_file_per_kind_and_seed_and_no_best_known_table(tmp_path):
    from tests.cli.test_cli import run

    result = run("generate-vrptw", "--kinds", "C1,R2,rc1", "--customers", "30", "--seeds", "1,2", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == [f"G1_{kind}_30c_s{seed}.txt" for kind in ("C1", "R2", "RC1") for seed in (1, 2)]
    for path in tmp_path.iterdir():
        instance = parse_solomon(path.read_text(), path.stem)
        assert len(instance.customers) == 30 and unreachable_alone(instance) == []
    assert "6 instances of 30 customers written to" in result.stderr


def test_generate_vrptw_refuses_an_unknown_kind_and_writes_nothing(tmp_path):
    from tests.cli.test_cli import run

    out = tmp_path / "out"
    result = run("generate-vrptw", "--kinds", "C1,R3", "--out", str(out))
    assert result.returncode == 2 and "kind must be one of C1, C2, R1, R2, RC1, RC2; got 'R3'" in result.stderr
    assert not out.exists()
