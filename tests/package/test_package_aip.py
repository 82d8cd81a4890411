"""build_version writes the logical layout; read_manifest_and_verify checks a stored version."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from package import (
    ArchivalInfo,
    BuildError,
    BuiltVersion,
    Digests,
    Signer,
    build_version,
    digest_file,
    parse_manifest,
    read_archival_metadata,
    read_manifest_and_verify,
)
from package.codes import (
    AIP_DIGEST_MISMATCH,
    AIP_FILE_EXTRA,
    AIP_FILE_MISSING,
    AIP_MANIFEST_MALFORMED,
    AIP_MANIFEST_MISSING,
    AIP_SIGNATURE_INVALID,
    AIP_SIGNATURE_MISSING,
    AIP_SIGNATURE_VALID,
    AIP_SIZE_MISMATCH,
    AIP_VERIFIED,
)
from standards.case import CaseRecord
from standards.finding import Finding, Status

LAYOUT = [
    "metadata/archival.xml",
    "metadata/ingest-report.json",
    "metadata/manifest.sig.json",
    "metadata/manifest.txt",
    "original/A/申请表.pdf",
    "original/A/身份证明.jpg",
    "original/B/受理通知书.pdf",
    "original/C/准予许可决定书.pdf",
    "original/case.xml",
]


def opener(root: Path) -> Callable[[str], BinaryIO]:
    def open_file(path: str) -> BinaryIO:
        return open(root / path, "rb")

    return open_file


def listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def test_layout_and_digests(built: BuiltVersion, source_files: dict[str, bytes]) -> None:
    assert listing(built.root) == LAYOUT
    assert sorted(built.files) == LAYOUT
    for path, digests in built.files.items():
        assert digest_file(built.root / path) == digests, path
    for rel, data in source_files.items():
        assert (built.root / "original" / rel).read_bytes() == data


def test_manifest_lists_everything_but_itself(built: BuiltVersion) -> None:
    manifest = parse_manifest((built.root / "metadata/manifest.txt").read_bytes())
    assert sorted(manifest) == [p for p in LAYOUT if "manifest" not in p]
    assert built.manifest_sha256 == built.files["metadata/manifest.txt"].sha256


def test_report_and_metadata(built: BuiltVersion, info: ArchivalInfo) -> None:
    report = json.loads((built.root / "metadata/ingest-report.json").read_text("utf-8"))
    assert report["summary"] == {"total": 2, "PASS": 1, "WARN": 1}
    assert report["findings"][1]["code"] == "ID_CHECK_DIGIT"
    meta = read_archival_metadata((built.root / "metadata/archival.xml").read_bytes())
    assert meta["archival_code"] == info.archival_code
    signature = json.loads((built.root / "metadata/manifest.sig.json").read_text("utf-8"))
    assert signature["algorithm"] == "SM2-with-SM3"
    assert signature["signed_at"] == info.ingested_at.isoformat()
    assert signature["key_id"] == built.key_id


def test_measured_digests_are_reused(
    tmp_path: Path,
    source: Path,
    case: CaseRecord,
    info: ArchivalInfo,
    sm2_signer: Signer,
    measured: dict[str, Digests],
) -> None:
    marker = Digests(sm3="a" * 64, sha256="b" * 64, size=measured["case.xml"].size)
    measured["case.xml"] = marker
    built = build_version(tmp_path / "v", source, case, info, sm2_signer, (), measured)
    assert built.files["original/case.xml"] is marker  # not re-hashed


def test_same_inputs_same_bytes(
    tmp_path: Path, source: Path, case: CaseRecord, info: ArchivalInfo, ecdsa_signer: Signer
) -> None:
    one = build_version(tmp_path / "1", source, case, info, ecdsa_signer, ())
    two = build_version(tmp_path / "2", source, case, info, ecdsa_signer, ())
    assert one.files["metadata/manifest.txt"] == two.files["metadata/manifest.txt"]
    assert one.files["metadata/archival.xml"] == two.files["metadata/archival.xml"]


def test_refuses_non_empty_dest(
    tmp_path: Path, source: Path, case: CaseRecord, info: ArchivalInfo, sm2_signer: Signer
) -> None:
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "x").write_text("x")
    with pytest.raises(BuildError):
        build_version(tmp_path / "dest", source, case, info, sm2_signer, ())


def test_missing_source_file(
    tmp_path: Path, source: Path, case: CaseRecord, info: ArchivalInfo, sm2_signer: Signer
) -> None:
    (source / "B/受理通知书.pdf").unlink()
    with pytest.raises(BuildError):
        build_version(tmp_path / "dest", source, case, info, sm2_signer, ())


def test_verify_good_version(built: BuiltVersion) -> None:
    findings = read_manifest_and_verify(opener(built.root), listing(built.root))
    assert codes(findings) == [AIP_SIGNATURE_VALID, "AIP_CERTIFICATE_UNCONFIRMED", AIP_VERIFIED]
    # a bare key: intact and valid, whom it names is for a person to confirm — never a failure
    assert [f.status for f in findings] == [Status.PASS, Status.MANUAL_REVIEW, Status.PASS]
    assert findings[0].detail["key_id"] == built.key_id
    assert findings[2].dat70 == "BC-1-1"


def test_flipped_byte_names_file_algorithms_and_digests(built: BuiltVersion) -> None:
    target = built.root / "original/A/申请表.pdf"
    data = bytearray(target.read_bytes())
    data[3] ^= 0x01
    target.write_bytes(bytes(data))
    found = digest_file(target)
    findings = read_manifest_and_verify(opener(built.root), listing(built.root))
    failures = [f for f in findings if f.failed]
    assert [(f.code, f.path, f.detail["algorithm"], f.expected, f.found) for f in failures] == [
        (
            AIP_DIGEST_MISMATCH,
            "original/A/申请表.pdf",
            "sm3",
            built.files["original/A/申请表.pdf"].sm3,
            found.sm3,
        ),
        (
            AIP_DIGEST_MISMATCH,
            "original/A/申请表.pdf",
            "sha256",
            built.files["original/A/申请表.pdf"].sha256,
            found.sha256,
        ),
    ]
    assert AIP_VERIFIED not in codes(findings)


def test_missing_extra_and_truncated(built: BuiltVersion) -> None:
    (built.root / "original/C/准予许可决定书.pdf").unlink()
    (built.root / "original/A/extra.pdf").write_bytes(b"x")
    (built.root / "original/case.xml").write_bytes(b"<")
    findings = read_manifest_and_verify(opener(built.root), listing(built.root))
    got = {(f.code, f.path) for f in findings if f.failed}
    assert got == {
        (AIP_FILE_MISSING, "original/C/准予许可决定书.pdf"),
        (AIP_FILE_EXTRA, "original/A/extra.pdf"),
        (AIP_SIZE_MISMATCH, "original/case.xml"),
        (AIP_DIGEST_MISMATCH, "original/case.xml"),
    }


def test_edited_manifest_breaks_signature(built: BuiltVersion) -> None:
    manifest = built.root / "metadata/manifest.txt"
    manifest.write_bytes(manifest.read_bytes().replace(b"original/case.xml", b"original/case.xmL"))
    findings = read_manifest_and_verify(opener(built.root))
    signature = [f for f in findings if f.code == AIP_SIGNATURE_INVALID]
    assert len(signature) == 1
    assert signature[0].detail["intact"] == "false"
    assert AIP_VERIFIED not in codes(findings)


def test_missing_or_malformed_manifest_and_signature(built: BuiltVersion) -> None:
    (built.root / "metadata/manifest.sig.json").unlink()
    assert AIP_SIGNATURE_MISSING in codes(read_manifest_and_verify(opener(built.root)))
    (built.root / "metadata/manifest.txt").write_bytes(b"garbage\n")
    assert AIP_MANIFEST_MALFORMED in codes(read_manifest_and_verify(opener(built.root)))
    (built.root / "metadata/manifest.txt").unlink()
    assert codes(read_manifest_and_verify(opener(built.root))) == [AIP_MANIFEST_MISSING]


def test_extra_files_not_checked_without_listing(built: BuiltVersion) -> None:
    findings = read_manifest_and_verify(opener(built.root))
    assert findings[-1].code == AIP_VERIFIED
    assert findings[-1].detail["extra_files"] == "not checked"


def test_report_extra_fields_and_resumed_findings(
    tmp_path: Path, source: Path, case: CaseRecord, info: ArchivalInfo, sm2_signer: Signer
) -> None:
    """An ingest resumed after a crash has only the findings it saved as dicts."""
    saved = {
        "source": "cases/x.zip",
        "package_sha256": "c" * 64,
        "findings": [{"code": "CASE_XML_SCHEMA", "status": "PASS", "message": "ok"}],
    }
    built = build_version(tmp_path / "v", source, case, info, sm2_signer, [], None, saved)
    report = json.loads((built.root / "metadata/ingest-report.json").read_text("utf-8"))
    assert report["source"] == "cases/x.zip" and report["package_sha256"] == "c" * 64
    assert report["findings"] == saved["findings"]
    assert report["summary"] == {"total": 1, "PASS": 1}
    assert report["archive_id"] == info.archive_id
