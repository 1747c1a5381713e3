"""What every request may depend on: a database connection and the authenticated user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

import anyio.from_thread
import procrastinate
from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from psycopg import Connection

from dispatch.booking.days import DayCache
from dispatch.errors import DispatchError
from dispatch.jobs import plans as plan_jobs
from dispatch.jobs import queue
from dispatch.jobs.queue import WorkerHealth
from dispatch.platform.access import Principal, token_claims
from dispatch.platform.db import DbPool
from dispatch.platform.geocoding import Geocoder
from dispatch.platform.logins import LoginLimits
from dispatch.platform.settings import Settings
from dispatch.records.users import principal_for_token


@dataclass(frozen=True)
class Services:
    """Opened once at start-up (api.app's lifespan), shared by every request."""

    settings: Settings
    pool: DbPool
    jobs: procrastinate.App
    geocoder: Geocoder
    worker: WorkerHealth | None = None  # the in-process solve worker, when this process runs one
    booking_days: DayCache = field(default_factory=DayCache)  # days offers have read (dispatch/booking/days.py)

    def queue_job(self, job: dict) -> None:
        """Hand a new solve job to the queue, from a request handler running in the thread pool (a plain `def`)."""
        anyio.from_thread.run(queue.enqueue, self.jobs, self.pool, job)

    def queue_plan(self, plan: dict) -> None:
        """Hand a new week plan to the queue (its days fan out from there)."""
        anyio.from_thread.run(plan_jobs.enqueue_plan, self.jobs, plan)


def services(request: Request) -> Services:
    return request.app.state.services


def connection(request: Request) -> Iterator[Connection]:
    with services(request).pool.connection() as conn:
        yield conn


oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token")


def current_user(
    token: Annotated[str, Depends(oauth2)], conn: Annotated[Connection, Depends(connection)], request: Request
) -> Principal:
    settings = services(request).settings
    claims = token_claims(token, settings.signing_key, settings.token_minutes)
    principal = principal_for_token(conn, claims.username, claims.token_version) if claims else None
    if principal is None:
        raise HTTPException(
            401, "the token is missing, invalid, expired or revoked; log in again", headers={"WWW-Authenticate": "Bearer"}
        )
    # For the audit of refusals (api.problems): who was refused.
    request.state.principal = principal
    return principal


Conn = Annotated[Connection, Depends(connection)]
CurrentUser = Annotated[Principal, Depends(current_user)]
AppServices = Annotated[Services, Depends(services)]


def _revision_read(raw: str) -> int:
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise DispatchError('If-Match must be the version you read, e.g. "3"', "If-Match") from None


def if_match(
    raw: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='the `version` or `revision` you read, e.g. "3": a change of something changed since answers 412',
        ),
    ] = None,
) -> int | None:
    """The version or revision the caller read (If-Match: "3" or 3), or None when not given."""
    return None if raw is None else _revision_read(raw)


def if_match_required(
    raw: Annotated[
        str,
        Header(
            alias="If-Match",
            description='the `revision` you read, e.g. "3"; without it 428, and if the roster changed since, 412',
        ),
    ],
) -> int:
    """The revision the caller read, which a roster change must send: without it, it could undo a change it never saw.

    A request without the header is refused (428) where the request is read (api.problems), before anything runs.
    """
    return _revision_read(raw)


IfMatch = Annotated[int | None, Depends(if_match)]
# Roster changes (moves, publish): concurrency that is opt-in is not concurrency.
IfMatchRequired = Annotated[int, Depends(if_match_required)]


def client_address(request: Request) -> str | None:
    """The caller's address, as the login throttle counts it (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else None


def login_limits(request: Request) -> LoginLimits:
    settings = services(request).settings
    return LoginLimits(
        settings.login_failures_per_account,
        settings.login_failures_per_address,
        settings.login_window_s,
        settings.login_lockout_s,
    )


ClientAddress = Annotated[str | None, Depends(client_address)]
Limits = Annotated[LoginLimits, Depends(login_limits)]
