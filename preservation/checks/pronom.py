"""PRONOM format identifiers through ``opf-fido`` (offline, its bundled signature file).

Optional: when fido is not installed ``identifier()`` returns None and ``puid`` is never asked.
Reads: the file's bytes. Writes: nothing. Raises: nothing (an error gives an empty result).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Pronom", "PronomId", "identifier"]


@dataclass(frozen=True)
class PronomId:
    puid: str  # fmt/17, or "" when nothing matched
    name: str


class Pronom:
    """A loaded fido instance (loading the signature file takes ~1 s; do it once)."""

    def __init__(self, fido_module: Any) -> None:
        versions = fido_module.versions.get_local_versions(fido_module.fido.CONFIG_DIR)
        files = [versions.pronom_signature, versions.fido_extension_signature]
        self._last: list[PronomId] = []
        self._fido = fido_module.fido.Fido(
            quiet=True, nocontainer=True, handle_matches=self._handle, format_files=files
        )
        self.version = f"fido {fido_module.__version__} ({versions.pronom_signature})"

    def _handle(
        self, fullname: str, matches: list[Any], delta_t: float, matchtype: str = ""
    ) -> None:
        self._last = [
            PronomId(self._fido.get_puid(fmt), (fmt.find("name").text or "")) for fmt, _ in matches
        ]

    def identify(self, path: Path) -> PronomId:
        self._last = []
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                self._fido.identify_file(str(path))
            except (OSError, ValueError, IndexError) as exc:
                return PronomId("", f"fido failed: {exc}")
        return self._last[0] if self._last else PronomId("", "no PRONOM match")


@cache
def identifier() -> Pronom | None:
    """The shared fido identifier, or None when ``opf-fido`` is not installed or fails to load."""
    try:
        import fido
        import fido.fido
        import fido.versions
    except ImportError:
        return None
    try:
        return Pronom(fido)
    except (OSError, ValueError, AttributeError):
        return None
