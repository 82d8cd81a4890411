"""A ceiling on every request body, enforced before any route (or multipart parser) reads it.

A declared ``Content-Length`` over the limit is answered 413 at once; an undeclared or lying
length is counted as the body streams in, and the read that crosses the limit raises
``RequestTooLargeError`` (an ``HTTPException`` 413, so the body parser passes it on untouched and
``earchive.web.problems`` answers it). Bodies are never held whole: Starlette spools multipart
files to disk past 1 MiB and the routes stream them on. The bureau's receiving API has a limit
of its own per file (``EARCHIVE_BUREAU_MAX_FILE_BYTES``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware", "RequestTooLargeError"]


class RequestTooLargeError(HTTPException):
    """The request body is over the limit (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the limit of {limit} bytes")


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit_for(path)`` bytes (see the module docstring)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise RequestTooLargeError(limit)
            return message

        await self.app(scope, counted, send)


async def _too_large(send: Send, limit: int) -> None:
    body = (
        b'{"type":"about:blank","title":"request too large","status":413,"code":"too_large",'
        b'"detail":"request body over the limit of ' + str(limit).encode() + b' bytes"}'
    )
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
