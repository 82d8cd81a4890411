"""One table mapping domain errors to HTTP status, and ``application/problem+json`` responses.

API paths (``/api/…``) answer RFC 9457 problem documents; UI paths get an HTML error page, and a
missing login there redirects to ``/login``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from earchive.core.errors import (
    ApplicantQueryError,
    AuthenticationRequiredError,
    ConfigurationError,
    NotFoundError,
    ObjectionConflictError,
    ObjectionError,
    PermissionDeniedError,
    PersonalDataWithheldError,
    UploadRejectedError,
    UserError,
)
from preservation.annotation_files import AnnotationStoreError
from search import InvalidQueryError
from transfer import TransferError
from transfer.errors import (
    BatchClosedError,
    DigestMismatchError,
    InboxError,
    IncompleteBatchError,
    TooLargeError,
    UnknownSenderError,
    UnsafeUploadError,
)

__all__ = ["ERROR_STATUS", "PROBLEM_JSON", "install_error_handlers", "is_api", "problem"]

PROBLEM_JSON = "application/problem+json"

#: Error → (HTTP status, problem title[, ``code`` member]); the most specific class wins (the
#: handler is found along the raised error's class hierarchy). The bureau's receiving API answers
#: its refusals with a ``code`` its senders act on.
ERROR_STATUS: Mapping[type[Exception], tuple[int, str] | tuple[int, str, str]] = {
    UnsafeUploadError: (400, "unsafe upload", "unsafe_path"),
    UnknownSenderError: (403, "unknown sender", "unknown_sender"),
    BatchClosedError: (409, "batch closed", "batch_closed"),
    IncompleteBatchError: (409, "batch incomplete", "incomplete"),
    TooLargeError: (413, "file too large", "too_large"),
    DigestMismatchError: (422, "digest mismatch", "digest_failed"),
    InboxError: (400, "refused", "refused"),
    AnnotationStoreError: (404, "not found"),
    AuthenticationRequiredError: (401, "authentication required"),
    PermissionDeniedError: (403, "forbidden"),
    NotFoundError: (404, "not found"),
    UploadRejectedError: (400, "upload rejected"),
    InvalidQueryError: (400, "invalid query"),
    UserError: (400, "invalid user request"),
    ConfigurationError: (409, "not configured"),
    TransferError: (422, "transfer refused"),
    ApplicantQueryError: (422, "invalid applicant query"),
    PersonalDataWithheldError: (403, "personal data withheld"),
    ObjectionError: (400, "invalid objection request"),
    ObjectionConflictError: (409, "objection already decided"),
}

HtmlRenderer = Callable[[Request, int, str, str], Response]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def problem(status: int, title: str, detail: str = "", **extra: object) -> JSONResponse:
    """A problem document; ``extra`` members (e.g. ``findings``) are added as they are."""
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer realm="earchive"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _respond(
    request: Request, status: int, title: str, detail: str, html: HtmlRenderer, **extra: object
) -> Response:
    if is_api(request) or request.url.path == "/health":
        return problem(status, title, detail, **extra)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return html(request, status, title, detail)


def install_error_handlers(app: FastAPI, html: HtmlRenderer) -> None:
    """Register the table's handlers plus HTTP and validation errors, all as problems."""

    def domain(
        status: int, title: str, code: str = ""
    ) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handler(request: Request, exc: Exception) -> Response:
            detail = "" if status == 404 else str(exc)  # a 404 never echoes what was asked for
            extra = {"code": code} if code else {}
            return _respond(request, status, title, detail, html, **extra)

        return handler

    for exc_type, answer in ERROR_STATUS.items():
        app.add_exception_handler(exc_type, domain(*answer))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        title = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else ""
        return _respond(request, exc.status_code, title, detail, html)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        return _respond(request, 422, "invalid request", "", html, errors=errors)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
