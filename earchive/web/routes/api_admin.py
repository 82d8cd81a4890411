"""Administration over the API: rebuild and reindex (jobs), seal the event log and verify its
seals, users and API tokens. Everything here needs the admin role (``maintenance``/``users``),
but verifying the seals, which needs ``events`` (auditors too)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from earchive.auth import Permission, Principal, StoredUser
from earchive.web.deps import AdministrationDep, JobsDep, require
from earchive.web.routes.api_fixity import accepted
from earchive.web.routes.responses import finding_out, job_out
from earchive.web.schemas.api import (
    FindingOut,
    JobOut,
    RestoreRequest,
    SealOut,
    TokenCreated,
    TokenOut,
    TokenRequest,
    UserCreated,
    UserOut,
    UserRequest,
)

router = APIRouter(prefix="/api", tags=["admin"])
_MAINTAIN = [require(Permission.MAINTENANCE)]
_USERS = [require(Permission.USERS)]


def _user(u: StoredUser) -> UserOut:
    p = u.principal
    return UserOut(
        name=p.name,
        role=p.role.value,
        fonds=list(p.fonds) if p.fonds is not None else None,
        clearance=p.clearance,
        disabled=u.disabled,
        created=u.created,
    )


def _token(token_id: str, p: Principal, revoked: bool) -> TokenOut:
    return TokenOut(
        id=token_id,
        name=p.name,
        role=p.role.value,
        fonds=list(p.fonds) if p.fonds is not None else None,
        clearance=p.clearance,
        revoked=revoked,
    )


@router.post("/admin/rebuild", response_model=JobOut, status_code=202, dependencies=_MAINTAIN)
def rebuild(admin: AdministrationDep, jobs: JobsDep) -> JSONResponse:
    """Rebuild the catalog, the 档号 counters and the search index from storage (a job)."""
    return accepted(job_out(admin.start_rebuild(jobs)))


@router.post("/admin/reindex", response_model=JobOut, status_code=202, dependencies=_MAINTAIN)
def reindex(admin: AdministrationDep, jobs: JobsDep) -> JSONResponse:
    """Replace the search index from the catalog and storage; search stays up (a job)."""
    return accepted(job_out(admin.start_reindex(jobs)))


@router.post(
    "/archives/{archive_id}/restore", response_model=JobOut, status_code=202, dependencies=_MAINTAIN
)
def restore(
    archive_id: str, admin: AdministrationDep, jobs: JobsDep, body: RestoreRequest | None = None
) -> JSONResponse:
    """Restore the archive's stored object (missing or corrupt files) from the other storage
    location, verifying SM3/SHA-256 as it streams (a job); like ``earchive restore``."""
    body = body or RestoreRequest()
    return accepted(job_out(admin.start_restore(jobs, archive_id, body.source, body.target)))


@router.post("/events/seal", response_model=SealOut, tags=["audit"], dependencies=_MAINTAIN)
def seal_event_log(admin: AdministrationDep) -> SealOut:
    """Seal the events not yet in storage into a new signed version of the log object."""
    result = admin.seal_event_log()
    if result is None:
        return SealOut(sealed=False)
    return SealOut(
        sealed=True,
        version=result.version,
        first_seq=result.first_seq,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
    )


@router.get(
    "/events/seals/verify",
    response_model=list[FindingOut],
    tags=["audit"],
    dependencies=[require(Permission.EVENTS)],
)
def verify_seals(admin: AdministrationDep) -> list[FindingOut]:
    """The hash chain, the seals' signatures, and every sealed event against storage."""
    return [finding_out(f) for f in admin.verify_event_log_seals()]


@router.get("/users", response_model=list[UserOut], dependencies=_USERS)
def list_users(admin: AdministrationDep) -> list[UserOut]:
    """Every user (never a password or its hash)."""
    return [_user(u) for u in admin.users()]


@router.post("/users", response_model=UserCreated, status_code=201, dependencies=_USERS)
def add_user(body: UserRequest, admin: AdministrationDep) -> UserCreated:
    """Add a user; the generated password is in this answer only."""
    user, password = admin.add_user(body.name, body.role, body.fonds, body.clearance)
    return UserCreated(**_user(user).model_dump(), password=password)


@router.post("/users/{name}/disable", response_model=UserOut, dependencies=_USERS)
def disable_user(name: str, admin: AdministrationDep) -> UserOut:
    """Disable a user; its sessions stop working at once."""
    return _user(admin.set_user_disabled(name, True))


@router.post("/users/{name}/enable", response_model=UserOut, dependencies=_USERS)
def enable_user(name: str, admin: AdministrationDep) -> UserOut:
    return _user(admin.set_user_disabled(name, False))


@router.get("/tokens", response_model=list[TokenOut], dependencies=_USERS)
def list_tokens(admin: AdministrationDep) -> list[TokenOut]:
    """Every API token (id, name, scope, revoked; never the secret)."""
    return [_token(i, p, revoked) for i, p, revoked in admin.tokens()]


@router.post("/tokens", response_model=TokenCreated, status_code=201, dependencies=_USERS)
def create_token(body: TokenRequest, admin: AdministrationDep) -> TokenCreated:
    """Create an API token; the token is in this answer only (only its SHA-256 is kept)."""
    token_id, token = admin.create_token(body.name, body.role, body.fonds, body.clearance)
    listed = next(t for t in admin.tokens() if t[0] == token_id)
    return TokenCreated(**_token(*listed).model_dump(), token=token)


@router.delete("/tokens/{token_id}", status_code=204, dependencies=_USERS)
def revoke_token(token_id: str, admin: AdministrationDep) -> None:
    """Revoke a token."""
    admin.revoke_token(token_id)
