"""Optimistic concurrency for records with a `version` column: an update applies only to the version read."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from dispatch.errors import StaleVersion
from dispatch.platform.db import Db


def update_versioned(
    conn: Db, table: str, record_id: int, columns: dict[str, Any], expected_version: int | None, what: str
) -> dict:
    """Set `columns` (only those: a PATCH writes the fields it names) and bump the version, if the version is
    still `expected_version` (None: any); the new row.

    `what` names the record in the error, e.g. "nurse 12". Callers that check the new values against the
    rest of the row read that row FOR UPDATE in the same transaction first, so a concurrent change of
    another field is neither lost nor left unchecked.
    """
    assignments = [sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns] + [sql.SQL("version = version + 1")]
    query = sql.SQL("UPDATE {} SET {} WHERE id = %s AND (%s::int IS NULL OR version = %s) RETURNING *").format(
        sql.Identifier(table), sql.SQL(", ").join(assignments)
    )
    row = conn.execute(query, [*columns.values(), record_id, expected_version, expected_version]).fetchone()
    if row is None:
        raise StaleVersion(f"{what} was changed by someone else; reload it and try again")
    return row
