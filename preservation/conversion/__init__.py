"""Preservation copies and OCR by real tools (LibreOffice, Ghostscript, Tesseract), each run in
a subprocess with a time-out; a missing or failing tool is a reason for manual review."""

from .copies import TEXT_KEPT, ConversionLimits, CopyOutcome, ToolStep, make_copy
from .ocr import OcrResult, ocr_file, ocr_languages
from .tools import ToolError, ToolFailedError, ToolMissingError, run_tool, tool_version

__all__ = [
    "TEXT_KEPT",
    "ConversionLimits",
    "CopyOutcome",
    "OcrResult",
    "ToolError",
    "ToolFailedError",
    "ToolMissingError",
    "ToolStep",
    "make_copy",
    "ocr_file",
    "ocr_languages",
    "run_tool",
    "tool_version",
]
