"""OFD seal verification on real bytes: a good licence, then one byte or one fact changed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ofd_seal_kit import SIGNED_AT, VERIFY_AT, Builder, Kit

from package.errors import CertificateError
from preservation.formats import identify
from preservation.seals import NO_PLATFORM, SealError, check_ofd, ses, verify_ofd
from preservation.seals import codes as c
from samples.ses_maker import sign_with_seal
from samples.sm2_authority import new_root
from standards.finding import Finding, Status

SIGNATURE_XML = "Doc_0/Signs/Sign_0/Signature.xml"
SIGNED_VALUE = "Doc_0/Signs/Sign_0/SignedValue.dat"
CONTENT = "Doc_0/Pages/Page_0/Content.xml"


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _replace(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    parts = _parts(data)
    parts[name] = change(parts[name])
    return _rezip(parts)


def _by_code(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


def _statuses(findings: list[Finding], code: str) -> set[Status]:
    return {f.status for f in findings if f.code == code}


def test_generated_licence_verifies(build_ofd: Builder, kit: Kit, tmp_path: Path) -> None:
    data = build_ofd()
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    assert result.intact and result.valid and result.trusted
    findings = result.all_findings()
    review = [f for f in findings if f.status is not Status.PASS]
    assert [(f.code, f.status) for f in review] == [
        (c.OFD_SEAL_REVOCATION_UNCHECKED, Status.MANUAL_REVIEW)
    ]
    assert review[0].detail["reason"] == NO_PLATFORM
    codes = {f.code for f in findings}
    assert {
        c.OFD_REFERENCE_DIGEST_MISMATCH,
        c.OFD_SEAL_DATAHASH_MISMATCH,
        c.OFD_SEAL_SIGNATURE_INVALID,
        c.OFD_SEAL_MAKER_SIGNATURE_INVALID,
        c.OFD_SEAL_EXPIRED,
        c.OFD_SEAL_NOT_YET_VALID,
        c.OFD_SEAL_SIGNER_NOT_LISTED,
        c.OFD_SEAL_CHAIN_UNTRUSTED,
        c.OFD_UNPROTECTED_PART,
    } <= codes
    verdict = result.signatures[0]
    assert verdict.version == ses.V4 and verdict.signing_time == SIGNED_AT
    assert "电子签章" in verdict.signer
    # the same bytes as a file: format identification and an independent OFD reader agree
    path = tmp_path / "licence.ofd"
    path.write_bytes(data)
    assert identify(path).name == "OFD"
    assert verify_ofd(path, [kit.root_der], VERIFY_AT) == findings
    ofdkit = pytest.importorskip("ofdkit")  # a dev tool here, not a dependency of the core
    text = ofdkit.extract_text(str(path))
    assert "食品经营许可证" in text and "上海天成餐饮管理有限公司" in text


def test_tampered_content_names_the_part(build_ofd: Builder, kit: Kit) -> None:
    data = _replace(build_ofd(), CONTENT, lambda b: b.replace("天成".encode(), "天城".encode()))
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    bad = [f for f in result.all_findings() if f.status is Status.FAIL]
    assert [(f.code, f.path) for f in bad] == [(c.OFD_REFERENCE_DIGEST_MISMATCH, CONTENT)]
    assert bad[0].expected and bad[0].found and bad[0].expected != bad[0].found
    assert not result.intact and result.valid and result.trusted


def test_tampered_signature_xml_breaks_the_data_hash(build_ofd: Builder, kit: Kit) -> None:
    data = _replace(
        build_ofd(), SIGNATURE_XML, lambda b: b.replace(b'Version="1.0"', b'Version="1.1"')
    )
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    bad = [f for f in result.all_findings() if f.status is Status.FAIL]
    assert [(f.code, f.path) for f in bad] == [(c.OFD_SEAL_DATAHASH_MISMATCH, SIGNATURE_XML)]
    assert not result.intact and result.valid


def _forge(der: bytes) -> bytes:
    parsed = ses.SESignatureV4.load(der)
    value = bytearray(parsed["signature"].native)
    value[10] ^= 0x01  # inside r of the DER (r, s) pair
    forged = ses.SESignatureV4(
        {
            "to_sign": parsed["to_sign"],
            "cert": parsed["cert"],
            "signature_alg_id": parsed["signature_alg_id"],
            "signature": bytes(value),
        }
    )
    return bytes(forged.dump())


def test_forged_signature_value_is_invalid(build_ofd: Builder, kit: Kit) -> None:
    data = _replace(build_ofd(), SIGNED_VALUE, _forge)
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    assert _statuses(result.all_findings(), c.OFD_SEAL_SIGNATURE_INVALID) == {Status.FAIL}
    assert result.intact and not result.valid


def test_maker_signature_checked_separately(build_ofd: Builder, kit: Kit) -> None:
    good = _parts(build_ofd())["Doc_0/Signs/Sign_0/Seal.esl"]
    seal = ses.SESealV4.load(good)
    value = bytearray(seal["signed_value"].native)
    value[12] ^= 0x01
    broken = ses.SESealV4(
        {
            "eseal_info": seal["eseal_info"],
            "cert": seal["cert"],
            "sign_alg_id": seal["sign_alg_id"],
            "signed_value": bytes(value),
        }
    )
    result = check_ofd(build_ofd(seal=bytes(broken.dump())), [kit.root_der], VERIFY_AT)
    findings = result.all_findings()
    assert _statuses(findings, c.OFD_SEAL_MAKER_SIGNATURE_INVALID) == {Status.FAIL}
    assert _statuses(findings, c.OFD_SEAL_SIGNATURE_INVALID) == {Status.PASS}
    assert not result.valid


def test_expired_seal(build_ofd: Builder, kit: Kit) -> None:
    data = build_ofd(valid_end=datetime(2023, 12, 31, tzinfo=UTC))
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    bad = [f for f in result.all_findings() if f.status is Status.FAIL]
    assert [f.code for f in bad] == [c.OFD_SEAL_EXPIRED]
    assert bad[0].found == SIGNED_AT.isoformat()
    assert result.intact and not result.valid and result.trusted


def test_seal_not_yet_valid(build_ofd: Builder, kit: Kit) -> None:
    data = build_ofd(valid_start=datetime(2024, 6, 1, tzinfo=UTC))
    findings = verify_ofd(data, [kit.root_der], VERIFY_AT)
    assert [f.code for f in findings if f.status is Status.FAIL] == [c.OFD_SEAL_NOT_YET_VALID]


def test_signer_not_in_cert_list(build_ofd: Builder, kit: Kit) -> None:
    data = build_ofd(listed=(kit.other.cert_der,))
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    bad = [f for f in result.all_findings() if f.status is Status.FAIL]
    assert [f.code for f in bad] == [c.OFD_SEAL_SIGNER_NOT_LISTED]
    assert result.intact and not result.valid


def test_untrusted_root_is_intact_and_valid(build_ofd: Builder) -> None:
    stranger, _key = new_root("另一个根CA (SM2)")
    result = check_ofd(build_ofd(), [stranger], VERIFY_AT)
    assert result.intact and result.valid and not result.trusted
    chains = [f for f in result.all_findings() if f.code == c.OFD_SEAL_CHAIN_UNTRUSTED]
    assert [f.status for f in chains] == [Status.MANUAL_REVIEW, Status.MANUAL_REVIEW]
    assert {f.detail["role"] for f in chains} == {"signer", "maker"}
    assert not any(f.status is Status.FAIL for f in result.all_findings())


def test_no_trust_roots_is_untrusted(build_ofd: Builder) -> None:
    result = check_ofd(build_ofd(), [], VERIFY_AT)
    assert result.intact and result.valid and not result.trusted


def test_gmt0031_v1_seal_detected_and_verified(build_ofd: Builder, kit: Kit) -> None:
    data = build_ofd(version=ses.V1)
    seal = _parts(data)["Doc_0/Signs/Sign_0/Seal.esl"]
    assert ses.seal_version(seal) == ses.V1
    assert isinstance(ses.load_seal(seal), ses.SESealV1)
    result = check_ofd(data, [kit.root_der], VERIFY_AT)
    assert result.intact and result.valid and result.trusted
    verdict = result.signatures[0]
    assert verdict.version == ses.V1 and verdict.signing_time == SIGNED_AT
    assert [f.status for f in result.all_findings() if f.status is not Status.PASS] == [
        Status.MANUAL_REVIEW
    ]


def test_v1_forged_signature_fails(build_ofd: Builder, kit: Kit) -> None:
    def forge(der: bytes) -> bytes:
        parsed = ses.SESignatureV1.load(der)
        value = bytearray(parsed["signature"].native)
        value[10] ^= 0x01
        return bytes(
            ses.SESignatureV1({"to_sign": parsed["to_sign"], "signature": bytes(value)}).dump()
        )

    data = _replace(build_ofd(version=ses.V1), SIGNED_VALUE, forge)
    findings = verify_ofd(data, [kit.root_der], VERIFY_AT)
    assert [f.code for f in findings if f.status is Status.FAIL] == [c.OFD_SEAL_SIGNATURE_INVALID]


def test_missing_part_and_added_part(build_ofd: Builder, kit: Kit) -> None:
    parts = _parts(build_ofd())
    del parts["Doc_0/PublicRes.xml"]
    parts["Doc_0/Pages/Page_1/Content.xml"] = b"<x/>"
    findings = verify_ofd(_rezip(parts), [kit.root_der], VERIFY_AT)
    by_code = _by_code(findings)
    assert [(f.path, f.status) for f in by_code[c.OFD_REFERENCE_MISSING]] == [
        ("Doc_0/PublicRes.xml", Status.FAIL)
    ]
    assert [(f.path, f.status) for f in by_code[c.OFD_UNPROTECTED_PART]] == [
        ("Doc_0/Pages/Page_1/Content.xml", Status.WARN)
    ]


def test_doctype_in_signature_xml_is_refused(build_ofd: Builder, kit: Kit) -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

    def inject(b: bytes) -> bytes:
        return evil + b.split(b"?>", 1)[1]

    findings = verify_ofd(_replace(build_ofd(), SIGNATURE_XML, inject), [kit.root_der], VERIFY_AT)
    bad = [f for f in findings if f.status is Status.FAIL]
    assert bad and bad[0].code == c.OFD_PACKAGE_INVALID and "DOCTYPE" in bad[0].detail["reason"]
    assert "root:" not in str(findings)


def test_garbled_signed_value(build_ofd: Builder, kit: Kit) -> None:
    data = _replace(build_ofd(), SIGNED_VALUE, lambda b: b[:40])
    findings = verify_ofd(data, [kit.root_der], VERIFY_AT)
    assert [f.code for f in findings if f.status is Status.FAIL] == [c.OFD_SEAL_FORMAT_INVALID]


def test_not_an_ofd_and_unsigned_ofd(build_ofd: Builder, kit: Kit) -> None:
    junk = verify_ofd(b"PK\x03\x04 not really", [kit.root_der], VERIFY_AT)
    assert [(f.code, f.status) for f in junk] == [(c.OFD_PACKAGE_INVALID, Status.FAIL)]
    parts = {k: v for k, v in _parts(build_ofd()).items() if not k.startswith("Doc_0/Signs/")}
    parts["OFD.xml"] = parts["OFD.xml"].replace(
        b"<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>", b""
    )
    unsigned = check_ofd(_rezip(parts), [kit.root_der], VERIFY_AT)
    assert [f.code for f in unsigned.all_findings()] == [c.OFD_NOT_SIGNED]
    assert not (unsigned.intact or unsigned.valid or unsigned.trusted)


def test_unsafe_location_is_refused(build_ofd: Builder, kit: Kit) -> None:
    data = _replace(
        build_ofd(),
        "Doc_0/Signs/Signatures.xml",
        lambda b: b.replace(b'BaseLoc="/Doc_0', b'BaseLoc="/../../Doc_0'),
    )
    findings = verify_ofd(data, [kit.root_der], VERIFY_AT)
    refused = [f for f in findings if f.code == c.OFD_PACKAGE_INVALID]
    assert [f.status for f in refused] == [Status.FAIL]
    assert "escapes the package" in refused[0].detail["reason"]


def test_bad_trust_root_raises(build_ofd: Builder) -> None:
    with pytest.raises(CertificateError):
        check_ofd(build_ofd(), [b"not a certificate"], VERIFY_AT)


def test_signing_after_verification_time_warns(build_ofd: Builder, kit: Kit) -> None:
    findings = verify_ofd(build_ofd(), [kit.root_der], datetime(2024, 1, 1, tzinfo=UTC))
    assert _statuses(findings, c.OFD_SEAL_TIME_INVALID) == {Status.WARN}


def test_sign_with_seal_rejects_garbage(kit: Kit) -> None:
    with pytest.raises(SealError):
        sign_with_seal(b"\x30\x03\x02\x01\x01", kit.signer, b"\x00" * 32, SIGNED_AT, "x")
