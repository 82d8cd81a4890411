"""Reading the text of scans with Tesseract (the ``chi_sim`` model; ``eng`` too when installed).

Images go to Tesseract directly; a PDF is first drawn page by page with poppler's ``pdftoppm``
(300 dpi, grey). The result is the text plus a confidence figure: the mean of Tesseract's word
confidences (0–100) over the words it read, weighted by their length. Tesseract runs under a
wall-clock time-out and an address-space limit. Reads the source; writes only in ``work``.
Raises ``ToolError`` (missing tool or model, failed run).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .tools import ToolMissingError, require, run_tool, tool_version

__all__ = ["OCR_DPI", "OcrResult", "ocr_file", "ocr_languages"]

OCR_DPI = 300
_MODEL = "chi_sim"
_PAGE_MODE = "--psm"
_PAGE_MODE_VALUE = "6"  # one uniform block of text per page: forms and letters


@dataclass(frozen=True)
class OcrResult:
    """What OCR read: ``text`` (pages separated by form feeds), ``confidence`` 0–100."""

    text: str
    confidence: float
    pages: int
    tool: str
    options: str
    seconds: float


def ocr_languages() -> str:
    """The ``-l`` value: chi_sim (+eng when present); ``ToolMissingError`` without chi_sim."""
    listed = run_tool("tesseract", ["--list-langs"], timeout=60)
    have = {line.strip() for line in (listed.stdout + "\n" + listed.stderr).splitlines()}
    if _MODEL not in have:
        raise ToolMissingError(
            "the Tesseract model chi_sim is not installed (tesseract-ocr-chi-sim)"
        )
    return "chi_sim+eng" if "eng" in have else _MODEL


def _pages(
    source: Path, is_pdf: bool, work: Path, timeout: float, memory: int | None
) -> list[Path]:
    if not is_pdf:
        return [source]
    require("pdftoppm")
    prefix = work / "page"
    run_tool(
        "pdftoppm",
        ["-r", str(OCR_DPI), "-gray", "-png", str(source.resolve()), str(prefix.resolve())],
        timeout=timeout,
        memory_bytes=memory,
    )
    return sorted(work.glob("page*.png"))


def _wide(char: str) -> bool:
    return ord(char) >= 0x2E80  # CJK scripts and full-width forms: no spaces between words


def _join(words: list[str]) -> str:
    """Words of one line: CJK words run together, others are separated by a space."""
    out = words[0]
    for word in words[1:]:
        out += word if _wide(out[-1]) or _wide(word[0]) else " " + word
    return out


def _read_tsv(path: Path) -> tuple[str, float, int]:
    """Text (Tesseract's own line layout), length-weighted mean confidence, characters read."""
    lines: dict[tuple[str, str, str, str], list[str]] = {}
    weighted, chars = 0.0, 0
    rows = csv.DictReader(io.StringIO(path.read_text("utf-8")), delimiter="\t", quoting=3)
    for row in rows:
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append(word)
        weighted += float(row["conf"]) * len(word)
        chars += len(word)
    text = "\n".join(_join(words) for words in lines.values())
    return text, weighted, chars


def ocr_file(
    source: Path, is_pdf: bool, work: Path, *, timeout: float, memory_bytes: int | None
) -> OcrResult:
    """OCR every page of ``source``; ``timeout`` bounds each tool run."""
    languages = ocr_languages()
    texts: list[str] = []
    weighted, chars, seconds = 0.0, 0, 0.0
    pages = _pages(source, is_pdf, work, timeout, memory_bytes)
    for number, page in enumerate(pages, start=1):
        base = work / f"ocr-{number}"
        run = run_tool(
            "tesseract",
            [str(page.resolve()), str(base.resolve()), "-l", languages,
             _PAGE_MODE, _PAGE_MODE_VALUE, "tsv"],
            timeout=timeout,
            memory_bytes=memory_bytes,
            env={"OMP_THREAD_LIMIT": "1"},
        )  # fmt: skip
        seconds += run.seconds
        text, page_weighted, page_chars = _read_tsv(base.with_suffix(".tsv"))
        texts.append(text)
        weighted += page_weighted
        chars += page_chars
    return OcrResult(
        text="\f".join(texts),
        confidence=round(weighted / chars, 1) if chars else 0.0,
        pages=len(pages),
        tool=f"tesseract {tool_version('tesseract').removeprefix('tesseract ')}",
        options=f"-l {languages} {_PAGE_MODE} {_PAGE_MODE_VALUE}"
        + (f"; pages drawn by pdftoppm -r {OCR_DPI} -gray" if is_pdf else ""),
        seconds=round(seconds, 3),
    )
