"""Each class of real-world deviation, reproduced with generated fixtures: verified, named.

One table maps a fixture (named after the finding it must produce) to the findings and
verdicts it must give. Every fixture that verifies is then tampered with (one byte of a signed
part): the change is always caught, whatever the deviation.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from ofd_forge import cms_signed_data, forge_ofd, gbk_names, sm3
from ofd_seal_kit import SIGNED_AT, VERIFY_AT, Kit
from seal_forge import (
    bare_integers,
    bits,
    der,
    forge_seal,
    forge_signature,
    gtime,
    ia5,
    negative_integers,
    oid,
    padded_integers,
    raw_rs,
    reissue,
    seq,
    utc,
    utf8,
)

from preservation.seals import check_ofd, ses
from preservation.seals import codes as c
from samples.sm2_authority import Sm2Identity, Sm2Key, new_root
from standards.finding import Status

CONTENT = "Doc_0/Pages/Page_0/Content.xml"
LEGACY_NS = "http://www.ofdspec.org"


@dataclass(frozen=True)
class Authority:
    """A root with its key, and a signer whose certificate has odd fields."""

    root_der: bytes
    utf8_email: Sm2Identity
    naive_validity: Sm2Identity


@pytest.fixture(scope="module")
def authority() -> Authority:
    root_der, root_key = new_root("偏差测试根CA (SM2)")
    email = der(0x16, "电子邮箱@示例.cn".encode())  # IA5String holding UTF-8, as CAs write it
    subject = seq(
        der(0x31, seq(oid("2.5.4.6"), der(0x13, b"CN"))),
        der(0x31, seq(oid("2.5.4.3"), utf8("偏差签章者"))),
        der(0x31, seq(oid("1.2.840.113549.1.9.1"), email)),
    )
    window = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    one, two = Sm2Key.generate(), Sm2Key.generate()
    first = reissue(
        (root_der, root_key), one, subject_der=subject, not_before=window[0], not_after=window[1]
    )
    naive = seq(gtime("20200101000000"), gtime("20300101000000"))
    second = reissue(
        (root_der, root_key), two, validity=naive, not_before=window[0], not_after=window[1]
    )
    return Authority(root_der, Sm2Identity("utf8", first, one), Sm2Identity("naive", second, two))


Build = Callable[[Kit, Authority], bytes]


def _seal(kit: Kit, **kw: object) -> bytes:
    return forge_seal(kit.maker, [kit.signer.cert_der], kit.picture, **kw)  # type: ignore[arg-type]


def _sealed(kit: Kit, seal: bytes | None = None, *, shape: str = "v4", **kw: object) -> bytes:
    seal = seal or _seal(kit, shape=shape)
    return forge_ofd(
        lambda xml: forge_signature(kit.signer, seal, sm3(xml), shape=shape, **kw),  # type: ignore[arg-type]
        seal_file=seal,
    )


def _by(identity: Sm2Identity, kit: Kit) -> bytes:
    seal = forge_seal(kit.maker, [identity.cert_der], kit.picture)
    return forge_ofd(lambda xml: forge_signature(identity, seal, sm3(xml)), seal_file=seal)


def _base64_value(kit: Kit) -> bytes:
    seal = _seal(kit)
    return forge_ofd(
        lambda xml: base64.encodebytes(forge_signature(kit.signer, seal, sm3(xml))), seal_file=seal
    )


@dataclass(frozen=True)
class Case:
    build: Build
    expect: tuple[tuple[str, Status], ...]  # findings that must be present
    intact: bool = True
    valid: bool = True
    when: datetime | None = SIGNED_AT  # the signing time read, when it must be checked
    version: int | None = None


WARN, REVIEW, PASS, FAIL = Status.WARN, Status.MANUAL_REVIEW, Status.PASS, Status.FAIL
CASES: dict[str, Case] = {
    "OFD_SEAL_TIME_ZONE_ASSUMED/generalized_time_without_z": Case(
        lambda k, a: _sealed(k, time=gtime("20240305093000")),
        ((c.OFD_SEAL_TIME_ZONE_ASSUMED, WARN), (c.OFD_SEAL_EXPIRED, PASS)),
    ),
    "OFD_SEAL_TIME_ZONE_ASSUMED/utctime_where_generalized_time_belongs": Case(
        lambda k, a: _sealed(k, time=utc("240305093000Z")),
        ((c.OFD_SEAL_TIME_ZONE_ASSUMED, WARN),),
    ),
    "OFD_SEAL_TIME_ZONE_ASSUMED/utctime_digits_in_generalized_time": Case(
        lambda k, a: _sealed(k, time=gtime("240305093000Z")),
        ((c.OFD_SEAL_TIME_ZONE_ASSUMED, WARN),),
    ),
    "OFD_SEAL_TIME_ZONE_ASSUMED/seal_validity_without_z": Case(
        lambda k, a: _sealed(
            k,
            _seal(k, times=(gtime("20200101000000"),) * 2 + (gtime("20301231000000"),)),
        ),
        ((c.OFD_SEAL_TIME_ZONE_ASSUMED, WARN), (c.OFD_SEAL_NOT_YET_VALID, PASS)),
    ),
    "OFD_SEAL_EXPIRED/fraction_and_offset_read_exactly": Case(
        lambda k, a: _sealed(k, time=gtime("20240305173000.25+0800")),
        ((c.OFD_SEAL_EXPIRED, PASS),),
        when=SIGNED_AT + timedelta(milliseconds=250),
    ),
    "OFD_SEAL_EXPIRED/v1_iso_text_timeinfo": Case(
        lambda k, a: _sealed(k, shape="v1", time=bits(b"2024-03-05T09:30:00.000Z")),
        ((c.OFD_SEAL_EXPIRED, PASS),),
        version=ses.V1,
    ),
    "OFD_SIGNATURE_VALUE_NONCONFORMANT/raw_r_s": Case(
        lambda k, a: _sealed(k, value=raw_rs), ((c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN),)
    ),
    "OFD_SIGNATURE_VALUE_NONCONFORMANT/negative_integers": Case(
        lambda k, a: _sealed(k, value=negative_integers),
        ((c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN),),
    ),
    "OFD_SIGNATURE_VALUE_NONCONFORMANT/padded_integers": Case(
        lambda k, a: _sealed(k, value=padded_integers),
        ((c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN),),
    ),
    "OFD_SIGNATURE_VALUE_NONCONFORMANT/maker_raw_r_s_v1": Case(
        lambda k, a: _sealed(k, _seal(k, shape="v1", value=raw_rs), shape="v1"),
        ((c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN), (c.OFD_SEAL_MAKER_SIGNATURE_INVALID, PASS)),
        version=ses.V1,
    ),
    "OFD_SEAL_SIGNER_NOT_LISTED/cert_list_type_3": Case(
        lambda k, a: _sealed(k, _seal(k, cert_list_type=3)),
        (
            (c.OFD_SEAL_SIGNER_NOT_LISTED, REVIEW),
            (c.OFD_SEAL_SIGNATURE_INVALID, PASS),
            (c.OFD_SEAL_MAKER_SIGNATURE_INVALID, PASS),
            (c.OFD_SEAL_DATAHASH_MISMATCH, PASS),
        ),
        valid=False,
    ),
    "OFD_SEAL_SIGNER_NOT_LISTED/ia5_entries_in_cert_list": Case(
        lambda k, a: _sealed(k, _seal(k, shape="v1", cert_list=seq(ia5("1"))), shape="v1"),
        ((c.OFD_SEAL_SIGNER_NOT_LISTED, REVIEW), (c.OFD_SEAL_STRUCTURE_NONCONFORMANT, WARN)),
        valid=False,
        version=ses.V1,
    ),
    "OFD_SEAL_STRUCTURE_NONCONFORMANT/v1_structure_header_4": Case(
        lambda k, a: _sealed(k, _seal(k, shape="v1", header_version=4), shape="v1"),
        ((c.OFD_SEAL_STRUCTURE_NONCONFORMANT, WARN), (c.OFD_SEAL_MAKER_SIGNATURE_INVALID, PASS)),
        version=ses.V1,
    ),
    "OFD_SEAL_SIGNATURE_INVALID/v5_header_v4_structure": Case(
        lambda k, a: _sealed(k, _seal(k, header_version=5)),
        ((c.OFD_SEAL_SIGNATURE_INVALID, PASS),),
        version=ses.V4,
    ),
    "OFD_SEAL_SIGNATURE_INVALID/unknown_algorithm_oid": Case(
        lambda k, a: _sealed(k, algorithm="1.2.156.10197.1.504"),
        ((c.OFD_SEAL_SIGNATURE_INVALID, REVIEW),),
        valid=False,
    ),
    "OFD_SIGN_SIGNATURE_INVALID/gbt35275_signed_data": Case(
        lambda k, a: forge_ofd(lambda x: cms_signed_data(k.signer, x), sig_type="Sign"),
        ((c.OFD_SIGN_SIGNATURE_INVALID, PASS), (c.OFD_SIGN_DIGEST_MISMATCH, PASS)),
    ),
    "OFD_SIGN_SIGNATURE_INVALID/pkcs7_without_signed_attributes": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x, gm_oids=False, signed_attrs=False),
            sig_type="Sign",
        ),
        ((c.OFD_SIGN_SIGNATURE_INVALID, PASS),),
    ),
    "OFD_SIGN_DIGEST_MISMATCH/embedded_digest_of_signature_xml": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x, embed=sm3(x)), sig_type="Sign"
        ),
        ((c.OFD_SIGN_DIGEST_MISMATCH, PASS),),
    ),
    "OFD_SIGNATURE_VALUE_NONCONFORMANT/signed_data_raw_r_s": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x, value=raw_rs), sig_type="Sign"
        ),
        ((c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN), (c.OFD_SIGN_SIGNATURE_INVALID, PASS)),
    ),
    "OFD_SIGN_CERT_EXPIRED/signed_before_the_certificate": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x, signing_time=datetime(2019, 6, 1, tzinfo=UTC)),
            sig_type="Sign",
        ),
        ((c.OFD_SIGN_CERT_EXPIRED, FAIL), (c.OFD_SIGN_SIGNATURE_INVALID, PASS)),
        valid=False,
        when=datetime(2019, 6, 1, tzinfo=UTC),
    ),
    "OFD_SIGN_SIGNATURE_INVALID/bare_sm2_value_without_certificate": Case(
        lambda k, a: forge_ofd(lambda x: k.signer.key.sign(x), sig_type="Sign"),
        ((c.OFD_SIGN_SIGNATURE_INVALID, REVIEW), (c.OFD_REFERENCE_DIGEST_MISMATCH, PASS)),
        intact=False,
        valid=False,
    ),
    "OFD_SIGN_SIGNATURE_INVALID/bare_sm2_value_certificate_in_package": Case(
        lambda k, a: forge_ofd(
            lambda x: raw_rs(k.signer.key.sign(x)),
            sig_type="Sign",
            extra_parts={"Doc_0/Res/signer.cer": k.signer.cert_der},
        ),
        ((c.OFD_SIGN_SIGNATURE_INVALID, PASS), (c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN)),
    ),
    "OFD_SIGNATURE_VALUE_NONCONFORMANT/bare_integers_certificate_in_package": Case(
        lambda k, a: forge_ofd(
            lambda x: bare_integers(k.signer.key.sign(x)),
            sig_type="Sign",
            extra_parts={"Doc_0/Res/signer.cer": k.signer.cert_der},
        ),
        ((c.OFD_SIGN_SIGNATURE_INVALID, PASS), (c.OFD_SIGNATURE_VALUE_NONCONFORMANT, WARN)),
    ),
    "OFD_PACKAGE_NONCONFORMANT/namespace_without_2016": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x), sig_type="Sign", namespace=LEGACY_NS
        ),
        ((c.OFD_PACKAGE_NONCONFORMANT, WARN), (c.OFD_SIGN_SIGNATURE_INVALID, PASS)),
    ),
    "OFD_PACKAGE_NONCONFORMANT/root_relative_file_refs_wrapped_base64": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x),
            sig_type="Sign",
            root_relative=True,
            wrap_base64=True,
        ),
        ((c.OFD_PACKAGE_NONCONFORMANT, WARN), (c.OFD_REFERENCE_DIGEST_MISMATCH, PASS)),
    ),
    "OFD_PACKAGE_NONCONFORMANT/bytes_around_the_zip": Case(
        lambda k, a: b"KG-SIGNATURE" * 40 + _sealed(k) + b"\x00KG" * 30,
        ((c.OFD_PACKAGE_NONCONFORMANT, WARN), (c.OFD_SEAL_SIGNATURE_INVALID, PASS)),
    ),
    "OFD_PACKAGE_NONCONFORMANT/gbk_entry_names": Case(
        lambda k, a: gbk_names(
            forge_ofd(
                lambda x: cms_signed_data(k.signer, x),
                sig_type="Sign",
                extra_parts={"Doc_0/Res/印章图片.png": b"\x89PNG\r\n\x1a\n"},
            )
        ),
        ((c.OFD_PACKAGE_NONCONFORMANT, WARN), (c.OFD_REFERENCE_DIGEST_MISMATCH, PASS)),
    ),
    "OFD_SIGN_SIGNATURE_INVALID/double_slash_location": Case(
        lambda k, a: forge_ofd(
            lambda x: cms_signed_data(k.signer, x),
            sig_type="Sign",
            signed_value_loc="//Doc_0/Signs/Sign_0/SignedValue.dat",
        ),
        ((c.OFD_SIGN_SIGNATURE_INVALID, PASS),),
    ),
    "OFD_SEAL_STRUCTURE_NONCONFORMANT/signed_value_as_base64_text": Case(
        lambda k, a: _base64_value(k), ((c.OFD_SEAL_STRUCTURE_NONCONFORMANT, WARN),)
    ),
    "OFD_SEAL_STRUCTURE_NONCONFORMANT/type_sign_holding_a_seal": Case(
        lambda k, a: forge_ofd(
            lambda x: forge_signature(k.signer, _seal(k), sm3(x)), sig_type="Sign"
        ),
        ((c.OFD_SEAL_STRUCTURE_NONCONFORMANT, WARN), (c.OFD_SEAL_SIGNATURE_INVALID, PASS)),
    ),
    "OFD_CERT_NONCONFORMANT/utf8_email_address": Case(
        lambda k, a: _by(a.utf8_email, k),
        ((c.OFD_CERT_NONCONFORMANT, WARN), (c.OFD_SEAL_SIGNATURE_INVALID, PASS)),
    ),
    "OFD_CERT_NONCONFORMANT/validity_without_z": Case(
        lambda k, a: _by(a.naive_validity, k),
        ((c.OFD_CERT_NONCONFORMANT, WARN), (c.OFD_SEAL_SIGNER_CERT_EXPIRED, PASS)),
    ),
    "OFD_REFERENCE_DIGEST_MISMATCH/keyed_sm3_check_method": Case(
        lambda k, a: forge_ofd(
            lambda x: forge_signature(k.signer, _seal(k), b"\x5a" * 32),
            check_method="1.2.156.10197.1.401.2",
        ),
        (
            (c.OFD_REFERENCE_DIGEST_MISMATCH, REVIEW),
            (c.OFD_SEAL_DATAHASH_MISMATCH, REVIEW),
        ),
        intact=False,
    ),
}


def _verify(name: str, kit: Kit, authority: Authority) -> tuple[bytes, object]:
    case = CASES[name]
    data = case.build(kit, authority)
    return data, check_ofd(data, [kit.root_der, authority.root_der], VERIFY_AT)


@pytest.mark.parametrize("name", sorted(CASES))
def test_deviation_is_read_and_named(name: str, kit: Kit, authority: Authority) -> None:
    case = CASES[name]
    _data, result = _verify(name, kit, authority)
    findings = result.all_findings()  # type: ignore[attr-defined]
    present = {(f.code, f.status) for f in findings}
    assert set(case.expect) <= present, [(f.code, f.status, f.detail) for f in findings]
    assert not [f for f in findings if f.status is Status.FAIL and f.code not in dict(case.expect)]
    verdict = result.signatures[0]  # type: ignore[attr-defined]
    assert (verdict.intact, verdict.valid) == (case.intact, case.valid), findings
    for f in findings:
        if f.status is not Status.PASS and (f.code, f.status) in case.expect:
            assert f.detail.get("reason") or f.expected or f.found, f
    if case.when is not None:
        assert verdict.signing_time == case.when
    if case.version is not None:
        assert verdict.version == case.version


def _flip(data: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    changed = bytearray(parts[part])
    changed[len(changed) // 2] ^= 0x01
    parts[part] = bytes(changed)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if case.intact))
def test_tampering_is_caught_whatever_the_deviation(
    name: str, kit: Kit, authority: Authority
) -> None:
    data, _result = _verify(name, kit, authority)
    tampered = check_ofd(_flip(data, CONTENT), [kit.root_der], VERIFY_AT)
    failed = [f for f in tampered.all_findings() if f.status is Status.FAIL]
    assert (c.OFD_REFERENCE_DIGEST_MISMATCH, CONTENT) in {(f.code, f.path) for f in failed}
    assert not tampered.intact


def test_directory_entries_are_not_bytes_outside_the_zip(kit: Kit) -> None:
    with zipfile.ZipFile(io.BytesIO(_sealed(kit))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Doc_0/", b"")  # producers list folders first, as ZIP tools do
        for name, value in parts.items():
            archive.writestr(name, value)
    findings = check_ofd(out.getvalue(), [kit.root_der], VERIFY_AT).all_findings()
    assert not [f for f in findings if f.status is not Status.PASS and "NONCONFORMANT" in f.code]
