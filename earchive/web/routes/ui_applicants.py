"""The applicant view page (``/applicants``): a form (identifier + purpose) and the timeline.

The form posts, so identifiers never appear in URLs, browser history or access logs; answers are
not cached. Only principals with the personal-data permission reach it (others: the 403 page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from earchive.auth import Permission
from earchive.core.errors import ApplicantQueryError
from earchive.services.applicants import ApplicantTimeline
from earchive.web.deps import AccessDep, get_lang
from earchive.web.i18n import translator
from earchive.web.ui import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_NO_STORE = {"Cache-Control": "no-store"}


def _page(
    request: Request,
    status: int = 200,
    found: ApplicantTimeline | None = None,
    identifier: str = "",
    purpose: str = "",
    error: str = "",
) -> HTMLResponse:
    response = render(
        request,
        "applicants.html",
        status=status,
        found=found,
        identifier=identifier,
        purpose=purpose,
        error=error,
    )
    response.headers.update(_NO_STORE)
    return response


@router.get("/applicants", response_class=HTMLResponse)
def applicants_form(request: Request, access: AccessDep) -> HTMLResponse:
    access.require(Permission.PERSONAL_DATA)
    return _page(request)


@router.post("/applicants", response_class=HTMLResponse)
def applicants_lookup(
    request: Request,
    access: AccessDep,
    identifier: Annotated[str, Form(max_length=64)] = "",
    purpose: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    access.require(Permission.PERSONAL_DATA)
    try:
        found = access.applicant_timeline(identifier, purpose)
    except ApplicantQueryError as exc:
        error = applicant_error(str(exc), translator(get_lang(request)))
        return _page(request, 422, identifier=identifier, purpose=purpose, error=error)
    return _page(request, found=found, identifier=found.identity.value, purpose=purpose)


#: The start of an applicant-query refusal → the catalogue key of its words (field and fix).
_APPLICANT_ERRORS = (
    ("not a valid resident ID number", "applicant_error_id_check"),
    ("not a valid unified social credit code", "applicant_error_uscc_check"),
    ("give an 18-character", "applicant_error_length"),
    ("state the purpose", "applicant_error_purpose"),
)


def applicant_error(message: str, t: Callable[[str], str]) -> str:
    """A refusal of the applicant form in the user's language, naming the field and the fix."""
    for start, key in _APPLICANT_ERRORS:
        if message.startswith(start):
            return t(key)
    return message
