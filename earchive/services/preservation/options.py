"""Which preservation work a fonds gets after ingest (``EARCHIVE_NORMALISE_FONDS``,
``EARCHIVE_OCR_FONDS``: comma-separated fonds identifiers or ``*``; empty = none), and the
limits of one tool run."""

from __future__ import annotations

from dataclasses import dataclass

from earchive.settings import Settings
from preservation.conversion import ConversionLimits

__all__ = ["PreserveOptions", "fonds_options", "limits"]


@dataclass(frozen=True)
class PreserveOptions:
    """``copies``: make preservation copies; ``ocr``: read scans; ``only_format``: limit the
    copies to originals of one format (a migration)."""

    copies: bool = True
    ocr: bool = True
    only_format: str | None = None

    @property
    def any(self) -> bool:
        return self.copies or self.ocr


def fonds_options(settings: Settings, fonds: str) -> PreserveOptions:
    """What the settings switch on for archives of ``fonds``."""
    kinds = settings.preservation_jobs(fonds)
    return PreserveOptions(copies="normalise" in kinds, ocr="ocr" in kinds)


def limits(settings: Settings) -> ConversionLimits:
    return ConversionLimits(
        seconds=settings.conversion_timeout, memory_bytes=settings.conversion_memory_mb << 20
    )
