"""``/api/bureau/transfers/…``: the receiving API a bureau runs (``EARCHIVE_BUREAU_MODE=1``).

A sending archive's system (API token of role ``sender``, permission ``transfer_in``) puts each
file of a transfer package, asks what is there (to resume), and completes the batch, which
answers the bureau's signed receipt. When bureau mode is off every route answers 404. The work
is ``earchive.services.transfer.receiving.Staging``; these routes only translate HTTP.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from earchive.auth import Permission
from earchive.core.errors import NotFoundError
from earchive.services.transfer.receiving import Staging
from earchive.web.deps import AccessDep, ArchiveDep
from earchive.web.problems import PROBLEM_JSON
from standards.digits import ascii_int

__all__ = ["router"]

#: Refusal → (HTTP status, problem title, receipt-style code).


def _bureau_mode(access: AccessDep) -> None:
    """Only a sending system's token may use these routes (403 for any other principal); they
    exist only when this archive runs in bureau mode (404 otherwise)."""
    access.require(Permission.TRANSFER_IN)
    if not access.archive.settings.bureau_mode:
        raise NotFoundError("bureau mode is off")


def _sender(access: AccessDep) -> str:
    access.require(Permission.TRANSFER_IN)
    return access.principal.name


def _staging(archive: ArchiveDep) -> Staging:
    return Staging(archive)


SenderDep = Annotated[str, Depends(_sender)]
StagingDep = Annotated[Staging, Depends(_staging)]
router = APIRouter(prefix="/api/bureau", tags=["bureau"], dependencies=[Depends(_bureau_mode)])


_PROBLEM = {"content": {PROBLEM_JSON: {}}}


@router.put(
    "/transfers/{batch}/files/{path:path}",
    status_code=201,
    responses={
        200: {"description": "the same bytes were there already"},
        400: {"description": "unsafe batch or path, digests not declared", **_PROBLEM},
        409: {"description": "the batch has its receipt already", **_PROBLEM},
        413: {"description": "over EARCHIVE_BUREAU_MAX_FILE_BYTES", **_PROBLEM},
        422: {"description": "bytes differ from the declared digests (digest_failed)", **_PROBLEM},
    },
)
async def put_file(
    batch: str,
    path: str,
    request: Request,
    sender: SenderDep,
    staging: StagingDep,
    x_content_sm3: Annotated[str, Header()] = "",
    x_content_sha256: Annotated[str, Header()] = "",
) -> JSONResponse:
    """Store one file (streamed body) of ``batch``; 201 stored, 200 the same bytes were there,
    422 the bytes do not have the declared digests."""
    declared = request.headers.get("content-length", "")
    length = ascii_int(declared)
    upload = staging.begin(
        sender, batch, path, x_content_sm3.lower(), x_content_sha256.lower(), length
    )
    try:
        async for chunk in request.stream():
            await run_in_threadpool(upload.write, chunk)
        stored = await run_in_threadpool(upload.finish)
    except BaseException:
        upload.abort()
        raise  # the inbox's refusals become problems in web/problems.py
    return JSONResponse(
        {"batch": batch, "path": path, "sm3": x_content_sm3.lower(), "stored": stored},
        status_code=201 if stored else 200,
    )


@router.get("/transfers/{batch}")
def batch_listing(batch: str, sender: SenderDep, staging: StagingDep) -> JSONResponse:
    """What is staged for ``batch`` (each file's SM3, SHA-256 and size) and whether it is
    closed (has its receipt); an unknown batch is empty."""
    files, completed = staging.listing(sender, batch)
    body = {p: {"sm3": d.sm3, "sha256": d.sha256, "size": d.size} for p, d in files.items()}
    return JSONResponse({"batch": batch, "files": body, "completed": completed})


@router.post("/transfers/{batch}/complete")
def complete(batch: str, sender: SenderDep, staging: StagingDep) -> Response:
    """Verify the staged package (as ``earchive receive`` does) and answer the signed
    ``receipt.json``; its ``code`` says accepted, unpack_failed, four_properties_failed or
    digest_failed. Asked again, the same receipt."""
    data = staging.complete(sender, batch)
    return Response(data, media_type="application/json")
