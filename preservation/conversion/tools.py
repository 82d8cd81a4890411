"""Running an external conversion tool: one subprocess with a wall-clock time-out and, where the
tool survives it, an address-space limit; the tool's name and version for the record.

A tool that is not installed is ``ToolMissingError`` (the caller makes it MANUAL_REVIEW, never a
silent skip); a run that exceeds its time is killed with its whole process group. Reads/writes
only what the command line names. Raises: ``ToolMissingError``, ``ToolFailedError``.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ToolError",
    "ToolFailedError",
    "ToolMissingError",
    "ToolRun",
    "require",
    "run_tool",
    "tool_version",
]

_OUTPUT_LIMIT = 4000
_VERSION_ARGS = {
    "soffice": ("--version",),
    "gs": ("--version",),
    "tesseract": ("--version",),
    "pdftoppm": ("-v",),
    "pdftotext": ("-v",),
}


class ToolError(Exception):
    """A conversion tool could not give its result; ``str`` is the reason for the record."""


class ToolMissingError(ToolError):
    """The tool is not installed (``scripts/setup.sh`` installs it)."""


class ToolFailedError(ToolError):
    """The tool ran and failed: non-zero exit, time-out, or no output."""


@dataclass(frozen=True)
class ToolRun:
    """One finished run: what ran, how long, and what it said."""

    tool: str
    version: str
    argv: tuple[str, ...]
    seconds: float
    stdout: str
    stderr: str


def require(name: str) -> str:
    """The full path of an installed tool, else ``ToolMissingError``."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissingError(f"{name} is not installed (scripts/setup.sh installs it)")
    return found


@lru_cache(maxsize=16)
def tool_version(name: str) -> str:
    """The tool's own version line, e.g. ``LibreOffice 7.4.7.2`` or ``10.00.0`` (cached)."""
    path = require(name)
    try:
        done = subprocess.run(
            [path, *_VERSION_ARGS.get(name, ("--version",))],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailedError(f"{name} does not answer --version: {exc}") from exc
    text = (done.stdout or done.stderr).decode("utf-8", "replace").strip()
    return text.splitlines()[0].strip() if text else "unknown"


def _limits(memory_bytes: int | None) -> Callable[[], None]:
    def apply() -> None:
        os.setsid()  # its own process group: a time-out kills the tool's children too
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return apply


def _clip(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text if len(text) <= _OUTPUT_LIMIT else text[-_OUTPUT_LIMIT:]


def run_tool(
    name: str,
    args: Sequence[str],
    *,
    timeout: float,
    memory_bytes: int | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ToolRun:
    """Run ``name args`` and wait at most ``timeout`` seconds; ``memory_bytes`` caps its address
    space (leave None for tools that break under RLIMIT_AS, such as soffice).

    Raises ``ToolMissingError`` or ``ToolFailedError`` (exit status, time-out, signal).
    """
    path = require(name)
    argv = (path, *args)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            preexec_fn=_limits(memory_bytes),
        )
    except OSError as exc:
        raise ToolFailedError(f"{name} did not start: {exc}") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        message = f"{name} exceeded its time-out of {timeout:g} s and was killed"
        raise ToolFailedError(message) from exc
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        said = _clip(err) or _clip(out)
        raise ToolFailedError(f"{name} exited with status {proc.returncode}: {said}")
    return ToolRun(name, tool_version(name), tuple(args), seconds, _clip(out), _clip(err))
