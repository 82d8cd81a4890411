"""Restoring the ``objections`` table from the stored signed annotations (``earchive rebuild``).

The annotation store (``preservation.annotation_files``) is the record of the objections; the table
tracks them. ``restore_objections`` reads every stored ``entry.json`` (and ``decision.json``),
verifies each signature with the archive's key and checks that the documents agree with their
keys, with each other and with the rebuilt catalog; then it makes those rows the whole table, in
one transaction, exactly as ``enter`` and ``decide`` wrote them: status, decision fields, the SM3
of both documents and the attachment list all come from the signed documents, the department
and fonds from the entry's ``routed_to`` (what the catalog said at entry time).

One column is not signed: the data subject's clear ID number (the entry holds its mask and its
HMAC-SM3 under the identity key). A candidate is taken only when it gives both the signed mask
and (under the same identity key) the signed HMAC: the number the table held before the rebuild
(so a rebuild over a surviving catalog loses nothing), else the applicant's ID number in the
stored ``case.xml`` of the version objected to. Otherwise the row keeps it empty and the report
names the objection (``id_numbers_missing``): nothing is guessed.

An objection whose documents fail (unreadable, signature bad or not the archive's key, id or
archive not matching its key, a decision about another entry, an archive the catalog does not
hold) is left out and reported in ``skipped``; a missing or changed attachment file is reported
in ``damaged`` (the row is restored: its attachment list is signed). A folder without an
``entry.json`` (attachments of an entry never completed) is listed in ``unfinished``. When the
store cannot be listed, the table is left as it was.

Reads: the annotation store, the catalog, storage (``case.xml``), the table's ID numbers.
Writes: the ``objections`` table. Raises: ``sqlalchemy`` errors for a broken database only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from earchive.core.archive import Archive
from earchive.services.objections.service import ANNOTATION_SCHEMA, DECISION, DECISIONS, ENTRY
from earchive.services.objections.store import Attachment, Objection, ObjectionStore
from ingest.casexml import parse_case
from package.aip import CASE_XML_PATH
from package.annotation import verify_annotation
from package.digest import digest_bytes
from preservation.annotation_files import AnnotationFiles, AnnotationStoreError, StoredObjection
from preservation.storage import StorageError
from standards.personal_data import mask_id

__all__ = ["ObjectionIssue", "ObjectionRestoreReport", "report_dict", "restore_objections"]

_ATTACHMENTS = "attachments/"


@dataclass(frozen=True)
class ObjectionIssue:
    """One objection folder (``<archive dir>/<objection id>``) and what is wrong with it."""

    objection: str
    message: str


@dataclass(frozen=True)
class ObjectionRestoreReport:
    """Rows restored (and how many are open), and what was left out or is incomplete."""

    restored: int
    open: int
    skipped: tuple[ObjectionIssue, ...] = ()
    damaged: tuple[ObjectionIssue, ...] = ()
    id_numbers_missing: tuple[str, ...] = ()
    unfinished: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """True when an objection was left out or an attachment file is damaged."""
        return bool(self.skipped or self.damaged)


def report_dict(report: ObjectionRestoreReport) -> dict[str, object]:
    """The report as JSON data (the ``objections`` part of ``earchive rebuild --json``)."""

    def issues(found: tuple[ObjectionIssue, ...]) -> list[dict[str, str]]:
        return [{"objection": i.objection, "message": i.message} for i in found]

    return {
        "restored": report.restored,
        "open": report.open,
        "skipped": issues(report.skipped),
        "damaged": issues(report.damaged),
        "id_numbers_missing": list(report.id_numbers_missing),
        "unfinished": list(report.unfinished),
    }


class _Skip(Exception):
    """This objection is not restored (the message says why)."""


class _Restorer:
    def __init__(self, archive: Archive, previous: Mapping[str, str]) -> None:
        self.archive = archive
        self.files: AnnotationFiles = archive.annotations
        self.key_pem = archive.trusted_key_pem
        self.keyer = archive.identities
        self.previous = previous
        self.applicants: dict[tuple[str, int], str] = {}
        self.damaged: list[ObjectionIssue] = []  # of the objection being read
        self.id_missing = False  # of the objection being read

    def _signed(self, found: StoredObjection, name: str) -> tuple[Mapping[str, Any], bytes]:
        try:
            data = self.files.read_at(found.archive_dir, found.objection_id, name)
        except AnnotationStoreError as exc:
            raise _Skip(str(exc)) from exc
        check = verify_annotation(data, self.key_pem)
        if not check.valid:
            raise _Skip(f"{name}: {check.reason}")
        if not check.trusted:
            raise _Skip(f"{name}: not signed by this archive's key ({check.key_id})")
        body = check.annotation
        if (
            body.get("schema") != ANNOTATION_SCHEMA
            or body.get("objection_id") != found.objection_id
        ):
            raise _Skip(f"{name}: not an annotation of objection {found.objection_id}")
        return body, data

    def objection(self, found: StoredObjection) -> Objection:
        """The row of one stored objection; raises ``_Skip``. Sets ``damaged``/``id_missing``."""
        self.damaged, self.id_missing = [], False
        entry, data = self._signed(found, ENTRY)
        try:
            restored = self._entry(found, entry, digest_bytes(data).sm3)
            if DECISION in found.names:
                decision, ddata = self._signed(found, DECISION)
                restored = self._decided(restored, decision, digest_bytes(ddata).sm3)
        except (KeyError, TypeError, ValueError) as exc:
            raise _Skip(f"a signed field is missing or malformed: {exc!r}") from exc
        self._check_attachments(found, restored)
        return restored

    def _entry(self, found: StoredObjection, a: Mapping[str, Any], sm3: str) -> Objection:
        if a["type"] != "objection":
            raise _Skip(f"{ENTRY}: type {a['type']!r}, not an objection")
        archive_id = str(a["archive"]["id"])
        if AnnotationFiles.archive_dir(archive_id) != found.archive_dir:
            raise _Skip(f"{ENTRY}: names archive {archive_id!r}, stored under another one")
        record = self.archive.catalog.get(archive_id)
        if record is None:
            raise _Skip(f"archive {archive_id!r} is not in the rebuilt catalog")
        if record.object_id != a["archive"]["object_id"]:
            raise _Skip(f"{ENTRY}: object id {a['archive']['object_id']!r} is not the archive's")
        subject, entered, routed = a["data_subject"], a["entered"], a["routed_to"]
        version = a["archive"]["version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError(f"archive.version {version!r}")
        restored = Objection(
            id=found.objection_id, archive_id=archive_id, fonds_identifier=str(routed["fonds"]),
            department=str(routed["department"]), archive_version=version,
            element_kind=str(a["element"]["kind"]), element=str(a["element"]["name"]),
            claim=str(a["claim"]), subject_name=str(subject["name"]), subject_id_number="",
            channel=str(entered["channel"]), entered_by=str(entered["by"]),
            entered_at=_aware(entered["at"]), entry_sm3=sm3,
            attachments=tuple(Attachment(**item) for item in a["attachments"]),
        )  # fmt: skip
        if "id_key" not in subject:
            return restored
        number = self._id_number(restored, subject, record.object_id)
        self.id_missing = not number
        return replace(restored, subject_id_number=number)

    def _id_number(self, o: Objection, subject: Mapping[str, Any], object_id: str) -> str:
        """The clear ID number that gives the signed mask and keyed hash, or ""."""
        masked, key = str(subject["id_number_masked"]), subject["id_key"]
        same_key = key["key_id"] == self.keyer.key_id

        def fits(candidate: str, *, need_hash: bool) -> bool:
            if not candidate or mask_id(candidate) != masked:
                return False
            if not same_key:
                return not need_hash
            return bool(self.keyer.digest(key["kind"], candidate) == key["hmac_sm3"])

        before = self.previous.get(o.id, "")
        if fits(before, need_hash=False):
            return before
        applicant = self._applicant(object_id, o.archive_version)
        return applicant if fits(applicant, need_hash=True) else ""

    def _applicant(self, object_id: str, version: int) -> str:
        """The applicant's ID number in ``case.xml`` of that version ("" when unreadable)."""
        if (object_id, version) not in self.applicants:
            number = ""
            try:
                with self.archive.storage.open_file(object_id, CASE_XML_PATH, f"v{version}") as fh:
                    case, _findings = parse_case(fh.read())
                if case is not None:
                    number = case.applicant.id_number.strip()
            except (StorageError, OSError, ValueError):
                number = ""
            self.applicants[(object_id, version)] = number
        return self.applicants[(object_id, version)]

    @staticmethod
    def _decided(o: Objection, d: Mapping[str, Any], sm3: str) -> Objection:
        if d["type"] != "objection-decision":
            raise _Skip(f"{DECISION}: type {d['type']!r}, not a decision")
        if d["archive"]["id"] != o.archive_id or d["entry_sm3"] != o.entry_sm3:
            raise _Skip(f"{DECISION}: decides another entry than the stored {ENTRY}")
        if d["decision"] not in DECISIONS:
            raise _Skip(f"{DECISION}: unknown decision {d['decision']!r}")
        new_version = d["new_version"]
        if new_version is not None and (
            not isinstance(new_version, int) or isinstance(new_version, bool)
        ):
            raise ValueError(f"new_version {new_version!r}")
        return replace(
            o, status=str(d["decision"]), decided_by=str(d["decided"]["by"]),
            decided_at=_aware(d["decided"]["at"]), reason=str(d["reason"]) or None,
            correction=str(d["correction"]) or None, new_version=new_version, decision_sm3=sm3,
        )  # fmt: skip

    def _check_attachments(self, found: StoredObjection, o: Objection) -> None:
        where = f"{found.archive_dir}/{found.objection_id}"
        for item in o.attachments:
            name = f"{_ATTACHMENTS}{item.name}"
            try:
                data = self.files.read_at(found.archive_dir, found.objection_id, name)
            except AnnotationStoreError as exc:
                self.damaged.append(ObjectionIssue(where, str(exc)))
                continue
            got = digest_bytes(data)
            if (got.size, got.sm3) != (item.size, item.sm3):
                self.damaged.append(ObjectionIssue(where, f"{name} differs from the signed entry"))


def _aware(text: object) -> datetime:
    value = datetime.fromisoformat(str(text))
    if value.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    return value


def restore_objections(archive: Archive) -> ObjectionRestoreReport:
    """Make the ``objections`` table what the stored, verified annotations say (run after the
    catalog was rebuilt, as ``earchive rebuild`` does)."""
    try:
        folders = list(archive.annotations.stored())
    except AnnotationStoreError as exc:
        return ObjectionRestoreReport(0, 0, skipped=(ObjectionIssue("*", str(exc)),))
    table = ObjectionStore(archive.writer)
    restorer = _Restorer(archive, table.id_numbers())
    rows: dict[str, Objection] = {}
    skipped: list[ObjectionIssue] = []
    damaged: list[ObjectionIssue] = []
    id_missing: list[str] = []
    unfinished: list[str] = []
    for found in folders:
        where = f"{found.archive_dir}/{found.objection_id}"
        if ENTRY not in found.names:
            unfinished.append(where)
            continue
        try:
            restored = restorer.objection(found)
            if restored.id in rows:
                raise _Skip(f"objection {restored.id} is stored twice")
        except (_Skip, AnnotationStoreError) as exc:
            skipped.append(ObjectionIssue(where, str(exc)))
            continue
        rows[restored.id] = restored
        damaged.extend(restorer.damaged)
        if restorer.id_missing:
            id_missing.append(restored.id)
    table.replace_all(list(rows.values()))
    return ObjectionRestoreReport(
        restored=len(rows),
        open=sum(1 for o in rows.values() if o.is_open),
        skipped=tuple(skipped),
        damaged=tuple(damaged),
        id_numbers_missing=tuple(id_missing),
        unfinished=tuple(unfinished),
    )
