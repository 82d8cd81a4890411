"""Service functions for transfers to the archive bureau: plan, build + check + deliver, receive
(bureau side) and take back the bureau's signed receipt. The CLI (``earchive.cli.transfer``)
calls these; ``transfer`` does the domain work and never sees the ``Archive``.

Each step is an event in the archive's event log (``transfer`` / ``receive`` / ``receipt``) and
each batch a row in the transfer ledger. Raises ``NotFoundError``, ``ConfigurationError`` and the
``transfer.TransferError`` family.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError, NotFoundError
from earchive.core.tables import transfer_signoffs
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from earchive.services.objections.service import transfer_annotations
from earchive.services.transfer.delivery import deliver_package
from earchive.services.transfer.signoff import ReviewItem, covered, request, review_items
from earchive.services.transfer.targets import check_target
from package.certificates import SigningIdentity
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
    Signatory,
    TransferError,
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
    "SignOffNeededError",
    "eep_source",
    "export_eep",
    "group_by_unit",
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


def export_eep(archive: Archive, archive_id: str, dest: Path) -> Path:
    """Write the current version of an archive as one signed DA/T 48 EEP, ``dest/<档号>.eep.xml``
    (every file inside it), signed as the archive with its certificate; return its path.
    Raises ``NotFoundError``, ``ConfigurationError`` (no certificate names the archive: an EEP
    carries the signer's certificate) and ``transfer.EepError`` (also when the EEP exists)."""
    identity = archive.identity
    if not identity.certificates:
        raise ConfigurationError(
            "an EEP carries its signer's certificate and the archive has none: an administrator "
            "imports it with earchive keys import archive --cert … --key … (or --p12 …)"
        )
    if archive.catalog.get(archive_id) is None:
        raise NotFoundError(archive_id)
    source = eep_source(archive, archive_id)
    code = str(source.metadata["archival_code"])
    options = EepOptions(
        unit=str(source.metadata["fonds_name"]),
        created=archive.clock(),
        signer_name=identity.name or archive.settings.agent,
        certificates=identity.certificates,
    )
    built = build_eep(source, identity.signer, dest / f"{code}.eep.xml", options)
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


class SignOffNeededError(TransferError):
    """A batch holds review items nobody signed off yet: nothing was sent."""

    def __init__(self, batch_id: str, needs: Sequence[tuple[str, Sequence[ReviewItem]]]) -> None:
        listing = "; ".join(
            f"{archive_id}: " + ", ".join(f"{i.item} {i.code}" for i in items)
            for archive_id, items in needs
        )
        super().__init__(
            f"{len(needs)} archive(s) have review items not signed off, nothing was sent — "
            f"{listing}. An archivist confirms them with: earchive transfer signoff --batch "
            f"{batch_id} --reason '…'"
        )
        self.batch_id = batch_id
        self.needs = tuple(needs)


def _unit(archive: Archive, ids: Sequence[str]) -> tuple[str, str, SigningIdentity]:
    """The one 立档单位 of ``ids``: its 全宗号, name and signing identity."""
    fonds = sorted({archive.show(i).record.fonds_identifier for i in ids})
    if len(fonds) != 1:
        raise TransferError(
            "one 立档单位 per transfer package: the selection holds "
            f"{', '.join(fonds)}; transfer each unit's archives in a run of its own"
        )
    name = str(_metadata(archive, ids[0])["fonds_name"])
    identity = archive.unit_identity(fonds[0])
    if identity is None:
        raise ConfigurationError(
            f"no certificate for the 立档单位 {name} ({fonds[0]}): an administrator imports it "
            f"with earchive keys import {fonds[0]} --cert … --key … (or --p12 …)"
        )
    if identity.name != name:
        raise ConfigurationError(
            f"the certificate of {fonds[0]} names {identity.name!r}, the archives' 立档单位 is "
            f"{name!r}"
        )
    return fonds[0], name, identity


def group_by_unit(archive: Archive, ids: Sequence[str]) -> dict[str, list[str]]:
    """``ids`` by the 全宗号 of their 立档单位 (one transfer package each)."""
    groups: dict[str, list[str]] = {}
    for archive_id in ids:
        groups.setdefault(archive.show(archive_id).record.fonds_identifier, []).append(archive_id)
    return groups


def run_transfer(
    archive: Archive,
    to: Path | str,
    ids: Sequence[str] | None = None,
    *,
    receiver: str = "综合档案馆",
    endpoint: str = "",
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    receiver_key_pem: str | None = None,
    form: str = "online",
    preparer: str = "",
) -> Sent:
    """YJ-check, encapsulate and package ``ids`` (default: every due or overdue archive) of ONE
    立档单位, signed with that unit's certificate, keep the package under ``<home>/transfers/``
    and deliver it to ``to``: a directory, ``s3://bucket/prefix`` or the bureau's receiving API
    ``http(s)://…`` (see ``earchive.services.transfer.delivery``; ``endpoint`` names the policy
    endpoint whose token to use, ``form`` is ``online`` (在线) or ``offline`` (离线, removable
    media): the 载体类型; ``preparer`` is the 填表人).

    Nothing leaves while a review item (a YJ check that needs a person, the anti-virus check
    without an engine included) is not signed off: ``SignOffNeededError`` names them all and
    the batch that asks for them (``earchive.services.transfer.signoff``)."""
    check_target(archive.settings, to, endpoint=endpoint)  # before any package is built
    if ids is None:
        ids = [e.archive_id for e in plan(archive) if e.status in SELECTED_BY_DEFAULT]
    for archive_id in ids:
        if archive.catalog.get(archive_id) is None:
            raise NotFoundError(archive_id)
    if not ids:
        raise TransferError("nothing to transfer: no archive is due")
    fonds, unit_name, identity = _unit(archive, ids)
    now = archive.clock()
    # when, whose, and a random tail: two runs in one instant (a unit's retry) never collide
    batch_id = f"transfer-{now:%Y%m%dT%H%M%S}-{fonds}-{secrets.token_hex(3)}"
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    runs = {i: check_archive(archive, i, "yj", options) for i in ids}
    review = {i: review_items(run) for i, run in runs.items()}
    open_items = [
        (i, runs[i].version, items)
        for i, items in review.items()
        if items and not runs[i].failed and not covered(archive, i, runs[i].version, items)
    ]
    if open_items:
        request(archive, batch_id, open_items)
        raise SignOffNeededError(batch_id, [(i, items) for i, _, items in open_items])
    signed_off: dict[str, int] = {}
    for items in review.values():
        for item in items:
            prop = item.item.split("-")[1] if item.item.count("-") >= 2 else "?"
            signed_off[prop] = signed_off.get(prop, 0) + 1
    font, index = cjk_font_file()
    request_ = TransferRequest(
        batch_id=batch_id,
        task_name=f"电子档案移交 {batch_id}",
        sender=unit_name,
        receiver=receiver,
        created=now,
        agent=archive.settings.agent,
        font=font,
        font_index=index,
        carrier="离线" if form == "offline" else "在线",
        preparer=Signatory(preparer or archive.settings.agent, now),
        reviewer=_reviewer(archive, ids),
        antivirus=str(options.antivirus.info()) if options.antivirus is not None else "",
        signed_off=signed_off,
    )
    built = build_transfer_package(
        archive.home / "transfers" / batch_id,
        [(i, lambda i=i: eep_source(archive, i)) for i in ids],  # type: ignore[misc]
        lambda i: outcome_of(runs[i], compressed_files(archive, i)),
        request_,
        identity,
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
    for packed in built.items:
        archive.events.record(
            Event(
                agent,
                "transfer",
                packed.archive_id,
                "sent",
                now,
                {"batch": batch_id, "eep": packed.eep_path, "sm3": packed.eep.sm3},
            )
        )
    for archive_id in built.registration.refused:
        archive.events.record(
            Event(agent, "transfer", archive_id, "refused", now, {"batch": batch_id})
        )
    return Sent(built, delivered, outcome.receipt_path, outcome.receipt)


def _reviewer(archive: Archive, ids: Sequence[str]) -> Signatory | None:
    """The 审核人: whoever signed off the batch's review items last (None: nothing to review)."""
    last: tuple[str, str] | None = None
    with archive.engine.connect() as conn:
        rows = conn.execute(
            select(transfer_signoffs.c.signed_by, transfer_signoffs.c.signed_at).where(
                transfer_signoffs.c.archive_id.in_(list(ids)),
                transfer_signoffs.c.signed_at.is_not(None),
            )
        ).all()
    for by, at in rows:
        if last is None or at.isoformat() > last[1]:
            last = (by, at.isoformat())
    return Signatory(last[0], datetime.fromisoformat(last[1])) if last else None
