"""Authenticity of content (x-1-3), locations (x-1-4) and package structure (x-1-5).

Sizes, formats, page counts and creation times against the metadata; every recorded location
holds content; the AIP's logical layout; archived equals sent (GD) and the version chain (BC).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import warnings
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import pikepdf

from package.derivation import DERIVED_PREFIX, read_derivatives
from package.errors import ManifestError, PackageError
from package.manifest import MANIFEST_PATH, parse_manifest
from preservation.formats import declared_matches
from standards.case import CaseRecord, FileEntry
from standards.finding import Finding, Status
from standards.findings import make

from .authenticity import REQUIRED_PATHS, items
from .base import Check
from .context import ARCHIVAL_XML, CheckContext
from .evidence import manual, ok_or

__all__ = ["CHECKS"]


def _archived_path(path: str) -> str:
    return f"original/{path}"


# -- x-1-3 content attributes -----------------------------------------------------------------
def _archived_entries(case: CaseRecord, paths: Sequence[str]) -> list[tuple[FileEntry, str]]:
    """The case.xml file entries whose originals the version holds, with their logical paths."""
    held = set(paths)
    pairs = [(entry, _archived_path(entry.path)) for entry in case.files]
    return [(entry, path) for entry, path in pairs if path in held]


def sizes(ctx: CheckContext) -> list[Finding]:
    if ctx.case is None:
        return manual(f"{ctx.stage}-1-3-1", "case.xml could not be read")
    archived, found, count = ctx.archived_files(), [], 0
    for entry in ctx.case.files:
        path = _archived_path(entry.path)
        if path not in ctx.paths:
            continue
        count += 1
        size = ctx.facts(path).digests.size
        recorded = archived.get(path, {}).get("size", entry.size)
        if size != entry.size or size != recorded:
            found.append(
                make("FILE_SIZE_MISMATCH", path=path, expected=str(entry.size), found=str(size))
            )
    return ok_or(found, make("CONTENT_ATTRIBUTES_MATCH", Status.PASS, what="sizes", count=count))


def formats_match(ctx: CheckContext) -> list[Finding]:
    if ctx.case is None:
        return manual(f"{ctx.stage}-1-3-2", "case.xml could not be read")
    found: list[Finding] = []
    archived = _archived_entries(ctx.case, ctx.paths)
    count = len(archived)
    for entry, path in archived:
        fmt = ctx.facts(path).format
        if not declared_matches(entry.format, fmt):
            found.append(
                make(
                    "FILE_FORMAT_MISMATCH",
                    path=path,
                    expected=entry.format,
                    found=fmt.name,
                    tool="preservation.formats",
                )
            )
    return ok_or(
        found,
        make(
            "CONTENT_ATTRIBUTES_MATCH",
            Status.PASS,
            what="formats",
            count=count,
            tool="preservation.formats",
        ),
    )


def pages_and_times(ctx: CheckContext) -> list[Finding]:
    """PDF page count > 0; creation times (declared and inside the PDF) not after submission."""
    case = ctx.case
    if case is None:
        return manual(f"{ctx.stage}-1-3-3", "case.xml could not be read")
    found: list[Finding] = []
    pages: dict[str, int] = {}
    limit = case.submitted_at
    for entry in case.files:
        path = _archived_path(entry.path)
        if path not in ctx.paths:
            continue
        if entry.created > limit:
            found.append(
                make(
                    "FILE_CREATED_IMPLAUSIBLE",
                    path=path,
                    expected=limit.isoformat(),
                    found=entry.created.isoformat(),
                )
            )
        if ctx.facts(path).format.family != "PDF":
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with pikepdf.open(ctx.local(path)) as pdf:
                    pages[path] = len(pdf.pages)
                    created = pdf.docinfo.get("/CreationDate")
        except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError):
            continue  # x-3-2-1 reports files that do not open
        if pages[path] == 0:
            found.append(
                make("PDF_NO_PAGES", path=path, found="0", tool=f"pikepdf {pikepdf.__version__}")
            )
        stamp = _pdf_date(str(created)) if created is not None else None
        if stamp is not None and stamp > limit:
            found.append(
                make(
                    "FILE_CREATED_IMPLAUSIBLE",
                    path=path,
                    expected=limit.isoformat(),
                    found=stamp.isoformat(),
                )
            )
    passed = make(
        "CONTENT_ATTRIBUTES_MATCH",
        Status.PASS,
        what="page counts and creation times",
        count=len(case.files),
    )
    passed = dataclasses.replace(
        passed, detail={**passed.detail, "pages": str(sum(pages.values()))}
    )
    return ok_or(found, passed)


_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([+-])(\d{2})'?(\d{2})?'?|Z)?"
)


def _pdf_date(text: str) -> datetime | None:
    """A PDF date string (``D:20231023145951+08'00'``) as an aware datetime; None if unparsable."""
    match = _PDF_DATE.match(text.strip())
    if match is None:
        return None
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    offset = timedelta(hours=int(oh or 0), minutes=int(om or 0)) * (-1 if sign == "-" else 1)
    try:
        return datetime(
            int(y),
            int(mo or 1),
            int(d or 1),
            int(h or 0),
            int(mi or 0),
            int(s or 0),
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None


# -- x-1-4 locations, x-1-5 structure ---------------------------------------------------------
def locations(ctx: CheckContext) -> list[Finding]:
    """Every path the manifest, archival.xml and case.xml record exists in the version."""
    recorded: set[str] = set(ctx.archived_files())
    if ctx.case is not None:
        recorded |= {_archived_path(e.path) for e in ctx.case.files}
    if MANIFEST_PATH in ctx.paths:
        with contextlib.suppress(ManifestError):  # reported by x-1-1-1 and x-1-5-1
            recorded |= set(parse_manifest(ctx.read(MANIFEST_PATH)))
    present = set(ctx.paths)
    found = [make("LOCATION_MISSING", path=p) for p in sorted(recorded - present)]
    return ok_or(found, make("LOCATIONS_RESOLVED", Status.PASS, count=len(recorded)))


def _derived(ctx: CheckContext) -> dict[str, str]:
    """Derived files (preservation copies, OCR text) that archival.xml lists: path → source."""
    if ARCHIVAL_XML not in ctx.paths:
        return {}
    try:
        return {d.path: d.source for d in read_derivatives(ctx.read(ARCHIVAL_XML))}
    except (PackageError, OSError, KeyError):
        return {}  # an unreadable archival.xml is reported by the metadata checks


def structure(ctx: CheckContext) -> list[Finding]:
    """The logical layout of an AIP version (design.md); ``derived/…`` files only when
    archival.xml lists them with a source that is in the version (docs/formats.md)."""
    found = [
        make("PACKAGE_STRUCTURE_INVALID", path=p, reason="required file missing")
        for p in REQUIRED_PATHS
        if p not in ctx.paths
    ]
    derived = _derived(ctx)
    for path in ctx.paths:
        if path in REQUIRED_PATHS:
            continue
        if path.startswith(DERIVED_PREFIX):
            if derived.get(path) not in ctx.paths:
                found.append(
                    make(
                        "PACKAGE_STRUCTURE_INVALID",
                        path=path,
                        reason="derived file not listed in archival.xml with its source",
                    )
                )
            continue
        parts = path.split("/")
        if parts[0] != "original" or len(parts) < 3 or parts[1] not in ("A", "B", "C"):
            found.append(
                make("PACKAGE_STRUCTURE_INVALID", path=path, reason="outside original/A|B|C")
            )
    return ok_or(found, make("PACKAGE_STRUCTURE_OK", Status.PASS, count=len(ctx.paths)))


def sender_digests(ctx: CheckContext) -> list[Finding]:
    """Archived originals equal what the sender declared (case.xml SM3/SHA-256)."""
    if ctx.case is None:
        return manual(f"{ctx.stage}-1-5-2", "case.xml could not be read")
    found: list[Finding] = []
    archived = _archived_entries(ctx.case, ctx.paths)
    count = len(archived)
    for entry, path in archived:
        have = ctx.facts(path).digests
        if have.sm3 != entry.sm3.lower() or (entry.sha256 and have.sha256 != entry.sha256.lower()):
            found.append(
                make("SENDER_DIGEST_MISMATCH", path=path, expected=entry.sm3, found=have.sm3)
            )
    return ok_or(found, make("SENDER_DIGESTS_MATCH", Status.PASS, count=count))


def version_chain(ctx: CheckContext) -> list[Finding]:
    """The stored version agrees with what ingest recorded (version number, chain link)."""
    meta = ctx.archival()
    if meta is None:
        return [make("METADATA_UNREADABLE", path=ARCHIVAL_XML, error="absent or malformed")]
    found = []
    if meta.get("version") != ctx.version:
        found.append(
            make(
                "VERSION_CHAIN_BROKEN",
                expected=str(ctx.version),
                found=str(meta.get("version")),
                reason="archival.xml names another version",
            )
        )
    if ctx.version > 1 and not meta.get("previous_manifest_sha256"):
        found.append(
            make("VERSION_CHAIN_BROKEN", reason="no link to the previous version's manifest")
        )
    if meta.get("archive_id") != ctx.archive_id:
        found.append(
            make(
                "VERSION_CHAIN_BROKEN",
                expected=ctx.archive_id,
                found=str(meta.get("archive_id")),
                reason="archival.xml names another archive",
            )
        )
    return ok_or(found, make("VERSION_CHAIN_OK", Status.PASS, version=ctx.version))


CHECKS = (
    Check(items("1-3-1"), sizes),
    Check(items("1-3-2"), formats_match),
    Check(items("1-3-3"), pages_and_times),
    Check(items("1-4-1"), locations),
    Check(items("1-5-1"), structure),
    Check(items("1-5-2", ("GD",)), sender_digests),
    Check(items("1-5-2", ("BC",)), version_chain),
)
