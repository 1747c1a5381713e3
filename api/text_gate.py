"""Text the database cannot hold never reaches a handler: a 422 naming the field, before any parsing or SQL.

PostgreSQL refuses a NUL character in text, and UTF-8 has no encoding for a lone UTF-16 surrogate (JSON may
still spell one, `"\\ud800"`); either used to surface deep inside a write as a 500 or a reset connection.
Bodies that are not UTF-8, or nested deeper than any of our documents, are refused here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

# Our deepest request document (a visit's windows) is five levels; anything past this is not ours.
MAX_DEPTH = 32


class BadText(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _flaw(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character, which cannot be stored"
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "contains an unpaired UTF-16 surrogate (not a character), which cannot be stored"
    return None


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    """(field path, text) for every key and string in a parsed JSON value, checking its depth on the way."""
    if depth > MAX_DEPTH:
        raise BadText(path or "body", f"is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            yield child, key
            yield from _strings(item, child, depth + 1)


def check_json_body(body: bytes) -> None:
    """Raise BadText for a body that is not UTF-8, is nested too deep, or holds text the database cannot store.

    A body that is not JSON at all passes: the schema's own parser answers that one.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadText("body", f"is not UTF-8 text (byte {error.start} cannot be decoded)") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise BadText("body", f"is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:
        return
    for field, string in _strings(value, "", 0):
        if flaw := _flaw(string):
            raise BadText(field, flaw)


def check_query(query_string: bytes) -> None:
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if flaw := _flaw(value):
            raise BadText(name, flaw)


class TextGate:
    """ASGI middleware: reads a JSON request's body once, checks it, and hands the same bytes on."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_query(scope.get("query_string", b""))
        except BadText as error:
            await problem(422, f"{error.field}: {error.message}", error.field)(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if b"json" not in headers.get(b"content-type", b"").lower():
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            check_json_body(body)
        except BadText as error:
            await problem(422, f"{error.field}: {error.message}", error.field)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
