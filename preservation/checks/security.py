"""Security (安全性, indicators x-4-1 … x-4-3): viruses, extra files, the process audit trail.

The anti-virus engine comes from the context (``preservation.antivirus``); none configured means
MANUAL_REVIEW, never PASS. Extra files are those in the version but not in the signed manifest
(``package.fixity``). The event log's hash chain must be intact and hold this archive's ingest.
"""

from __future__ import annotations

from preservation.antivirus import AntivirusError
from preservation.events import verify_chain
from standards.finding import Finding, Status
from standards.findings import make

from .authenticity import items
from .base import Check
from .context import CheckContext, CheckContextError
from .evidence import fixity_findings, route

__all__ = ["CHECKS"]


def engine_present(ctx: CheckContext) -> list[Finding]:
    if ctx.antivirus is None:
        return [make("ANTIVIRUS_MISSING")]
    try:
        info = ctx.antivirus.info()
    except AntivirusError as exc:
        return [make("ANTIVIRUS_ERROR", error=str(exc))]
    return [make("ANTIVIRUS_PRESENT", engine=str(info), found=str(info), tool=str(info))]


def virus_scan(ctx: CheckContext) -> list[Finding]:
    """Scan every file of the version (originals and metadata)."""
    if ctx.antivirus is None:
        return [make("ANTIVIRUS_MISSING")]
    try:
        info = ctx.antivirus.info()
        local = {ctx.local(p): p for p in ctx.paths}
        results = ctx.antivirus.scan(list(local))
    except (AntivirusError, CheckContextError) as exc:
        return [make("ANTIVIRUS_ERROR", error=str(exc))]
    tool = str(info)
    scanned = {r.path for r in results}
    if scanned != set(local):
        return [make("ANTIVIRUS_ERROR", error=f"{len(local) - len(scanned)} files not scanned")]
    found = [
        make("VIRUS_FOUND", path=local[r.path], signature=r.signature, found=r.signature, tool=tool)
        for r in results
        if r.infected
    ]
    return found or [make("VIRUS_CLEAN", count=len(results), tool=tool)]


def extra_files(ctx: CheckContext) -> list[Finding]:
    extra = route(fixity_findings(ctx), ("AIP_FILE_EXTRA",))
    found = [make("EXTRA_FILE", path=f.path) for f in extra]
    return found or [make("NO_EXTRA_FILES", Status.PASS, count=len(ctx.paths))]


def audit_trail(ctx: CheckContext) -> list[Finding]:
    """The event log's hash chain is intact and records this archive's ingest."""
    if ctx.events is None:
        return [make("EVENT_LOG_UNAVAILABLE")]
    found = list(verify_chain(list(ctx.events)))
    ingested = any(
        e.action == "ingest" and ctx.archive_id in e.object and e.outcome != "refused"
        for e in ctx.events
    )
    if not ingested:
        found.append(make("INGEST_EVENT_MISSING", archive=ctx.archive_id))
    return found


CHECKS = (
    Check(items("4-1-1"), engine_present),
    Check(items("4-1-2"), virus_scan),
    Check(items("4-2-2"), extra_files),
    Check(items("4-3-1"), audit_trail),
)
