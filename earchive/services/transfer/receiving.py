"""Bureau mode: receiving transfer packages — delivered file by file into the inbox behind the
receiving API (``earchive.web.routes.api_bureau``), or given as a folder (``earchive receive``).

``Staging`` puts the bureau's inbox (``transfer.inbox``: temporary names, digests checked,
renamed into place) in this archive's home (``<home>/bureau/incoming/<sender>/<batch>/``) and
records every stored or refused file as a ``transfer_in`` event; ``complete`` runs
``receive_package`` — signatures judged by this archive's trust roots (certificates naming the
移交单位) and, when one is registered, the sender's agreed key (``<senders dir>/<sender>.pem``) —
and returns the signed receipt, after which the batch is closed. ``receive_package`` verifies
a package, ingests the accepted archives (``earchive.services.transfer.accession``) and writes
the signed receipt beside it. Raises ``NotFoundError`` and the ``transfer.TransferError``
family (``InboxError`` for the inbox).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError, NotFoundError
from package.digest import Digests, digest_bytes
from preservation.events import Event
from transfer import Receipt, SenderTrust, receipt_json, receive
from transfer.errors import IncompleteBatchError, UnknownSenderError
from transfer.inbox import Inbox, Upload, sender_name
from transfer.package import MANIFEST_NAME, SIGNATURE_NAME
from transfer.receipt import RECEIPT_SUFFIX

__all__ = ["Staging", "receive_package"]


class Staging:
    """The bureau's receiving inbox for one archive (``transfer.inbox``), with every stored or
    refused file a ``transfer_in`` event, completed by ``receive_package``."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        settings = archive.settings
        self.inbox = Inbox(
            settings.bureau_dir / "incoming", settings.bureau_max_file_bytes, self.event
        )

    def event(self, sender: str, batch: str, outcome: str, **detail: str) -> None:
        self.archive.events.record(
            Event(
                f"token:{sender}",
                "transfer_in",
                batch,
                outcome,
                self.archive.clock(),
                {"sender": sender, **detail},
            )
        )

    def begin(
        self, sender: str, batch: str, path: str, sm3: str, sha256: str, length: int | None
    ) -> Upload:
        """Start receiving ``path`` of ``batch``; raises before anything is written."""
        return self.inbox.begin(sender, batch, path, sm3, sha256, length)

    def listing(self, sender: str, batch: str) -> tuple[dict[str, Digests], bool]:
        """Every file staged for ``batch`` with its digests, and whether it is closed."""
        return self.inbox.listing(sender, batch)

    def complete(self, sender: str, batch: str) -> bytes:
        """Verify the staged package and return its signed receipt (again, if asked again);
        one completion at a time per batch, and no file lands while it runs."""
        with self.inbox.locked(sender, batch):
            return self._complete(sender, batch)

    def _complete(self, sender: str, batch: str) -> bytes:
        receipt_path = self.inbox.receipt_path(sender, batch)
        if receipt_path.is_file():
            return receipt_path.read_bytes()
        root = self.inbox.package_dir(sender, batch)
        if not all((root / n).is_file() for n in (MANIFEST_NAME, SIGNATURE_NAME)):
            raise IncompleteBatchError(f"batch {batch}: manifest and signature not delivered yet")
        key = self.archive.settings.senders_path / f"{sender_name(sender)}.pem"
        pem: str | None = None
        if key.exists():
            try:
                pem = key.read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise UnknownSenderError(f"sender key of {sender!r} unreadable: {exc}") from exc
        elif not self.archive.trust_roots():
            raise UnknownSenderError(
                f"no trust root and no key registered for sender {sender!r}: nothing to judge "
                "its signatures by"
            )
        _, written = receive_package(self.archive, root, pem)
        if written != receipt_path:  # receive_package writes it beside the package
            os.replace(written, receipt_path)
        self.event(sender, batch, "completed")
        return receipt_path.read_bytes()


def receive_package(
    archive: Archive,
    package_dir: Path,
    sender_key_pem: str | None = None,
    *,
    ingest: bool = True,
    legacy: bool = False,
) -> tuple[Receipt, Path]:
    """Bureau side: verify a delivered package — its signatures against this archive's trust
    roots (certificates that must name the 移交单位) and, when given, a sender key agreed out of
    band — ingest the items it accepted into this archive
    (``earchive.services.transfer.accession``; ``ingest=False`` only verifies), write
    ``<package>.receipt.json`` beside it (signed with this archive's key) and return the receipt
    and its path. ``legacy`` also reads packages of the layout before 档发〔2012〕7号. Raises
    ``ConfigurationError`` when there is nothing to judge a signer by."""
    if not package_dir.is_dir():
        raise NotFoundError(str(package_dir))
    trust = SenderTrust(archive.trust_roots(), sender_key_pem)
    if not trust.roots and trust.key_pem is None:
        raise ConfigurationError(
            "no trust root and no sender key: add the CA that certifies the 移交单位 with "
            "earchive keys trust CERT.pem (or name the sender's key)"
        )
    receipt = receive(
        package_dir, trust, receiver=archive.settings.agent, clock=archive.clock, legacy=legacy
    )
    if not receipt.batch_id:  # 文件目录 unreadable: the delivered folder is named by its batch
        receipt = replace(receipt, batch_id=package_dir.name)
    if ingest:
        from earchive.services.transfer.accession import accession

        receipt = accession(archive, package_dir, receipt, legacy=legacy)
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
            {
                "items": str(len(receipt.items)),
                "ingested": str(sum(1 for i in receipt.items if i.archive_id)),
                "receipt_sm3": digest_bytes(data).sm3,
            },
        )
    )
    return receipt, path
