"""``/api/archives``: one archive's metadata and timeline, its files, a file, a BagIt export."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from earchive.access.access import CaseDetail
from earchive.web.deps import AccessDep
from earchive.web.routes.files import file_response, inline_capable
from earchive.web.schemas.api import ArchiveOut, FileOut, StepOut, VersionOut

router = APIRouter(prefix="/api/archives", tags=["archives"])

Purpose = Annotated[str, Query(max_length=200, description="查档目的, recorded with the access")]


def _archive_out(detail: CaseDetail) -> ArchiveOut:
    r, case = detail.view.record, detail.case
    return ArchiveOut(
        id=r.id,
        electronic_record_code=r.electronic_record_code,
        archival_code=r.archival_code,
        fonds_identifier=r.fonds_identifier,
        year=r.year,
        retention=r.retention,
        task_code=r.task_code,
        task_name=r.task_name,
        title=r.project_name,
        accept_number=r.accept_number,
        applicant_name=r.applicant_name,
        applicant_type=r.applicant_type,
        applicant_id_type=case.applicant.id_type if case else None,
        applicant_id_number=case.applicant.id_number if case else None,
        receive_department=r.receive_department,
        result=r.result,
        security_classification=r.security_classification,
        receive_time=r.receive_time,
        transact_time=r.transact_time,
        version=r.version,
        file_count=r.file_count,
        total_bytes=r.total_bytes,
        personal_data_masked=detail.masked,
        process=[StepOut(**s.__dict__) for s in (case.process if case else ())],
        files=[FileOut(**f.__dict__) for f in detail.view.files],
        versions=[VersionOut(**v.__dict__) for v in detail.view.versions],
    )


@router.get("/{archive_id}", response_model=ArchiveOut)
def get_archive(archive_id: str, access: AccessDep, purpose: Purpose = "") -> ArchiveOut:
    """Metadata, handling timeline, files and versions (recorded as a view)."""
    return _archive_out(access.case_detail(archive_id, purpose))


@router.get("/{archive_id}/files", response_model=list[FileOut])
def list_files(archive_id: str, access: AccessDep, purpose: Purpose = "") -> list[FileOut]:
    """The current version's files."""
    return [FileOut(**f.__dict__) for f in access.view(archive_id, purpose).files]


@router.get(
    "/{archive_id}/files/{path:path}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_file(
    archive_id: str,
    path: str,
    access: AccessDep,
    purpose: Purpose = "",
    disposition: Literal["attachment", "inline"] = "attachment",
) -> StreamingResponse:
    """One original file (recorded as a download, or a preview when ``disposition=inline``)."""
    row, stream, download = access.open_file(
        archive_id,
        path,
        download=lambda f: disposition == "attachment" or not inline_capable(f),
        purpose=purpose,
    )
    return file_response(row, stream, download)


@router.get(
    "/{archive_id}/export",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_archive(
    archive_id: str, access: AccessDep, purpose: Purpose = "", form: Literal["bagit"] = "bagit"
) -> FileResponse:
    """The current version as a zipped BagIt bag (verify offline with ``earchive verify``)."""
    work = Path(tempfile.mkdtemp(prefix="earchive-export-"))
    try:
        path = access.export_zip(archive_id, work, purpose)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"{archive_id}-{form}.zip",
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )
