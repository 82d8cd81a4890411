"""Measuring files: real size, both digests, format by content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from case_package_builder import CasePackage, pdf_bytes, sha256, sm3

from ingest.measure import MeasureError, list_files, measure, measure_all


def test_measure_reads_the_bytes_not_the_name(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    data = pdf_bytes("2B")
    (tmp_path / "A" / "photo.jpg").write_bytes(data)
    found = measure(tmp_path, "A/photo.jpg")
    assert (found.size, found.sm3, found.sha256) == (len(data), sm3(data), sha256(data))
    assert found.format.name == "PDF/A-2b"


@pytest.mark.parametrize("relpath", ["../x", "/etc/passwd", "A\\x", "A/\u2215x"])
def test_unsafe_paths_raise(tmp_path: Path, relpath: str) -> None:
    with pytest.raises(MeasureError):
        measure(tmp_path, relpath)


def test_links_and_missing_files_raise(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "outside.pdf").write_bytes(pdf_bytes())
    os.symlink(tmp_path / "outside.pdf", tmp_path / "A" / "l.pdf")
    with pytest.raises(MeasureError):
        measure(tmp_path, "A/l.pdf")
    with pytest.raises(MeasureError):
        measure(tmp_path, "A/none.pdf")


def test_measure_all_covers_only_the_three_folders(tmp_path: Path) -> None:
    root = CasePackage().write_dir(tmp_path)
    (root / "A" / "sub").mkdir()
    (root / "A" / "sub" / "x.pdf").write_bytes(pdf_bytes())
    (root / "D").mkdir()
    (root / "D" / "y.pdf").write_bytes(pdf_bytes())
    os.symlink(root / "D" / "y.pdf", root / "B" / "link.pdf")
    listed = list_files(root)
    assert "A/sub/x.pdf" in listed and "case.xml" not in listed
    assert not any(p.startswith("D/") or p.endswith("link.pdf") for p in listed)
    assert set(measure_all(root)) == set(listed)
    assert measure(root, "case.xml").format.name == "XML"


def test_list_files_order_and_what_it_skips(tmp_path: Path) -> None:
    """A folder's files by name, then its sub-folders by name; links (to files or folders),
    FIFOs and anything outside A/ B/ C/ are never listed."""
    for rel in ("A/b.pdf", "A/a.pdf", "A/z/y.pdf", "A/z/a/q.txt", "A/m.txt", "B/x/1", "C/2"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    os.symlink(tmp_path / "A" / "z", tmp_path / "A" / "folder-link")
    os.symlink(tmp_path / "A" / "a.pdf", tmp_path / "C" / "file-link")
    os.mkfifo(tmp_path / "B" / "fifo")
    assert list_files(tmp_path) == (
        "A/a.pdf",
        "A/b.pdf",
        "A/m.txt",
        "A/z/y.pdf",
        "A/z/a/q.txt",
        "B/x/1",
        "C/2",
    )


def test_measure_all_is_the_same_with_threads_or_without(tmp_path: Path) -> None:
    root = CasePackage().write_dir(tmp_path)
    alone = measure_all(root, threads=1)
    assert alone == measure_all(root, threads=4) and len(alone) > 2
