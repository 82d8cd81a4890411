"""``preserve_archive``: the preservation copies and OCR text an archive is due under the format
policy, written as one new signed OCFL version (never inside an ingest).

For each original of the current version: a non-archival format (office documents, plain PDF)
gets a PDF/A-2b copy unless the file is signed or sealed (the original is the record: renditions
only); images and image-only PDFs get OCR text. Work already recorded in the archive's
``archival.xml`` is not done again, so a rerun continues an interrupted one. Every failure is a
MANUAL_REVIEW finding with the tool's message, logged as a ``preserve`` event; the original is
never changed. Returns the findings; the new version number when one was written.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from earchive.core.archive import Archive
from earchive.core.errors import NotFoundError
from earchive.services.preservation.options import PreserveOptions, limits
from ingest.derived_version import NewDerived, add_derived_files, catch_up, derivatives
from ingest.indexing import OCR_SUFFIX
from ingest.pipeline import IngestContext
from package.derivation import DERIVED_PREFIX, Derivation, ToolUse
from package.digest import digest_file
from package.metadata import read_archival_metadata
from preservation.conversion import (
    ConversionLimits,
    ToolError,
    make_copy,
    ocr_file,
)
from preservation.text import TextExtractionError, extract_text
from search.catalog import ArchiveRecord
from search.records import FileRow
from standards.finding import Finding, Status
from standards.findings import make
from standards.format_policy import FormatPolicy, PolicyRow, format_policy

__all__ = ["PreserveReport", "preserve_archive", "sealed_originals"]

_ORIGINAL = "original/"
_SNIPPET = 40


@dataclass(frozen=True)
class PreserveReport:
    """What one run did: its findings, and the version it wrote (None: nothing new)."""

    archive_id: str
    findings: tuple[Finding, ...]
    version: int | None = None
    derived: tuple[str, ...] = field(default=())

    @property
    def needs_review(self) -> bool:
        return any(f.status is Status.MANUAL_REVIEW for f in self.findings)


def _mandate(policy: FormatPolicy) -> str:
    return f"格式策略 {policy.version}（standards/data/format_policy.tsv）"


def sealed_originals(ctx: IngestContext, record: ArchiveRecord) -> set[str]:
    """Originals (logical paths) holding a signature or seal, as archival.xml records them."""
    with ctx.storage.open_file(
        record.object_id, "metadata/archival.xml", f"v{record.version}"
    ) as fh:
        meta = read_archival_metadata(fh.read())
    files = meta.get("files")
    return {
        str(entry.get("path"))
        for entry in (files if isinstance(files, list) else [])
        if isinstance(entry, dict) and (entry.get("signed") or entry.get("signatures"))
    }


def _fetch(ctx: IngestContext, record: ArchiveRecord, row: FileRow, work: Path) -> Path:
    target = work / "original" / Path(row.path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        ctx.storage.open_file(record.object_id, _ORIGINAL + row.path, f"v{record.version}") as src,
        open(target, "wb") as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def _image_only(path: Path) -> bool:
    try:
        return not extract_text(path, "PDF").text.strip()
    except TextExtractionError:
        return False


def _wants_ocr(policy: PolicyRow, local: Path, row: FileRow) -> bool:
    if policy.ocr == "yes":
        return True
    return (
        policy.ocr == "if-image-only"
        and row.format.upper().startswith("PDF")
        and (_image_only(local))
    )


class _Run:
    """One archive's run: the originals fetched once, the new derived files collected."""

    def __init__(
        self, ctx: IngestContext, record: ArchiveRecord, work: Path, limits: ConversionLimits
    ) -> None:
        self.ctx, self.record, self.work, self.limits = ctx, record, work, limits
        self.policy = format_policy()
        self.findings: list[Finding] = []
        self.added: list[NewDerived] = []
        self.scratches = 0

    def _scratch(self, name: str) -> Path:
        self.scratches += 1
        path = self.work / f"{name}-{self.scratches}"
        path.mkdir()
        return path

    def copy(self, row: FileRow, local: Path, policy: PolicyRow) -> None:
        logical = _ORIGINAL + row.path
        outcome = make_copy(local, row.format, policy, self._scratch("copy"), self.limits)
        if outcome.manual or outcome.path is None:
            self.findings.append(
                make("PRESERVATION_COPY_MANUAL", path=logical, reason=outcome.reason)
            )
            return
        derived = f"{DERIVED_PREFIX}{row.path}.pdf"
        tools = tuple(ToolUse(s.tool, s.version, s.options) for s in outcome.steps)
        self.added.append(
            NewDerived(
                outcome.path,
                Derivation(
                    path=derived,
                    source=logical,
                    kind="preservation-copy",
                    format=outcome.format,
                    made_at=self.ctx.clock(),
                    mandate=_mandate(self.policy),
                    tools=tools,
                    before=digest_file(local),
                    after=digest_file(outcome.path),
                    outcome=f"{outcome.format} valid by the PDF/A check ({outcome.validation}); "
                    "pages and text of the original kept",
                ),
            )
        )
        names = ", ".join(f"{t.name} {t.version}" for t in tools)
        self.findings.append(
            make(
                "PRESERVATION_COPY_MADE",
                path=logical,
                copy=derived,
                format=outcome.format,
                tools=names,
            )
        )

    def ocr(self, row: FileRow, local: Path) -> None:
        logical = _ORIGINAL + row.path
        scratch = self._scratch("ocr")
        try:
            result = ocr_file(
                local,
                row.format.upper().startswith("PDF"),
                scratch,
                timeout=self.limits.seconds,
                memory_bytes=self.limits.memory_bytes,
            )
        except ToolError as exc:
            self.findings.append(make("OCR_MANUAL", path=logical, reason=str(exc)))
            return
        text_file = scratch / "text.txt"
        text_file.write_text(result.text + "\n", encoding="utf-8")
        derived = f"{DERIVED_PREFIX}{row.path}{OCR_SUFFIX}"
        chars = sum(1 for c in result.text if not c.isspace())
        self.added.append(
            NewDerived(
                text_file,
                Derivation(
                    path=derived,
                    source=logical,
                    kind="ocr-text",
                    format="text/plain; charset=utf-8",
                    made_at=self.ctx.clock(),
                    mandate=_mandate(self.policy),
                    tools=(
                        ToolUse(
                            "tesseract", result.tool.removeprefix("tesseract "), result.options
                        ),
                    ),
                    before=digest_file(local),
                    after=digest_file(text_file),
                    outcome=f"confidence {result.confidence} (mean word confidence, 0-100) over "
                    f"{result.pages} page(s), {chars} characters",
                ),
            )
        )
        snippet = result.text.replace("\n", " ").replace("\f", " ")[:_SNIPPET]
        self.findings.append(
            make(
                "OCR_TEXT_MADE",
                path=logical,
                chars=str(chars),
                confidence=str(result.confidence),
                engine=result.tool,
                tool=result.tool,
                text=snippet,
            )
        )


def _plan_file(
    run: _Run, row: FileRow, options: PreserveOptions, done: set[tuple[str, str]], sealed: set[str]
) -> None:
    logical = _ORIGINAL + row.path
    policy = run.policy.for_format(row.format)
    if policy is None:
        return
    wants_copy = (
        options.copies
        and policy.needs_copy
        and (options.only_format is None or row.format == options.only_format)
        and (logical, "preservation-copy") not in done
    )
    if wants_copy and (row.signed or logical in sealed):
        run.findings.append(make("PRESERVATION_SIGNED_KEPT", path=logical))
        wants_copy = False
    if not (wants_copy or (options.ocr and (logical, "ocr-text") not in done)):
        return
    local = _fetch(run.ctx, run.record, row, run._scratch("original"))
    if wants_copy:
        run.copy(row, local, policy)
    if options.ocr and (logical, "ocr-text") not in done and _wants_ocr(policy, local, row):
        run.ocr(row, local)


def _log_reviews(ctx: IngestContext, archive_id: str, findings: list[Finding]) -> None:
    reviews = [f for f in findings if f.status is Status.MANUAL_REVIEW]
    if reviews:
        detail: dict[str, object] = {"findings": [f.as_dict() for f in reviews]}
        ctx.log("preserve", archive_id, "manual_review", detail)


def preserve_archive(
    archive: Archive, archive_id: str, options: PreserveOptions | None = None
) -> PreserveReport:
    """Make the copies and OCR text ``archive_id`` is due; one new version when any was made.

    Raises ``NotFoundError`` for an unknown archive and ``DerivedVersionError`` when another
    writer moved the archive on meanwhile (run it again).
    """
    chosen = options or PreserveOptions()
    ctx = archive.context()
    found = archive.catalog.get(archive_id)
    if found is None:
        raise NotFoundError(archive_id)
    record = catch_up(ctx, found)
    done = {(d.source, d.kind) for d in derivatives(ctx, record)}
    sealed = sealed_originals(ctx, record)
    (archive.home / "work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=archive.home / "work", prefix="preserve-") as tmp:
        run = _Run(ctx, record, Path(tmp), limits(archive.settings))
        for row in archive.catalog.files(archive_id, record.version):
            _plan_file(run, row, chosen, done, sealed)
        _log_reviews(ctx, archive_id, run.findings)
        if not run.added:
            return PreserveReport(archive_id, tuple(run.findings))
        kinds = sorted({item.derivation.kind for item in run.added})
        message = f"preservation: {', '.join(kinds)} ({len(run.added)} file(s))"
        updated = add_derived_files(ctx, record, run.added, message)
    if archive.settings.indexing == "queue":
        archive.flush_index()  # the new version (its OCR text) is searchable when this returns
    return PreserveReport(
        archive_id,
        tuple(run.findings),
        updated.version,
        tuple(item.derivation.path for item in run.added),
    )
