"""SM2 signature values in every encoding met in the wild verify, and say how they deviate."""

from __future__ import annotations

import pytest
from ofd_seal_kit import Kit
from seal_forge import bare_integers, negative_integers, padded_integers, raw_rs

from package.certificates import load_certificate
from preservation.seals import SealError
from preservation.seals.sm2_value import read_value, verify_value

MESSAGE = b"DER(TBS_Sign)"


@pytest.mark.parametrize(
    ("encode", "deviation"),
    [
        (bytes, ""),
        (raw_rs, "64-byte raw"),
        (negative_integers, "negative number"),
        (padded_integers, "superfluous leading zero"),
        (bare_integers, "without their SEQUENCE"),
    ],
)
def test_encodings_verify(kit: Kit, encode: object, deviation: str) -> None:
    pem = load_certificate(kit.signer.cert_der).public_key_pem
    value = encode(kit.signer.key.sign(MESSAGE))  # type: ignore[operator]
    check = verify_value(pem, MESSAGE, value)
    assert check.ok
    assert (deviation in check.deviation) if deviation else check.deviation == ""
    assert not verify_value(pem, MESSAGE + b"x", value).ok
    other = load_certificate(kit.other.cert_der).public_key_pem
    assert not verify_value(other, MESSAGE, value).ok


def test_canonical_form_is_der(kit: Kit) -> None:
    value = kit.signer.key.sign(MESSAGE)
    for encode in (raw_rs, negative_integers, padded_integers, bare_integers):
        encoded = encode(value)
        assert read_value(encoded).der == value


@pytest.mark.parametrize("junk", [b"", b"\x30\x00", b"\x30\x03\x02\x01\x01", b"x" * 63])
def test_junk_is_refused_not_raised_by_verify(kit: Kit, junk: bytes) -> None:
    with pytest.raises(SealError):
        read_value(junk)
    pem = load_certificate(kit.signer.cert_der).public_key_pem
    assert not verify_value(pem, MESSAGE, junk).ok
