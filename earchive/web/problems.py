"""One table mapping domain errors to HTTP status, and ``application/problem+json`` responses.

API paths (``/api/…``) answer RFC 9457 problem documents; UI paths get an HTML error page, and a
missing login there redirects to ``/login``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from earchive.core.errors import (
    ApplicantQueryError,
    AuthenticationRequiredError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    ObjectionConflictError,
    ObjectionError,
    PermissionDeniedError,
    PersonalDataWithheldError,
    UploadRejectedError,
    UserError,
)
from earchive.web.field_errors import field_errors
from ingest.pipeline import IngestBusyError
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

__all__ = ["ERROR_STATUS", "PROBLEM_JSON", "Answer", "install_error_handlers", "is_api", "problem"]

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Answer:
    """How an error is answered: status, problem title, a ``code`` member some clients act on,
    and ``Retry-After`` seconds for a refusal that passes."""

    status: int
    title: str
    code: str = ""
    retry_after: int = 0


#: Error → its answer; the most specific class wins (the handler is found along the raised
#: error's class hierarchy). The bureau's receiving API answers its refusals with a ``code`` its
#: senders act on.
ERROR_STATUS: Mapping[type[Exception], Answer] = {
    AuthenticationRequiredError: Answer(401, "authentication required"),
    PermissionDeniedError: Answer(403, "forbidden"),
    NotFoundError: Answer(404, "not found"),
    AnnotationStoreError: Answer(404, "not found"),
    UploadRejectedError: Answer(400, "upload rejected"),
    InvalidRequestError: Answer(400, "invalid request"),
    InvalidQueryError: Answer(400, "invalid query"),
    UserError: Answer(400, "invalid user request"),
    ConfigurationError: Answer(409, "not configured"),
    IngestBusyError: Answer(409, "being ingested", "busy", retry_after=5),
    TransferError: Answer(422, "transfer refused"),
    ApplicantQueryError: Answer(422, "invalid applicant query"),
    PersonalDataWithheldError: Answer(403, "personal data withheld"),
    ObjectionError: Answer(400, "invalid objection request"),
    ObjectionConflictError: Answer(409, "objection already decided"),
    UnsafeUploadError: Answer(400, "unsafe upload", "unsafe_path"),
    UnknownSenderError: Answer(403, "unknown sender", "unknown_sender"),
    BatchClosedError: Answer(409, "batch closed", "batch_closed"),
    IncompleteBatchError: Answer(409, "batch incomplete", "incomplete"),
    TooLargeError: Answer(413, "file too large", "too_large"),
    DigestMismatchError: Answer(422, "digest mismatch", "digest_failed"),
    InboxError: Answer(400, "refused", "refused"),
}

#: Titles of the HTTP errors raised by the framework and the middlewares.
HTTP_TITLES = {404: "not found", 405: "method not allowed", 413: "request too large"}

#: The longest page address a login redirect carries back (the login form takes no more).
_MAX_NEXT = 2000

HtmlRenderer = Callable[[Request, int, str, str], Response]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def problem(
    status: int, title: str, detail: str = "", retry_after: int = 0, **extra: object
) -> JSONResponse:
    """A problem document; ``extra`` members (e.g. ``findings``) are added as they are."""
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer realm="earchive"'} if status == 401 else {}
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _respond(
    request: Request,
    answer: Answer,
    detail: str,
    html: HtmlRenderer,
    **extra: object,
) -> Response:
    if is_api(request) or request.url.path == "/health":
        extra = {"code": answer.code, **extra} if answer.code else extra
        return problem(answer.status, answer.title, detail, answer.retry_after, **extra)
    if answer.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if len(target) > _MAX_NEXT:  # back to the page, without a query too long to carry
            target = request.url.path[:_MAX_NEXT]
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    page = html(request, answer.status, answer.title, detail)
    if answer.retry_after:
        page.headers["Retry-After"] = str(answer.retry_after)
    return page


def install_error_handlers(app: FastAPI, html: HtmlRenderer) -> None:
    """Register the table's handlers plus HTTP and validation errors, all as problems."""

    def domain(answer: Answer) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handler(request: Request, exc: Exception) -> Response:
            # a 404 never echoes what was asked for
            detail = "" if answer.status == 404 else str(exc)
            return _respond(request, answer, detail, html)

        return handler

    for exc_type, answer in ERROR_STATUS.items():
        app.add_exception_handler(exc_type, domain(answer))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) and status != 404 else ""
        code = "too_large" if status == 413 else ""  # as the table's TooLargeError
        answer = Answer(status, HTTP_TITLES.get(status, "error"), code)
        return _respond(request, answer, detail, html)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        # the page names each field (in the user's language) and what it accepts
        detail = "" if is_api(request) else field_errors(request.cookies.get("lang", ""), errors)
        return _respond(request, Answer(422, "invalid request"), detail, html, errors=errors)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
