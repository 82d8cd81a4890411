"""``/api/search`` (words + filters + facets) and ``/api/me`` (who the caller is)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from earchive.access.objections import ObjectionAccess
from earchive.auth import ROLE_PERMISSIONS, Permission
from earchive.core.errors import InvalidRequestError
from earchive.web.deps import AccessDep, PrincipalDep, require
from earchive.web.schemas.api import MeOut, SearchHitOut, SearchOut
from earchive.web.schemas.search import SearchParams
from standards.personal_data import has_personal_number

router = APIRouter(prefix="/api", tags=["search"])

#: Why an ID-shaped query of an uncleared caller answers nothing (docs/access-control.md).
PERSONAL_QUERY_NOTICE = (
    "searching by ID or phone number needs the personal-data permission; the query was not run"
)


#: Why a GET search with a personal number is refused (the number would sit in the URL).
PERSONAL_NUMBER_IN_URL = (
    "send ID and phone numbers in the body of POST /api/search, never in a URL "
    "(URLs end up in logs and histories)"
)


@router.get("/search", response_model=SearchOut)
def search(access: AccessDep, params: Annotated[SearchParams, Query()]) -> SearchOut:
    """Search what the caller may see; facets count the same set. A query holding an ID or
    phone number is refused here: use ``POST /api/search``."""
    if has_personal_number(params.q):
        raise InvalidRequestError(PERSONAL_NUMBER_IN_URL)
    return _search(access, params)


@router.post("/search", response_model=SearchOut, dependencies=[require(Permission.SEARCH)])
def search_by_body(access: AccessDep, params: SearchParams) -> SearchOut:
    """The same search with its words in the body (the way to search by an ID number)."""
    return _search(access, params)


def _search(access: AccessDep, params: SearchParams) -> SearchOut:
    q = params.q
    found = access.search(params.query())
    marks = ObjectionAccess(access).open_counts([h.archive_id for h in found.hits])  # 异议标注
    return SearchOut(
        total=found.total,
        hits=[
            SearchHitOut(
                id=h.archive_id,
                electronic_record_code=h.electronic_record_code,
                archival_code=h.archival_code,
                title=h.title,
                score=h.score,
                snippet=h.snippet,
                objection_open=h.archive_id in marks,
                open_objections=marks.get(h.archive_id, 0),
            )
            for h in found.hits
        ],
        facets={k: dict(v) for k, v in found.facets.items()},
        notice=PERSONAL_QUERY_NOTICE if access.refuses_personal_query(q) else None,
    )


@router.get("/me", response_model=MeOut, tags=["session"])
def me(principal: PrincipalDep) -> MeOut:
    """The caller's name, role, clearance, fonds and permissions."""
    return MeOut(
        name=principal.name,
        kind=principal.kind,
        role=principal.role.value,
        clearance=principal.clearance,
        fonds=list(principal.fonds) if principal.fonds is not None else None,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[principal.role]),
    )
