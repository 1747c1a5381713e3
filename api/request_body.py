"""Every request's body read in full, bounded in size and in time, before any route sees the request.

FastAPI resolves a route's dependencies (a database connection among them) before a route that
reads the body itself (the CSV import) gets to it, so a client sending slowly would hold a pooled
connection for as long as it liked: ten uploads at a byte a second emptied a pool of ten and every
region, /readyz included, answered 503. Read here first, a request reaches the routes, and the
pool, only once its client has said everything; a client that takes longer than BODY_SECONDS gets
408, a body over its limit 413, both as problem+json.
"""

from __future__ import annotations

import asyncio
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem
from dispatch.records.visits import MAX_IMPORT_BYTES

MAX_BODY_BYTES = 1 << 20  # 1 MiB: the largest JSON document a client sends is far smaller
BODY_SECONDS = 30.0  # 5 MiB in 30 s needs 175 kB/s, a poor mobile link; a slower client is an attack or lost
_IMPORT_PATH = re.compile(r"^/v1/regions/[^/]+/visits/import$")


def body_limit(path: str) -> int:
    """The largest body a request to this path may carry, in bytes."""
    return MAX_IMPORT_BYTES if _IMPORT_PATH.match(path) else MAX_BODY_BYTES


class BodyTooLarge(Exception):
    pass


class RequestBody:
    def __init__(self, app: ASGIApp, seconds: float = BODY_SECONDS):
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.seconds):
                body = await _read_body(receive, limit)
        except TimeoutError:
            await problem(
                408, f"the request body did not arrive within {self.seconds:.0f} s", "body", headers={"Connection": "close"}
            )(scope, receive, send)
            return
        except BodyTooLarge:
            await _too_large(limit)(scope, receive, send)
            return
        if body is None:  # the client went away before it finished
            return
        replayed = False

        async def receive_buffered() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for a disconnect, as Starlette's responses do

        await self.app(scope, receive_buffered, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _too_large(limit: int):
    size = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"
    return problem(
        413, f"the request body is larger than {size}, the most this endpoint takes", "body", headers={"Connection": "close"}
    )
