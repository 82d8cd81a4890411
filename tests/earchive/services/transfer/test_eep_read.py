"""Reading an EEP back: the submitted case package comes out byte for byte from both the
embedded and the directory form; a changed or missing external file, an unsafe 文档标识符 or an
EEP without the originals is an ``EepError``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from earchive.core.archive import Archive
from earchive.services.transfer.sender import eep_source
from transfer import EepError, extract_documents, read_eep
from transfer.eep import EEP_NAMESPACE, BuiltEep, EepOptions, build_eep

from .conftest import archive_ids

NS = "{" + EEP_NAMESPACE + "}"


def _build(sender: Archive, dest: Path) -> BuiltEep:
    source = eep_source(sender, archive_ids(sender)[0])
    options = EepOptions("测试单位", datetime(2026, 1, 2, tzinfo=UTC), "earchive", 4_000)
    return build_eep(source, sender.signer, dest / "x.eep.xml", options)


def _an_original(built: BuiltEep) -> Path:
    """An external file holding one of the case's A/B/C files (``NNNN-A2-….jpg``)."""
    names = [x.path for x in built.external if x.path.rsplit("/", 1)[1][5:6] in ("A", "B", "C")]
    assert names
    return built.path.parent / names[0]


def test_the_case_package_comes_back_byte_for_byte(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    assert built.external  # both forms are in this EEP
    contents = read_eep(built.path)
    record = sender.catalog.get(archive_ids(sender)[0])
    assert record is not None
    assert contents.electronic_record_code == record.electronic_record_code
    assert contents.archival_code == record.archival_code
    assert contents.unit == "测试单位"
    written = extract_documents(contents, tmp_path / "case", "original/")
    originals = [p for p in sender.version_paths(record.id) if p.startswith("original/")]
    assert sorted(written) == sorted(p.removeprefix("original/") for p in originals)
    assert "case.xml" in written
    for path in originals:
        with sender.open_file(record.id, path) as fp:
            assert (tmp_path / "case" / path.removeprefix("original/")).read_bytes() == fp.read()


def test_a_changed_external_file_is_refused(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    target = _an_original(built)
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(EepError, match="digest differs"):
        extract_documents(read_eep(built.path), tmp_path / "case", "original/")


def test_a_missing_external_file_is_refused(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    _an_original(built).unlink()
    with pytest.raises(EepError, match="external file missing"):
        extract_documents(read_eep(built.path), tmp_path / "case", "original/")


def test_unsafe_identifiers_and_missing_originals_are_refused(
    sender: Archive, tmp_path: Path
) -> None:
    built = _build(sender, tmp_path)
    with pytest.raises(EepError, match="no document under"):
        extract_documents(read_eep(built.path), tmp_path / "a", "nowhere/")
    tree = etree.parse(str(built.path))
    node = tree.find(f".//{NS}文档标识符")
    assert node is not None
    node.text = "original/../../escape.pdf"
    tree.write(str(built.path), xml_declaration=True, encoding="UTF-8")
    with pytest.raises(EepError, match="unsafe"):
        extract_documents(read_eep(built.path), tmp_path / "b", "original/")
    assert not (tmp_path / "escape.pdf").exists()
