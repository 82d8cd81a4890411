"""``/api/cases`` (a handling system or archivist submits a case package) and the quarantine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import JSONResponse, Response

from earchive.auth import Permission
from earchive.web.deps import AccessDep, require
from earchive.web.problems import PROBLEM_JSON, problem
from earchive.web.schemas.api import FindingOut, IngestOut, QuarantineDeleteIn, QuarantineOut
from ingest.pipeline import IngestResult

router = APIRouter(prefix="/api", tags=["ingest"])

_REFUSED = {
    "description": "refused: every reason as a finding; the package is in the quarantine",
    "content": {PROBLEM_JSON: {}},
}


@router.post(
    "/cases",
    response_model=IngestOut,
    status_code=201,
    responses={200: {"description": "duplicate of an archived version"}, 422: _REFUSED},
)
def upload_case(package: Annotated[UploadFile, File()], access: AccessDep) -> JSONResponse:
    """Ingest one case package (ZIP). 201 archived (new or new version), 200 duplicate."""
    return _answer(access.upload(package.filename or "", package.file))


def _answer(result: IngestResult) -> JSONResponse:
    """201 archived (new or new version), 200 duplicate, 422 refused with every reason."""
    body = IngestOut(
        status=result.status,
        electronic_record_code=result.electronic_record_code,
        id=result.id,
        archival_code=result.archival_code or None,
        version=result.version,
        findings=[FindingOut.model_validate(f.as_dict()) for f in result.findings],
    ).model_dump(mode="json", exclude_none=True)
    if result.status == "refused":
        codes = sorted({f.code for f in result.findings if f.status.value == "FAIL"})
        return problem(
            422,
            "case package refused",
            "; ".join(codes),
            codes=codes,
            electronic_record_code=result.electronic_record_code,
            findings=body["findings"],
        )
    return JSONResponse(body, status_code=200 if result.status == "duplicate" else 201)


@router.get("/quarantine", response_model=list[QuarantineOut])
def quarantine(access: AccessDep) -> list[QuarantineOut]:
    """Refused packages, newest first, with every reason."""
    return [QuarantineOut.model_validate(e.as_dict()) for e in access.quarantine()]


QuarantineName = Annotated[str, Path(max_length=300)]


@router.get("/quarantine/{name}/report", dependencies=[require(Permission.QUARANTINE)])
def quarantine_report(name: QuarantineName, access: AccessDep) -> JSONResponse:
    """The report of one refused package (every reason; ``reduced`` once only it is kept)."""
    return JSONResponse(access.quarantine_report(name))


@router.post(
    "/quarantine/{name}/delete", status_code=204, dependencies=[require(Permission.QUARANTINE)]
)
def quarantine_delete(
    name: QuarantineName, body: QuarantineDeleteIn, access: AccessDep
) -> Response:
    """Delete one refused package and its report; the reason goes to the event log."""
    access.quarantine_delete(name, body.reason)
    return Response(status_code=204)


@router.post(
    "/quarantine/{name}/resubmit",
    response_model=IngestOut,
    dependencies=[require(Permission.QUARANTINE, Permission.UPLOAD)],
)
def quarantine_resubmit(name: QuarantineName, access: AccessDep) -> JSONResponse:
    """Ingest one refused package again; answered like ``POST /api/cases``."""
    return _answer(access.quarantine_resubmit(name))
