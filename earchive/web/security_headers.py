"""Response headers that keep pages and archived files in their place (pure ASGI middleware).

HTML pages get a strict Content-Security-Policy (our own scripts, styles and frames only; no
inline script) — the API docs too, whose Swagger UI is served from our own static files; every
response gets ``nosniff``, a same-origin frame rule and no referrer leaks; and every response but
the static assets gets ``Cache-Control: no-store``, since pages, answers and archived files may
carry personal data that no browser or proxy cache should keep.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "SecurityHeadersMiddleware"]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
)
_REPLACED = frozenset({name for name, _ in _ALWAYS} | {b"cache-control"})


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                           _REPLACED]  # fmt: skip
                headers.extend(_ALWAYS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                html = any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers
                )
                if html:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)
