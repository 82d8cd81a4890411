"""Objection marking (异议标注): a data subject's objection as a signed annotation beside an
archive, routed to the responsible department and tracked to a decision. The record never changes.

``enter`` validates the objected element (a DA/T 46 element name of the archive's
``metadata/archival.xml`` or a file path of its current version), stores the attachments with
their SM3/SHA-256, signs the entry annotation with the archive's key (``package.annotation``),
writes it to the annotation store (``archive.annotations``: ``<home>/annotations/`` or the
``annotations/`` prefix of the S3 bucket, write-once, see ``preservation.annotation_files``) and the
tracking row, and records an ``objection`` event: the open mark is visible from that moment.
``decide`` does the same for the decision (confirmed: a correction text and/or the number of a
newer version received from the handling system; rejected: a reason). ``overdue`` lists open
objections older than one working day. The signed entry names the data subject by name, masked ID
number and the ID number's keyed hash (the archive's identity key), never by the ID number itself;
the catalog row keeps it for cleared roles.
The stored annotations are the record: ``earchive rebuild`` recreates the rows from them
(``earchive.services.objections.restore``).

Permissions are not checked here: callers go through ``earchive.access.objections``.
Reads/writes: the catalog, the annotation store, the event log; reads the AIP's metadata.
Raises: ``ObjectionError`` (bad request), ``ObjectionConflictError`` (already decided),
``NotFoundError``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from lxml import etree

from earchive.core.archive import Archive
from earchive.core.errors import NotFoundError, ObjectionConflictError, ObjectionError
from earchive.services.objections.store import Attachment, Objection, ObjectionStore
from package.annotation import AnnotationCheck, sign_annotation, verify_annotation
from package.digest import digest_bytes
from preservation.annotation_files import AnnotationFiles, AnnotationStoreError, attachment_name
from preservation.events import Event
from search.records import ArchiveRecord
from standards.personal_data import mask_id
from standards.workdays import WorkCalendar
from transfer.annotations import ItemAnnotations

__all__ = [
    "ANNOTATION_SCHEMA",
    "CHANNELS",
    "DECISION",
    "DECISIONS",
    "ENTRY",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_CLAIM_CHARS",
    "Actor",
    "NewAttachment",
    "Overdue",
    "annotation_files",
    "bag_annotations",
    "decide",
    "enter",
    "open_counts",
    "overdue",
    "transfer_annotations",
    "verify_objection",
]

ANNOTATION_SCHEMA = "urn:earchive:annotation:objection:1"
CHANNELS = ("archivist", "api")
DECISIONS = ("confirmed", "rejected")
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 << 20
MAX_CLAIM_CHARS = 4000
ENTRY, DECISION = "entry.json", "decision.json"


@dataclass(frozen=True)
class Actor:
    """Who acts: the event log's agent name, the role, and ``via`` (api, ui, cli)."""

    agent: str
    role: str
    via: str


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    data: bytes
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Overdue:
    objection: Objection
    deadline: datetime


def _store(archive: Archive) -> ObjectionStore:
    return ObjectionStore(archive.writer)


def _record(archive: Archive, archive_id: str) -> ArchiveRecord:
    record = archive.catalog.get(archive_id)
    if record is None:
        raise NotFoundError(archive_id)
    return record


def _element_names(archive: Archive, archive_id: str) -> frozenset[str]:
    """Local names of every element in the current version's ``metadata/archival.xml``."""
    with archive.open_file(archive_id, "metadata/archival.xml") as fh:
        data = fh.read()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ObjectionError(f"{archive_id}: archival.xml unreadable: {exc}") from exc
    return frozenset(etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str))


def resolve_element(archive: Archive, archive_id: str, element: str) -> tuple[str, str]:
    """``(kind, name)``: ``metadata`` and the element name, or ``file`` and the logical path."""
    element = element.strip()
    if not element:
        raise ObjectionError("name the element objected to (a metadata element or a file path)")
    paths = set(archive.version_paths(archive_id))
    for candidate in (element, f"original/{element}"):
        if candidate in paths:
            return "file", candidate
    if element in _element_names(archive, archive_id):
        return "metadata", element
    raise ObjectionError(f"{element!r} is neither a metadata element nor a file of the archive")


def _event(archive: Archive, actor: Actor, archive_id: str, outcome: str, **detail: object) -> None:
    archive.events.record(
        Event(
            agent=actor.agent,
            action="objection",
            object=archive_id,
            outcome=outcome,
            at=archive.clock(),
            detail={"role": actor.role, "via": actor.via, **detail},
        )
    )


def _attachments(
    files: AnnotationFiles, archive_id: str, oid: str, new: Sequence[NewAttachment]
) -> tuple[Attachment, ...]:
    if len(new) > MAX_ATTACHMENTS:
        raise ObjectionError(f"at most {MAX_ATTACHMENTS} attachments")
    out = []
    for index, item in enumerate(new, start=1):
        if len(item.data) > MAX_ATTACHMENT_BYTES:
            raise ObjectionError(f"attachment {item.filename!r} is over {MAX_ATTACHMENT_BYTES} B")
        name = attachment_name(index, item.filename)
        files.write(archive_id, oid, f"attachments/{name}", item.data)
        d = digest_bytes(item.data)
        out.append(Attachment(name, d.size, d.sm3, d.sha256, item.media_type or ""))
    return tuple(out)


def _subject(archive: Archive, o: Objection) -> dict[str, Any]:
    """The data subject as signed: name, masked ID number and its keyed hash (HMAC-SM3 under the
    archive's identity key, as the applicant index keeps them) — never the ID number itself."""
    subject: dict[str, Any] = {"name": o.subject_name}
    if o.subject_id_number:
        keyer = archive.identities
        subject["id_number_masked"] = mask_id(o.subject_id_number)
        subject["id_key"] = {
            "kind": "person",
            "key_id": keyer.key_id,
            "hmac_sm3": keyer.digest("person", o.subject_id_number),
        }
    return subject


def _entry_body(
    record: ArchiveRecord, o: Objection, manifest_sha256: str, subject: dict[str, Any]
) -> dict[str, Any]:
    return {
        "schema": ANNOTATION_SCHEMA,
        "type": "objection",
        "objection_id": o.id,
        "archive": {
            "id": record.id,
            "object_id": record.object_id,
            "archival_code": record.archival_code,
            "electronic_record_code": record.electronic_record_code,
            "version": o.archive_version,
            "manifest_sha256": manifest_sha256,
        },
        "element": {"kind": o.element_kind, "name": o.element},
        "claim": o.claim,
        "data_subject": subject,
        "entered": {"by": o.entered_by, "channel": o.channel, "at": o.entered_at.isoformat()},
        "routed_to": {"department": o.department, "fonds": o.fonds_identifier},
        "attachments": [a.__dict__ for a in o.attachments],
    }


def enter(
    archive: Archive,
    archive_id: str,
    *,
    element: str,
    claim: str,
    subject_name: str,
    subject_id_number: str = "",
    channel: str,
    actor: Actor,
    attachments: Sequence[NewAttachment] = (),
) -> Objection:
    """Mark an objection on ``archive_id`` at once; returns the stored objection."""
    record = _record(archive, archive_id)
    claim, subject_name = claim.strip(), subject_name.strip()
    if channel not in CHANNELS:
        raise ObjectionError(f"channel must be one of {', '.join(CHANNELS)}")
    if not claim or len(claim) > MAX_CLAIM_CHARS:
        raise ObjectionError(f"the claim must have 1 to {MAX_CLAIM_CHARS} characters")
    if not subject_name or len(subject_name) > 200 or len(subject_id_number) > 64:
        raise ObjectionError("name the data subject (at most 200 characters; ID at most 64)")
    kind, name = resolve_element(archive, archive_id, element)
    now = archive.clock()
    oid = f"OBJ-{now:%Y%m%d}-{secrets.token_hex(5)}"
    files = archive.annotations
    versions = {v.version: v for v in archive.catalog.versions(archive_id)}
    manifest = versions[record.version].manifest_sha256 if record.version in versions else ""
    try:
        stored = _attachments(files, archive_id, oid, attachments)
        objection = Objection(
            id=oid, archive_id=archive_id, fonds_identifier=record.fonds_identifier,
            department=record.receive_department, archive_version=record.version,
            element_kind=kind, element=name, claim=claim, subject_name=subject_name,
            subject_id_number=subject_id_number.strip(), channel=channel,
            entered_by=actor.agent, entered_at=now, entry_sm3="", attachments=stored,
        )  # fmt: skip
        body = _entry_body(record, objection, manifest, _subject(archive, objection))
        data = sign_annotation(body, archive.signer, now)
        files.write(archive_id, oid, ENTRY, data)
    except AnnotationStoreError as exc:
        raise ObjectionError(str(exc)) from exc
    objection = replace(objection, entry_sm3=digest_bytes(data).sm3)
    _store(archive).add(objection)
    _event(
        archive, actor, archive_id, "entered", objection=oid, element=name, channel=channel,
        department=objection.department, annotation_sm3=objection.entry_sm3,
        attachments=len(stored),
    )  # fmt: skip
    return objection


def decide(
    archive: Archive,
    objection: Objection,
    *,
    decision: str,
    actor: Actor,
    reason: str = "",
    correction: str = "",
    new_version: int | None = None,
) -> Objection:
    """Record the decision on an open objection as a signed annotation; returns it decided."""
    if not objection.is_open:
        raise ObjectionConflictError(f"{objection.id} was already decided ({objection.status})")
    reason, correction = reason.strip(), correction.strip()
    if decision not in DECISIONS:
        raise ObjectionError(f"decision must be one of {', '.join(DECISIONS)}")
    if decision == "rejected" and not reason:
        raise ObjectionError("a rejection needs a reason")
    if decision == "confirmed" and not correction and new_version is None:
        raise ObjectionError("a confirmation needs a correction text or a new version number")
    if new_version is not None:
        if decision != "confirmed":
            raise ObjectionError("a new version is named only when confirming")
        known = {v.version for v in archive.catalog.versions(objection.archive_id)}
        if new_version not in known or new_version <= objection.archive_version:
            raise ObjectionError(
                f"version {new_version} is not a version of the archive received after "
                f"v{objection.archive_version}"
            )
    now = archive.clock()
    decided = replace(
        objection, status=decision, decided_by=actor.agent, decided_at=now,
        reason=reason or None, correction=correction or None, new_version=new_version,
    )  # fmt: skip
    body = {
        "schema": ANNOTATION_SCHEMA,
        "type": "objection-decision",
        "objection_id": objection.id,
        "archive": {"id": objection.archive_id},
        "entry_sm3": objection.entry_sm3,
        "decision": decision,
        "decided": {"by": actor.agent, "role": actor.role, "at": now.isoformat()},
        "reason": reason,
        "correction": correction,
        "new_version": new_version,
    }
    data = sign_annotation(body, archive.signer, now)
    try:
        archive.annotations.write(objection.archive_id, objection.id, DECISION, data)
    except AnnotationStoreError as exc:
        raise ObjectionConflictError(f"{objection.id}: {exc}") from exc
    decided = replace(decided, decision_sm3=digest_bytes(data).sm3)
    if not _store(archive).decide(decided):
        raise ObjectionConflictError(f"{objection.id} was decided meanwhile")
    _event(
        archive, actor, objection.archive_id, decision, objection=objection.id,
        annotation_sm3=decided.decision_sm3, new_version=new_version or "",
    )  # fmt: skip
    return decided


def open_counts(archive: Archive, archive_ids: Sequence[str]) -> Mapping[str, int]:
    """Archive id → open objections, for those of ``archive_ids`` that have any."""
    return _store(archive).open_among(archive_ids)


def overdue(
    archive: Archive,
    now: datetime,
    calendar: WorkCalendar,
    fonds: Sequence[str] | None = None,
) -> list[Overdue]:
    """Open objections older than one working day at ``now`` (oldest first)."""
    out = []
    for o in _store(archive).listing(status="open", fonds=fonds):
        deadline = calendar.deadline(o.entered_at)
        if now >= deadline:
            out.append(Overdue(o, deadline))
    return out


def annotation_files(archive: Archive, archive_id: str) -> dict[str, bytes]:
    """Every stored annotation file of an archive: ``<objection id>/<name>`` → bytes."""
    files = archive.annotations
    out: dict[str, bytes] = {}
    for o in _store(archive).for_archive(archive_id):
        names = [ENTRY, *(f"attachments/{a.name}" for a in o.attachments)]
        if o.decision_sm3:
            names.append(DECISION)
        for name in names:
            try:
                out[f"{o.id}/{name}"] = files.read(archive_id, o.id, name)
            except AnnotationStoreError as exc:
                raise ObjectionError(str(exc)) from exc
    return out


def verify_objection(archive: Archive, objection: Objection) -> list[tuple[str, AnnotationCheck]]:
    """Each stored annotation of ``objection`` checked against the archive's key and its row."""
    files = archive.annotations
    key = archive.trusted_key_pem
    out = []
    for name, sm3 in ((ENTRY, objection.entry_sm3), (DECISION, objection.decision_sm3)):
        if not sm3:
            continue
        try:
            data = files.read(objection.archive_id, objection.id, name)
        except AnnotationStoreError as exc:
            out.append((name, AnnotationCheck(valid=False, reason=str(exc))))
            continue
        check = verify_annotation(data, key)
        if check.valid and digest_bytes(data).sm3 != sm3:
            check = replace(check, reason="file differs from the one recorded at signing")
        out.append((name, check))
    return out


def bag_annotations(archive: Archive, archive_id: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """Tag files (``objections/<id>/…``) and bag-info lines for a BagIt export of an archive."""
    rows = _store(archive).for_archive(archive_id)
    if not rows:
        return {}, {}
    tags = {f"objections/{k}": v for k, v in annotation_files(archive, archive_id).items()}
    still_open = [o.id for o in rows if o.is_open]
    info = {
        "Objections-Open": str(len(still_open)),
        "Objections-Total": str(len(rows)),
        "Objection-Status": (
            f"OPEN: {len(still_open)} objection(s) undecided, see objections/"
            if still_open
            else "all objections decided, see objections/"
        ),
    }
    return tags, info


def transfer_annotations(archive: Archive, archive_id: str) -> ItemAnnotations | None:
    """An archive's annotations for a transfer package (``None`` when it has none)."""
    rows = _store(archive).for_archive(archive_id)
    if not rows:
        return None
    files = annotation_files(archive, archive_id)
    return ItemAnnotations(files, sum(1 for o in rows if o.is_open))
