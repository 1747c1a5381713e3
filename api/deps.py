"""What every request may depend on: a database connection and the authenticated user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import procrastinate
from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from psycopg import Connection
from psycopg_pool import ConnectionPool

from dispatch.jobs.queue import WorkerHealth
from dispatch.platform.access import Principal, token_subject
from dispatch.platform.geocoding import Geocoder
from dispatch.platform.settings import Settings
from dispatch.records.users import principal_named


@dataclass(frozen=True)
class Services:
    """Opened once at start-up (api.app's lifespan), shared by every request."""

    settings: Settings
    pool: ConnectionPool
    jobs: procrastinate.App
    geocoder: Geocoder
    worker: WorkerHealth | None = None  # the in-process solve worker, when this process runs one


def services(request: Request) -> Services:
    return request.app.state.services


def connection(request: Request) -> Iterator[Connection]:
    with services(request).pool.connection() as conn:
        yield conn


oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token")


def current_user(token: Annotated[str, Depends(oauth2)], conn: Annotated[Connection, Depends(connection)],
                 request: Request) -> Principal:
    username = token_subject(token, services(request).settings.signing_key)
    principal = principal_named(conn, username) if username else None
    if principal is None:
        raise HTTPException(401, "the token is missing, invalid or expired; log in again",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


Conn = Annotated[Connection, Depends(connection)]
CurrentUser = Annotated[Principal, Depends(current_user)]
AppServices = Annotated[Services, Depends(services)]


def if_match(request: Request) -> int | None:
    """The version or revision the caller read (If-Match: "3" or 3), or None when not given."""
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise HTTPException(400, 'If-Match must be the version you read, e.g. "3"') from None


IfMatch = Annotated[int | None, Depends(if_match)]
