"""Office document → PDF with LibreOffice headless (``soffice --convert-to``).

Each run gets its own user profile (``-env:UserInstallation``) in the scratch directory, so runs
in parallel do not share (and lock) one profile. soffice is bounded by a wall-clock time-out only:
an address-space limit breaks it at start. The filter and its options come from the format
policy, e.g. ``pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}``.
Reads ``source``; writes into ``work``. Raises ``ToolError``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .tools import ToolFailedError, ToolRun, run_tool

__all__ = ["office_to_pdf"]


def office_to_pdf(
    source: Path, kind: str, filter_options: str, work: Path, *, timeout: float
) -> tuple[Path, ToolRun]:
    """Convert ``source`` (identified as ``kind``: DOCX, XLS, …) to PDF with ``filter_options``;
    returns the PDF (inside ``work``)."""
    profile, out = work / "lo-profile", work / "lo-out"
    out.mkdir()
    # soffice names its output after the input, and reads the kind from the suffix first: a
    # plain ASCII name with the identified kind's suffix (never the submitted name's)
    staged = work / f"input.{kind.lower()}"
    shutil.copyfile(source, staged)
    run = run_tool(
        "soffice",
        [
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            filter_options,
            "--outdir",
            str(out.resolve()),
            str(staged.resolve()),
        ],
        timeout=timeout,
        env={"HOME": str(work.resolve())},
    )
    produced = sorted(out.glob("*.pdf"))
    if not produced or produced[0].stat().st_size == 0:
        said = run.stderr or run.stdout or "no message"
        raise ToolFailedError(f"soffice wrote no PDF: {said}")
    return produced[0], run
