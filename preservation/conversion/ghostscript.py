"""PDF → PDF/A-2b with Ghostscript's pdfwrite device.

The PDF/A output intent is declared by a small PostScript prologue written per run (pdfmark
operators: an sRGB ICC stream, the OutputIntent, the catalog entry); the ICC profile is Pillow's
built-in sRGB (littleCMS), so no file of the machine is named. Ghostscript 10.0's new PDF
interpreter drops the ToUnicode maps of embedded TrueType subsets (the copy's CJK text would not
extract), so the legacy interpreter is asked for where it exists (``-dNEWPDF=false``); the caller
still compares the text of original and copy. Reads ``source``; writes ``dest`` and files in
``work``. Raises ``ToolError``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import ImageCms

from .tools import ToolFailedError, ToolRun, run_tool

__all__ = ["GS_OPTIONS", "pdf_to_pdfa"]

#: The options recorded in the migration event (the output file and prologue added per run).
GS_OPTIONS = (
    "-dPDFA=2",
    "-dPDFACompatibilityPolicy=1",
    "-sColorConversionStrategy=RGB",
    "-sDEVICE=pdfwrite",
    "-dNEWPDF=false",
    "-dBATCH",
    "-dNOPAUSE",
    "-dQUIET",
)
_PROLOGUE = """\
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ({icc}) (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} << /Type /OutputIntent /S /GTS_PDFA1
  /DestOutputProfile {{icc_PDFA}} /OutputConditionIdentifier (sRGB) >> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def _prologue(work: Path) -> tuple[Path, Path]:
    icc = work / "srgb.icc"
    icc.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    prologue = work / "pdfa-prologue.ps"
    name = str(icc.resolve())
    for char in "\\()":
        name = name.replace(char, "\\" + char)  # a PostScript string literal
    prologue.write_text(_PROLOGUE.format(icc=name), encoding="utf-8")
    return icc, prologue


def pdf_to_pdfa(
    source: Path, dest: Path, work: Path, *, timeout: float, memory_bytes: int | None
) -> ToolRun:
    """Write a PDF/A-2b rendering of ``source`` to ``dest`` (``work``: an empty scratch dir)."""
    icc, prologue = _prologue(work)
    run = run_tool(
        "gs",
        [
            *GS_OPTIONS,
            f"--permit-file-read={icc.resolve()}",
            f"-sOutputFile={dest.resolve()}",
            prologue.name,
            str(source.resolve()),
        ],
        timeout=timeout,
        memory_bytes=memory_bytes,
        cwd=work,
    )
    if not dest.is_file() or dest.stat().st_size == 0:
        raise ToolFailedError(f"gs wrote no output: {run.stderr or run.stdout}")
    return run
