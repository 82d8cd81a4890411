"""Versions of the tools a check run uses, recorded in every report's evidence.

Reads: package metadata and ``qpdf --version``. Writes: nothing. Raises: nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata

__all__ = ["tool_versions"]

_PACKAGES = (
    "earchive",
    "pyhanko",
    "pyhanko-certvalidator",
    "pikepdf",
    "pillow",
    "lxml",
    "opf-fido",
)


def _qpdf() -> str:
    exe = shutil.which("qpdf")
    if exe is None:
        return "not installed"
    try:
        proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return proc.stdout.splitlines()[0] if proc.stdout else "unknown"


def tool_versions(antivirus: str = "") -> dict[str, str]:
    """Python, the libraries the checks call, qpdf and the anti-virus engine (when given)."""
    out = {"python": sys.version.split()[0]}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    out["qpdf"] = _qpdf()
    out["antivirus"] = antivirus or "not configured"
    return out
