"""Prometheus metrics: request latencies measured in this process, and what the database says at scrape time.

Queue depth, solve durations and unassigned visits are read from `solve_jobs` when Prometheus scrapes,
so they are right whichever process ran the solve (the in-process worker or `nurse-dispatch worker`).
Every replica reports the same database figures: aggregate them with max(), not sum().
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import psycopg
from prometheus_client import CollectorRegistry, GCCollector, Histogram, PlatformCollector, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from psycopg_pool import PoolTimeout

from dispatch.platform.db import Db, DbPool

log = logging.getLogger(__name__)

# Solves run for their time limit (1 s to 10 min, 30 s by default) plus loading and storing.
SOLVE_BUCKETS_S = (1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600)
# A scrape must not hang on a database that is down; it reports nurse_dispatch_database_up 0 instead.
SCRAPE_WAIT_S = 2.0


class ServiceMetrics:
    """One registry per application, so several apps in one process (the tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=self.registry)
        self.request_seconds = Histogram(
            "nurse_dispatch_request_duration_seconds",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._database: SolveJobsCollector | None = None

    def watch(self, pool: DbPool) -> None:
        """Report the solve queue from this pool's database (called once the pool is open)."""
        self._database = SolveJobsCollector(pool)
        self.registry.register(self._database)

    def unwatch(self) -> None:
        if self._database is not None:
            self.registry.unregister(self._database)
            self._database = None


class SolveJobsCollector(Collector):
    """Queue depth, solve durations and each region's unassigned visits, from `solve_jobs` at scrape time."""

    def __init__(self, pool: DbPool):
        self.pool = pool

    def collect(self) -> Iterator:
        up = GaugeMetricFamily("nurse_dispatch_database_up", "1 when the last scrape could read the database.")
        try:
            with self.pool.connection(timeout=SCRAPE_WAIT_S) as conn:
                families = [queue_depth(conn), solve_durations(conn), unassigned_visits(conn)]
        except (psycopg.OperationalError, PoolTimeout) as error:
            log.warning("metrics: database unavailable: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def queue_depth(conn: Db) -> GaugeMetricFamily:
    rows = conn.execute(
        "SELECT state, count(*) AS jobs FROM solve_jobs WHERE state IN ('queued', 'running') GROUP BY state"
    ).fetchall()
    jobs = {row["state"]: row["jobs"] for row in rows}
    family = GaugeMetricFamily("nurse_dispatch_solve_jobs", "Solve jobs waiting for a worker or running.", labels=["state"])
    for state in ("queued", "running"):
        family.add_metric([state], jobs.get(state, 0))
    return family


def solve_durations(conn: Db) -> HistogramMetricFamily:
    """From start (of the last attempt) to finish, by how the job ended; cumulative buckets as Prometheus wants."""
    at_most = ", ".join(["count(*) FILTER (WHERE seconds <= %s)"] * len(SOLVE_BUCKETS_S))
    rows = conn.execute(
        "SELECT state, count(*) AS jobs, sum(seconds) AS seconds, ARRAY[" + at_most + "] AS at_most"
        " FROM (SELECT state, extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM solve_jobs"
        "       WHERE state IN ('succeeded', 'failed') AND started_at IS NOT NULL AND finished_at IS NOT NULL) AS finished"
        " GROUP BY state",
        [float(le) for le in SOLVE_BUCKETS_S],
    ).fetchall()
    family = HistogramMetricFamily(
        "nurse_dispatch_solve_duration_seconds", "Finished solve jobs, from start to finish.", labels=["state"]
    )
    for row in rows:
        buckets = [(str(float(le)), count) for le, count in zip(SOLVE_BUCKETS_S, row["at_most"])]
        family.add_metric([row["state"]], buckets + [("+Inf", row["jobs"])], row["seconds"])
    return family


def unassigned_visits(conn: Db) -> GaugeMetricFamily:
    """What the latest successful solve of each region left unassigned (held-back visits included)."""
    rows = conn.execute(
        "SELECT DISTINCT ON (region_id) region_id, (progress->>'unassigned')::int AS unassigned FROM solve_jobs"
        " WHERE state = 'succeeded' AND progress ? 'unassigned' ORDER BY region_id, finished_at DESC"
    ).fetchall()
    family = GaugeMetricFamily(
        "nurse_dispatch_unassigned_visits", "Visits the latest successful solve of the region left unassigned.", labels=["region"]
    )
    for row in rows:
        family.add_metric([row["region_id"]], row["unassigned"])
    return family
