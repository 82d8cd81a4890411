"""The FastAPI application: REST API (OpenAPI at /docs) and the server-rendered web UI.

``create_app`` wires the ``Archive``, the user store and the session codec into the app state,
the authentication and security-header middleware, the error table and the routers. Every route
but ``/health`` (and the login page, the language switch, static files and the API docs) needs a
session cookie or a bearer API token; what the caller may then see is decided by
``earchive.access.access.Access``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from earchive.auth import SessionCodec, UserStore, load_secret
from earchive.core.archive import Archive
from earchive.jobs.board import JobBoard
from earchive.web.authentication import AuthenticationMiddleware, Authenticator
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
    ui_auth,
    ui_checks,
    ui_objections,
    ui_pages,
    ui_staff,
    ui_transfers,
)
from earchive.web.security_headers import SecurityHeadersMiddleware
from earchive.web.ui import STATIC_DIR, render_error

__all__ = ["create_app"]

DESCRIPTION = """Electronic archive of completed government-service cases (一网通办 单套制).

Authenticate with `Authorization: Bearer <token>` (tokens from `earchive token create`) or the
web UI's session cookie. Errors are `application/problem+json`. Archives outside the caller's
fonds or above its clearance (密级) answer 404, like archives that do not exist."""


def create_app(archive: Archive) -> FastAPI:
    """The app for an initialised ``archive`` (``Archive.init`` has created the tables)."""
    users = UserStore(archive.engine, archive.clock)
    sessions = SessionCodec(load_secret(archive.settings.key_dir))
    app = FastAPI(title="earchive", version="0.1.0", description=DESCRIPTION, redoc_url=None)
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
    app.add_middleware(
        AuthenticationMiddleware, authenticator=Authenticator(users, sessions), guard=guard
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

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
    ):
        app.include_router(module.router)
    return app
