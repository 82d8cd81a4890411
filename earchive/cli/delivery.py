"""Delivery parts of the transfer command line: ``transfer run --endpoint/--scheduled/--resume``
(called from ``earchive.cli.transfer``) and, bureau side, ``earchive receive-s3 s3://…``.

``--endpoint NAME`` takes target, receiver and selection from the transfer policy;
``--scheduled`` runs every endpoint whose cron schedule is due now; ``--resume BATCH`` delivers a
kept package again (only what the receiver lacks). ``receive-s3 s3://bucket/prefix/<package>
--sender-key PEM`` fetches a package from the bureau's bucket, verifies it and writes the receipt.
Exit codes: 0 success, 1 a run failed / package not accepted, 2 usage or configuration error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import emit, out, read_key
from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.settings import Settings

if TYPE_CHECKING:
    from transfer.endpoints import Endpoint

__all__ = ["register", "resolve_endpoint", "scheduled_or_resume"]


def _endpoint(name: str) -> Endpoint:
    from transfer import TransferPolicy

    for e in TransferPolicy.load().endpoints:
        if e.name == name:
            return e
    raise ConfigurationError(f"no endpoint {name!r} in the transfer policy")


def resolve_endpoint(
    archive: Archive, name: str, to: str | None, ids: list[str] | None, receiver: str
) -> tuple[str, list[str] | None, str]:
    """``(target, ids, receiver)`` of a ``transfer run``: from ``--endpoint`` when named."""
    from earchive.services.transfer.schedule import due_archives
    from transfer import TransferLedger

    if not name:
        if to is None:
            raise ConfigurationError("name a target: --to DIR|s3://…|https://… or --endpoint")
        return to, ids, receiver
    e = _endpoint(name)
    if ids is None:
        ids = due_archives(archive, e, archive.clock(), TransferLedger(archive.writer).in_flight())
    return to or e.target, ids, e.receiver


def scheduled_or_resume(
    scheduled: bool, batch: str, to: str | None, endpoint: str, as_json: bool
) -> None:
    from earchive.services.transfer.delivery import resume_transfer
    from earchive.services.transfer.schedule import run_scheduled

    archive = Archive(Settings())
    if scheduled:
        runs = run_scheduled(archive, only=endpoint)
        for run in runs:
            if as_json:
                emit(run.as_dict())
            else:
                out.print(f"{run.endpoint}: {run.status} {run.batch_id} {run.error}".rstrip())
        if not runs and not as_json:
            out.print("no endpoint is due now")
        if any(r.status == "failed" for r in runs):
            raise typer.Exit(1)
        return
    target = to or (_endpoint(endpoint).target if endpoint else None)
    if target is None:
        raise ConfigurationError("--resume needs --to or --endpoint")
    done = resume_transfer(archive, batch, target, endpoint=endpoint)
    summary = {
        "batch_id": batch,
        "target": done.result.target,
        "copied": len(done.result.copied),
        "skipped": len(done.result.skipped),
        "receipt_path": str(done.receipt_path or ""),
        "receipt_code": done.receipt.code if done.receipt else "",
    }
    if as_json:
        emit(summary)
    else:
        out.print(f"batch {batch}: {summary['copied']} sent, {summary['skipped']} already there")


def receive_s3_cmd(
    address: Annotated[str, typer.Argument(help="s3://bucket/prefix/<package>")],
    sender_key: Annotated[
        Path | None,
        typer.Option("--sender-key", help="A sender key agreed out of band (PEM), if any."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Bureau side: fetch a package from the transfer bucket (EARCHIVE_TRANSFER_S3_*), verify
    it — signatures by certificates that chain to a trust root (earchive keys trust) and name
    the 移交单位 — and write its signed receipt."""
    from earchive.services.transfer.delivery import receive_from_s3

    key = read_key(sender_key) if sender_key is not None else None
    receipt, path, fetched = receive_from_s3(Archive(Settings()), address, key)
    if as_json:
        emit(
            {
                **receipt.as_dict(),
                "receipt_path": str(path),
                "fetched": len(fetched.fetched),
                "mismatched": list(fetched.mismatched),
                "unsafe": list(fetched.unsafe),
            }
        )
    else:
        out.print(f"{receipt.code}: {len(receipt.items)} archives; receipt {path}")
    if receipt.code != "accepted":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(name="receive-s3")(receive_s3_cmd)
