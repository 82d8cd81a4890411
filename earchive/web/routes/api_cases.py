"""``/api/cases`` (a handling system or archivist submits a case package) and the quarantine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import JSONResponse

from earchive.web.deps import AccessDep
from earchive.web.problems import PROBLEM_JSON, problem
from earchive.web.schemas.api import FindingOut, IngestOut, QuarantineOut

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
    result = access.upload(package.filename or "", package.file)
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
