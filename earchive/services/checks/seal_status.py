"""Signature and seal badges for the case page, read from the archive's latest 四性 check run.

Nothing is verified here: the verdicts are those the check engine (pyHanko for PDFs, the GB/T 38540
verifier for OFD seals) recorded, each kept separate — intact, valid, trusted — and ``None`` when
that property was not decided (no run yet, or only manual review possible).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from preservation.checks import CheckRun
from standards.finding import Status

__all__ = ["SealBadge", "seal_badges"]

_GROUPS: Mapping[str, str] = {
    "PDF_SIGNATURE_INTACT": "intact",
    "PDF_SIGNATURE_TAMPERED": "intact",
    "PDF_SIGNATURE_COVERAGE": "intact",
    "PDF_SIGNATURE_MODIFIED": "intact",
    "PDF_SIGNATURE_MISSING": "intact",
    "PDF_SIGNATURE_UNREADABLE": "intact",
    "OFD_REFERENCE_DIGEST_MISMATCH": "intact",
    "OFD_REFERENCE_MISSING": "intact",
    "OFD_SEAL_DATAHASH_MISMATCH": "intact",
    "OFD_SIGN_DIGEST_MISMATCH": "intact",
    "PDF_SIGNATURE_REVISIONS_ALLOWED": "intact",
    "PDF_SIGNATURE_VALID": "valid",
    "PDF_SIGNATURE_INVALID": "valid",
    "OFD_SEAL_SIGNATURE_INVALID": "valid",
    "OFD_SEAL_MAKER_SIGNATURE_INVALID": "valid",
    "OFD_SEAL_EXPIRED": "valid",
    "OFD_SEAL_NOT_YET_VALID": "valid",
    "OFD_SEAL_SIGNER_NOT_LISTED": "valid",
    "OFD_SEAL_SIGNER_CERT_EXPIRED": "valid",
    "OFD_SIGN_SIGNATURE_INVALID": "valid",
    "OFD_SIGN_CERT_EXPIRED": "valid",
    "PDF_SIGNATURE_UNVERIFIABLE": "valid",
    "PDF_SIGNATURE_ALGORITHM_REFUSED": "valid",
    "PDF_SIGNATURE_MALFORMED": "valid",
    "PDF_SIGNATURE_TRUSTED": "trusted",
    "PDF_SIGNATURE_UNTRUSTED": "trusted",
    "OFD_SEAL_CHAIN_UNTRUSTED": "trusted",
}
_ORIGINAL = "original/"


@dataclass(frozen=True)
class SealBadge:
    """The verdicts of one file's signatures or seals; ``None`` = not decided."""

    intact: bool | None
    valid: bool | None
    trusted: bool | None
    stage: str
    checked: datetime


def _verdict(statuses: list[Status]) -> bool | None:
    if any(s is Status.FAIL for s in statuses):
        return False
    if statuses and all(s is Status.PASS for s in statuses):
        return True
    return None


def seal_badges(runs: Iterable[CheckRun]) -> dict[str, SealBadge]:
    """File path (as in the file list, ``A/…``) → verdicts, from the newest run given."""
    latest: CheckRun | None = None
    for run in runs:
        if latest is None or run.finished >= latest.finished:
            latest = run
    if latest is None:
        return {}
    groups: dict[str, dict[str, list[Status]]] = {}
    for result in latest.results:
        group = _GROUPS.get(result.finding.code)
        path = result.finding.path
        if group is None or not path.startswith(_ORIGINAL):
            continue
        per_file = groups.setdefault(path[len(_ORIGINAL) :], {})
        per_file.setdefault(group, []).append(result.finding.status)
    return {
        path: SealBadge(
            intact=_verdict(g.get("intact", [])),
            valid=_verdict(g.get("valid", [])),
            trusted=_verdict(g.get("trusted", [])),
            stage=latest.stage,
            checked=latest.finished,
        )
        for path, g in groups.items()
    }
