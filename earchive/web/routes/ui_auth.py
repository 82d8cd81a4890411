"""Login, logout and the language switch (the only UI pages open without a session).

Failed logins are rate-limited per user name and client address (``earchive.web.login_guard``):
when locked, the login page answers 429 with ``Retry-After`` and says for how long.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from earchive.auth import COOKIE, MAX_AGE, SessionCodec
from earchive.auth.session_store import SessionStore
from earchive.web.deps import UsersDep
from earchive.web.i18n import LANGUAGES
from earchive.web.login_guard import LoginGuard
from earchive.web.ui import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A local path to go back to after login; anything else (other hosts, ``//x``) is ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _store(request: Request) -> SessionStore:
    archive = request.app.state.archive
    return SessionStore(archive.engine)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, next: Annotated[str, Query(max_length=2000)] = "/"
) -> HTMLResponse:
    return render(request, "login.html", next=safe_next(next), failed=False)


@router.post("/login", response_model=None)
def login(
    request: Request,
    users: UsersDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    guard: LoginGuard = request.app.state.login_guard
    address = request.client.host if request.client else None
    lock = guard.locked(username, address)
    user = None if lock is not None else users.authenticate(username, password)
    if user is None and lock is None:
        lock = guard.failed(username, address, via="ui")
        if lock is None:
            return render(
                request, "login.html", status=401, next=safe_next(next), failed=True,
                username=username,
            )  # fmt: skip
    if lock is not None:
        locked = render(
            request, "login.html", status=429, next=safe_next(next), failed=False,
            username=username, locked_minutes=max(1, -(-lock.retry_after // 60)),
        )  # fmt: skip
        locked.headers["Retry-After"] = str(lock.retry_after)
        return locked
    assert user is not None
    guard.succeeded(username, address)
    codec: SessionCodec = request.app.state.sessions
    session = _store(request).open(user.principal.name)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        codec.dumps(user.principal.name, user.stamp, session),
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """End this session on the server (the cookie alone would outlive it) and drop the cookie."""
    codec: SessionCodec = request.app.state.sessions
    decoded = codec.loads(request.cookies.get(COOKIE, ""))
    if decoded is not None:
        _store(request).end(decoded[2])
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/lang/{code}")
def set_language(
    request: Request,
    code: Annotated[str, Path(max_length=8)],
    next: Annotated[str, Query(max_length=2000)] = "/",
) -> RedirectResponse:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            "lang", code, max_age=365 * 24 * 3600, samesite="lax", path="/", secure=_secure(request)
        )
    return response
