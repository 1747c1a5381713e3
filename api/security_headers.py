"""Headers every answer of a kind must carry: no caching of API answers, a Content-Security-Policy on the docs.

API answers carry patient data or credentials (tokens, itineraries, feeds), so no browser or proxy may
keep them: `Cache-Control: no-store` on everything under /v1/ that did not set its own. The API docs
(/docs, /redoc) load Swagger UI and ReDoc from cdn.jsdelivr.net and start them with an inline script;
their policy allows that CDN and exactly the inline scripts the page carries (by hash), nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE_PREFIX = "/v1/"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: bytes) -> str:
    """The CSP for a docs page: its own inline scripts by hash, the CDN, the API itself; no frames, no plugins."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        "default-src 'none'; "
        f"script-src {CDN} {hashes}; "
        # Swagger UI and ReDoc style their elements inline; styles cannot run code.
        f"style-src {CDN} https://fonts.googleapis.com 'unsafe-inline'; "
        "font-src https://fonts.gstatic.com; "
        "img-src 'self' data: https://fastapi.tiangolo.com; "
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
