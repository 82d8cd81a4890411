"""Who is calling: a bearer API token or a signed session cookie, resolved before any route runs.

``AuthenticationMiddleware`` (pure ASGI) puts the ``Principal`` (or ``None``) in the request
state and refuses unauthenticated API calls with 401 before the body is read, so an anonymous
client can neither probe routes nor stream a large upload. Cookie-authenticated requests that
change state must come from our own origin (SameSite=Lax already keeps other sites' cookies out).
Bearer tokens that do not resolve count as failed logins (``earchive.web.login_guard``): a locked
token id or client address gets ``429`` with ``Retry-After`` before the token is even looked up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from earchive.auth import COOKIE, Principal, SessionCodec, UserStore
from earchive.auth.session_store import SessionStore
from earchive.web.login_guard import LoginGuard

__all__ = [
    "PUBLIC_PATHS",
    "AuthenticationMiddleware",
    "Authenticator",
    "client_address",
    "is_public",
]

#: Paths anyone may fetch: health, the login page, the language switch, static files, API docs.
PUBLIC_PATHS = ("/health", "/login", "/docs", "/docs/oauth2-redirect", "/openapi.json")
_PUBLIC_PREFIXES = ("/static/", "/lang/")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES)


@dataclass(frozen=True)
class Authenticator:
    """Resolves credentials to a principal through the user store and the session codec."""

    users: UserStore
    sessions: SessionCodec
    store: SessionStore

    def from_bearer(self, authorization: str) -> Principal | None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.users.token_principal(token.strip())

    def from_cookie(self, value: str) -> Principal | None:
        decoded = self.sessions.loads(value)
        if decoded is None:
            return None
        name, stamp, session = decoded
        if self.store.user_of(session) != name:
            return None  # logged out, ended by a password change or a disabled user, or expired
        user = self.users.get_user(name)
        if user is None or user.disabled or user.stamp != stamp:
            return None
        return user.principal


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookie(header: str, name: str) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header carries no session
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel is not None else ""


class AuthenticationMiddleware:
    """Sets ``scope["state"]["principal"]``; answers 401/403 for API calls that fail."""

    def __init__(
        self, app: ASGIApp, authenticator: Authenticator, guard: LoginGuard | None = None
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        principal: Principal | None = None
        by_cookie = False
        if headers.get("authorization"):
            refused = await self._bearer_locked(scope, send, headers["authorization"])
            if refused:
                return
            principal = self.authenticator.from_bearer(headers["authorization"])
            if principal is None and self.guard is not None:
                self.guard.failed(*_bearer_keys(scope, headers["authorization"]), via="api")
        elif headers.get("cookie"):
            value = _cookie(headers["cookie"], COOKIE)
            if value:
                principal = self.authenticator.from_cookie(value)
                by_cookie = principal is not None
        scope.setdefault("state", {})["principal"] = principal
        path: str = scope["path"]
        api = path == "/api" or path.startswith("/api/")
        if api and principal is None:
            await _problem(send, 401, "authentication required")
            return
        if by_cookie and scope["method"] not in _SAFE_METHODS and not _same_origin(headers):
            await _problem(send, 403, "cross-origin request refused")
            return
        await self.app(scope, receive, send)

    async def _bearer_locked(self, scope: Scope, send: Send, authorization: str) -> bool:
        """Answer 429 (with ``Retry-After``) when the token or the address is locked out."""
        if self.guard is None:
            return False
        lock = self.guard.locked(*_bearer_keys(scope, authorization))
        if lock is None:
            return False
        await _problem(
            send,
            429,
            "too many failed logins",
            detail=f"locked for {lock.retry_after} s after repeated failed logins",
            retry_after=lock.retry_after,
        )
        return True


def client_address(scope: Scope) -> str | None:
    """The peer address (a proxy's own ``X-Forwarded-For`` is not trusted)."""
    client = scope.get("client")
    return str(client[0]) if client else None


def _bearer_keys(scope: Scope, authorization: str) -> tuple[str | None, str | None]:
    _scheme, _, token = authorization.partition(" ")
    return LoginGuard.token_user(token), client_address(scope)


def _same_origin(headers: dict[str, str]) -> bool:
    origin = headers.get("origin")
    if origin is None:
        return True  # no Origin: not a cross-site browser request (SameSite=Lax covers forms)
    return urlsplit(origin).netloc == headers.get("host", "")


async def _problem(
    send: Send, status: int, title: str, detail: str = "", retry_after: int | None = None
) -> None:
    doc: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        doc["detail"] = detail
    body = json.dumps(doc).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="earchive"'))
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
