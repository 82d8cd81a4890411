"""``/api/search`` (words + filters + facets) and ``/api/me`` (who the caller is)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from earchive.access.objections import ObjectionAccess
from earchive.auth import ROLE_PERMISSIONS
from earchive.web.deps import AccessDep, PrincipalDep
from earchive.web.schemas.api import MeOut, SearchHitOut, SearchOut
from search import SearchQuery

router = APIRouter(prefix="/api", tags=["search"])

#: Why an ID-shaped query of an uncleared caller answers nothing (docs/access-control.md).
PERSONAL_QUERY_NOTICE = (
    "searching by ID or phone number needs the personal-data permission; the query was not run"
)


@router.get("/search", response_model=SearchOut)
def search(
    access: AccessDep,
    q: Annotated[str, Query(max_length=500)] = "",
    task: Annotated[str | None, Query(max_length=64, description="事项编码")] = None,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    result: Annotated[str | None, Query(max_length=32)] = None,
    retention: Annotated[str | None, Query(max_length=8)] = None,
    classification: Annotated[str | None, Query(max_length=8, description="密级")] = None,
    fonds: Annotated[str | None, Query(max_length=16)] = None,
    code_prefix: Annotated[str | None, Query(max_length=80, description="档号 prefix")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SearchOut:
    """Search what the caller may see; facets count the same set."""
    found = access.search(
        SearchQuery(
            text=q,
            task_code=task,
            year=year,
            department=department,
            result=result,
            retention=retention,
            security_classification=classification,
            fonds=(fonds,) if fonds else None,
            archival_code_prefix=code_prefix,
            limit=limit,
            offset=offset,
        )
    )
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
