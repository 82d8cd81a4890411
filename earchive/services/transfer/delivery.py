"""Delivering a built transfer package (sender side), resuming one, and the bureau's fetch from
its bucket; every delivery step an event.

``deliver_package`` picks the adapter for the target (``earchive.services.transfer.targets``),
records
each ``DeliveryEvent`` (retry, file, skipped, batch, completed, failed) as a ``delivery`` event
of the batch, keeps the ledger's delivery state (``delivering``, then ``delivered`` or
``delivery_failed``) and, when
the receiver answered with a receipt (HTTP), writes it to ``<home>/transfers/<batch>.receipt.json``
and accepts it when the bureau's key is known. ``resume_transfer`` delivers a kept package again:
what already arrived is skipped. ``receive_from_s3`` (bureau) fetches ``s3://bucket/prefix/<pkg>``
into ``<home>/bureau/fetched/`` and runs ``receive_package`` on the copy. Raises
``ConfigurationError``, ``NotFoundError`` and the ``transfer.TransferError`` family.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError, NotFoundError
from earchive.services.transfer.receipts import accept_receipt
from earchive.services.transfer.receiving import receive_package
from earchive.services.transfer.targets import delivery_for, s3_client, s3_location
from preservation.events import Event
from transfer import DeliveryError, DeliveryResult, Receipt, TransferLedger
from transfer.receipt import RECEIPT_SUFFIX
from transfer.retry import DeliveryEvent, Progress, RetryPolicy

if TYPE_CHECKING:
    from transfer.delivery_s3 import FetchResult

__all__ = ["Delivered", "deliver_package", "receive_from_s3", "receiver_key", "resume_transfer"]

_RESUMABLE = frozenset({"delivering", "delivery_failed", "delivered"})


@dataclass(frozen=True)
class Delivered:
    result: DeliveryResult
    receipt_path: Path | None = None  # the receiver's receipt, when it answered with one
    receipt: Receipt | None = None  # set when it was verified and accepted


def receiver_key(archive: Archive, given: str | None = None) -> str | None:
    """The bureau's public key PEM: ``given``, else ``EARCHIVE_TRANSFER_RECEIVER_KEY``'s file."""
    if given:
        return given
    path = archive.settings.transfer_receiver_key
    if path is None:
        return None
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the bureau's key {path}: {exc}") from exc


def _recorder(archive: Archive, batch_id: str, then: Progress | None) -> Progress:
    def record(event: DeliveryEvent) -> None:
        detail: dict[str, object] = {**event.detail}
        if event.path:
            detail["path"] = event.path
        if event.attempt:
            detail["attempt"] = event.attempt
        archive.events.record(
            Event(archive.settings.agent, "delivery", batch_id, event.kind, archive.clock(), detail)
        )
        if then is not None:
            then(event)

    return record


def deliver_package(
    archive: Archive,
    package_dir: Path,
    to: Path | str,
    *,
    endpoint: str = "",
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    receiver_key_pem: str | None = None,
) -> Delivered:
    """Deliver the kept package ``package_dir`` (its name is the batch id, already in the
    ledger) to ``to``; see the module docstring."""
    batch_id = package_dir.name
    ledger = TransferLedger(archive.writer)
    ledger.set_delivery(batch_id, "delivering", str(to))  # stays so if the process dies
    record = _recorder(archive, batch_id, progress)
    try:
        key = receiver_key(archive, receiver_key_pem)
        delivery = delivery_for(
            archive.settings,
            to,
            endpoint=endpoint,
            progress=record,
            retry=retry,
            receiver_key_pem=key,
        )
        result = delivery.deliver(package_dir)
    except (DeliveryError, ConfigurationError) as exc:
        ledger.set_delivery(batch_id, "delivery_failed", str(to))
        archive.events.record(
            Event(
                archive.settings.agent,
                "delivery",
                batch_id,
                "failed",
                archive.clock(),
                {"target": str(to), "error": str(exc)},
            )
        )
        raise
    ledger.set_delivery(batch_id, "delivered", result.target)
    if result.receipt is None:
        return Delivered(result)
    path = package_dir.with_name(batch_id + RECEIPT_SUFFIX)
    path.write_bytes(result.receipt)
    if key is None:
        return Delivered(result, path)
    return Delivered(result, path, accept_receipt(archive, path, key))


def resume_transfer(
    archive: Archive,
    batch_id: str,
    to: Path | str,
    *,
    endpoint: str = "",
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    receiver_key_pem: str | None = None,
) -> Delivered:
    """Deliver the kept package of ``batch_id`` again (after an interruption): only what the
    receiver does not hold yet is sent."""
    package_dir = archive.home / "transfers" / batch_id
    if "/" in batch_id or batch_id.startswith(".") or not package_dir.is_dir():
        raise NotFoundError(batch_id)
    status = {b.batch_id: b.status for b in TransferLedger(archive.writer).batches()}
    if batch_id not in status:
        raise NotFoundError(batch_id)
    if status[batch_id] not in _RESUMABLE:
        raise DeliveryError(f"batch {batch_id} has its receipt already ({status[batch_id]})")
    return deliver_package(
        archive,
        package_dir,
        to,
        endpoint=endpoint,
        progress=progress,
        retry=retry,
        receiver_key_pem=receiver_key_pem,
    )


def receive_from_s3(
    archive: Archive,
    address: str,
    sender_key_pem: str | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> tuple[Receipt, Path, FetchResult]:
    """Bureau side: fetch the package at ``s3://bucket/prefix/<package>`` (bucket credentials
    from ``EARCHIVE_TRANSFER_S3_*``), verify it (``receive_package``: trust roots, and the
    sender key when given) and write its signed receipt."""
    bucket, key_prefix = s3_location(address)
    if not key_prefix:
        raise ConfigurationError(f"name the package inside the bucket: {address!r}")
    name = key_prefix.rsplit("/", 1)[-1]
    dest = archive.settings.bureau_dir / "fetched" / uuid.uuid4().hex[:12] / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    from transfer.delivery_s3 import fetch_s3_package

    fetched = fetch_s3_package(
        s3_client(archive.settings),
        bucket,
        key_prefix,
        dest,
        retry=retry,
        progress=_recorder(archive, name, None),
    )
    receipt, path = receive_package(archive, dest, sender_key_pem)
    return receipt, path, fetched
