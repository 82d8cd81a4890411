"""``POST /api/applicants``: the applicant view (一人一档 / 一企一档) for cleared principals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from earchive.access.access import Access
from earchive.auth import Permission
from earchive.services.applicants import ApplicantTimeline
from earchive.web.deps import get_access
from earchive.web.schemas.applicants import (
    ApplicantCaseOut,
    ApplicantOut,
    ApplicantQuery,
    ApplicantYearOut,
    LicenceOut,
)

__all__ = ["router", "timeline_out"]

router = APIRouter(prefix="/api", tags=["applicants"])


def cleared_access(access: Annotated[Access, Depends(get_access)]) -> Access:
    """The caller's ``Access``, refused (403) before the body is read without personal data."""
    access.require(Permission.PERSONAL_DATA)
    return access


def timeline_out(found: ApplicantTimeline) -> ApplicantOut:
    return ApplicantOut(
        kind=found.identity.kind,
        identifier=found.identity.value,
        names=list(found.names),
        total=len(found.entries),
        years=[
            ApplicantYearOut(
                year=y.year,
                cases=[
                    ApplicantCaseOut(
                        id=e.archive_id,
                        archival_code=e.archival_code,
                        electronic_record_code=e.electronic_record_code,
                        fonds_identifier=e.fonds_identifier,
                        year=e.year,
                        task_code=e.task_code,
                        task_name=e.task_name,
                        title=e.title,
                        result=e.result,
                        receive_time=e.receive_time,
                        transact_time=e.transact_time,
                        applicant_name=e.applicant_name,
                        licences=[LicenceOut(**c.__dict__) for c in e.licences],
                    )
                    for e in y.entries
                ],
            )
            for y in found.years
        ],
    )


@router.post(
    "/applicants",
    response_model=ApplicantOut,
    responses={403: {"description": "no personal-data permission"}, 422: {}},
)
def applicant_view(
    query: ApplicantQuery, access: Annotated[Access, Depends(cleared_access)]
) -> ApplicantOut:
    """Every archived case of one person (resident ID) or organisation (credit code) the caller
    may see, by year; recorded as an ``access`` event with the purpose and the keyed hash."""
    return timeline_out(access.applicant_timeline(query.identifier, query.purpose))
