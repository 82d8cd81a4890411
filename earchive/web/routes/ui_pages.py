"""The web UI's reading pages: search with facets, a case, a file preview or download."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from earchive.access.objections import ObjectionAccess
from earchive.core.errors import InvalidRequestError
from earchive.services.preservation.renditions import Rendition, rendition_kind
from earchive.services.table_files import FORMATS
from earchive.web.deps import AccessDep, ListingsDep, get_lang
from earchive.web.facets import FILTER_PARAMS, build_facets
from earchive.web.i18n import translator
from earchive.web.listing import ListParams, PageSize, listing
from earchive.web.routes.files import INLINE_TYPES, file_response, inline_capable
from earchive.web.routes.table_response import table_response
from earchive.web.schemas.search import SearchParams
from earchive.web.search_token import SearchTokens
from earchive.web.ui import query_string, render
from standards.personal_data import has_personal_number

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Query(max_length=500)]


#: The search page's own parameters besides the filters (``qt``: the words, sealed).
_UI_FIELDS = ("q", "task", "year", "department", "result", "retention", "classification")
#: The exported search list's columns (catalogue keys).
SEARCH_COLUMNS = (
    "archival_code", "erc", "title", "task", "facet_year", "department", "result", "retention",
    "classification", "applicant",
)  # fmt: skip


def _tokens(request: Request) -> SearchTokens:
    return SearchTokens(request.app.state.sessions.secret)


#: Columns the search list may be sorted by besides relevance (档号, 年度).
SEARCH_SORTS = ("code", "year")


def _words(request: Request, params: SearchParams, qt: str) -> str:
    if has_personal_number(params.q):
        raise InvalidRequestError(
            "q: 按证件号码或手机号检索请使用检索框提交 (search by ID or phone number with the "
            "search form, never in the address)"
        )
    return _tokens(request).open(qt) if qt else params.q


def _shown(params: SearchParams, qt: str) -> dict[str, str]:
    """The search's own parameters as the URL keeps them (the words sealed as ``qt``)."""
    shown = {k: "" if v is None else str(v) for k, v in params.model_dump().items()}
    shown = {k: shown[k] for k in _UI_FIELDS}
    if qt:
        shown["q"], shown["qt"] = "", qt
    return shown


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    access: ListingsDep,
    params: Annotated[SearchParams, Query()],
    qt: Annotated[str, Query(max_length=4000)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[PageSize, Query()] = 20,
) -> HTMLResponse:
    """The search page. Words holding an ID or phone number come as ``qt`` (sealed by
    ``POST /search``), never in clear in the URL. ``page``, ``size`` and ``sort`` (档号 or 年度,
    ``-`` descending; relevance by default) are kept in the URL."""
    q = _words(request, params, qt)
    sort = params.sort if params.sort and params.sort.lstrip("-") in SEARCH_SORTS else ""
    chosen = ListParams(page=page, size=size, sort=sort)
    query = params.model_copy(update={"limit": size, "offset": (page - 1) * size}).query(q)
    found = access.search(query)
    shown = _shown(params, qt)
    lst = listing(chosen, found.total, SEARCH_SORTS, shown)
    if lst.page != page:  # asked past the last page: show the last one
        found = access.search(dataclasses.replace(query, offset=lst.offset))
    active = {k: v for k, v in shown.items() if v and k in FILTER_PARAMS.values()}
    return render(
        request,
        "search.html",
        q=q,
        found=found,
        rows=access.hit_rows(found),
        objection_marks=ObjectionAccess(access).open_counts([h.archive_id for h in found.hits]),
        facets=build_facets(found.facets, shown),
        active=active,
        params=shown,
        listing=lst,
        export_query=query_string({**shown, "sort": sort}),
        personal_query_refused=access.refuses_personal_query(q),
    )


@router.get("/search/export.{fmt}")
def search_export(
    request: Request,
    fmt: str,
    access: ListingsDep,
    params: Annotated[SearchParams, Query()],
    qt: Annotated[str, Query(max_length=4000)] = "",
) -> Response:
    """Every hit of the search (as the page shows them: fonds, clearance and masking applied) as
    CSV or XLSX; recorded in the event log."""
    if fmt not in FORMATS:
        raise HTTPException(status_code=404)
    q = _words(request, params, qt)
    t = translator(get_lang(request))
    headers = [t(k) for k in SEARCH_COLUMNS]
    table = access.search_table(params.query(q), fmt, headers)
    return table_response(table, fmt, f"{t('search_export_name')}.{fmt}")


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
