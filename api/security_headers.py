"""Headers every answer of a kind must carry: no caching of API answers, a Content-Security-Policy on the docs.

API answers carry patient data or credentials (tokens, itineraries, feeds), so no browser or proxy may
keep them: `Cache-Control: no-store` on everything under /v1/ that did not set its own. The API docs
(/docs) load the Swagger UI this app ships (api/docs_page.py) and start it with an inline script; their
policy allows this server and exactly the inline scripts the page carries (by hash), nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE_PREFIX = "/v1/"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: bytes) -> str:
    """The CSP for a docs page: its own inline scripts by hash and this server only; no frames, no plugins."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        "default-src 'none'; "
        f"script-src 'self' {hashes}; "
        # Swagger UI styles its elements inline; styles cannot run code.
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "connect-src 'self'; worker-src blob:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in DOCS_PATHS:
            await self._docs(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start" and path.startswith(NO_STORE_PREFIX):
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_no_store)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold the (small) page until its body is complete, to hash its inline scripts into the policy."""
        start: Message | None = None
        body = b""

        async def hold(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            body += message.get("body", b"")
            if message.get("more_body"):
                return
            assert start is not None
            headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-security-policy"]
            headers.append((b"content-security-policy", docs_policy(body).encode()))
            await send(start | {"headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, hold)
