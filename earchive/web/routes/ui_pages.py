"""The web UI's reading pages: search with facets, a case, a file preview or download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from earchive.access.objections import ObjectionAccess
from earchive.core.errors import InvalidRequestError
from earchive.services.preservation.renditions import Rendition, rendition_kind
from earchive.web.deps import AccessDep
from earchive.web.facets import FILTER_PARAMS, build_facets
from earchive.web.routes.files import INLINE_TYPES, file_response, inline_capable
from earchive.web.schemas.search import SearchParams
from earchive.web.search_token import SearchTokens
from earchive.web.ui import render
from standards.personal_data import has_personal_number

router = APIRouter(include_in_schema=False)

PAGE = 20
Text = Annotated[str, Query(max_length=500)]


#: The search page's own parameters besides the filters (``qt``: the words, sealed).
_UI_FIELDS = ("q", "task", "year", "department", "result", "retention", "classification")


def _tokens(request: Request) -> SearchTokens:
    return SearchTokens(request.app.state.sessions.secret)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    access: AccessDep,
    params: Annotated[SearchParams, Query()],
    qt: Annotated[str, Query(max_length=4000)] = "",
) -> HTMLResponse:
    """The search page. Words holding an ID or phone number come as ``qt`` (sealed by
    ``POST /search``), never in clear in the URL."""
    if has_personal_number(params.q):
        raise InvalidRequestError("search by ID or phone number with the search form")
    q = _tokens(request).open(qt) if qt else params.q
    params = params.model_copy(update={"limit": PAGE})
    found = access.search(params.query(q))
    shown = {k: "" if v is None else str(v) for k, v in params.model_dump().items()}
    shown = {k: shown[k] for k in _UI_FIELDS}
    if qt:
        shown["q"], shown["qt"] = "", qt
    active = {k: v for k, v in shown.items() if v and k in FILTER_PARAMS.values()}
    return render(
        request,
        "search.html",
        q=q,
        found=found,
        objection_marks=ObjectionAccess(access).open_counts([h.archive_id for h in found.hits]),
        facets=build_facets(found.facets, shown),
        active=active,
        params=shown,
        offset=params.offset,
        page=PAGE,
        personal_query_refused=access.refuses_personal_query(q),
    )


@router.post("/search", response_class=RedirectResponse)
def search_form(request: Request, params: Annotated[SearchParams, Form()]) -> RedirectResponse:
    """The search form: back to the search page, the words sealed when they hold an ID or
    phone number."""
    fields = {k: ("" if v is None else str(v)) for k, v in params.model_dump().items()}
    wanted = {k: fields[k] for k in _UI_FIELDS if fields[k]}
    if has_personal_number(params.q):
        wanted.pop("q")
        wanted["qt"] = _tokens(request).seal(params.q)
    return RedirectResponse("/?" + urlencode(wanted) if wanted else "/", status_code=303)


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
        renditions={f.path: rendition_kind(f) for f in detail.view.files},
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


def _shown_response(shown: Rendition, headers: dict[str, str]) -> Response:
    """Drawn pictures (cached PNGs, small) are read and closed at once, so a request the browser
    abandons leaves no file open; PDF copies and originals are streamed like downloads."""
    if shown.kind in ("png", "thumbnail"):
        with shown.stream as stream:
            return Response(stream.read(), media_type=shown.media_type, headers=headers)

    def chunks() -> Iterator[bytes]:
        with shown.stream as stream:
            while chunk := stream.read(1 << 16):
                yield chunk

    return StreamingResponse(chunks(), media_type=shown.media_type, headers=headers)


@router.get("/archives/{archive_id}/rendition/{path:path}")
def case_file_rendition(
    archive_id: str,
    path: str,
    access: AccessDep,
    purpose: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """What the case page shows of a file: a PNG of a TIFF or an OFD page, the PDF/A copy of
    an office document (same access rules as a download)."""
    _row, shown = access.open_rendition(archive_id, path, purpose)
    headers = {
        "Content-Disposition": "inline",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    return _shown_response(shown, headers)


@router.get("/archives/{archive_id}/thumbnail")
def case_thumbnail(archive_id: str, access: AccessDep) -> Response:
    """A small PNG of the archive's result document for result lists (the rendition rules)."""
    shown = access.open_thumbnail(archive_id)
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=300"}
    return _shown_response(shown, headers)
