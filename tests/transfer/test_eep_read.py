"""Reading an EEP back: the case's files come out byte for byte; a changed document, an unsafe path
or a prefix with no document is an ``EepError``; earchive's previous form (external files, a bare
public key) is refused unless asked for, then read and verified as before — its certificate-less
signature MANUAL_REVIEW, never FAIL."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from package.digest import digest_bytes, digest_file
from standards.finding import Status
from transfer import EepError
from transfer.eep import extract_documents, read_eep, verify_eep

from .eep_kit import Unit, case_files, eep, unit

FIXTURE = Path(__file__).parent / "fixtures" / "legacy-eep"


@pytest.fixture(scope="module")
def who(tmp_path_factory: pytest.TempPathFactory) -> Unit:
    return unit(tmp_path_factory.mktemp("key"))


def test_the_case_files_come_back_byte_for_byte(who: Unit, tmp_path: Path) -> None:
    built = eep(tmp_path, who)
    contents = read_eep(built.path)
    assert contents.electronic_record_code == "310000-Z109-0100190012-2024-D30-000007"
    assert contents.archival_code == "Z109-WS·2024-D30-BGS-0007"
    assert contents.unit == "某市市场监督管理局"
    assert not contents.legacy
    files = case_files()
    assert [e.path for e in contents.entries] == list(files)
    assert [e.identifier for e in contents.entries] == ["DOC0001", "DOC0002", "DOC0003"]
    written = extract_documents(contents, tmp_path / "case", "original/")
    originals = {p.removeprefix("original/"): d for p, d in files.items() if "original/" in p}
    assert written == {p: digest_bytes(d) for p, d in originals.items()}
    for relative, data in originals.items():
        assert (tmp_path / "case" / relative).read_bytes() == data


def _rewrite_manifest_path(path: Path, old: str, new: str) -> None:
    """Re-encode the 文档清单 with one path changed (the signature no longer holds)."""
    data = path.read_text(encoding="utf-8")
    start = data.index("\n", data.index('MANIFEST-B64">')) + 1
    end = data.index("</编码数据>", start)
    listing = base64.b64decode("".join(data[start:end].split())).decode("utf-8")
    encoded = base64.encodebytes(listing.replace(old, new).encode("utf-8")).decode("ascii")
    path.write_text(data[:start] + encoded + data[end:], encoding="utf-8")


def test_refusals_while_extracting(who: Unit, tmp_path: Path) -> None:
    built = eep(tmp_path, who)
    with pytest.raises(EepError, match="no document under"):
        extract_documents(read_eep(built.path), tmp_path / "a", "nowhere/")
    _rewrite_manifest_path(built.path, "original/case.xml", "original/../../escape.xml")
    with pytest.raises(EepError, match="unsafe path"):
        read_eep(built.path)
    assert not (tmp_path / "escape.xml").exists()
    changed = eep(tmp_path, who, name="changed")
    contents = read_eep(changed.path)
    data = changed.path.read_text(encoding="utf-8")
    at = data.index("\n", data.index('DOC0002-B64">')) + 11
    changed.path.write_text(data[:at] + ("B" if data[at] != "B" else "C") + data[at + 1 :])
    with pytest.raises(EepError, match="digest differs"):
        extract_documents(contents, tmp_path / "b", "original/")


def test_the_previous_form_is_refused_unless_asked_for(tmp_path: Path) -> None:
    eep_path = FIXTURE / "legacy.eep.xml"
    with pytest.raises(EepError, match="legacy=True"):
        read_eep(eep_path)
    [refused] = verify_eep(eep_path)
    assert refused.code == "EEP_LEGACY_REFUSED" and refused.status is Status.FAIL
    assert "外部文件引用" in refused.detail["reason"]
    contents = read_eep(eep_path, legacy=True)
    assert contents.legacy and contents.archival_code == "Z109-WS·2024-D30-BGS-0007"
    written = extract_documents(contents, tmp_path / "case", "original/")
    assert sorted(written) == ["A/application.pdf", "C/decision.pdf", "case.xml"]
    external = FIXTURE / "legacy.files" / "0002-application.pdf"
    assert digest_file(tmp_path / "case" / "A" / "application.pdf") == digest_file(external)


def test_a_previous_form_signature_without_certificate_is_review_not_failure(
    tmp_path: Path,
) -> None:
    eep_path = FIXTURE / "legacy.eep.xml"
    findings = verify_eep(eep_path, legacy=True)
    assert [f.code for f in findings if f.failed] == []
    assert [f.code for f in findings if f.status is Status.WARN] == ["EEP_LEGACY_READ"]
    review = [f.code for f in findings if f.status is Status.MANUAL_REVIEW]
    assert review.count("EEP_CERTIFICATE_ABSENT") == 2
    assert [f.code for f in findings if f.status is Status.PASS] == [
        "EEP_SIGNATURE_VALID",
        "EEP_SIGNATURE_VALID",
        "EEP_CONTENT_VERIFIED",
    ]
    key = (FIXTURE / "signer.pub.pem").read_text(encoding="ascii")
    keyed = verify_eep(eep_path, key, legacy=True)
    assert [f.code for f in keyed if f.code == "EEP_SIGNER_TRUSTED"] == ["EEP_SIGNER_TRUSTED"] * 2
    copy = tmp_path / "legacy-eep"
    shutil.copytree(FIXTURE, copy)
    external = copy / "legacy.files" / "0002-application.pdf"
    data = bytearray(external.read_bytes())
    data[100] ^= 0xFF
    external.write_bytes(bytes(data))
    failed = [
        (f.code, f.path) for f in verify_eep(copy / "legacy.eep.xml", legacy=True) if f.failed
    ]
    assert failed == [("EEP_CONTENT_DIGEST_MISMATCH", "original/A/application.pdf")] * 2


def test_a_previous_form_external_file_changed_or_missing_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "legacy-eep"
    shutil.copytree(FIXTURE, copy)
    external = copy / "legacy.files" / "0002-application.pdf"
    data = bytearray(external.read_bytes())
    data[100] ^= 0xFF
    external.write_bytes(bytes(data))
    contents = read_eep(copy / "legacy.eep.xml", legacy=True)
    with pytest.raises(EepError, match="digest differs"):
        extract_documents(contents, tmp_path / "a", "original/")
    external.unlink()
    with pytest.raises(EepError, match="external file missing"):
        extract_documents(contents, tmp_path / "b", "original/")
    failed = [f.code for f in verify_eep(copy / "legacy.eep.xml", legacy=True) if f.failed]
    assert failed == ["EEP_EXTERNAL_MISSING"]
