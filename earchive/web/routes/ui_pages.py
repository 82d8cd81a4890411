"""The web UI's reading pages: search with facets, a case, a file preview or download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from earchive.access.objections import ObjectionAccess
from earchive.web.deps import AccessDep
from earchive.web.facets import FILTER_PARAMS, build_facets
from earchive.web.routes.files import INLINE_TYPES, file_response, inline_capable
from earchive.web.ui import render
from search import SearchQuery

router = APIRouter(include_in_schema=False)

PAGE = 20
Text = Annotated[str, Query(max_length=500)]


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    access: AccessDep,
    q: Text = "",
    task: Text = "",
    year: Text = "",
    department: Text = "",
    result: Text = "",
    retention: Text = "",
    classification: Text = "",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    params = {"q": q, "task": task, "year": year, "department": department, "result": result,
              "retention": retention, "classification": classification}  # fmt: skip
    found = access.search(
        SearchQuery(
            text=q,
            task_code=task or None,
            year=int(year) if year.isdigit() else None,
            department=department or None,
            result=result or None,
            retention=retention or None,
            security_classification=classification or None,
            limit=PAGE,
            offset=offset,
        )
    )
    active = {k: v for k, v in params.items() if v and k in FILTER_PARAMS.values()}
    return render(
        request,
        "search.html",
        q=q,
        found=found,
        objection_marks=ObjectionAccess(access).open_counts([h.archive_id for h in found.hits]),
        facets=build_facets(found.facets, params),
        active=active,
        params=params,
        offset=offset,
        page=PAGE,
        personal_query_refused=access.refuses_personal_query(q),
    )


@router.get("/archives/{archive_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    archive_id: str,
    access: AccessDep,
    purpose: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    detail = access.case_detail(archive_id, purpose)
    return render(
        request,
        "case.html",
        objections=ObjectionAccess(access).for_archive(archive_id),  # 异议标注 banner
        detail=detail,
        record=detail.view.record,
        case=detail.case,
        purpose=purpose,
        inline_types=tuple(INLINE_TYPES),
    )


@router.get("/archives/{archive_id}/report.{kind}")
def check_report(
    archive_id: str,
    kind: str,
    access: AccessDep,
    purpose: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The 四性检测报告 (PDF in Chinese, or HTML) of the archive's latest check runs."""
    if kind not in ("pdf", "html"):
        raise HTTPException(status_code=404)
    data, name = access.check_report(archive_id, kind, purpose)
    media = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
    disposition = f"inline; filename*=UTF-8''{archive_id}-{name}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/archives/{archive_id}/files/{path:path}")
def case_file(
    archive_id: str,
    path: str,
    access: AccessDep,
    download: bool = False,
    purpose: Annotated[str, Query(max_length=200)] = "",
) -> StreamingResponse:
    row, stream, as_download = access.open_file(
        archive_id, path, download=lambda f: download or not inline_capable(f), purpose=purpose
    )
    return file_response(row, stream, as_download)
