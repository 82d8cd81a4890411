"""FastAPI dependencies as ``Annotated`` aliases: the archive, the caller, its ``Access``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from earchive.access import Access, AuthenticationRequiredError
from earchive.archive import Archive
from earchive.auth import COOKIE, Principal, UserStore
from earchive.i18n import LANGUAGES

__all__ = [
    "AccessDep",
    "ArchiveDep",
    "LangDep",
    "OptionalPrincipalDep",
    "PrincipalDep",
    "UsersDep",
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
LangDep = Annotated[str, Depends(get_lang)]
