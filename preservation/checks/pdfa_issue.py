"""One reason a file does not conform to PDF/A, named by its ISO 19005 rule (veraPDF's rule ids).

``rule_id(part, clause_1, clause_2)`` spells the rule of the part being checked
(``ISO_19005_1:6.7.9-2``); part 3 shares part 2's clause numbers. An issue is a ``violation``
(the construct breaks the rule) or ``unsupported`` (it may conform, but nothing here decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Issue", "IssueKind", "rule_id"]

IssueKind = Literal["violation", "unsupported"]


@dataclass(frozen=True)
class Issue:
    rule: str
    where: str
    message: str
    kind: IssueKind = "violation"


def rule_id(part: int, clause_1: str, clause_2: str) -> str:
    """The rule id of ``clause_1`` (ISO 19005-1) or ``clause_2`` (ISO 19005-2/-3) for ``part``."""
    return f"ISO_19005_1:{clause_1}" if part == 1 else f"ISO_19005_{part}:{clause_2}"
