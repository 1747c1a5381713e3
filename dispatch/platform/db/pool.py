"""The connection pool: one per process, opened at start-up, a connection per unit of work."""

from __future__ import annotations

from typing import cast

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from dispatch.platform.db import DbPool


def open_pool(url: str, max_size: int = 10, timeout_s: float = 5.0) -> DbPool:
    """A pool whose connections return rows as dicts; transactions are explicit (`with conn.transaction()`).

    While the database is down a request waits at most `timeout_s` for a connection, then gets
    PoolTimeout (503 with Retry-After in the API) instead of hanging for psycopg_pool's default 30 s.
    Each connection is checked as it leaves the pool, so after a database restart the connections
    it killed are replaced silently instead of failing one request each. Measured in
    tests/api/platform/test_database_restart.py (docs/BENCHMARKS.md).
    """
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True, "row_factory": dict_row},
        check=ConnectionPool.check_connection,
        timeout=timeout_s,
        # psycopg_pool retries a failed connection with doubling delays until reconnect_timeout (default
        # 5 min), so after a long outage the next try could come minutes after the database is back.
        # Giving up after 10 s lets the next request start a fresh attempt (1 s, 2 s, 4 s…) instead.
        reconnect_timeout=10.0,
        open=False,
        name="nurse-dispatch",
    )
    pool.open(wait=True, timeout=30)
    return cast(DbPool, pool)  # the dict_row factory above makes every connection a Db
