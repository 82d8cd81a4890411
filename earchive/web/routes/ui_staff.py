"""The archivist console: reminders, re-running checks, upload with progress and the quarantine —
sorted and paged, each refused package's reasons in words, its report, resubmit and delete (with
a reason), the list as CSV/XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from earchive.auth import Permission
from earchive.services.table_files import FORMATS
from earchive.web.deps import ListingsDep
from earchive.web.i18n import translator
from earchive.web.listing import ListParams, PageSize, listing
from earchive.web.routes.table_response import table_response
from earchive.web.ui import render

router = APIRouter(include_in_schema=False)


def _lang(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


#: Columns the quarantine may be sorted by.
QUARANTINE_SORTS = ("refused_at", "source", "erc", "reasons")


@router.get("/console", response_class=HTMLResponse)
def console(
    request: Request,
    access: ListingsDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[PageSize, Query()] = 10,
    sort: Annotated[str, Query(max_length=20, pattern=r"^-?[a-z_]*$")] = "-refused_at",
    done: Annotated[str, Query(max_length=40, pattern=r"^[a-z_]*$")] = "",
) -> HTMLResponse:
    """The archivist console: reminders, re-run checks, upload, and the quarantine — sorted,
    paged, each refused package with its reasons in words and its actions."""
    access.require(Permission.UPLOAD)
    reminders = access.reminders() if access.principal.can(Permission.REMINDERS) else []
    chosen = ListParams(page=page, size=size, sort=sort)
    may_act = access.principal.can(Permission.QUARANTINE)
    entries = access.quarantine_sorted(sort) if may_act else []
    lst = listing(chosen, len(entries), QUARANTINE_SORTS, default_sort="-refused_at")
    return render(
        request,
        "console.html",
        quarantine=entries[lst.offset : lst.offset + lst.size],
        listing=lst,
        reminders=reminders,
        done=done,
    )


@router.get("/console/quarantine.{fmt}")
def quarantine_export(
    request: Request,
    fmt: str,
    access: ListingsDep,
    sort: Annotated[str, Query(max_length=20, pattern=r"^-?[a-z_]*$")] = "-refused_at",
) -> Response:
    """The quarantine as CSV or XLSX, each reason in words; recorded."""
    if fmt not in FORMATS:
        raise HTTPException(status_code=404)
    lang = _lang(request)
    t = translator(lang)

    def reason(f: dict[str, object]) -> str:
        detail = f.get("detail")
        zh = detail.get("zh") if isinstance(detail, dict) else None
        return str(zh if zh and lang != "en" else f.get("message", ""))

    headers = [t(k) for k in ("refused_at", "detail_package", "erc", "reasons", "code")]
    table = access.quarantine_table(sort, fmt, headers, reason)
    return table_response(table, fmt, f"{t('quarantine_export_name')}.{fmt}")


@router.post("/console/quarantine/{name}/delete")
def quarantine_delete(
    name: Annotated[str, Path(max_length=300)],
    access: ListingsDep,
    reason: Annotated[str, Form(min_length=3, max_length=2000)],
) -> RedirectResponse:
    """Delete one refused package, saying why (logged)."""
    access.quarantine_delete(name, reason)
    return RedirectResponse("/console?done=deleted#quarantine", status_code=303)


@router.post("/console/quarantine/{name}/resubmit")
def quarantine_resubmit(
    name: Annotated[str, Path(max_length=300)],
    access: ListingsDep,
) -> RedirectResponse:
    """Ingest one refused package again; the console says how it went."""
    result = access.quarantine_resubmit(name)
    return RedirectResponse(f"/console?done={result.status}#quarantine", status_code=303)
