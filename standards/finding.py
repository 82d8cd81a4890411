"""Findings: the one result type every validation and check returns.

A finding says what was checked (``code``: a finding code from ``data/findings.tsv``, each tied
to a DA/T 70 indicator), how it came out (``status``), and the evidence (expected, found, path,
tool). No check ever reports PASS for work it did not do: a check that could not run returns
MANUAL_REVIEW or NOT_APPLICABLE with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    MANUAL_REVIEW = "MANUAL_REVIEW"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@dataclass(frozen=True)
class Finding:
    """One coded result with its evidence.

    ``code`` is a finding code such as ``CASE_XML_SCHEMA`` (see ``standards.findings``);
    ``dat70`` the DA/T 70 indicator (``GD-1-2``) it belongs to, or ``""`` when none applies.
    """

    code: str
    status: Status
    message: str
    dat70: str = ""
    path: str = ""
    expected: str = ""
    found: str = ""
    tool: str = ""
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "status": self.status.value,
            "message": self.message,
        }
        for key in ("dat70", "path", "expected", "found", "tool"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


def any_failed(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.failed for f in findings)


def finding_from_dict(data: dict[str, object]) -> Finding:
    """Rebuild a finding from ``Finding.as_dict()`` output (reports kept as JSON)."""
    detail = data.get("detail") or {}
    return Finding(
        code=str(data["code"]),
        status=Status(str(data["status"])),
        message=str(data.get("message", "")),
        dat70=str(data.get("dat70", "")),
        path=str(data.get("path", "")),
        expected=str(data.get("expected", "")),
        found=str(data.get("found", "")),
        tool=str(data.get("tool", "")),
        detail={str(k): str(v) for k, v in dict(detail).items()},  # type: ignore[call-overload]
    )
