"""Service functions for transfers to the archive bureau: plan, build + check + deliver, receive
(bureau side) and take back the bureau's signed receipt. The CLI (``earchive.commands_transfer``)
calls these; ``transfer`` does the domain work and never sees the ``Archive``.

Each step is an event in the archive's event log (``transfer`` / ``receive`` / ``receipt``) and
each batch a row in the transfer ledger. Raises ``NotFoundError``, ``ConfigurationError`` and the
``transfer.TransferError`` family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from earchive.archive import Archive, ConfigurationError, NotFoundError
from earchive.checks import CheckOptions, antivirus_from_settings, check_archive
from package.digest import digest_bytes
from package.errors import MetadataError
from package.metadata import read_archival_metadata
from preservation.checks import CheckRun
from preservation.events import Event
from transfer import (
    CheckOutcome,
    DeliveryResult,
    DirectoryDelivery,
    EepDocument,
    EepSource,
    PlanEntry,
    Receipt,
    TransferLedger,
    TransferPackage,
    TransferPolicy,
    TransferRequest,
    build_transfer_package,
    plan_entry,
    receipt_json,
    receive,
    verify_receipt,
)

__all__ = ["Sent", "accept_receipt", "eep_source", "plan", "receive_package", "run_transfer"]

RECEIPT_SUFFIX = ".receipt.json"


@dataclass(frozen=True)
class Sent:
    package: TransferPackage
    delivery: DeliveryResult


def _metadata(archive: Archive, archive_id: str) -> dict[str, object]:
    with archive.open_file(archive_id, "metadata/archival.xml") as fp:
        try:
            return read_archival_metadata(fp.read())
        except MetadataError as exc:
            raise ConfigurationError(f"{archive_id}: unreadable archival.xml: {exc}") from exc


def eep_source(archive: Archive, archive_id: str) -> EepSource:
    """The current version of an archive as the input of an EEP."""
    paths = archive.version_paths(archive_id)
    docs = tuple(
        EepDocument(p, lambda p=p: archive.open_file(archive_id, p))  # type: ignore[misc]
        for p in paths
    )
    return EepSource(_metadata(archive, archive_id), docs)


def outcome_of(run: CheckRun) -> CheckOutcome:
    counts: dict[str, dict[str, int]] = {}
    for r in run.results:
        prop = r.item.split("-")[1] if r.item.count("-") >= 2 else "?"
        row = counts.setdefault(prop, {})
        row[r.finding.status.value] = row.get(r.finding.status.value, 0) + 1
    encrypted = any(r.finding.failed and "ENCRYPT" in r.finding.code for r in run.results)
    return CheckOutcome(
        run.archive_id, run.failed, encrypted, counts, tuple(r.finding for r in run.results)
    )


def plan(archive: Archive, today: date | None = None) -> list[PlanEntry]:
    """Every archive with its transfer deadline and status under the shipped policy."""
    policy = TransferPolicy.load()
    today = today or archive.clock().date()
    done = TransferLedger(archive.writer).transferred()
    return [
        plan_entry(
            policy, r.id, r.archival_code, r.transact_time.date(), r.retention, today, r.id in done
        )
        for r in archive.catalog.iter_archives()
    ]


def _font() -> tuple[Path | None, int]:
    from earchive.samples.fonts import FontNotFoundError, find_cjk_font

    try:
        font = find_cjk_font()
    except FontNotFoundError:
        return None, 0
    return font.path, font.index


def run_transfer(
    archive: Archive,
    to: Path,
    ids: Sequence[str] | None = None,
    *,
    receiver: str = "综合档案馆",
    inline_limit: int = 1 << 20,
) -> Sent:
    """YJ-check, encapsulate and package ``ids`` (default: every due or overdue archive), keep
    the package under ``<home>/transfers/`` and deliver it into ``to``."""
    if ids is None:
        ids = [e.archive_id for e in plan(archive) if e.status in ("due", "overdue")]
    for archive_id in ids:
        if archive.catalog.get(archive_id) is None:
            raise NotFoundError(archive_id)
    now = archive.clock()
    batch_id = f"transfer-{now:%Y%m%dT%H%M%S%f}"
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    units = sorted({str(_metadata(archive, i)["fonds_name"]) for i in ids})
    units = units or [archive.settings.agent]
    font, index = _font()
    request = TransferRequest(
        batch_id=batch_id,
        task_name=f"电子档案移交 {batch_id}",
        sender="、".join(units),
        receiver=receiver,
        created=now,
        agent=archive.settings.agent,
        inline_limit=inline_limit,
        font=font,
        font_index=index,
    )
    built = build_transfer_package(
        archive.home / "transfers" / batch_id,
        [(i, lambda i=i: eep_source(archive, i)) for i in ids],  # type: ignore[misc]
        lambda i: outcome_of(check_archive(archive, i, "yj", options)),
        request,
        archive.signer,
    )
    delivered = DirectoryDelivery(to).deliver(built.path)
    TransferLedger(archive.writer).record_batch(
        batch_id,
        now,
        delivered.target,
        [(i.archive_id, i.archival_code) for i in built.items],
        built.registration.refused,
    )
    agent = archive.settings.agent
    for item in built.items:
        archive.events.record(
            Event(
                agent,
                "transfer",
                item.archive_id,
                "sent",
                now,
                {"batch": batch_id, "eep": item.eep_path, "sm3": item.eep.sm3},
            )
        )
    for archive_id in built.registration.refused:
        archive.events.record(
            Event(agent, "transfer", archive_id, "refused", now, {"batch": batch_id})
        )
    return Sent(built, delivered)


def receive_package(
    archive: Archive, package_dir: Path, sender_key_pem: str
) -> tuple[Receipt, Path]:
    """Bureau side: verify a delivered package, write ``<package>.receipt.json`` beside it
    (signed with this archive's key) and return the receipt and its path. Ingesting the EEPs
    into this archive is not done yet."""
    if not package_dir.is_dir():
        raise NotFoundError(str(package_dir))
    receipt = receive(
        package_dir, sender_key_pem, receiver=archive.settings.agent, clock=archive.clock
    )
    data = receipt_json(receipt, archive.signer)
    path = package_dir.with_name(package_dir.name + RECEIPT_SUFFIX)
    path.write_bytes(data)
    archive.events.record(
        Event(
            archive.settings.agent,
            "receive",
            receipt.batch_id or package_dir.name,
            receipt.code,
            receipt.received_at,
            {"items": str(len(receipt.items)), "receipt_sm3": digest_bytes(data).sm3},
        )
    )
    return receipt, path


def accept_receipt(archive: Archive, receipt_path: Path, receiver_key_pem: str) -> Receipt:
    """Sender side: verify the bureau's receipt signature and record its outcome."""
    data = receipt_path.read_bytes()
    receipt = verify_receipt(data, receiver_key_pem)
    TransferLedger(archive.writer).record_receipt(
        receipt.batch_id,
        receipt.code,
        receipt.received_at,
        digest_bytes(data).sm3,
        {i.archival_code: ("accepted" if i.code == "accepted" else i.code) for i in receipt.items},
    )
    archive.events.record(
        Event(
            archive.settings.agent,
            "receipt",
            receipt.batch_id,
            receipt.code,
            archive.clock(),
            {"items": str(len(receipt.items))},
        )
    )
    return receipt
