"""The benchmark scripts of bench/ still run end to end (tiny sizes, a temporary work folder) and
print the figures BENCHMARKS.md quotes: a script that rots fails here, not on the next big run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(script: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_ingest_bench_prints_the_ratio_to_bagit(tmp_path: Path) -> None:
    out = _bench("ingest.py", "--cases", "3", "--out", str(tmp_path), "--visibility")
    assert "'accepted': 3" in out
    assert "ratio ours/bagit (throughput):" in out
    assert "search visibility of a new archive" in out


def test_audit_bench_compares_with_the_coreutils_pair(tmp_path: Path) -> None:
    out = _bench("audit.py", "--cases", "3", "--out", str(tmp_path))
    assert "earchive audit --json:" in out
    assert "ratio ours/coreutils pair:" in out
    assert "of the two-core limit" in out
    # everything was audited just now: a --limit run has no never-audited objects to take
    home = tmp_path / "audit-home"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "audit.py"), "--home", str(home), "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode != 0
    assert "only 0 objects never audited" in proc.stderr


@pytest.mark.parametrize("engine", ["tantivy", "sqlite"])
def test_search_bench_prints_latency_percentiles(tmp_path: Path, engine: str) -> None:
    out = _bench("search.py", "--engine", engine, "--cases", "200", "--out", str(tmp_path))
    assert "p95 overall" in out and f"engine: {engine}" in out
    assert "facet counts equal their filtered queries' totals" in out


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("--sizes", "20", "--index-sizes", ""), "accepted 20;"),
        (("--curve", "25", "--reap"), "ingest exited 0"),
    ],
    ids=["series", "curve"],
)
def test_scaling_bench_runs(tmp_path: Path, args: tuple[str, ...], expect: str) -> None:
    out = _bench("scaling.py", *args, "--out", str(tmp_path))
    assert expect in out
    if "--reap" in args:  # the ingested clones were deleted, their trust folder kept
        (folder,) = (tmp_path / "cases").glob("clones-*")
        assert not list(folder.glob("*.zip"))
        assert (folder / "trust").is_dir()


def test_preservation_bench_prints_accuracy_and_times(tmp_path: Path) -> None:
    import shutil

    if not all(shutil.which(t) for t in ("soffice", "gs", "tesseract", "pdftoppm")):
        pytest.skip("LibreOffice, Ghostscript, poppler or Tesseract missing (scripts/setup.sh)")
    out = _bench(
        "normalisation.py", "--ocr-pages", "1", "--convert", "1", "--ingest-cases", "2",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert "character accuracy" in out and "OCR time per page" in out
    assert "convert DOCX → PDF/A-2b" in out and "1/1 valid" in out
    assert "normalisation and OCR on for every fonds" in out


def test_ui_bench_times_every_page(tmp_path: Path) -> None:
    out = _bench("ui.py", "--cases", "3", "--rounds", "1", "--out", str(tmp_path))
    assert "3 archives, median of 1 requests" in out
    assert "/statistics/annual.pdf" in out and "/audit/report.pdf" in out
