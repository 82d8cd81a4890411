"""Finding codes of the transfer stage (YJ) and the one way to make them: their indicators,
statuses and messages are rows of the finding-code table (``standards/data/findings.tsv``, stage
``transfer``). Reads and writes nothing. Raises ``UnknownFindingCodeError`` for a code missing
from the table (a bug).
"""

from __future__ import annotations

from standards.finding import Finding, Status
from standards.findings import make

__all__ = ["transfer_finding"]


def transfer_finding(
    code: str,
    status: Status | None = None,
    *,
    path: str = "",
    expected: str = "",
    found: str = "",
    tool: str = "transfer",
    **fmt: object,
) -> Finding:
    """A ``Finding`` of ``code`` (stage ``transfer`` of the finding-code table) with both
    messages filled from ``fmt``; a placeholder without a value stays as ``{name}``."""
    return make(
        code, status, path=path, expected=expected, found=found, tool=tool, keep_missing=True, **fmt
    )
