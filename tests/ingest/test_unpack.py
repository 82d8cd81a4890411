"""Safe unpacking: every refusal reason has its own code; nothing is written outside dest."""

from __future__ import annotations

import gzip
import io
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from case_package_builder import ERC, CasePackage, ofd_bytes, patch_entry, pdf_bytes, zip_bytes

from ingest.unpack import DestinationNotEmptyError, Limits, UnpackResult, package_name, unpack
from standards.finding import Status

CASE = CasePackage().xml()
PDF = pdf_bytes()


def _codes(result: UnpackResult) -> list[str]:
    return sorted(f.code for f in result.findings)


def _write(tmp_path: Path, data: bytes, name: str = f"{ERC}.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _with_case(*entries: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    return zip_bytes([("case.xml", CASE), *entries])


def _link(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _fifo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    return info


def _not_utf8(raw: bytes) -> bytes:
    placeholder = "A/" + "x" * (len(raw) - 2)
    return patch_entry(_with_case((placeholder, PDF)), placeholder, raw_name=raw)


def _tree_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


# fixture name = the finding it must produce; each builds ZIP bytes with one thing wrong
ZIP_FIXTURES: dict[str, Callable[[], bytes]] = {
    "ZIP_SLIP": lambda: _with_case(("A/../../evil.pdf", PDF)),
    "ZIP_ABSOLUTE_PATH": lambda: _with_case(("/tmp/evil.pdf", PDF)),
    "ZIP_ABSOLUTE_PATH-drive": lambda: _with_case(("C:/evil.pdf", PDF)),
    "ZIP_SLIP-backslash": lambda: _with_case(("A\\..\\..\\evil.pdf", PDF)),
    "PKG_PATH_UNSAFE-lookalike-slash": lambda: _with_case(("A\u2215x.pdf", PDF)),
    "PKG_PATH_UNSAFE-lookalike-dots": lambda: _with_case(("A/\uff0e\uff0e/x.pdf", PDF)),
    "PKG_PATH_UNSAFE-control": lambda: _with_case(("A/x\x07.pdf", PDF)),
    "PKG_PATH_UNSAFE-nul": lambda: patch_entry(
        _with_case(("A/x.pdf_.txt", PDF)), "A/x.pdf_.txt", raw_name=b"A/x.pdf\x00.txt"
    ),
    "ZIP_LINK": lambda: _with_case((_link("A/link.pdf", "/etc/passwd"), b"/etc/passwd")),
    "PKG_SPECIAL_FILE": lambda: _with_case((_fifo("A/pipe"), b"")),
    "ZIP_ENCRYPTED": lambda: patch_entry(_with_case(("A/x.pdf", PDF)), "A/x.pdf", flags=0x1),
    "ZIP_UNSUPPORTED_METHOD": lambda: patch_entry(
        _with_case(("A/x.pdf", PDF)), "A/x.pdf", method=9
    ),
    "ZIP_DUPLICATE_ENTRY": lambda: _with_case(("A/x.pdf", PDF), ("A/x.pdf", b"other")),
    "PKG_CASE_XML_MISSING": lambda: zip_bytes([("A/x.pdf", PDF)]),
}


@pytest.mark.parametrize("fixture", sorted(ZIP_FIXTURES))
def test_zip_refusals_before_extraction(fixture: str, tmp_path: Path) -> None:
    source = _write(tmp_path, ZIP_FIXTURES[fixture]())
    dest = tmp_path / "work" / "package"
    result = unpack(source, dest, Limits())
    code = fixture.split("-")[0]
    assert code in _codes(result)
    assert all(f.code == code for f in result.findings if f.failed), _codes(result)
    finding = next(f for f in result.findings if f.code == code)
    assert finding.status is Status.FAIL
    assert result.root is None
    assert not dest.exists() or not any(dest.iterdir())
    assert not (tmp_path / "evil.pdf").exists()
    assert _tree_files(tmp_path) == {source.name}


def test_all_problems_are_collected_before_deciding(tmp_path: Path) -> None:
    data = _with_case(
        ("A/../evil.pdf", PDF),
        ("/abs.pdf", PDF),
        (_link("A/l", "/etc"), b"/etc"),
        ("A/ok.pdf", PDF),
        ("notes.txt", b"x"),
        ("B/inner.zip", zip_bytes([("x", b"y")])),
    )
    data = patch_entry(data, "A/ok.pdf", flags=0x1)
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == [
        "PKG_UNKNOWN_TOP_LEVEL",
        "ZIP_ABSOLUTE_PATH",
        "ZIP_ENCRYPTED",
        "ZIP_LINK",
        "ZIP_NESTED_ARCHIVE",
        "ZIP_SLIP",
    ]
    assert result.root is None


def test_valid_zip_is_extracted(tmp_path: Path) -> None:
    pkg = CasePackage()
    result = unpack(pkg.write_zip(tmp_path), tmp_path / "out", Limits())
    assert result.findings == ()
    assert result.root == tmp_path / "out"
    assert _tree_files(result.root) == {"case.xml", *pkg.disk_files()}
    assert (result.root / "B" / "收件凭证.pdf").read_bytes() == pkg.file("B/收件凭证.pdf")[
        "content"
    ]


def test_utf8_name_without_flag_is_a_warning_and_kept(tmp_path: Path) -> None:
    data = _not_utf8("A/申请.pdf".encode())
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_NOT_UTF8"]
    assert result.findings[0].status is Status.WARN
    assert result.root is not None and (result.root / "A" / "申请.pdf").is_file()


def test_name_that_is_not_utf8_is_refused_and_skipped(tmp_path: Path) -> None:
    data = _not_utf8("A/申请.pdf".encode("gbk"))
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_NOT_UTF8"]
    assert result.findings[0].status is Status.FAIL
    assert result.root is not None and _tree_files(result.root) == {"case.xml"}


def test_unknown_top_level_and_nested_archive_do_not_stop_extraction(tmp_path: Path) -> None:
    gz = gzip.compress(b"hello")
    data = _with_case(
        ("__MACOSX/._x", b"x"), ("A/a.pdf", PDF), ("A/scan.pdf", gz), ("C/licence.ofd", ofd_bytes())
    )
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == ["PKG_UNKNOWN_TOP_LEVEL", "ZIP_NESTED_ARCHIVE"]
    nested = next(f for f in result.findings if f.code == "ZIP_NESTED_ARCHIVE")
    assert nested.path == "A/scan.pdf" and "GZIP" in nested.detail["kind"]
    assert result.root is not None
    assert not (result.root / "__MACOSX").exists()
    assert (result.root / "C" / "licence.ofd").is_file()  # OFD is a ZIP by design


def test_nested_archive_by_name(tmp_path: Path) -> None:
    result = unpack(
        _write(tmp_path, _with_case(("A/more.zip", b"not even a zip"))), tmp_path / "o", Limits()
    )
    assert _codes(result) == ["ZIP_NESTED_ARCHIVE"]


def test_too_many_entries(tmp_path: Path) -> None:
    data = _with_case(*[(f"A/{i}.pdf", PDF) for i in range(6)])
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits(max_entries=5))
    assert _codes(result) == ["ZIP_TOO_MANY_ENTRIES"]
    assert result.findings[0].found == "7" and result.root is None


def test_too_large_in_total_and_per_file(tmp_path: Path) -> None:
    data = _with_case(("A/a.pdf", os.urandom(9000)), ("A/b.pdf", os.urandom(9000)))
    source = _write(tmp_path, data)
    total = unpack(source, tmp_path / "o1", Limits(max_total_bytes=15000))
    assert _codes(total) == ["ZIP_TOO_LARGE"] and total.root is None
    single = unpack(source, tmp_path / "o2", Limits(max_file_bytes=8000))
    assert _codes(single) == ["ZIP_FILE_TOO_LARGE", "ZIP_FILE_TOO_LARGE"]


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    data = _with_case(("A/zeros.pdf", bytes(4 * 1024 * 1024)))
    limits = Limits(max_ratio=100, ratio_min_bytes=1024)
    result = unpack(_write(tmp_path, data), tmp_path / "out", limits)
    assert _codes(result) == ["ZIP_RATIO"]
    assert int(result.findings[0].detail["ratio"]) > 100
    assert result.root is None and not (tmp_path / "out").exists()


MIB = 1 << 20


def _small_bomb() -> bytes:
    zeros = bytes(MIB - 1)  # each entry under the per-entry ratio floor
    data = _with_case(*[(f"A/{i:03}.pdf", zeros) for i in range(600)])
    assert len(data) < 1_000_000
    return data


def test_many_small_entries_are_refused_on_the_declared_total_ratio(tmp_path: Path) -> None:
    result = unpack(_write(tmp_path, _small_bomb()), tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_RATIO_TOTAL"]
    assert int(result.findings[0].found) >= 600 * (MIB - 1) and result.root is None
    assert not (tmp_path / "out").exists()  # refused before anything was written


def _hide_compressed_sizes(data: bytes) -> bytes:
    """Declare every entry's compressed size as a tenth of its size in the central directory:
    the declared ratio looks harmless, the real bytes are a bomb."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos != -1:
        size = int.from_bytes(buf[pos + 24 : pos + 28], "little")
        if size >= MIB - 1:
            buf[pos + 20 : pos + 24] = (size // 10).to_bytes(4, "little")
        pos = buf.find(b"PK\x01\x02", pos + 4)
    return bytes(buf)


def test_a_bomb_with_lying_headers_stops_at_the_running_ratio(tmp_path: Path) -> None:
    source = _write(tmp_path, _hide_compressed_sizes(_small_bomb()))
    result = unpack(source, tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_RATIO_TOTAL"] and result.root is None
    finding = result.findings[0]
    written, read = int(finding.detail["written"]), int(finding.detail["read"])
    assert 0 < written <= 100 * read + MIB  # never more than the ratio allows of what was read
    assert read < source.stat().st_size and written < 20 * MIB
    assert not any((tmp_path / "out").iterdir())  # what was extracted is cleared


def test_header_that_understates_the_size_is_caught_while_extracting(tmp_path: Path) -> None:
    data = patch_entry(_with_case(("A/a.pdf", PDF)), "A/a.pdf", size=100)
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_CORRUPT"]
    assert result.root is None and not any((tmp_path / "out").iterdir())


def test_header_that_overstates_the_size_is_caught_while_extracting(tmp_path: Path) -> None:
    data = patch_entry(_with_case(("A/a.pdf", PDF)), "A/a.pdf", size=len(PDF) + 1000)
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_CORRUPT"] and result.root is None


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"PK\x03\x04 truncated", "ZIP_CORRUPT"), (b"%PDF-1.7 not a zip", "PKG_NOT_ZIP")],
)
def test_not_a_readable_zip(tmp_path: Path, data: bytes, code: str) -> None:
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == [code] and result.root is None


def test_missing_source(tmp_path: Path) -> None:
    result = unpack(tmp_path / "nope.zip", tmp_path / "out", Limits())
    assert _codes(result) == ["PKG_NOT_FOUND"]


def test_destination_must_be_empty(tmp_path: Path) -> None:
    source = CasePackage().write_zip(tmp_path)
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "old").write_text("x")
    with pytest.raises(DestinationNotEmptyError):
        unpack(source, dest, Limits())


def test_package_name() -> None:
    assert package_name(Path("x/ABC-1.zip")) == "ABC-1"
    assert package_name(Path("x/ABC-1.ZIP")) == "ABC-1"
    assert package_name(Path("x/ABC-1")) == "ABC-1"


# ---- directory sources ----


def test_valid_directory_is_copied_and_left_untouched(tmp_path: Path) -> None:
    pkg = CasePackage()
    source = pkg.write_dir(tmp_path / "in")
    before = {p: p.stat().st_mtime_ns for p in source.rglob("*")}
    result = unpack(source, tmp_path / "out", Limits())
    assert result.findings == () and result.root == tmp_path / "out"
    assert _tree_files(result.root) == {"case.xml", *pkg.disk_files()}
    assert {p: p.stat().st_mtime_ns for p in source.rglob("*")} == before


def test_directory_with_links_and_special_files(tmp_path: Path) -> None:
    source = CasePackage().write_dir(tmp_path / "in")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "s.pdf").write_bytes(PDF)
    (source / "A" / "link.pdf").symlink_to(outside / "s.pdf")
    (source / "B" / "dirlink").symlink_to(outside)
    os.mkfifo(source / "B" / "pipe")
    (source / "extra.txt").write_text("x")
    result = unpack(source, tmp_path / "out", Limits())
    assert _codes(result) == ["PKG_LINK", "PKG_LINK", "PKG_SPECIAL_FILE", "PKG_UNKNOWN_TOP_LEVEL"]
    assert result.root is None
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_directory_limits_and_nested_archives(tmp_path: Path) -> None:
    source = CasePackage().write_dir(tmp_path / "in")
    (source / "A" / "old.7z").write_bytes(b"7z\xbc\xaf\x27\x1c")
    (source / "A" / "hidden.pdf").write_bytes(gzip.compress(b"x"))
    result = unpack(source, tmp_path / "out", Limits())
    nested = sorted(f.path for f in result.findings if f.code == "ZIP_NESTED_ARCHIVE")
    assert nested == ["A/hidden.pdf", "A/old.7z"]
    assert result.root is not None
    small = unpack(source, tmp_path / "out2", Limits(max_entries=3))
    assert "ZIP_TOO_MANY_ENTRIES" in _codes(small) and small.root is None


def test_directory_entry_names_go_through_path_safety(tmp_path: Path) -> None:
    source = CasePackage().write_dir(tmp_path / "in")
    (source / "A" / "x\u2215y.pdf").write_bytes(PDF)
    result = unpack(source, tmp_path / "out", Limits())
    assert _codes(result) == ["PKG_PATH_UNSAFE"]
    assert result.findings[0].detail["reason"] == "look-alike of a path character"


def test_zip_bytes_helper_round_trip() -> None:
    # guards the fixtures: a patched flag must really be in the central directory
    data = patch_entry(_with_case(("A/x.pdf", PDF)), "A/x.pdf", flags=0x1)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("A/x.pdf")
    assert info.flag_bits & 0x1


def test_office_documents_are_documents_and_other_inner_zips_still_refused(tmp_path: Path) -> None:
    from samples.office import docx_bytes, xlsx_bytes

    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("inner.txt", "not a document")
    data = _with_case(
        ("A/申请书.docx", docx_bytes(["申请书"])),
        ("A/清单.xlsx", xlsx_bytes([["项目", "金额"]])),
        ("A/伪装.docx", plain.getvalue()),
    )
    result = unpack(_write(tmp_path, data), tmp_path / "out", Limits())
    assert _codes(result) == ["ZIP_NESTED_ARCHIVE"]
    nested = next(f for f in result.findings if f.code == "ZIP_NESTED_ARCHIVE")
    assert nested.path == "A/伪装.docx" and "ZIP" in nested.detail["kind"]
    assert (result.root / "A" / "申请书.docx").is_file()
    assert (result.root / "A" / "清单.xlsx").is_file()


def test_extraction_refuses_a_name_that_leaves_the_folder_even_past_the_plan(
    tmp_path: Path,
) -> None:
    """Defence in depth: the plan refuses ``..`` names first; extraction checks again."""
    from ingest.unpack import _Abort, _target

    dest = tmp_path / "dest"
    dest.mkdir()
    resolved = str(dest.resolve())
    assert _target(dest, resolved, "A/A1-申请表.pdf") == dest / "A" / "A1-申请表.pdf"
    for name in ("../x.pdf", "A/../../x.pdf", "A/../../dest-other/x.pdf", ".."):
        with pytest.raises(_Abort) as refused:
            _target(dest, resolved, name)
        assert refused.value.finding.code == "ZIP_SLIP"
