"""The FastAPI application: REST API (OpenAPI at /docs) and the server-rendered web UI.

``create_app`` wires the ``Archive``, the user store and the session codec into the app state,
the authentication and security-header middleware, the error table and the routers. Every route
but ``/health`` (and the login page, the language switch, static files and the API docs) needs a
session cookie or a bearer API token; what the caller may then see is decided by
``earchive.access.access.Access``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from earchive.auth import SessionCodec, UserStore, load_secret
from earchive.auth.session_store import SessionStore
from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.jobs.board import JobBoard
from earchive.settings import Settings
from earchive.web.authentication import AuthenticationMiddleware, Authenticator
from earchive.web.body_limit import BodyLimitMiddleware
from earchive.web.client_address import ClientAddressMiddleware, Network, parse_trusted
from earchive.web.login_guard import LoginGuard
from earchive.web.problems import install_error_handlers
from earchive.web.routes import (
    api_admin,
    api_applicants,
    api_archives,
    api_audit,
    api_bureau,
    api_cases,
    api_checks,
    api_fixity,
    api_objections,
    api_reminders,
    api_search,
    api_transfers,
    ui_applicants,
    ui_audit,
    ui_auth,
    ui_batches,
    ui_checks,
    ui_objections,
    ui_pages,
    ui_staff,
    ui_statistics,
    ui_transfers,
)
from earchive.web.security_headers import SecurityHeadersMiddleware
from earchive.web.ui import STATIC_DIR, TEMPLATE_DIR, render_error

__all__ = ["create_app"]

DESCRIPTION = """Electronic archive of completed government-service cases (一网通办 单套制).

Authenticate with `Authorization: Bearer <token>` (tokens from `earchive token create`) or the
web UI's session cookie. Errors are `application/problem+json`. Archives outside the caller's
fonds or above its clearance (密级) answer 404, like archives that do not exist."""


def body_limits(settings: Settings) -> Callable[[str], int]:
    """The largest request body per path: a bureau file PUT has its own limit."""

    def limit_for(path: str) -> int:
        if path.startswith("/api/bureau/"):
            return settings.bureau_max_file_bytes
        return settings.max_upload_bytes

    return limit_for


def trusted_proxies(settings: Settings) -> tuple[Network, ...]:
    """``EARCHIVE_TRUSTED_PROXIES`` read (``ConfigurationError`` when it cannot be)."""
    try:
        return parse_trusted(settings.trusted_proxies)
    except ValueError as exc:
        raise ConfigurationError(f"EARCHIVE_TRUSTED_PROXIES: {exc}") from exc


def create_app(archive: Archive) -> FastAPI:
    """The app for an initialised ``archive`` (``Archive.init`` has created the tables)."""
    users = UserStore(archive.engine, archive.clock)
    sessions = SessionCodec(load_secret(archive.settings.key_dir))
    app = FastAPI(
        title="earchive",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,  # served below from local assets, under the pages' CSP
        redoc_url=None,
    )
    app.state.archive = archive
    app.state.users = users
    app.state.sessions = sessions
    install_error_handlers(app, render_error)
    # job status and login failures live in the catalog: every worker process sees the same
    app.state.jobs = JobBoard(archive.clock, archive.engine, archive.writer)
    app.state.login_guard = guard = LoginGuard(
        archive.events.record,
        archive.clock,
        archive.settings.agent,
        engine=archive.engine,
        writer=archive.writer,
    )
    settings = archive.settings
    # outermost last: the client's address, the headers, the body limit, then who is calling
    app.add_middleware(
        AuthenticationMiddleware,
        authenticator=Authenticator(users, sessions, SessionStore(archive.engine)),
        guard=guard,
    )
    app.add_middleware(BodyLimitMiddleware, limit_for=body_limits(settings))
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(ClientAddressMiddleware, trusted=trusted_proxies(settings))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        """Swagger UI from this archive's own copy (``scripts/setup.sh`` fetches it)."""
        if not (STATIC_DIR / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").is_file():
            return HTMLResponse("<p>API docs assets not installed: run scripts/setup.sh</p>", 503)
        return HTMLResponse((TEMPLATE_DIR / "docs.html").read_text(encoding="utf-8"))

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness; needs no credentials."""
        return {"status": "ok"}

    for module in (
        api_cases,
        api_search,
        api_archives,
        api_audit,
        api_bureau,
        api_objections,
        ui_auth,
        ui_pages,
        ui_staff,
        ui_audit,
        ui_objections,
        api_applicants,
        ui_applicants,
    ):
        app.include_router(module.router)
    for module in (
        api_checks,
        api_fixity,
        api_transfers,
        api_reminders,
        api_admin,
        ui_checks,
        ui_transfers,
        ui_batches,
        ui_statistics,
    ):
        app.include_router(module.router)
    return app
