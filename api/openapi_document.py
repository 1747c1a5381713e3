"""The OpenAPI document says what an operation can answer: every error as the problem+json body it really is.

FastAPI documents only the success and its own 422 (a body shape we never send). Each operation here gets
the statuses it can return, all with the `Problem` body (api/problems.py): 401 and 403 where a login is
needed, 404 where the path names a record, 409 for a write that can conflict, 412 where `If-Match` is
taken (and 428 where it is required), 413 where a body is sent, 422 where anything is read, 429 for logins,
503 when the database is away.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM = {
    "title": "Problem",
    "description": "Every error (RFC 9457 problem+json), in words a dispatcher can act on.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Invalid input"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string", "example": "end 09:00 is before start 10:00"},
        "field": {"type": "string", "description": "the field at fault, by its path", "example": "window_end"},
        "errors": {
            "type": "array",
            "description": "every field at fault, when the body's shape is wrong",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
}
WHY = {
    401: "not logged in: no token, or it expired or was revoked",
    403: "logged in, but this role may not do this",
    404: "no such record in the caller's reach",
    409: "refused by a rule, or lost a race; `detail` says which and what to do",
    412: "changed since you read it: read it again (its `version` or `revision`) and retry",
    428: "`If-Match` is required here: send the `revision` you read (its ETag)",
    413: "the body is over its limit (1 MiB; 5 MiB for a CSV import)",
    422: "a field is wrong: `field` names it, `detail` says why",
    429: "too many failed logins, or public requests from one address: wait for `Retry-After`",
    503: "the database is unavailable or busy: retry after `Retry-After`",
}
_WRITES = {"post", "put", "patch", "delete"}


def _statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters", [])
    statuses = {503} if path.startswith("/v1/") else set()
    if operation.get("security"):
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if method in _WRITES:
        statuses.add(409)
    if_match = next((p for p in parameters if p.get("in") == "header" and p.get("name", "").lower() == "if-match"), None)
    if if_match:
        statuses |= {412, 428} if if_match.get("required") else {412}
    if operation.get("requestBody"):
        statuses |= {413, 422}
    if parameters:
        statuses.add(422)
    if path == "/v1/auth/token" or (method == "post" and path.startswith("/v1/public/")):
        statuses.add(429)
    return statuses


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every operation's error statuses and the Problem body (changed in place)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    body = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(path, method, operation) | {int(s) for s in responses if s.startswith(("4", "5"))}):
                entry = responses.setdefault(str(status), {"description": WHY.get(status, "an error")})
                entry["content"] = body
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def install(app: FastAPI) -> None:
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(plain())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
