"""Service functions for transfers to the archive bureau: plan, build + check + deliver, receive
(bureau side) and take back the bureau's signed receipt. The CLI (``earchive.cli.transfer``)
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

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError, NotFoundError
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from earchive.services.objections.service import transfer_annotations
from earchive.services.transfer.delivery import deliver_package
from earchive.services.transfer.targets import check_target
from package.errors import MetadataError
from package.metadata import read_archival_metadata
from preservation.checks import CheckRun
from preservation.events import Event
from preservation.fonts import cjk_font_file
from transfer import (
    RECEIVED,
    REWORK,
    TRANSFERRED,
    CheckOutcome,
    DeliveryResult,
    EepDocument,
    EepOptions,
    EepSource,
    OutcomeLedger,
    PlanEntry,
    Receipt,
    TransferLedger,
    TransferPackage,
    TransferPolicy,
    TransferRequest,
    build_eep,
    build_transfer_package,
    check_outcome,
    compressed_paths,
    plan_entry,
)
from transfer.retry import Progress, RetryPolicy

__all__ = [
    "Sent",
    "eep_source",
    "export_eep",
    "plan",
    "run_transfer",
]


@dataclass(frozen=True)
class Sent:
    package: TransferPackage
    delivery: DeliveryResult
    receipt_path: Path | None = None  # the bureau's receipt when it answered at once (HTTP)
    receipt: Receipt | None = None  # that receipt, verified with the bureau's key and accepted


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


def export_eep(archive: Archive, archive_id: str, dest: Path, inline_limit: int = 1 << 20) -> Path:
    """Write the current version of an archive as one signed DA/T 48 EEP, ``dest/<档号>.eep.xml``
    (documents over ``inline_limit`` bytes beside it in ``<档号>.files/``); return its path.
    Raises ``NotFoundError`` and ``transfer.EepError`` (also when the EEP exists already)."""
    if archive.catalog.get(archive_id) is None:
        raise NotFoundError(archive_id)
    source = eep_source(archive, archive_id)
    code = str(source.metadata["archival_code"])
    options = EepOptions(
        unit=str(source.metadata["fonds_name"]),
        created=archive.clock(),
        signer_name=archive.settings.agent,
        inline_limit=inline_limit,
    )
    built = build_eep(source, archive.signer, dest / f"{code}.eep.xml", options)
    archive.events.record(
        Event(
            archive.settings.agent,
            "export",
            archive_id,
            "eep",
            options.created,
            {"path": built.path.name, "sm3": built.digests.sm3},
        )
    )
    return built.path


def compressed_files(archive: Archive, archive_id: str) -> tuple[str, ...]:
    """Paths of the archive's current files that are compressed containers."""
    return compressed_paths((f.path, f.format) for f in archive.catalog.files(archive_id))


def outcome_of(run: CheckRun, compressed: Sequence[str] = ()) -> CheckOutcome:
    """A YJ check run as the transfer package needs it (``transfer.check_outcome``)."""
    results = ((r.item, r.finding) for r in run.results)
    return check_outcome(run.archive_id, run.failed, results, compressed)


#: plan statuses a run without explicit ids sends (rework: refused by the bureau, sent again
#: after the archivist's fix; the run's YJ checks re-check it first)
SELECTED_BY_DEFAULT = ("due", "overdue", "rework")


def plan(archive: Archive, today: date | None = None) -> list[PlanEntry]:
    """Every archive with its transfer deadline and status under the shipped policy:
    ``received`` (the bureau's side: taken in by transfer), ``transferred`` (with the date until
    which the copy here is kept), ``sent`` (delivered, awaiting the bureau's receipt),
    ``rework`` (refused by the bureau), ``disposal_review`` (its retention class is not
    transferred), else by deadline."""
    policy = TransferPolicy.load()
    today = today or archive.clock().date()
    outcomes = OutcomeLedger(archive.writer).all()
    ledger = TransferLedger(archive.writer)
    done = ledger.transferred()  # receipts recorded before outcomes
    awaiting = ledger.in_flight()  # sent, no receipt yet
    entries = []
    for r in archive.catalog.iter_archives():
        o = outcomes.get(r.id)
        entries.append(
            plan_entry(
                policy,
                r.id,
                r.archival_code,
                r.transact_time.date(),
                r.retention,
                today,
                r.id in done or (o is not None and o.status == TRANSFERRED),
                rework=o is not None and o.status == REWORK,
                kept_until=o.kept_until if o is not None else None,
                received=o is not None and o.status == RECEIVED,
                sent=r.id in awaiting,
            )
        )
    return entries


def run_transfer(
    archive: Archive,
    to: Path | str,
    ids: Sequence[str] | None = None,
    *,
    receiver: str = "综合档案馆",
    inline_limit: int = 1 << 20,
    endpoint: str = "",
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    receiver_key_pem: str | None = None,
    form: str = "online",
) -> Sent:
    """YJ-check, encapsulate and package ``ids`` (default: every due or overdue archive), keep
    the package under ``<home>/transfers/`` and deliver it to ``to``: a directory,
    ``s3://bucket/prefix`` or the bureau's receiving API ``http(s)://…`` (see
    ``earchive.services.transfer.delivery``; ``endpoint`` names the policy endpoint whose token to
    use, ``form`` is ``online`` (在线) or ``offline`` (离线, removable media): the 载体类型)."""
    check_target(archive.settings, to, endpoint=endpoint)  # before any package is built
    if ids is None:
        ids = [e.archive_id for e in plan(archive) if e.status in SELECTED_BY_DEFAULT]
    for archive_id in ids:
        if archive.catalog.get(archive_id) is None:
            raise NotFoundError(archive_id)
    now = archive.clock()
    batch_id = f"transfer-{now:%Y%m%dT%H%M%S%f}"
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    units = sorted({str(_metadata(archive, i)["fonds_name"]) for i in ids})
    units = units or [archive.settings.agent]
    font, index = cjk_font_file()
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
        carrier="离线" if form == "offline" else "在线",
    )
    built = build_transfer_package(
        archive.home / "transfers" / batch_id,
        [(i, lambda i=i: eep_source(archive, i)) for i in ids],  # type: ignore[misc]
        lambda i: outcome_of(
            check_archive(archive, i, "yj", options), compressed_files(archive, i)
        ),
        request,
        archive.signer,
        annotations=lambda i: transfer_annotations(archive, i),  # 异议标注, under 其他/
    )
    TransferLedger(archive.writer).record_batch(
        batch_id,
        now,
        str(to),
        [(i.archive_id, i.archival_code) for i in built.items],
        built.registration.refused,
    )
    outcome = deliver_package(
        archive,
        built.path,
        to,
        endpoint=endpoint,
        progress=progress,
        retry=retry,
        receiver_key_pem=receiver_key_pem,
    )
    delivered = outcome.result
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
    return Sent(built, delivered, outcome.receipt_path, outcome.receipt)
