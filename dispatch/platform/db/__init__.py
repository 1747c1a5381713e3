"""PostgreSQL: the embedded server, the connection pool, and the schema migrations."""

from typing import Any

from psycopg import Connection, Cursor
from psycopg_pool import ConnectionPool

# Every connection dispatch uses comes from the pool with dict rows (dispatch/platform/db/pool.py).
Row = dict[str, Any]
Db = Connection[Row]
DbPool = ConnectionPool[Db]


def one(cursor: Cursor[Row]) -> Row:
    """The row of a statement that always yields one (INSERT … RETURNING, an aggregate, a row just locked)."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("the statement returned no row")
    return row
