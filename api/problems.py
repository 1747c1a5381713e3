"""Every error as RFC 9457 problem+json, naming the field at fault; never a traceback."""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException

from dispatch.errors import Conflict, DispatchError, Forbidden, InvalidField, NotFound, StaleVersion, Throttled, Unavailable
from dispatch.platform import audit
from solver import ProblemError

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5
REVISION_REQUIRED = (
    'send If-Match with the revision you read (its `revision`, or the ETag of GET), e.g. If-Match: "3";'
    " without it this change could undo one made since you read it"
)
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, StaleVersion: 412, InvalidField: 422, Throttled: 429, Unavailable: 503}
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    413: "Content too large",
    409: "Conflict",
    412: "Changed since read",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int, detail: str, field: str | None = None, errors: list[dict] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type="application/problem+json")


def field_path(location: tuple) -> str:
    """('body', 'visits', 0, 'window') → 'visits[0].window'; ('query', 'date') → 'date'."""
    path = ""
    for part in location[1:] if location and location[0] in ("body", "query", "path", "header") else location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or str(location[0] if location else "body")


def _audit_refusal(request: Request, error: Forbidden) -> None:
    """Record who was refused what (method and route, no patient data); on its own connection, as the request's rolls back."""
    who = getattr(request.state, "principal", None)
    route = request.scope.get("route")
    try:
        with request.app.state.services.pool.connection() as conn:
            audit.record(
                conn,
                who or "anonymous",
                "denied",
                getattr(route, "path", request.url.path),
                method=request.method,
                path_params=request.path_params,
                reason=error.message,
            )
    except (psycopg.Error, PoolTimeout) as failure:
        # The refusal stands either way; a database too busy to record it must not turn a 403 into a 500.
        log.warning("could not audit a refusal: %s", type(failure).__name__)


def install(app: FastAPI) -> None:
    @app.exception_handler(DispatchError)
    async def _dispatch_error(request: Request, error: DispatchError) -> JSONResponse:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        if isinstance(error, Forbidden):
            await run_in_threadpool(_audit_refusal, request, error)
        headers = None
        if isinstance(error, Throttled):
            headers = {"Retry-After": str(error.retry_after_s)}
        elif status == 503:
            headers = {"Retry-After": str(RETRY_AFTER_S)}
        return problem(status, error.message, error.field, headers=headers)

    @app.exception_handler(ProblemError)
    async def _problem_error(_: Request, error: ProblemError) -> JSONResponse:
        return problem(422, str(error), getattr(error, "path", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        if any(e["type"] == "missing" and tuple(e["loc"]) == ("header", "If-Match") for e in error.errors()):
            # Only a change that must say what it read declares If-Match required (api.deps.if_match_required).
            return problem(428, REVISION_REQUIRED, "If-Match")
        errors = [{"field": field_path(tuple(e["loc"])), "message": e["msg"]} for e in error.errors()]
        first = errors[0] if errors else {"field": "body", "message": "invalid"}
        return problem(422, f"{first['field']}: {first['message']}", first["field"], errors)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), headers=getattr(error, "headers", None))

    @app.exception_handler(psycopg.OperationalError)
    async def _database_down(_: Request, error: psycopg.OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(error).__name__)
        return problem(503, "the database is unavailable; try again shortly", headers={"Retry-After": str(RETRY_AFTER_S)})

    @app.exception_handler(psycopg.DataError)
    async def _unstorable(_: Request, error: psycopg.DataError) -> JSONResponse:
        # Values reach SQL only as parameters, so a data exception is a value the database cannot hold
        # (a NUL character in a text, a number out of range); its first line says which.
        return problem(422, f"a value cannot be stored: {str(error).splitlines()[0]}")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        # Starlette logs the traceback after this answer; the caller gets no internals.
        return problem(500, "something went wrong on our side; it has been logged")

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(_: Request, error: PoolTimeout) -> JSONResponse:
        return problem(
            503,
            "the service is busy or the database is unavailable; try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
