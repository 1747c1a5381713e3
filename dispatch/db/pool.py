"""The connection pool: one per process, opened at start-up, a connection per unit of work."""

from __future__ import annotations

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


def open_pool(url: str, max_size: int = 10) -> ConnectionPool:
    """A pool whose connections return rows as dicts; transactions are explicit (`with conn.transaction()`)."""
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True, "row_factory": dict_row},
        open=False,
        name="nurse-dispatch",
    )
    pool.open(wait=True, timeout=30)
    return pool
