"""A 30 MB document goes through build, verify and extract as a stream: it comes out byte for byte,
and no step holds it (or its Base64) whole — Python's allocations stay far below its size."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from package.digest import digest_file
from transfer.eep import EepDocument, EepSource, build_eep, extract_documents, read_eep, verify_eep

from .eep_kit import source, unit

SIZE = 30 << 20
LIMIT = 16 << 20  # peak traced allocations of any one step (about 10 MiB measured)
T = TypeVar("T")


def _peak(step: Callable[[], T]) -> tuple[T, int]:
    tracemalloc.start()
    try:
        result = step()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_30_mb_document_round_trips_as_a_stream(tmp_path: Path) -> None:
    big = tmp_path / "scan.tif"
    with open(big, "wb") as out:
        for _ in range(SIZE >> 20):
            out.write(os.urandom(1 << 20))
    who = unit(tmp_path / "key")
    case = source()
    document = EepDocument("original/A/scan.tif", lambda: open(big, "rb"))  # noqa: SIM115
    src = EepSource(case.metadata, (*case.documents, document))
    dest = tmp_path / "big.eep.xml"

    built, build_peak = _peak(lambda: build_eep(src, who.signer, dest, who.options()))
    assert built.digests.size > SIZE * 4 // 3
    findings, verify_peak = _peak(lambda: verify_eep(dest, trust_roots=[who.root]))
    assert [f.code for f in findings if f.failed] == []
    assert "EEP_CONTENT_VERIFIED" in {f.code for f in findings}
    contents, read_peak = _peak(lambda: read_eep(dest))
    written, extract_peak = _peak(
        lambda: extract_documents(contents, tmp_path / "out", "original/")
    )
    assert written["A/scan.tif"] == digest_file(big)
    assert digest_file(tmp_path / "out" / "A" / "scan.tif") == digest_file(big)
    peaks = {"build": build_peak, "verify": verify_peak, "read": read_peak, "extract": extract_peak}
    assert max(peaks.values()) < LIMIT, peaks
