"""Response headers that keep pages and archived files in their place (pure ASGI middleware).

HTML pages get a strict Content-Security-Policy (our own scripts, styles and frames only; no
inline script); every response gets ``nosniff``, a same-origin frame rule and no referrer leaks.
``/docs`` is left without a CSP because Swagger UI loads its assets from a CDN.
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


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] == "/docs"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                           {name for name, _ in _ALWAYS}]  # fmt: skip
                headers.extend(_ALWAYS)
                html = any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers
                )
                if html and not docs:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)
