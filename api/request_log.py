"""One log line per request: method, route template (never the raw path: it may hold a calendar token),
status and duration, under a request id that is echoed in the X-Request-ID response header; the same
labels and duration go to the request-latency histogram (dispatch/platform/metrics.py)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dispatch.platform.logs import request_id

log = logging.getLogger("api.requests")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Any token is a method to HTTP; the histogram keeps to these so a client cannot mint label values.
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestLog:
    def __init__(self, app: ASGIApp, latency: Histogram | None = None):
        self.app, self.latency = app, latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            log.info(
                "request",
                extra={"fields": {"method": scope["method"], "route": route, "status": status, "ms": round(seconds * 1000, 1)}},
            )
            if self.latency is not None:
                method = scope["method"] if scope["method"] in _METHODS else "other"
                self.latency.labels(method, route, str(status)).observe(seconds)
            request_id.reset(token)
