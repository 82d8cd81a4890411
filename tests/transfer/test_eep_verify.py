"""``verify_eep`` names what is wrong: a changed byte of a document (by its path), a changed
certificate, an untrusted root, a certificate not valid at 签名时间, signed bytes that are not
canonical, IDs used twice, a malformed file — and stays MANUAL_REVIEW, never PASS, when no trust
anchor is given."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from package.signature import Signer
from samples.sm2_authority import new_root
from standards.finding import Finding, Status
from transfer.eep import BuiltEep, verify_eep

from .eep_kit import CA_VALID, Unit, eep, unit

PDF = "original/C/准予许可决定书.pdf"


@pytest.fixture(scope="module")
def who(tmp_path_factory: pytest.TempPathFactory) -> Unit:
    return unit(tmp_path_factory.mktemp("key"))


@pytest.fixture
def built(who: Unit, tmp_path: Path) -> BuiltEep:
    return eep(tmp_path, who)


def _failed(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.path or f.detail.get("which", "")) for f in findings if f.failed]


def _codes(findings: list[Finding], status: Status) -> list[str]:
    return [f.code for f in findings if f.status is status]


def _flip_base64(path: Path, after: str, line: int = 0) -> None:
    """Change one Base64 character of the text that follows ``after`` (its ``line``-th line)."""
    data = path.read_text(encoding="utf-8")
    start = data.index(after) + len(after)
    start = data.index("\n", start) + 1
    for _ in range(line):
        start = data.index("\n", start) + 1
    at = start + 10
    replacement = "B" if data[at] != "B" else "C"
    path.write_text(data[:at] + replacement + data[at + 1 :], encoding="utf-8")


def test_a_sound_package_verifies_and_trust_needs_an_anchor(who: Unit, built: BuiltEep) -> None:
    trusted = verify_eep(built.path, trust_roots=[who.root])
    assert _failed(trusted) == []
    assert _codes(trusted, Status.PASS) == [
        "EEP_SIGNATURE_VALID",
        "EEP_CERTIFICATE_TRUSTED",
        "EEP_SIGNATURE_VALID",
        "EEP_CERTIFICATE_TRUSTED",
        "EEP_CONTENT_VERIFIED",
    ]
    assert _codes(trusted, Status.MANUAL_REVIEW) == []
    by_key = verify_eep(built.path, who.signer.public_key_pem)
    assert _failed(by_key) == [] and _codes(by_key, Status.PASS).count("EEP_SIGNER_TRUSTED") == 2
    alone = verify_eep(built.path)
    assert _failed(alone) == []
    assert _codes(alone, Status.MANUAL_REVIEW) == ["EEP_SIGNER_TRUST_UNKNOWN"] * 2
    assert verify_eep(built.path.read_bytes(), trust_roots=[who.root]) == trusted


def test_a_changed_byte_of_a_document_is_named(who: Unit, built: BuiltEep) -> None:
    _flip_base64(built.path, 'DOC0002-B64">', line=2)
    failed = _failed(verify_eep(built.path, trust_roots=[who.root]))
    assert ("EEP_CONTENT_DIGEST_MISMATCH", PDF) in failed
    assert ("EEP_SIGNATURE_INVALID", "电子签名") in failed
    assert {code for code, _ in failed} == {"EEP_CONTENT_DIGEST_MISMATCH", "EEP_SIGNATURE_INVALID"}


def test_a_changed_certificate_fails(who: Unit, tmp_path: Path) -> None:
    # the 电子签名's certificate is covered by the 锁定签名
    signed = eep(tmp_path, who, name="signed")
    _flip_base64(signed.path, "<证书>", line=2)
    failed = _failed(verify_eep(signed.path, trust_roots=[who.root]))
    assert ("EEP_SIGNATURE_INVALID", "锁定签名") in failed
    # the 锁定签名's own certificate is covered by nothing: it must still be a certificate
    locked = eep(tmp_path, who, name="locked")
    data = locked.path.read_text(encoding="utf-8")
    at = data.index("<证书>", data.index("<锁定签名>")) + len("<证书>")
    locked.path.write_text(data[:at] + "\nAAAA" + data[at:], encoding="utf-8")
    failed = _failed(verify_eep(locked.path, trust_roots=[who.root]))
    assert failed == [("EEP_CERTIFICATE_INVALID", "锁定签名")]


def test_an_untrusted_root_fails(built: BuiltEep) -> None:
    other, _key = new_root("earchive 另一个CA", CA_VALID)
    findings = verify_eep(built.path, trust_roots=[other])
    untrusted = [
        ("EEP_CERTIFICATE_UNTRUSTED", "电子签名"),
        ("EEP_CERTIFICATE_UNTRUSTED", "锁定签名"),
    ]
    assert _failed(findings) == untrusted
    assert "EEP_SIGNATURE_VALID" in _codes(findings, Status.PASS)  # intact, valid, not trusted


def test_a_certificate_not_valid_at_signing_time_fails(tmp_path: Path) -> None:
    until = datetime(2025, 1, 1, tzinfo=UTC)
    expired = unit(tmp_path / "k1", valid=(datetime(2020, 1, 1, tzinfo=UTC), until))
    built = eep(tmp_path, expired, name="expired")
    findings = verify_eep(built.path, trust_roots=[expired.root])
    assert _failed(findings) == [
        ("EEP_CERTIFICATE_NOT_VALID_AT", "电子签名"),
        ("EEP_CERTIFICATE_NOT_VALID_AT", "锁定签名"),
    ]
    assert findings[1].detail["when"] == "2026-01-02T03:04:05+08:00"
    assert _codes(findings, Status.PASS).count("EEP_CERTIFICATE_TRUSTED") == 2
    at = datetime(2024, 6, 1, tzinfo=UTC)  # a time the verifier is told to judge at
    assert _failed(verify_eep(built.path, trust_roots=[expired.root], at=at)) == []
    early = unit(tmp_path / "k2", valid=(datetime(2027, 1, 1, tzinfo=UTC), CA_VALID[1]))
    findings = verify_eep(eep(tmp_path, early, name="early").path, trust_roots=[early.root])
    assert {code for code, _ in _failed(findings)} == {"EEP_CERTIFICATE_NOT_VALID_AT"}


def test_another_trusted_key_fails(built: BuiltEep, tmp_path: Path) -> None:
    other = unit(tmp_path / "other")
    failed = _failed(verify_eep(built.path, other.signer.public_key_pem))
    assert failed == [("EEP_SIGNER_UNTRUSTED", "")] * 2


def _resign(data: str, signer: Signer, name: str, signature_start: str) -> str:
    """Replace the 签名结果 after ``signature_start`` by a signature over ``name``'s raw bytes."""
    start = data.index(f"<{name} ")
    end = data.index(f"</{name}>", start) + len(f"</{name}>")
    value = base64.encodebytes(signer.sign(data[start:end].encode("utf-8"))).decode("ascii")
    at = data.index("<签名结果>", data.index(signature_start)) + len("<签名结果>")
    close = data.index("</签名结果>", at)
    return data[:at] + "\n" + value + data[close:]


def test_validly_signed_bytes_that_are_not_canonical_fail(who: Unit, built: BuiltEep) -> None:
    data = built.path.read_text(encoding="utf-8")
    data = data.replace("<封装包类型>原始型", "<!-- 注释 --><封装包类型>原始型", 1)
    data = _resign(data, who.signer, "被签名对象", "<电子签名 ")
    data = _resign(data, who.signer, "电子签名", "<锁定签名>")
    built.path.write_text(data, encoding="utf-8")
    findings = verify_eep(built.path, trust_roots=[who.root])
    assert _failed(findings) == [("EEP_SIGNED_FORM", "电子签名")]
    assert _codes(findings, Status.PASS).count("EEP_SIGNATURE_VALID") == 2


def test_ids_used_twice_and_a_lock_naming_nothing(who: Unit, built: BuiltEep) -> None:
    data = built.path.read_text(encoding="utf-8")
    twice = data.replace("<文档标识符>DOC0002<", "<文档标识符>DOC0001<", 1)
    built.path.write_text(twice, encoding="utf-8")
    failed = _failed(verify_eep(built.path, trust_roots=[who.root]))
    assert ("EEP_ID_INVALID", "") in failed
    assert ("EEP_MANIFEST_MISMATCH", "original/C/准予许可决定书.pdf") in failed
    nothing = data.replace("<被锁定签名标识符>修改0-签名1<", "<被锁定签名标识符>修改9-签名9<")
    built.path.write_text(nothing, encoding="utf-8")
    failed = _failed(verify_eep(built.path, trust_roots=[who.root]))
    assert ("EEP_ID_INVALID", "") in failed and ("EEP_SIGNATURE_INVALID", "锁定签名") in failed


@pytest.mark.parametrize(
    "data",
    [
        b"<not xml",
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b'<p:x xmlns:q="u"/>',
    ],
    ids=["garbage", "doctype", "unbound-prefix"],
)
def test_malformed_packages(data: bytes) -> None:
    assert [f.code for f in verify_eep(data)] == ["EEP_MALFORMED"]


def test_a_package_without_a_manifest_or_with_bad_base64(who: Unit, built: BuiltEep) -> None:
    data = built.path.read_text(encoding="utf-8")
    at = data.index("\n", data.index('DOC0001-B64">')) + 1
    built.path.write_text(data[:at] + "!" + data[at:], encoding="utf-8")
    failed = _failed(verify_eep(built.path, trust_roots=[who.root]))
    assert ("EEP_CONTENT_UNDECODABLE", "original/case.xml") in failed
    no_list = re.sub(r"<文档标识符>MANIFEST<", "<文档标识符>OTHER<", data)
    built.path.write_text(no_list, encoding="utf-8")
    failed = _failed(verify_eep(built.path, trust_roots=[who.root]))
    assert ("EEP_MANIFEST_MISMATCH", "MANIFEST") in failed
