"""The browser console: the dispatcher's day (map, timeline, actions) and the nurse's phone view.

Static files served by the API itself (same origin, same login). The map library is shipped from
the npm registry in static/vendor/ (see package.json); the only third party a page may load from is
the tile server, if `NURSE_DISPATCH_TILES_URL` names one.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from dispatch.platform.settings import Settings

STATIC = Path(__file__).parent / "static"


def content_security_policy(tiles_url: str) -> str:
    """Scripts, styles and data from this server only; images also from the tile server."""
    tiles = ""
    if tiles_url:
        parts = urlsplit(tiles_url)
        tiles = f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return (
        "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:{tiles}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


class _WithPolicy:
    """Static files answered with the console's security headers."""

    def __init__(self, app: ASGIApp, policy: str):
        self.app, self.policy = app, policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"content-security-policy", self.policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the console at /console/ (and send / there)."""

    @app.get("/console/config.json", include_in_schema=False)
    def console_config() -> JSONResponse:
        return JSONResponse({"tiles_url": settings.tiles_url, "tiles_attribution": settings.tiles_attribution})

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/console/")

    app.mount(
        "/console",
        _WithPolicy(StaticFiles(directory=STATIC, html=True), content_security_policy(settings.tiles_url)),
        name="console",
    )
