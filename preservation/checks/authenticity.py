"""Authenticity (真实性): fixity (x-1-1; PDF signatures in ``signatures``), metadata (x-1-2).

Digests against the signed manifest and the archival metadata, the archive's own manifest
signature, metadata accuracy (the ingest rules re-run on the archived case.xml), illegal
characters, the 档号, archival vs case metadata. Content attributes, locations and structure
(x-1-3 … x-1-5) are in ``content``.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterator

from package.manifest import MANIFEST_PATH, SIGNATURE_PATH
from standards.archival_code import ArchivalCodeRule
from standards.errors import ArchivalCodeError
from standards.finding import Finding, Status
from standards.findings import make

from .base import Check
from .context import ARCHIVAL_XML, CASE_XML, CheckContext
from .evidence import fixity_findings, manual, ok_or, route, rule_findings

__all__ = ["CHECKS"]

STAGES = ("GD", "YJ", "BC")
REPORT_PATH = "metadata/ingest-report.json"
REQUIRED_PATHS = (CASE_XML, ARCHIVAL_XML, MANIFEST_PATH, SIGNATURE_PATH, REPORT_PATH)
_FIXITY_CODES = (
    "AIP_DIGEST_MISMATCH",
    "AIP_SIZE_MISMATCH",
    "AIP_FILE_MISSING",
    "AIP_FILE_UNREADABLE",
    "AIP_MANIFEST_MISSING",
    "AIP_MANIFEST_MALFORMED",
)
_SIGNATURE_CODES = (
    "AIP_SIGNATURE_VALID",
    "AIP_SIGNATURE_TRUSTED",
    "AIP_SIGNATURE_UNTRUSTED",
    "AIP_SIGNATURE_INVALID",
    "AIP_SIGNATURE_MISSING",
    "AIP_CERTIFICATE_TRUSTED",  # whom the signature names, by its certificate
    "AIP_CERTIFICATE_INVALID",
    "AIP_CERTIFICATE_UNCONFIRMED",
)


def items(suffix: str, stages: tuple[str, ...] = STAGES) -> tuple[str, ...]:
    return tuple(f"{stage}-{suffix}" for stage in stages)


def _archived_path(path: str) -> str:
    return f"original/{path}"


# -- x-1-1 fixity ------------------------------------------------------------------------------
def digests(ctx: CheckContext) -> list[Finding]:
    """SM3/SHA-256 of every file vs the signed manifest, and originals vs archival.xml."""
    found = route(fixity_findings(ctx), _FIXITY_CODES)
    archived = ctx.archived_files()
    for path in ctx.originals():
        entry = archived.get(path)
        if entry is None:
            continue
        measured = ctx.facts(path).digests
        for algorithm in ("sm3", "sha256"):
            want, have = str(entry.get(algorithm, "")).lower(), getattr(measured, algorithm)
            if want != have:
                found.append(
                    make(
                        "METADATA_DIGEST_MISMATCH",
                        path=path,
                        expected=want,
                        found=have,
                        algorithm=algorithm.upper(),
                        tool="package.digest",
                    )
                )
    count = len(ctx.paths)
    return ok_or(found, make("DIGESTS_VERIFIED", Status.PASS, count=count, tool="package.fixity"))


def archive_signature(ctx: CheckContext) -> list[Finding]:
    """The archive's own signature over ``metadata/manifest.txt`` (锁定签名)."""
    return route(fixity_findings(ctx), _SIGNATURE_CODES)


# -- x-1-2 metadata accuracy ------------------------------------------------------------------
def schema(ctx: CheckContext) -> list[Finding]:
    """case.xml against the contract XSD (findings of the parse done by the application)."""
    if ctx.case is None and not ctx.case_findings:
        return [make("METADATA_UNREADABLE", path=CASE_XML, error="no case record supplied")]
    problems = [f for f in ctx.case_findings if f.status is not Status.PASS]
    passed = make("METADATA_RULES_PASSED", Status.PASS, what="case.xml schema", count=1)
    return ok_or(problems, dataclasses.replace(passed, path=CASE_XML, tool="lxml XMLSchema"))


_RANGE_CODES = (
    "PKG_NAME_MISMATCH",
    "XML_VALUE_RANGE",
    "MATERIAL_FOLDER_MISMATCH",
    "TIME_ORDER",
    "STEP_ORDER",
    "STEP_TIME_OUTSIDE",
    "SUBMITTED_BEFORE_TRANSACT",
    "ID_NUMBER_INVALID",
    "SECURITY_REFUSED",
)


def value_range(ctx: CheckContext) -> list[Finding]:
    """Value range and plausibility: the ingest rules of indicator 1-2 on the archived case."""
    rules = rule_findings(ctx)
    if rules is None:
        return manual(f"{ctx.stage}-1-2-2", "no case record or ingest rules supplied")
    passed = make(
        "METADATA_RULES_PASSED", Status.PASS, what="value range rules", count=len(_RANGE_CODES)
    )
    return ok_or(route(rules, _RANGE_CODES), dataclasses.replace(passed, tool="ingest.rules"))


def _strings(value: object, name: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), f.name)
    elif isinstance(value, tuple | list):
        for n, child in enumerate(value):
            yield from _strings(child, f"{name}[{n}]")


def _illegal(text: str) -> str | None:
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\t\n\r") or category in ("Co", "Cs", "Cn"):
            return f"U+{ord(char):04X}"
        if char == "\ufffd":
            return "U+FFFD"
    return None


def illegal_characters(ctx: CheckContext) -> list[Finding]:
    """No control, private-use, unassigned or replacement characters in any metadata value."""
    if ctx.case is None:
        return manual(f"{ctx.stage}-1-2-3", "case.xml could not be read")
    values = list(_strings(ctx.case, "case"))
    found = [
        make("METADATA_ILLEGAL_CHARACTER", path=CASE_XML, element=name, char=char, found=char)
        for name, text in values
        if (char := _illegal(text)) is not None
    ]
    passed = make(
        "METADATA_RULES_PASSED", Status.PASS, what="illegal-character scan", count=len(values)
    )
    return ok_or(found, passed)


def archival_code(ctx: CheckContext) -> list[Finding]:
    """The 档号 parses under the configured rule and agrees with the archival metadata."""
    meta = ctx.archival()
    if meta is None:
        return [make("METADATA_UNREADABLE", path=ARCHIVAL_XML, error="absent or malformed")]
    rule = ctx.archival_code_rule or ArchivalCodeRule.load()
    code = str(meta.get("archival_code", ""))
    try:
        parts = rule.parse(code)
    except ArchivalCodeError as exc:
        return [make("ARCHIVAL_CODE_MALFORMED", found=code, expected=str(exc), path=ARCHIVAL_XML)]
    expect = {
        "fonds": meta.get("fonds_identifier"),
        "category": meta.get("category"),
        "year": meta.get("year"),
        "retention": meta.get("retention_period"),
        "organization": meta.get("organization_code"),
        "item": meta.get("item_number"),
    }
    found = [
        make(
            "ARCHIVAL_CODE_INCONSISTENT",
            path=ARCHIVAL_XML,
            part=part,
            expected=str(want),
            found=str(getattr(parts, part)),
        )
        for part, want in expect.items()
        if str(getattr(parts, part)) != str(want)
    ]
    return ok_or(
        found,
        make("METADATA_RULES_PASSED", Status.PASS, what=f"档号 {code}", count=len(expect)),
    )


def duplicates(ctx: CheckContext) -> list[Finding]:
    """No path listed twice in case.xml (ingest rule) or in archival.xml."""
    found = route(rule_findings(ctx), ("DUPLICATE_PATH",))
    meta = ctx.archival()
    listed = meta.get("files", []) if meta else []
    paths = (
        Counter(str(e.get("path")) for e in listed if isinstance(e, dict))
        if isinstance(listed, list)
        else Counter()
    )
    found += [make("METADATA_DUPLICATE", path=p, found=str(n)) for p, n in paths.items() if n > 1]
    if ctx.case is None and meta is None:
        return manual(f"{ctx.stage}-1-2-5", "no metadata could be read")
    return ok_or(
        found, make("METADATA_RULES_PASSED", Status.PASS, what="duplicate scan", count=len(paths))
    )


def consistency(ctx: CheckContext) -> list[Finding]:
    """archival.xml fields agree with the submitted case.xml."""
    meta, case = ctx.archival(), ctx.case
    if meta is None or case is None:
        return manual(f"{ctx.stage}-1-2-6", "archival.xml or case.xml could not be read")
    pairs = {
        "electronic_record_code": case.electronic_record_code,
        "fonds_identifier": case.fonds_identifier,
        "task_code": case.task_code,
        "title": case.project_name,
        "receive_time": case.receive_time,
        "transact_time": case.transact_time,
        "result": case.result,
        "security_classification": case.security_classification,
        "declared_file_count": case.declared_file_count,
        "year": case.year,
    }
    found = [
        make(
            "METADATA_INCONSISTENT",
            path=ARCHIVAL_XML,
            element=k,
            expected=str(v),
            found=str(meta.get(k)),
        )
        for k, v in pairs.items()
        if meta.get(k) != v
    ]
    archived = set(ctx.archived_files())
    declared = {_archived_path(e.path) for e in case.files}
    if archived != declared:
        diff = sorted(archived ^ declared)
        found.append(
            make(
                "METADATA_INCONSISTENT",
                path=ARCHIVAL_XML,
                element="files",
                found=", ".join(diff[:5]),
            )
        )
    return ok_or(
        found,
        make(
            "METADATA_RULES_PASSED",
            Status.PASS,
            what="archival.xml vs case.xml",
            count=len(pairs) + 1,
        ),
    )


CHECKS = (
    Check(items("1-1-1"), digests),
    Check(items("1-1-5"), archive_signature),
    Check(items("1-2-1"), schema),
    Check(items("1-2-2"), value_range),
    Check(items("1-2-3"), illegal_characters),
    Check(items("1-2-4"), archival_code),
    Check(items("1-2-5"), duplicates),
    Check(items("1-2-6"), consistency),
)
