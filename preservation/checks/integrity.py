"""Integrity (完整性, indicators x-2-1 … x-2-4).

Counts and bytes against the batch's registration form (GB/T 18894 A.1) and the metadata;
required elements; process records; 件号 continuity within the archive's class (the catalog is
asked through ``ctx.serials``); required materials per 事项 and the archiving scope (the ingest
rules, reused). Reads through the context only.
"""

from __future__ import annotations

from collections import Counter

from standards.archival_code import ArchivalCodeRule
from standards.errors import ArchivalCodeError
from standards.finding import Finding, Status
from standards.findings import make

from .authenticity import items
from .base import Check
from .context import ARCHIVAL_XML, CASE_XML, CheckContext
from .evidence import manual, ok_or, route, rule_findings

__all__ = ["CHECKS"]

_REQUIRED_ARCHIVAL = (
    "archive_id",
    "electronic_record_code",
    "archival_code",
    "fonds_identifier",
    "fonds_name",
    "title",
    "author",
    "date",
    "retention_period",
    "security_classification",
    "ingested_at",
    "task_code",
    "task_name",
    "receive_department",
    "result",
)


def _measured_totals(ctx: CheckContext) -> tuple[int, int]:
    originals = ctx.originals()
    return len(originals), sum(ctx.facts(p).digests.size for p in originals)


def registered_count(ctx: CheckContext) -> list[Finding]:
    entry = ctx.registration
    if entry is None:
        return [make("REGISTRATION_MISSING")]
    files, _ = _measured_totals(ctx)
    if files != entry.files:
        return [make("REGISTRATION_COUNT_MISMATCH", expected=str(entry.files), found=str(files))]
    return [
        make("REGISTRATION_MATCH", what="文件数 file count", batch=entry.batch_id, found=str(files))
    ]


def registered_bytes(ctx: CheckContext) -> list[Finding]:
    entry = ctx.registration
    if entry is None:
        return [make("REGISTRATION_MISSING")]
    _, size = _measured_totals(ctx)
    if size != entry.bytes:
        return [make("REGISTRATION_BYTES_MISMATCH", expected=str(entry.bytes), found=str(size))]
    return [make("REGISTRATION_MATCH", what="字节数 bytes", batch=entry.batch_id, found=str(size))]


def metadata_totals(ctx: CheckContext) -> list[Finding]:
    """BC: count and bytes of the stored files equal archival.xml's fileCount and sizes."""
    meta = ctx.archival()
    if meta is None:
        return [make("METADATA_UNREADABLE", path=ARCHIVAL_XML, error="absent or malformed")]
    files, size = _measured_totals(ctx)
    recorded = sum(int(str(e.get("size", 0))) for e in ctx.archived_files().values())
    found = []
    if meta.get("file_count") != files:
        found.append(
            make(
                "METADATA_COUNT_MISMATCH",
                what="文件数 files",
                expected=str(meta.get("file_count")),
                found=str(files),
            )
        )
    if recorded != size:
        found.append(
            make(
                "METADATA_COUNT_MISMATCH",
                what="字节数 bytes",
                expected=str(recorded),
                found=str(size),
            )
        )
    return ok_or(
        found,
        make(
            "REGISTRATION_MATCH",
            Status.PASS,
            what="元数据 metadata",
            batch="-",
            found=f"{files}/{size}",
        ),
    )


def required_elements(ctx: CheckContext) -> list[Finding]:
    meta = ctx.archival()
    if meta is None:
        return [make("METADATA_UNREADABLE", path=ARCHIVAL_XML, error="absent or malformed")]
    found = [
        make("REQUIRED_ELEMENT_MISSING", path=ARCHIVAL_XML, element=name)
        for name in _REQUIRED_ARCHIVAL
        if meta.get(name) in (None, "")
    ]
    applicant = meta.get("applicant")
    for name in ("name", "idNumber"):
        if not isinstance(applicant, dict) or not applicant.get(name):
            found.append(
                make("REQUIRED_ELEMENT_MISSING", path=ARCHIVAL_XML, element=f"applicant/{name}")
            )
    return ok_or(
        found,
        make(
            "METADATA_RULES_PASSED",
            Status.PASS,
            what="required elements",
            count=len(_REQUIRED_ARCHIVAL) + 2,
        ),
    )


def process_records(ctx: CheckContext) -> list[Finding]:
    case = ctx.case
    if case is None:
        return manual(f"{ctx.stage}-2-2-2", "case.xml could not be read")
    found = route(rule_findings(ctx), ("STEP_REQUIRED_MISSING",))
    if rule_findings(ctx) is None:
        required = ("2", "4")
        codes = {s.code for s in case.process}
        found += [
            make("STEP_REQUIRED_MISSING", step=c, name="") for c in required if c not in codes
        ]
    for step in case.process:
        for element in ("actor", "department"):
            if not getattr(step, element).strip():
                found.append(
                    make(
                        "PROCESS_RECORD_INCOMPLETE", path=CASE_XML, step=step.code, element=element
                    )
                )
    return ok_or(
        found,
        make("METADATA_RULES_PASSED", Status.PASS, what="process records", count=len(case.process)),
    )


def serial_continuity(ctx: CheckContext) -> list[Finding]:
    """件号 of the archive's class run 1..n without gaps or repeats (catalog via ctx.serials)."""
    meta = ctx.archival()
    if ctx.serials is None or meta is None:
        return [make("SERIAL_UNCHECKED")]
    rule = ctx.archival_code_rule or ArchivalCodeRule.load()
    try:
        klass = rule.class_key(rule.parse(str(meta.get("archival_code", ""))))
    except ArchivalCodeError as exc:
        return [
            make("ARCHIVAL_CODE_MALFORMED", found=str(meta.get("archival_code")), expected=str(exc))
        ]
    numbers = list(ctx.serials(klass))
    counts = Counter(numbers)
    repeated = sorted(n for n, c in counts.items() if c > 1)
    top = max(numbers, default=0)
    missing = sorted(set(range(1, top + 1)) - set(numbers))
    found = []
    if missing:
        shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
        found.append(make("SERIAL_GAP", klass=klass, missing=shown, found=str(len(missing))))
    if repeated:
        found.append(
            make("SERIAL_DUPLICATE", klass=klass, duplicates=", ".join(map(str, repeated[:20])))
        )
    return ok_or(found, make("SERIAL_CONTINUOUS", Status.PASS, klass=klass, count=top))


def _ruled(ctx: CheckContext, item: str, codes: tuple[str, ...], what: str) -> list[Finding]:
    rules = rule_findings(ctx)
    if rules is None:
        return manual(f"{ctx.stage}-{item}", "no case record or ingest rules supplied")
    passed = make("METADATA_RULES_PASSED", Status.PASS, what=what, count=len(codes))
    return ok_or(route(rules, codes), passed)


def materials(ctx: CheckContext) -> list[Finding]:
    return _ruled(ctx, "2-3-1", ("MATERIAL_REQUIRED_MISSING",), "required materials of the item")


def certificate(ctx: CheckContext) -> list[Finding]:
    return _ruled(ctx, "2-3-2", ("CERTIFICATE_REQUIRED",), "result licence")


def scope(ctx: CheckContext) -> list[Finding]:
    return _ruled(ctx, "2-4-1", ("TASK_UNKNOWN",), "archiving scope (item table)")


def package_count(ctx: CheckContext) -> list[Finding]:
    codes = ("FILE_COUNT_MISMATCH", "FILE_UNDECLARED", "FILE_MISSING")
    return _ruled(ctx, "2-4-2", codes, "declared file count")


CHECKS = (
    Check(items("2-1-1", ("GD", "BC")), registered_count),
    Check(items("2-1-2", ("GD", "BC")), registered_bytes),
    Check(items("2-1-3", ("BC",)), metadata_totals),
    Check(items("2-2-1"), required_elements),
    Check(items("2-2-2"), process_records),
    Check(items("2-2-3"), serial_continuity),
    Check(items("2-3-1"), materials),
    Check(items("2-3-2"), certificate),
    Check(items("2-4-1"), scope),
    Check(items("2-4-2"), package_count),
)
