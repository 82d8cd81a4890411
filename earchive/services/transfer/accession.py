"""Accession (进馆): the bureau turns the items of a received transfer package into its archives.

For each item the package checks accepted: read its EEP (``transfer.read_eep``), write the case
package the handling system once submitted back out of the EEP's ``original/`` documents (embedded
Base64 or external files, every digest verified while writing), and run it through this archive's
normal ingest pipeline — its own AIP, signature, catalog row, index entry — keeping the sender's
档号 (``ingest.provenance``; DA/T 13: the 立档单位's code stays with the fonds) and recording the
sender, batch and EEP digest in the ingest report and event; then run the GD checks on it.

An item is ingested on the strength of its own checks (its EEP signed by the trusted sender key,
every digest), so what the receipt calls accepted is exactly what this archive now holds.
The same package received twice ingests nothing new (the pipeline reports ``duplicate``). An
item that passed the package checks but that this archive's ingest refuses becomes a receipt
item with code ``archiving_failed`` and the ingest findings — never an exception. Reads: the
package. Writes: a scratch folder under the work area, and what ingest writes.
"""

from __future__ import annotations

import shutil
import uuid
from collections import Counter
from pathlib import Path

from earchive.core.archive import Archive
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from ingest import workarea
from ingest.pipeline import IngestBusyError, IngestContext, ingest_path
from ingest.provenance import Provenance
from package.certificates import holder_name
from package.digest import digest_file
from package.errors import PackageError
from package.manifest import parse_signature
from standards.finding import Finding, Status
from transfer import (
    ACCEPTED,
    ARCHIVING_FAILED,
    RECEIVED,
    EepError,
    Outcome,
    OutcomeLedger,
    Receipt,
    ReceiptItem,
    extract_documents,
    read_eep,
    with_items,
)
from transfer.findings import transfer_finding
from transfer.package import SIGNATURE_NAME

__all__ = ["ORIGINAL_PREFIX", "accession"]

ORIGINAL_PREFIX = "original/"  # where an AIP (and so its EEP) keeps the submitted case package


def _signer(package_dir: Path) -> dict[str, str]:
    """Who signed the package (its manifest): key id and, when a certificate names one, holder
    — recorded with every archive taken in."""
    try:
        record = parse_signature((package_dir / SIGNATURE_NAME).read_bytes())
    except (OSError, PackageError):
        return {}
    found = {"sender_key_id": record.key_id}
    if record.certificates:
        found["sender_certificate"] = holder_name(record.certificates[0])
    return found


def _gd_summary(archive: Archive, archive_id: str, options: CheckOptions) -> Finding:
    run = check_archive(archive, archive_id, "gd", options)
    counts = Counter(r.finding.status.value for r in run.results)
    summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
    status = Status.WARN if run.failed else Status.PASS
    return transfer_finding("ACCESSION_GD_CHECKED", status, summary=summary or "none")


def _refused(item: ReceiptItem, findings: list[Finding]) -> ReceiptItem:
    return ReceiptItem(
        item.archival_code, item.eep_path, ARCHIVING_FAILED, (*item.findings, *findings)
    )


def _one(
    archive: Archive,
    ctx: IngestContext,
    package_dir: Path,
    item: ReceiptItem,
    detail: dict[str, str],
    options: CheckOptions,
    legacy: bool,
) -> ReceiptItem:
    eep = package_dir / item.eep_path
    scratch = ctx.work_dir / f"accession-{uuid.uuid4().hex}"
    try:
        with workarea.held(scratch):  # a concurrent ingest's sweep leaves a held folder alone
            return _ingest_item(archive, ctx, eep, scratch, item, detail, options, legacy)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _ingest_item(
    archive: Archive,
    ctx: IngestContext,
    eep: Path,
    scratch: Path,
    item: ReceiptItem,
    detail: dict[str, str],
    options: CheckOptions,
    legacy: bool,
) -> ReceiptItem:
    try:
        contents = read_eep(eep, legacy=legacy)
        erc = contents.electronic_record_code
        if not erc or "/" in erc or erc.startswith("."):
            raise EepError(f"电子文件号 cannot name a case package: {erc!r}")
        source = scratch / erc
        extract_documents(contents, source, ORIGINAL_PREFIX)
        provenance = Provenance(
            contents.archival_code or item.archival_code,
            {
                **detail,
                "sender": contents.unit,
                "eep": item.eep_path,
                "eep_sm3": digest_file(eep).sm3,
                "electronic_record_code": contents.electronic_record_code,
            },
        )
        result = ingest_path(source, ctx, provenance=provenance)
    except (EepError, OSError) as exc:
        return _refused(
            item, [transfer_finding("ACCESSION_UNPACK_FAILED", path=item.eep_path, error=str(exc))]
        )
    except IngestBusyError as exc:
        return _refused(
            item, [transfer_finding("ACCESSION_REFUSED", path=item.eep_path, codes=str(exc))]
        )
    if result.status == "refused":
        failed = [f for f in result.findings if f.status is Status.FAIL]
        codes = ", ".join(sorted({f.code for f in failed}))
        return _refused(
            item, [transfer_finding("ACCESSION_REFUSED", path=item.eep_path, codes=codes), *failed]
        )
    done = transfer_finding(
        "ACCESSION_INGESTED",
        path=item.eep_path,
        archive_id=result.id,
        archival_code=result.archival_code,
        outcome=result.status,
    )
    extra = [done]
    if result.status != "duplicate":
        extra.append(_gd_summary(archive, result.id, options))
    return ReceiptItem(
        item.archival_code, item.eep_path, item.code, (*item.findings, *extra), result.id
    )


def accession(
    archive: Archive, package_dir: Path, receipt: Receipt, *, legacy: bool = False
) -> Receipt:
    """Ingest every accepted item of ``receipt`` (for the package at ``package_dir``) into
    ``archive``; return the receipt with items naming this archive's ids and the overall code
    recomputed. Items the package checks refused are left as they are. ``legacy`` also reads
    EEPs of earchive's previous form."""
    if not any(i.code == ACCEPTED for i in receipt.items):
        return receipt
    ctx = archive.context()
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    detail = {"batch": receipt.batch_id, **_signer(package_dir)}
    items = tuple(
        _one(archive, ctx, package_dir, item, detail, options, legacy)
        if item.code == ACCEPTED
        else item
        for item in receipt.items
    )
    received = [
        Outcome(
            i.archive_id,
            i.archival_code,
            RECEIVED,
            receipt.batch_id,
            ACCEPTED,
            receipt.received_at,
            None,
            i.archive_id,
            (),
        )
        for i in items
        if i.archive_id
    ]
    OutcomeLedger(archive.writer).record(received)  # its plan shows them as received
    archive.flush_index()  # the accessioned archives are searchable when the receipt returns
    return with_items(receipt, items)
