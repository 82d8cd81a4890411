"""``earchive transfer plan|run|status|receipt|rework`` (sender), ``earchive receive DIR`` (bureau).

``plan`` lists each archive's transfer deadline and status (policy:
standards/data/transfer-policy.json), with "kept until" for transferred ones; ``run --to DIR``
YJ-checks, packages and delivers into DIR; ``receipt FILE --receiver-key PEM`` verifies the
bureau's signed receipt and records it (transferred / rework); ``rework`` lists the archives the
bureau refused, with the reasons; ``status`` lists batches. ``receive DIR --sender-key PEM``
verifies a delivered package, ingests the accepted archives (``--verify-only``: not) and writes
the signed ``DIR.receipt.json``.
Exit codes: 0 success, 1 items refused / package not accepted, 2 usage or configuration error.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import Commands, JsonOpt, emit, open_archive, out, read_key

if TYPE_CHECKING:
    from earchive.services.transfer.sender import Sent, SignOffNeededError

__all__ = ["register"]

transfer_app = Commands(no_args_is_help=True, help="Transfers to the archive bureau (移交).")


@transfer_app.command("plan")
def plan_cmd(as_json: JsonOpt = False) -> None:
    """Each archive's transfer deadline and status (overdue, due, not_due, transferred)."""
    from earchive.services.transfer.sender import plan

    entries = plan(open_archive())
    for e in entries:
        if as_json:
            emit(
                {
                    "id": e.archive_id,
                    "archival_code": e.archival_code,
                    "formed": e.formed,
                    "deadline": e.deadline,
                    "status": e.status,
                    "outcome": e.outcome,
                    "kept_until": e.kept_until,
                }
            )
        else:
            kept = f"  kept until {e.kept_until}" if e.kept_until else ""
            out.print(f"{e.status:<15} {e.deadline}  {e.archival_code}  {e.archive_id}{kept}")


@transfer_app.command("rework")
def rework_cmd(as_json: JsonOpt = False) -> None:
    """Archives the bureau refused (rework), with the receipt's reasons; fix them, then the next
    ``transfer run`` sends them again."""
    from earchive.services.transfer.receipts import rework_queue

    waiting = rework_queue(open_archive())
    for o in waiting:
        if as_json:
            emit(
                {
                    "id": o.archive_id,
                    "archival_code": o.archival_code,
                    "batch_id": o.batch_id,
                    "code": o.code,
                    "receipt_at": o.receipt_at,
                    "findings": [f.as_dict() for f in o.findings],
                }
            )
        else:
            out.print(f"[red]{o.code}[/red] {o.archival_code}  {o.archive_id}  ({o.batch_id})")
            for f in o.findings:
                out.print(f"  {f.code} {f.path} {f.message}")


@transfer_app.command("run")
def run_cmd(
    to: Annotated[
        str | None,
        typer.Option("--to", help="DIR, s3://bucket/prefix or https://bureau/ (receiving API)."),
    ] = None,
    ids: Annotated[
        list[str] | None,
        typer.Option("--ids", help="Archive ids (repeatable); default: all due or overdue."),
    ] = None,
    receiver: Annotated[str, typer.Option(help="接收单位.")] = "综合档案馆",
    endpoint: Annotated[
        str, typer.Option(help="A transfer-policy endpoint: its target, receiver and selection.")
    ] = "",
    scheduled: Annotated[
        bool, typer.Option("--scheduled", help="Run every policy endpoint whose schedule is due.")
    ] = False,
    resume: Annotated[
        str, typer.Option(help="Deliver the kept package of this batch again (after a failure).")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """YJ-check, package (DA/T 48 EEPs, 文件目录, 登记表) and deliver to a directory, an S3
    bucket or the bureau's receiving API."""
    from earchive.cli import delivery
    from earchive.services.transfer.sender import (
        SELECTED_BY_DEFAULT,
        SignOffNeededError,
        group_by_unit,
        plan,
        run_transfer,
    )
    from earchive.services.transfer.targets import check_target

    if scheduled or resume:
        delivery.scheduled_or_resume(scheduled, resume, to, endpoint, as_json)
        return
    archive = open_archive()
    to, ids, receiver = delivery.resolve_endpoint(archive, endpoint, to, ids, receiver)
    check_target(archive.settings, to, endpoint=endpoint)  # before any YJ check runs
    if ids is None:  # everything due
        ids = [e.archive_id for e in plan(archive) if e.status in SELECTED_BY_DEFAULT]
    groups = list(group_by_unit(archive, ids).values())  # one package per 立档单位
    refused = False
    for chosen in groups:
        try:
            sent = run_transfer(
                archive,
                to,
                chosen,
                receiver=receiver,
                endpoint=endpoint,
                preparer=getpass.getuser(),
            )
        except SignOffNeededError as exc:  # this unit waits; the others still go
            _waiting(exc, as_json)
            refused = True
            continue
        refused = _report(sent, as_json) or refused
    if not groups:
        out.print("nothing to transfer: no archive is due")
    if refused:
        raise typer.Exit(1)


def _waiting(exc: SignOffNeededError, as_json: bool) -> None:
    """A unit's batch that waits for a sign-off: what, and the command that gives it."""
    if as_json:
        emit(
            {
                "batch_id": exc.batch_id,
                "status": "signoff_needed",
                "items": [
                    {"id": i, "review": [f"{r.item} {r.code}" for r in items]}
                    for i, items in exc.needs
                ],
            }
        )
        return
    out.print(f"[yellow]batch {exc.batch_id} waits for a sign-off[/yellow]; nothing was sent")
    for archive_id, items in exc.needs:
        for r in items:
            out.print(f"  {archive_id}: {r.item} {r.code} {r.message}", markup=False)
    out.print(f"confirm with: earchive transfer signoff --batch {exc.batch_id} --reason '…'")


def _report(sent: Sent, as_json: bool) -> bool:
    """Print one batch; True when some archive of it was refused."""
    pkg = sent.package
    summary = {
        "batch_id": pkg.batch_id,
        "target": sent.delivery.target,
        "sender": pkg.registration.sender,
        "items": [
            {
                "id": i.archive_id,
                "archival_code": i.archival_code,
                "eep": i.eep_path,
                "sm3": i.eep.sm3,
            }
            for i in pkg.items
        ],
        "refused": [f.as_dict() for f in pkg.refused],
        "copied": len(sent.delivery.copied),
        "skipped": len(sent.delivery.skipped),
        "receipt_path": str(sent.receipt_path or ""),
        "receipt_code": sent.receipt.code if sent.receipt else "",
    }
    if as_json:
        emit(summary)
    else:
        out.print(
            f"batch {pkg.batch_id} ({pkg.registration.sender}): {len(pkg.items)} archives "
            f"delivered to {sent.delivery.target}, {len(pkg.refused)} refused"
        )
        for f in pkg.refused:
            out.print(f"  [red]refused[/red] {f.message}")
    return bool(pkg.refused)


@transfer_app.command("signoff")
def signoff_cmd(
    ids: Annotated[list[str] | None, typer.Argument(help="Archive ids (or give --batch).")] = None,
    batch: Annotated[str | None, typer.Option(help="Every open item a run asked for.")] = None,
    reason: Annotated[str, typer.Option(help="Why the items are confirmed (kept).")] = "",
    by: Annotated[str, typer.Option(help="Who confirms (default: the login name).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Confirm the review items a transfer run found open (who, when, why)."""
    from earchive.services.transfer.signoff import sign_off

    archive = open_archive()
    done = sign_off(archive, by or getpass.getuser(), reason, archive_ids=ids or (), batch_id=batch)
    for s in done:
        row = {
            "batch_id": s.batch_id,
            "id": s.archive_id,
            "version": s.version,
            "items": [f"{i.item} {i.code}" for i in s.items],
            "signed_by": s.signed_by,
            "signed_at": s.signed_at,
            "reason": s.reason,
        }
        if as_json:
            emit(row)
        else:
            listed = ", ".join(f"{i.item} {i.code}" for i in s.items)
            out.print(f"signed off {s.archive_id} v{s.version}: {listed}")


@transfer_app.command("signoffs")
def signoffs_cmd(as_json: JsonOpt = False) -> None:
    """Review items transfer runs are waiting for, not signed off yet."""
    from earchive.services.transfer.signoff import open_requests

    for s in open_requests(open_archive()):
        items = [f"{i.item} {i.code}: {i.message}" for i in s.items]
        if as_json:
            emit({"batch_id": s.batch_id, "id": s.archive_id, "version": s.version, "items": items})
        else:
            out.print(f"{s.batch_id} {s.archive_id} v{s.version}")
            for line in items:
                out.print(f"  {line}", markup=False)


@transfer_app.command("status")
def status_cmd(as_json: JsonOpt = False) -> None:
    """The transfer batches and their receipt outcome: how many archives the receipt
    transferred (kept here until when) and sent to rework."""
    from transfer import OutcomeLedger, TransferLedger

    archive = open_archive()
    rows = TransferLedger(archive.writer).batches()
    outcomes = OutcomeLedger(archive.writer).all().values()
    for r in rows:
        mine = [o for o in outcomes if o.batch_id == r.batch_id]
        kept = max((o.kept_until for o in mine if o.kept_until is not None), default=None)
        extra = {
            "transferred": sum(o.status == "transferred" for o in mine),
            "rework": sum(o.status == "rework" for o in mine),
            "kept_until": kept,
        }
        if as_json:
            emit({**r.__dict__, **extra})
        else:
            until = f"  kept until {kept}" if kept else ""
            out.print(
                f"{r.batch_id}  {r.status:<24} {r.items} sent, {r.refused} refused  "
                f"{r.target}{until}"
            )


@transfer_app.command("receipt")
def receipt_cmd(
    path: Annotated[Path, typer.Argument(help="The bureau's receipt.json.")],
    receiver_key: Annotated[Path, typer.Option("--receiver-key", help="Bureau public key PEM.")],
    as_json: JsonOpt = False,
) -> None:
    """Verify the bureau's signed receipt and record its outcome."""
    from earchive.services.transfer.receipts import accept_receipt

    key = read_key(receiver_key)
    receipt = accept_receipt(open_archive(), path, key)
    if as_json:
        emit(receipt.as_dict())
    else:
        out.print(f"receipt for {receipt.batch_id}: {receipt.code} (signature verified)")
    if receipt.code != "accepted":
        raise typer.Exit(1)


def receive_cmd(
    package_dir: Annotated[Path, typer.Argument(help="A delivered transfer package.")],
    sender_key: Annotated[
        Path | None,
        typer.Option("--sender-key", help="A sender key agreed out of band (PEM), if any."),
    ] = None,
    verify_only: Annotated[
        bool, typer.Option("--verify-only", help="Check and sign a receipt; ingest nothing.")
    ] = False,
    legacy: Annotated[
        bool,
        typer.Option("--legacy", help="Also read the layout before 档发〔2012〕7号 (<条目>)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Bureau side: verify a transfer package — signatures by certificates that chain to a
    trust root (earchive keys trust) and name the 移交单位 of its 登记表 — ingest the accepted
    archives into this archive and write the signed receipt beside the package."""
    from earchive.services.transfer.receiving import receive_package

    key = read_key(sender_key) if sender_key is not None else None
    receipt, path = receive_package(
        open_archive(), package_dir, key, ingest=not verify_only, legacy=legacy
    )
    if as_json:
        emit({**receipt.as_dict(), "receipt_path": str(path)})
    else:
        out.print(f"{receipt.code}: {len(receipt.items)} archives; receipt {path}")
        for item in receipt.items:
            if item.archive_id:
                out.print(f"  {item.code} {item.archival_code} → {item.archive_id}")
        for item in receipt.items:
            for f in item.failed():
                out.print(f"  [red]{f.code}[/red] {item.archival_code} {f.path} {f.message}")
        for f in receipt.findings:
            if f.failed:
                out.print(f"  [red]{f.code}[/red] {f.path} {f.message}")
    if receipt.code != "accepted":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(transfer_app, name="transfer")
    app.command(name="receive")(receive_cmd)
