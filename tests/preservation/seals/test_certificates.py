"""Certificates with odd fields still give their key, validity and subject."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from ofd_seal_kit import Kit
from seal_forge import bits, der, gtime, oid, reissue, seq, utf8

from package.certificates import chain_to_roots, load_certificate, sm2_verify
from package.errors import CertificateError
from samples.sm2_authority import Sm2Key, new_root

WINDOW = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))


def _odd(
    subject: bytes | None = None,
    validity: bytes | None = None,
    spki: Callable[[Sm2Key], bytes] | None = None,
) -> tuple[bytes, bytes, Sm2Key]:
    root_der, root_key = new_root("证书容错测试根CA")
    key = Sm2Key.generate()
    cert = reissue(
        (root_der, root_key),
        key,
        subject_der=subject,
        validity=validity,
        spki=spki(key) if spki else None,
        not_before=WINDOW[0],
        not_after=WINDOW[1],
    )
    return cert, root_der, key


def test_utf8_email_address_is_read() -> None:
    email = der(0x16, "电子邮箱@示例.cn".encode())
    subject = seq(
        der(0x31, seq(oid("2.5.4.3"), utf8("签章者"))),
        der(0x31, seq(oid("1.2.840.113549.1.9.1"), email)),
    )
    cert_der, root_der, _key = _odd(subject=subject)
    cert = load_certificate(cert_der)
    assert "电子邮箱@示例.cn" in cert.subject and "签章者" in cert.subject
    assert cert.not_before == WINDOW[0] and cert.not_after == WINDOW[1]
    assert any("Email Address" in note for note in cert.notes)
    assert chain_to_roots(cert, [load_certificate(root_der)], WINDOW[0]).trusted


def test_validity_without_zone_is_read_as_utc() -> None:
    cert_der, _root, _key = _odd(validity=seq(gtime("20200101000000"), gtime("20300101000000.5")))
    cert = load_certificate(cert_der)
    assert cert.not_before == WINDOW[0] and cert.not_before.tzinfo is not None
    assert any("read as UTC" in note for note in cert.notes)


def test_sm2_key_under_the_sm2_algorithm_oid() -> None:
    cert_der, root_der, key = _odd(
        spki=lambda k: seq(seq(oid("1.2.156.10197.1.301")), bits(b"\x04" + k.point))
    )
    cert = load_certificate(cert_der)
    assert any("SM2 algorithm OID" in note for note in cert.notes)
    assert sm2_verify(cert.public_key_pem, b"x", key.sign(b"x"))
    assert chain_to_roots(cert, [load_certificate(root_der)], WINDOW[0]).trusted


def test_base64_text_and_trailing_bytes(kit: Kit) -> None:
    text = load_certificate(base64.encodebytes(kit.signer.cert_der))
    assert text.der == kit.signer.cert_der and text.notes
    trailing = load_certificate(kit.signer.cert_der + b"\x00\x00")
    assert trailing.der == kit.signer.cert_der and trailing.notes


@pytest.mark.parametrize("junk", [b"", b"\x30\x03\x02\x01\x00", b"not a certificate", b"\x30"])
def test_no_key_no_certificate(junk: bytes) -> None:
    with pytest.raises(CertificateError):
        load_certificate(junk)
