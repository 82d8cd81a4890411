"""Shared intermediate results of a check run, each computed once per run through ``ctx.memo``.

``rule_findings``: the ingest rules (``ctx.case_rules``) re-run on the archived case.xml and files
(reused, never duplicated here); ``fixity_findings``: ``package.fixity`` over the version;
``route``: pick the findings of given codes. Reads through the context; writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from package.certificates import certificates_in_folder
from package.fixity import read_manifest_and_verify
from standards.finding import Finding, Status
from standards.findings import make

from .context import CheckContext

__all__ = [
    "fixity_findings",
    "manual",
    "ok_or",
    "route",
    "rule_findings",
]


def rule_findings(ctx: CheckContext) -> tuple[Finding, ...] | None:
    """The ingest rules on the archived case, or None when no case or no rules are available."""

    def compute() -> tuple[Finding, ...] | None:
        if ctx.case is None or ctx.case_rules is None:
            return None
        return tuple(ctx.case_rules(ctx.case, ctx.originals_root()))

    return ctx.memo("rules", compute)


def fixity_findings(ctx: CheckContext) -> tuple[Finding, ...]:
    """Manifest signature, every file's SM3/SHA-256 and extra files (``package.fixity``)."""
    return ctx.memo(
        "fixity",
        lambda: read_manifest_and_verify(
            ctx.open_file,
            ctx.paths,
            ctx.archive_key_pem,
            certificates_in_folder(ctx.trust_dir) if ctx.trust_dir is not None else (),
        ),
    )


def route(findings: Iterable[Finding] | None, codes: Iterable[str]) -> list[Finding]:
    wanted = set(codes)
    return [f for f in findings or () if f.code in wanted]


def manual(item: str, reason: str) -> list[Finding]:
    """MANUAL_REVIEW when an input the check needs was not supplied."""
    return [make("CHECK_MANUAL", item=item, reason=reason)]


def ok_or(problems: list[Finding], passed: Finding) -> list[Finding]:
    """``problems`` when there are any that are not PASS, else ``[passed]``."""
    bad = [f for f in problems if f.status is not Status.PASS]
    return problems if bad else [passed]
