"""``/api/transfers``: the transfer plan, batches and receipts; start a transfer (as a job)."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from earchive.auth import Permission
from earchive.services.transfer.console import BatchView
from earchive.services.transfer.signoff import SignOff
from earchive.web.deps import JobsDep, OperationsDep, require
from earchive.web.routes.api_fixity import accepted
from earchive.web.routes.responses import finding_out, job_out
from earchive.web.schemas.api import (
    BatchItemOut,
    BatchOut,
    JobOut,
    PlanEntryOut,
    ReceiptIn,
    ReceiptItemOut,
    ReceiptOut,
    ReviewItemOut,
    ReworkOut,
    ScheduleEntryOut,
    SignOffIn,
    SignOffOut,
    TransferRequestIn,
)

router = APIRouter(
    prefix="/api/transfers", tags=["transfers"], dependencies=[require(Permission.TRANSFERS)]
)


def _receipt(b: BatchView) -> ReceiptOut | None:
    r = b.receipt
    if r is None:
        return None
    return ReceiptOut(
        batch_id=b.batch_id,
        code=r.code,
        received_at=r.at,
        path=r.path,
        items=[
            ReceiptItemOut(archival_code=c, code=code, findings=[finding_out(f) for f in fs])
            for c, code, fs in r.items
        ],
        findings=[finding_out(f) for f in r.findings],
        problem=r.problem,
    )


def _batch(b: BatchView) -> BatchOut:
    return BatchOut(
        batch_id=b.batch_id,
        created=b.created,
        target=b.target,
        sent=b.sent,
        refused=b.refused,
        status=b.status,
        items=[
            BatchItemOut(id=i.archive_id, archival_code=i.archival_code, status=i.status)
            for i in b.items
        ],
        receipt=_receipt(b),
    )


@router.get("/schedule", response_model=list[ScheduleEntryOut])
def retention_schedule(ops: OperationsDep) -> list[ScheduleEntryOut]:
    """The retention schedule: per visible archive, transfer (deadline, status, kept copy) or
    disposal review (when), from the transfer policy."""
    return [ScheduleEntryOut.model_validate(e.as_dict()) for e in ops.retention_schedule()]


@router.get("/rework", response_model=list[ReworkOut])
def transfer_rework(ops: OperationsDep) -> list[ReworkOut]:
    """Archives the bureau refused, with its findings: they go again with the next transfer."""
    return [
        ReworkOut(
            id=o.archive_id,
            archival_code=o.archival_code,
            batch_id=o.batch_id,
            code=o.code,
            receipt_at=o.receipt_at,
            findings=[finding_out(f) for f in o.findings],
        )
        for o in ops.transfer_rework()
    ]


@router.get("/plan", response_model=list[PlanEntryOut])
def transfer_plan(ops: OperationsDep) -> list[PlanEntryOut]:
    """Each visible archive's transfer deadline, status and why (overdue first)."""
    return [
        PlanEntryOut(
            id=r.entry.archive_id,
            archival_code=r.entry.archival_code,
            title=r.title,
            fonds=r.fonds,
            retention=r.retention,
            formed=r.entry.formed,
            deadline=r.entry.deadline,
            status=r.entry.status,
            reason_zh=r.reason_zh,
            reason_en=r.reason_en,
        )
        for r in ops.transfer_plan()
    ]


@router.get("/batches", response_model=list[BatchOut])
def transfer_batches(ops: OperationsDep) -> list[BatchOut]:
    """Every batch sent, newest first, with its items and receipt (if one came back)."""
    return [_batch(b) for b in ops.transfer_batches()]


@router.get("/receipts", response_model=list[ReceiptOut])
def transfer_receipts(ops: OperationsDep) -> list[ReceiptOut]:
    """The bureau's receipts: code, time, per-item codes and findings."""
    return [r for r in (_receipt(b) for b in ops.transfer_batches()) if r is not None]


@router.post(
    "",
    response_model=JobOut,
    status_code=202,
    dependencies=[require(Permission.TRANSFER_RUN)],
)
def start_transfer(
    ops: OperationsDep, jobs: JobsDep, body: TransferRequestIn | None = None
) -> JSONResponse:
    """YJ-check, package and deliver ``ids`` (default: every due or overdue archive) to the
    configured target (``EARCHIVE_TRANSFER_TARGET``); 409 when none is configured."""
    return accepted(job_out(ops.start_transfer(jobs, body.ids if body else None)))


def _signoff(s: SignOff) -> SignOffOut:
    return SignOffOut(
        batch_id=s.batch_id,
        id=s.archive_id,
        version=s.version,
        items=[ReviewItemOut(item=i.item, code=i.code, message=i.message) for i in s.items],
        signed_by=s.signed_by,
        signed_at=s.signed_at,
        reason=s.reason,
    )


@router.get("/signoffs", response_model=list[SignOffOut])
def open_signoffs(ops: OperationsDep) -> list[SignOffOut]:
    """Review items a transfer run found and nobody confirmed yet (nothing of those archives
    leaves until they are)."""
    return [_signoff(s) for s in ops.signoff_requests()]


@router.post(
    "/signoffs",
    response_model=list[SignOffOut],
    dependencies=[require(Permission.TRANSFER_RUN)],
)
def sign_off(ops: OperationsDep, body: SignOffIn) -> list[SignOffOut]:
    """Confirm the open review items of ``ids`` or of ``batch_id``, as the caller, with a reason
    (recorded with the time; the next transfer run of those archives may then go)."""
    done = ops.sign_off(body.reason, archive_ids=body.ids, batch_id=body.batch_id)
    return [_signoff(s) for s in done]


@router.post(
    "/receipts",
    response_model=ReceiptOut,
    status_code=201,
    dependencies=[require(Permission.TRANSFER_RUN)],
)
def record_receipt(body: ReceiptIn, ops: OperationsDep) -> ReceiptOut:
    """Verify the bureau's signed receipt with its public key and record the outcome per item
    (like ``earchive transfer receipt``); 422 for a tampered, unsigned or unknown receipt."""
    data = json.dumps(body.receipt, ensure_ascii=False).encode("utf-8")
    r = ops.accept_receipt(data, body.receiver_key_pem)
    return ReceiptOut(
        batch_id=r.batch_id,
        code=r.code,
        received_at=r.received_at,
        path="",
        items=[
            ReceiptItemOut(
                archival_code=i.archival_code,
                code=i.code,
                findings=[finding_out(f) for f in i.findings],
            )
            for i in r.items
        ],
        findings=[finding_out(f) for f in r.findings],
    )
