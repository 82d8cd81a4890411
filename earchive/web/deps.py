"""FastAPI dependencies as ``Annotated`` aliases: the archive, the caller, its ``Access``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from earchive.access.access import Access
from earchive.access.administration import Administration
from earchive.access.batches import Batches
from earchive.access.listings import Listings
from earchive.access.operations import Operations
from earchive.access.reports import Reports
from earchive.auth import COOKIE, Permission, Principal, UserStore
from earchive.core.archive import Archive
from earchive.core.errors import AuthenticationRequiredError, PermissionDeniedError
from earchive.jobs.board import JobBoard
from earchive.web.i18n import LANGUAGES
from earchive.web.login_limit import LoginLimiter

__all__ = [
    "AccessDep",
    "AdministrationDep",
    "ArchiveDep",
    "BatchesDep",
    "JobsDep",
    "LangDep",
    "ListingsDep",
    "LoginLimiterDep",
    "OperationsDep",
    "OptionalPrincipalDep",
    "PrincipalDep",
    "ReportsDep",
    "UsersDep",
    "require",
]

# Declared so that OpenAPI documents both ways in; the middleware does the actual checking.
_bearer = HTTPBearer(auto_error=False, description="API token from 'earchive token create'")
_cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="web UI session")


def get_archive(request: Request) -> Archive:
    archive: Archive = request.app.state.archive
    return archive


def get_users(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


def optional_principal(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def current_principal(
    request: Request,
    _token: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _session: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    principal = optional_principal(request)
    if principal is None:
        raise AuthenticationRequiredError("log in or send an API token")
    return principal


ArchiveDep = Annotated[Archive, Depends(get_archive)]
UsersDep = Annotated[UserStore, Depends(get_users)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]


def get_access(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Access:
    via = "api" if request.url.path.startswith("/api/") else "ui"
    return Access(archive, principal, via)


def get_lang(request: Request) -> str:
    lang = request.cookies.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


AccessDep = Annotated[Access, Depends(get_access)]


def get_operations(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Operations:
    via = "api" if request.url.path.startswith("/api/") else "ui"
    return Operations(archive, principal, via)


def get_listings(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Listings:
    via = "api" if request.url.path.startswith("/api/") else "ui"
    return Listings(archive, principal, via)


def get_batches(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Batches:
    via = "api" if request.url.path.startswith("/api/") else "ui"
    return Batches(archive, principal, via)


def get_reports(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Reports:
    via = "api" if request.url.path.startswith("/api/") else "ui"
    return Reports(archive, principal, via)


def get_administration(
    request: Request, archive: ArchiveDep, principal: PrincipalDep
) -> Administration:
    via = "api" if request.url.path.startswith("/api/") else "ui"
    return Administration(archive, principal, via)


def get_jobs(request: Request) -> JobBoard:
    board: JobBoard = request.app.state.jobs
    return board


def get_login_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.login_guard.limiter
    return limiter


def require(*permissions: Permission) -> Any:
    """A route dependency: 403 unless the caller has one of ``permissions`` (checked before the
    request body is validated, so a role without the permission never learns more)."""

    def check(principal: PrincipalDep) -> None:
        if not any(principal.can(p) for p in permissions):
            wanted = " or ".join(p.value for p in permissions)
            raise PermissionDeniedError(f"role {principal.role.value} may not {wanted}")

    return Depends(check)


OperationsDep = Annotated[Operations, Depends(get_operations)]
ReportsDep = Annotated[Reports, Depends(get_reports)]
BatchesDep = Annotated[Batches, Depends(get_batches)]
ListingsDep = Annotated[Listings, Depends(get_listings)]
AdministrationDep = Annotated[Administration, Depends(get_administration)]
JobsDep = Annotated[JobBoard, Depends(get_jobs)]
LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
LangDep = Annotated[str, Depends(get_lang)]
