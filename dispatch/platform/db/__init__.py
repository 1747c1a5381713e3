"""PostgreSQL: the embedded server, the connection pool, and the schema migrations."""

from typing import Any

from psycopg import Connection

# Every connection dispatch uses comes from the pool with dict rows (dispatch/platform/db/pool.py).
Db = Connection[dict[str, Any]]
