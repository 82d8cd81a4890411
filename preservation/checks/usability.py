"""Usability (可用性, indicators x-3-1 … x-3-4).

Metadata readable; every file opens (``opening``); its format, identified by content (and by
PRONOM through fido when installed), is in ``standards/data/formats.tsv`` (BC: and suits
long-term preservation, unless a preservation copy of it is kept: docs/formats.md); files
claiming PDF/A conform (``pdfa``); the environment is recorded;
no encryption and no private compression; the OCFL inventory resolves every file.
"""

from __future__ import annotations

import warnings
import zipfile

import pikepdf

from package.derivation import read_derivatives
from package.errors import PackageError
from preservation.formats import archive_kind
from standards.codes import formats
from standards.finding import Finding, Status
from standards.findings import make

from .authenticity import items
from .base import Check
from .context import ARCHIVAL_XML, CASE_XML, CheckContext, CheckContextError
from .evidence import ok_or
from .opening import open_problem, opener_tool
from .pdfa import PdfaResult, Verdict, validate_pdfa, validator
from .pronom import identifier

__all__ = ["CHECKS"]

_ALLOWED_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


def metadata_readable(ctx: CheckContext) -> list[Finding]:
    found = []
    broken = [f for f in ctx.case_findings if f.code.startswith("XML_") and f.status is Status.FAIL]
    if ctx.case is None:
        error = broken[0].message if broken else "case.xml absent or unreadable"
        found.append(make("METADATA_UNREADABLE", path=CASE_XML, error=error))
    else:
        found.append(make("METADATA_READABLE", path=CASE_XML, tool="ingest.casexml"))
    if ctx.archival() is None:
        found.append(make("METADATA_UNREADABLE", path=ARCHIVAL_XML, error="absent or malformed"))
    else:
        found.append(make("METADATA_READABLE", path=ARCHIVAL_XML, tool="package.metadata"))
    return found


def opens(ctx: CheckContext) -> list[Finding]:
    found, paths = [], ctx.originals()
    for path in paths:
        family = ctx.facts(path).format.family
        problem = open_problem(ctx.local(path), family)
        if problem is not None:
            found.append(
                make("FILE_DOES_NOT_OPEN", path=path, error=problem, tool=opener_tool(family))
            )
    return ok_or(
        found,
        make("FILE_OPENS", Status.PASS, count=len(paths), tool="qpdf/pdfium, Pillow, lxml"),
    )


def _copies(ctx: CheckContext) -> dict[str, str]:
    """Preservation copies in this version (archival.xml derivatives): copy path → original."""
    if ARCHIVAL_XML not in ctx.paths:
        return {}
    try:
        listed = read_derivatives(ctx.read(ARCHIVAL_XML))
    except (PackageError, OSError, KeyError):
        return {}
    return {
        d.path: d.source for d in listed if d.kind == "preservation-copy" and d.path in ctx.paths
    }


def accepted_format(ctx: CheckContext) -> list[Finding]:
    accepted = formats()
    copied = set(_copies(ctx).values())
    families = {rule.family for rule in accepted.values()}
    pronom = identifier()
    found: list[Finding] = []
    puids: dict[str, str] = {}
    for path in ctx.originals():
        fmt = ctx.facts(path).format
        if pronom is not None:
            puids[path] = pronom.identify(ctx.local(path)).puid or "none"
        if fmt.family not in families:
            found.append(
                make(
                    "FILE_FORMAT_UNACCEPTED",
                    path=path,
                    found=fmt.name,
                    format=fmt.name,
                    tool="preservation.formats",
                )
            )
            continue
        rule = accepted.get(fmt.name) or accepted.get(fmt.family)
        if ctx.stage == "BC" and rule is not None and not rule.long_term and path not in copied:
            found.append(
                make(
                    "FORMAT_NOT_LONG_TERM",
                    path=path,
                    found=fmt.name,
                    format=fmt.name,
                    tool="standards formats.tsv",
                )
            )
    tool = "preservation.formats" + (f" + {pronom.version}" if pronom else " (fido not installed)")
    passed = make("FORMAT_ACCEPTED", Status.PASS, count=len(ctx.originals()), tool=tool)
    detail = {**passed.detail, **{f"pronom:{p}": puid for p, puid in puids.items()}}
    result = ok_or(found, Finding(**{**passed.__dict__, "detail": detail}))
    return [
        f
        if f.path not in puids
        else Finding(**{**f.__dict__, "detail": {**f.detail, "pronom": puids[f.path]}})
        for f in result
    ]


def _pdfa_result(ctx: CheckContext, path: str, flavour: str, signed: bool) -> PdfaResult:
    """One file's PDF/A verdict; a file that cannot even be read is this file's review."""
    try:
        return validate_pdfa(ctx.local(path), flavour, signed=signed)
    except Exception as exc:  # never raise: the other files of the version are still judged
        reason = f"the check failed: {type(exc).__name__}: {exc}"
        return PdfaResult(Verdict.UNVERIFIED, flavour.lower(), reason, tool=validator() or "")


def pdfa(ctx: CheckContext) -> list[Finding]:
    declared = {f"original/{e.path}": e for e in ctx.case.files} if ctx.case else {}
    found: list[Finding] = []
    for path in (*ctx.originals(), *sorted(_copies(ctx))):  # copies: judged like originals
        fmt = ctx.facts(path).format
        entry = declared.get(path)
        claim = (
            fmt.name
            if fmt.name.startswith("PDF/A")
            else entry.format
            if entry and entry.format.startswith("PDF/A")
            else ""
        )
        if not claim or fmt.family != "PDF":
            continue
        flavour = claim.removeprefix("PDF/A-")
        result = _pdfa_result(ctx, path, flavour, bool(entry and entry.signed))
        label = f"PDF/A-{result.flavour}"
        if result.verdict is Verdict.VALID:
            found.append(make("PDFA_VALID", path=path, flavour=label, tool=result.tool))
        elif result.verdict is Verdict.INVALID:
            rules = ", ".join(result.rules[:5])
            found.append(
                make(
                    "PDFA_INVALID",
                    path=path,
                    flavour=label,
                    rules=rules,
                    found=rules,
                    tool=result.tool,
                )
            )
        else:
            found.append(
                make(
                    "PDFA_UNVERIFIED",
                    path=path,
                    flavour=label,
                    reason=result.reason,
                    tool=result.tool,
                )
            )
    return found or [make("PDFA_NOT_CLAIMED", tool=validator() or "no PDF/A validator installed")]


def environment(ctx: CheckContext) -> list[Finding]:
    meta = ctx.archival()
    recorded = {
        "informationSystemDescription": str(meta.get("agent", "")) if meta else "",
        "sourceSystem": str(meta.get("source_system", "")) if meta else "",
    }
    found = [
        make("ENVIRONMENT_MISSING", path=ARCHIVAL_XML, element=k)
        for k, v in recorded.items()
        if not v
    ]
    summary = "; ".join(f"{k}={v}" for k, v in recorded.items())
    return ok_or(found, make("ENVIRONMENT_RECORDED", Status.PASS, found=summary))


def _encrypted(ctx: CheckContext, path: str) -> bool:
    family = ctx.facts(path).format.family
    local = ctx.local(path)
    if family == "PDF":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with pikepdf.open(local) as pdf:
                    return bool(pdf.is_encrypted)
        except pikepdf.PasswordError:
            return True
        except (pikepdf.PdfError, ValueError, RuntimeError):
            return False  # does not open: x-3-2-1
    if family == "OFD" or ctx.facts(path).format.is_archive:
        try:
            with zipfile.ZipFile(local) as archive:
                return any(info.flag_bits & 0x1 for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return False
    return False


def encryption(ctx: CheckContext) -> list[Finding]:
    paths = ctx.originals()
    found = [
        make("FILE_ENCRYPTED", path=p, tool=f"pikepdf {pikepdf.__version__}")
        for p in paths
        if _encrypted(ctx, p)
    ]
    return ok_or(
        found,
        make("NO_ENCRYPTION", Status.PASS, count=len(paths), tool=f"pikepdf {pikepdf.__version__}"),
    )


def compression(ctx: CheckContext) -> list[Finding]:
    found, paths = [], ctx.originals()
    for path in paths:
        fmt = ctx.facts(path).format
        if fmt.is_archive:
            found.append(make("PRIVATE_COMPRESSION", path=path, kind=fmt.name, found=fmt.name))
        elif fmt.name == "OFD":
            with zipfile.ZipFile(ctx.local(path)) as archive:
                odd = sorted({i.compress_type for i in archive.infolist()} - _ALLOWED_ZIP_METHODS)
            if odd:
                found.append(
                    make("PRIVATE_COMPRESSION", path=path, kind=f"ZIP method {odd}", found=str(odd))
                )
        elif fmt.name == "UNKNOWN":
            with open(ctx.local(path), "rb") as fp:
                kind = archive_kind(fp.read(512))
            if kind:
                found.append(make("PRIVATE_COMPRESSION", path=path, kind=kind, found=kind))
    return ok_or(found, make("NO_PRIVATE_COMPRESSION", Status.PASS, count=len(paths)))


def restore_drill(ctx: CheckContext) -> list[Finding]:
    """BC 3-4: restore the archive from its backup copy for real and compare it with the primary."""
    if ctx.restore_drill is None:
        return [make("RESTORE_DRILL_UNAVAILABLE", Status.MANUAL_REVIEW)]
    return list(ctx.restore_drill())


def storage_readable(ctx: CheckContext) -> list[Finding]:
    """BC: the OCFL inventory resolves every logical file of the version (read each once)."""
    found = []
    for path in ctx.paths:
        try:
            ctx.local(path)
        except CheckContextError as exc:
            found.append(
                make("FILE_DOES_NOT_OPEN", path=path, error=str(exc), tool="OCFL inventory")
            )
    return found or [
        make("STORAGE_READABLE", Status.PASS, count=len(ctx.paths), tool="OCFL inventory")
    ]


CHECKS = (
    Check(items("3-1-1"), metadata_readable),
    Check(items("3-2-1"), opens),
    Check(items("3-2-2"), accepted_format),
    Check(items("3-2-3"), pdfa),
    Check(items("3-3-1"), environment),
    Check(items("3-4-1", ("GD", "YJ")), encryption),
    Check(items("3-4-2", ("GD", "YJ")), compression),
    Check(items("3-4-2", ("BC",)), storage_readable),
    Check(items("3-4-1", ("BC",)), restore_drill),
)
