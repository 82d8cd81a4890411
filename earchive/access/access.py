"""``Access``: the archive as one principal may use it — the single place access control lives.

Every method checks the principal's permission (``PermissionDeniedError``), keeps archives outside
its fonds or above its clearance invisible (``NotFoundError``, the same answer as for an archive
that does not exist), masks personal data unless the role may see it, and records every view,
download and export in the event log as an ``access``/``export`` event naming the user and purpose.
The API and the web UI both call it; it calls ``Archive`` and holds no domain logic.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from earchive.access.file_release import releasable, release_uncleared
from earchive.auth import Permission, Principal
from earchive.core.archive import Archive, ArchiveView
from earchive.core.errors import (
    ApplicantQueryError,
    NotFoundError,
    PermissionDeniedError,
    PersonalDataWithheldError,
    UploadRejectedError,
)
from earchive.services.applicants import ApplicantTimeline, applicant_timeline, parse_identifier
from earchive.services.checks.seal_status import SealBadge, seal_badges
from earchive.services.exports import export_archive
from earchive.services.preservation.renditions import (
    Rendition,
    derived_files,
    open_rendition,
    open_thumbnail,
    thumbnail_source,
)
from earchive.services.quarantine import (
    QuarantineEntry,
    delete_refused,
    quarantine_dir,
    read_quarantine,
    refused_report,
    resubmit,
)
from ingest.casexml import parse_case
from ingest.pipeline import IngestResult, ingest_path
from package.derivation import Derivation
from preservation.checks import CheckRun
from preservation.checks.runs import RunStore
from preservation.events import Event, verify_chain
from search import SearchHit, SearchQuery, SearchResult
from search.identities import IdentityTable
from search.records import FileRow
from standards.case import CaseRecord
from standards.errors import IdentityFormatError
from standards.finding import Finding
from standards.personal_data import (
    has_personal_number,
    identity_of,
    mask_address,
    mask_id,
    mask_text,
)

__all__ = [
    "Access",
    "CaseDetail",
]


#: ``applicant_type`` of a natural person (自然人): their identifier is a resident ID number.
NATURAL_PERSON = "自然人"


@dataclass(frozen=True)
class CaseDetail:
    """An archive as shown to one principal: catalog view plus the parsed case.xml (masked)."""

    view: ArchiveView
    case: CaseRecord | None
    masked: bool
    seals: Mapping[str, SealBadge] = field(default_factory=dict)
    checks: tuple[CheckRun, ...] = ()  # the latest 四性 run of each stage
    derived: tuple[Derivation, ...] = ()  # preservation copies and OCR text, with their events
    openable: frozenset[str] | None = None  # paths the principal may open (None: every file)


def latest_runs(runs: Iterable[CheckRun]) -> tuple[CheckRun, ...]:
    """The newest run of each stage, in GD, YJ, BC order."""
    newest: dict[str, CheckRun] = {}
    for run in runs:
        if run.stage not in newest or run.finished >= newest[run.stage].finished:
            newest[run.stage] = run
    return tuple(newest[s] for s in ("GD", "YJ", "BC") if s in newest)


class Access:
    """The archive seen through one principal; ``via`` (``api``/``ui``) goes into the events."""

    def __init__(self, archive: Archive, principal: Principal, via: str = "api") -> None:
        self.archive = archive
        self.principal = principal
        self.via = via

    # -- policy --------------------------------------------------------------------------------
    def require(self, permission: Permission) -> None:
        if not self.principal.can(permission):
            raise PermissionDeniedError(
                f"role {self.principal.role.value} may not {permission.value}"
            )

    @property
    def masks_personal_data(self) -> bool:
        return not self.principal.can(Permission.PERSONAL_DATA)

    def _log(self, action: str, obj: str, outcome: str, **detail: object) -> None:
        p = self.principal
        if isinstance(detail.get("purpose"), str):  # a typed purpose never puts an ID in the log
            detail["purpose"] = mask_text(str(detail["purpose"]))
        self.archive.events.record(
            Event(
                agent=p.agent,
                action=action,
                object=obj,
                outcome=outcome,
                at=self.archive.clock(),
                detail={"user": p.name, "role": p.role.value, "via": self.via, **detail},
            )
        )

    def _visible(self, archive_id: str, permission: Permission = Permission.SEARCH) -> ArchiveView:
        self.require(permission)
        view = self.archive.show(archive_id)
        if not self.principal.may_see(view.record):
            self._log("access", archive_id, "denied", reason="outside fonds or clearance")
            raise NotFoundError(archive_id)
        return view

    # -- reading -------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        """``query`` narrowed to the principal's fonds and clearance; snippets masked by role."""
        self.require(Permission.SEARCH)
        p = self.principal
        if p.fonds is None or query.fonds is None:
            fonds = query.fonds if p.fonds is None else p.fonds
        else:
            fonds = tuple(f for f in query.fonds if f in p.fonds)
        allowed = p.classifications
        if query.security_classifications is not None:
            allowed = tuple(c for c in query.security_classifications if c in allowed)
        scoped = dataclasses.replace(query, fonds=fonds, security_classifications=allowed)
        if has_personal_number(query.text):
            return self._search_personal_number(scoped)
        found = self.archive.search(scoped)
        if not self.masks_personal_data:
            return found
        hits = tuple(dataclasses.replace(h, snippet=mask_text(h.snippet)) for h in found.hits)
        return dataclasses.replace(found, hits=hits)

    def refuses_personal_query(self, text: str) -> bool:
        """Whether ``text`` holds an ID or mobile number this principal may not search by."""
        return self.masks_personal_data and has_personal_number(text)

    def _search_personal_number(self, query: SearchQuery) -> SearchResult:
        """A query holding an ID/mobile number: never the index (those numbers are not in it).

        Uncleared principals get an empty answer (nothing to confirm). For cleared ones a valid
        resident ID number or credit code in the query finds its archives through the identity
        table (within the query's fonds and 密级), recorded as an ``access`` event.
        """
        if self.masks_personal_data:
            return SearchResult(total=0, hits=())
        identity = None
        for word in query.text.split():
            try:
                identity = identity_of(word)
                break
            except IdentityFormatError:
                continue
        if identity is None:
            return SearchResult(total=0, hits=())
        keyer = self.archive.identities
        digest = keyer.digest(identity.kind, identity.value)
        page = IdentityTable(self.archive.engine).page(
            digest,
            keyer.key_id,
            fonds=self.principal.fonds if query.fonds is None else query.fonds,
            classifications=query.security_classifications,
            limit=query.limit,
            offset=query.offset,
        )  # the principal's fonds and clearance are in ``query`` already (see ``search``)
        self._log(
            "access", f"applicant:{digest}", "success", mode="identity-search",
            kind=identity.kind, key_id=keyer.key_id, archives=[a[0] for a in page.archives],
            total=page.total,
        )  # fmt: skip
        hits = tuple(SearchHit(*found, 1.0, "") for found in page.archives)
        return SearchResult(total=page.total, hits=hits)

    def applicant_timeline(self, identifier: str, purpose: str) -> ApplicantTimeline:
        """All visible archived cases of one person or organisation (一人一档 / 一企一档).

        Needs the personal-data permission; ``purpose`` (查档目的) is required. Recorded as an
        ``access`` event (``mode`` = ``applicant``) naming the keyed hash, never the identifier.
        Raises ``PermissionDeniedError`` or ``ApplicantQueryError`` (invalid identifier, no
        purpose).
        """
        self.require(Permission.SEARCH)
        self.require(Permission.PERSONAL_DATA)
        if not purpose.strip():
            raise ApplicantQueryError("state the purpose of this use (查档目的)")
        identity = parse_identifier(identifier)
        found = applicant_timeline(self.archive, identity, self.principal.may_see)
        self._log(
            "access", f"applicant:{found.digest}", "success", mode="applicant",
            purpose=purpose.strip(), kind=identity.kind, key_id=self.archive.identities.key_id,
            archives=[e.archive_id for e in found.entries],
        )  # fmt: skip
        return found

    def view(self, archive_id: str, purpose: str = "") -> ArchiveView:
        """Catalog metadata, files and versions; recorded as a view."""
        view = self._visible(archive_id)
        self._log("access", archive_id, "success", mode="view", purpose=purpose)
        return view

    def case_detail(self, archive_id: str, purpose: str = "") -> CaseDetail:
        """``view`` plus the handling timeline and applicant from the archived case.xml."""
        view = self.view(archive_id, purpose)
        case = self._case(archive_id)
        masked = self.masks_personal_data
        if case is not None and masked:
            case = _mask_case(case)
        runs = list(RunStore(self.archive.engine).runs(archive_id))
        return CaseDetail(
            view=view,
            case=case,
            masked=masked,
            seals=seal_badges(runs),
            checks=latest_runs(runs),
            derived=derived_files(self.archive, view.record),
            openable=self._openable(archive_id, view.files) if masked else None,
        )

    def _openable(self, archive_id: str, files: Iterable[FileRow]) -> frozenset[str]:
        """The files an uncleared principal would get (the same rule as ``open_file``), so the
        page links only those."""
        if not self.principal.can(Permission.DOWNLOAD):
            return frozenset()
        applicant = getattr(self._case(archive_id), "applicant", None)
        return frozenset(
            f.path
            for f in files
            if releasable(f, self.archive.open_file(archive_id, f"original/{f.path}"), applicant)
        )

    def check_report(self, archive_id: str, kind: str, purpose: str = "") -> tuple[bytes, str]:
        """The 四性检测报告 of an archive's latest runs as ``pdf`` or ``html`` (access recorded)."""
        self.view(archive_id, purpose)  # enforces fonds, clearance and logs the access
        runs = latest_runs(RunStore(self.archive.engine).runs(archive_id))
        if not runs:
            raise NotFoundError(f"{archive_id}: no 四性 check has run yet")
        from earchive.services.checks.service import write_reports

        with tempfile.TemporaryDirectory(prefix="earchive-report-") as tmp:
            paths = write_reports(self.archive, Path(tmp), runs, name="report")
            chosen = next(p for p in paths if p.suffix == f".{kind}")
            return chosen.read_bytes(), chosen.name

    def _case(self, archive_id: str) -> CaseRecord | None:
        try:
            with self.archive.open_file(archive_id, "original/case.xml") as fh:
                data = fh.read()
        except NotFoundError:
            return None
        case, _findings = parse_case(data)
        return case

    def open_file(
        self,
        archive_id: str,
        path: str,
        *,
        download: Callable[[FileRow], bool],
        purpose: str = "",
    ) -> tuple[FileRow, BinaryIO, bool]:
        """One archived original (``path`` as in the file list), recorded as preview or download.

        ``download`` decides, from the file row, whether it goes out as a download; the decision
        is returned so the response matches what the event log says. Without the personal-data
        permission the file goes through ``earchive.access.file_release`` (XML masked, PDFs holding
        ID or phone numbers and uncheckable scans withheld: ``PersonalDataWithheldError``, logged
        as a denied access).
        """
        view = self._visible(archive_id, Permission.DOWNLOAD)
        row = next((f for f in view.files if f.path == path), None)
        if row is None:
            raise NotFoundError(f"{archive_id}:{path}")
        stream = self.archive.open_file(archive_id, f"original/{path}")
        as_download = download(row)
        mode = "download" if as_download else "preview"
        extra: dict[str, object] = {}
        if self.masks_personal_data:
            case = self._case(archive_id)
            try:
                release = release_uncleared(row, stream, case.applicant if case else None)
            except PersonalDataWithheldError:
                reason = "personal data withheld"
                self._log("access", archive_id, "denied", mode=mode, path=path, reason=reason)
                raise
            stream, extra = release.stream, {"rendition": release.rendition}
        self._log("access", archive_id, "success", mode=mode, path=path, purpose=purpose, **extra)
        return row, stream, as_download

    def open_rendition(
        self, archive_id: str, path: str, purpose: str = ""
    ) -> tuple[FileRow, Rendition]:
        """What the case page shows of one original (``services.preservation.renditions``),
        under the same rules as ``open_file``: the archive must be visible to the principal,
        downloads allowed, and without the personal-data permission the original must be
        releasable (``earchive.access.file_release``; scans and office files are withheld).
        Recorded as an access with ``mode`` = ``rendition``."""
        view = self._visible(archive_id, Permission.DOWNLOAD)
        row = next((f for f in view.files if f.path == path), None)
        if row is None:
            raise NotFoundError(f"{archive_id}:{path}")
        if self.masks_personal_data:
            case = self._case(archive_id)
            stream = self.archive.open_file(archive_id, f"original/{path}")
            try:
                release_uncleared(row, stream, case.applicant if case else None).stream.close()
            except PersonalDataWithheldError:
                reason = "personal data withheld"
                self._log(
                    "access", archive_id, "denied", mode="rendition", path=path, reason=reason
                )
                raise
        shown = open_rendition(self.archive, view.record, row)
        self._log(
            "access", archive_id, "success", mode="rendition", path=path, purpose=purpose,
            rendition=shown.kind,
        )  # fmt: skip
        return row, shown

    def open_thumbnail(self, archive_id: str) -> Rendition:
        """A small picture of an archive's result document for result lists, under the same
        rules as ``open_rendition`` (not logged: it shows no more than the hit itself, and the
        full view or download of that file is logged)."""
        view = self._visible(archive_id, Permission.DOWNLOAD)
        row = thumbnail_source(self.archive, view.record, view.files)
        if row is None:
            raise NotFoundError(f"{archive_id}: nothing to show in small")
        if self.masks_personal_data:
            case = self._case(archive_id)
            stream = self.archive.open_file(archive_id, f"original/{row.path}")
            release_uncleared(row, stream, case.applicant if case else None).stream.close()
        return open_thumbnail(self.archive, view.record, row)

    def export_zip(self, archive_id: str, work: Path, purpose: str = "") -> Path:
        """Export the archive as a BagIt bag zipped at ``work/<id>.zip``; recorded as export."""
        view = self._visible(archive_id, Permission.EXPORT)
        if self.masks_personal_data and view.record.applicant_type == NATURAL_PERSON:
            self._log("export", archive_id, "denied", reason="personal data", purpose=purpose)
            raise PermissionDeniedError(
                "this archive holds a natural person's ID number in its originals and metadata; "
                "exporting it needs the personal-data permission (ask an archivist)"
            )
        bag = export_archive(self.archive, archive_id, work / "bag", "bagit")
        archive_path = shutil.make_archive(str(work / "export"), "zip", root_dir=bag)
        self._log("export", archive_id, "success", form="bagit", purpose=purpose)
        return Path(archive_path)

    # -- ingest --------------------------------------------------------------------------------
    def upload(self, filename: str, stream: BinaryIO) -> IngestResult:
        """Ingest one uploaded case package (a ZIP); the submission is logged with the user."""
        self.require(Permission.UPLOAD)
        name = Path(filename or "package.zip").name
        if not name.lower().endswith(".zip") or name.startswith("."):
            raise UploadRejectedError("upload a case package as a .zip file")
        work = self.archive.home / "work"
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work, prefix="upload-") as tmp:
            target = Path(tmp) / name
            with open(target, "wb") as fh:
                shutil.copyfileobj(stream, fh, 1 << 20)
            result = ingest_path(target, self.archive.context())
        self._log(
            "submit",
            result.id or result.electronic_record_code or name,
            result.status,
            package=name,
        )
        return result

    def quarantine(self) -> list[QuarantineEntry]:
        self.require(Permission.QUARANTINE)
        return read_quarantine(quarantine_dir(self.archive))

    def quarantine_report(self, name: str) -> dict[str, object]:
        """The report of one refused package (every reason); logged as a view."""
        self.require(Permission.QUARANTINE)
        report = refused_report(self.archive, name)
        self._log("access", name, "quarantine_report")
        return report

    def quarantine_delete(self, name: str, reason: str) -> None:
        """Delete one refused package, saying why (the event log keeps it)."""
        self.require(Permission.QUARANTINE)
        delete_refused(self.archive, name, reason, self.principal.agent)

    def quarantine_resubmit(self, name: str) -> IngestResult:
        """Ingest one refused package again."""
        self.require(Permission.QUARANTINE)
        self.require(Permission.UPLOAD)
        return resubmit(self.archive, name, self.principal.agent)

    # -- audit ---------------------------------------------------------------------------------
    def events(
        self, *, after: int = 0, limit: int = 100, action: str = "", object_prefix: str = ""
    ) -> list[Event]:
        """Up to ``limit`` events after sequence ``after``, oldest first (0: the newest page)."""
        self.require(Permission.EVENTS)
        chosen: Iterator[Event] = (
            e
            for e in self.archive.events.iter_events(after, object_prefix)
            if not action or e.action == action
        )
        if after:
            out: list[Event] = []
            for e in chosen:
                out.append(e)
                if len(out) >= limit:
                    break
            return self._masked_events(out)
        return self._masked_events(list(deque(chosen, maxlen=limit)))

    def _masked_events(self, events: list[Event]) -> list[Event]:
        """Events as this principal may read them: detail texts masked without personal data
        (the stored chain is untouched; ``verify_events`` checks it server-side)."""
        if not self.masks_personal_data:
            return events
        return [dataclasses.replace(e, detail=_mask_value(dict(e.detail))) for e in events]

    def verify_events(self) -> list[Finding]:
        """The event log's hash chain, walked from the first entry."""
        self.require(Permission.EVENTS)
        return verify_chain(self.archive.events.iter_events())

    # -- objections (异议标注) ---------------------------------------------------------------------


def _mask_value(value: object) -> Any:
    """``value`` with ID and phone numbers masked in every string inside it."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


def _mask_case(case: CaseRecord) -> CaseRecord:
    applicant = dataclasses.replace(
        case.applicant,
        id_number=mask_id(case.applicant.id_number),
        address=mask_address(mask_text(case.applicant.address)),
    )
    steps = tuple(dataclasses.replace(s, opinion=mask_text(s.opinion)) for s in case.process)
    cert = case.result_certificate
    if cert is not None:  # a 居住证 number is a resident ID number
        cert = dataclasses.replace(cert, number=mask_text(cert.number))
    return dataclasses.replace(case, applicant=applicant, process=steps, result_certificate=cert)
