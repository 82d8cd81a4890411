"""Malformed seals, signatures, certificates and packages give findings, never exceptions.

Hypothesis truncates, overwrites and splices the bytes of real (generated) seal signatures,
GB/T 35275 SignedData, certificates and OFD parts. The verifier must answer every one with
findings — and without falling back on its catch-all (``OFD_VERIFIER_ERROR``): each malformation
is met by the parser that reads it. The parsers raise ``SealError`` (``CertificateError`` for a
certificate) and nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofd_forge import SIGNATURE_XML, cms_signed_data, forge_ofd, sm3
from ofd_seal_kit import VERIFY_AT, Kit, make_kit
from seal_forge import forge_seal, forge_signature

from package.certificates import load_certificate
from package.errors import CertificateError
from preservation.seals import SealError, tlv, verify_ofd
from preservation.seals import codes as c
from preservation.seals.cms import read_signed_data
from preservation.seals.sealdata import read_signature
from preservation.seals.sm2_value import read_value
from preservation.seals.times import read_time
from standards.finding import Finding

SIGNED_VALUE = "Doc_0/Signs/Sign_0/SignedValue.dat"
SEAL = "Doc_0/Signs/Sign_0/Seal.esl"
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@functools.cache
def _kit() -> Kit:
    return make_kit()


@functools.cache
def _packages() -> dict[str, dict[str, bytes]]:
    kit = _kit()
    seal = forge_seal(kit.maker, [kit.signer.cert_der], kit.picture)
    seal_v1 = forge_seal(kit.maker, [kit.signer.cert_der], kit.picture, shape="v1")
    made = {
        "v4": forge_ofd(lambda x: forge_signature(kit.signer, seal, sm3(x)), seal_file=seal),
        "v1": forge_ofd(
            lambda x: forge_signature(kit.signer, seal_v1, sm3(x), shape="v1"), seal_file=seal_v1
        ),
        "cms": forge_ofd(lambda x: cms_signed_data(kit.signer, x), sig_type="Sign"),
    }
    out = {}
    for name, data in made.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            out[name] = {n: archive.read(n) for n in archive.namelist()}
    return out


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def _mutate(data: bytes, cut: int, at: int, junk: bytes, mode: int) -> bytes:
    if not data:
        return junk
    at %= len(data)
    if mode == 0:  # truncate
        return data[: cut % (len(data) + 1)]
    if mode == 1:  # overwrite bytes inside the ASN.1
        return data[:at] + junk + data[at + len(junk) :]
    if mode == 2:  # insert bytes
        return data[:at] + junk + data[at:]
    return junk  # replace entirely


def _answered(findings: list[Finding]) -> None:
    assert findings and all(isinstance(f, Finding) for f in findings)
    assert not [f for f in findings if f.code == c.OFD_VERIFIER_ERROR], findings


mutation = st.tuples(
    st.integers(0, 1 << 16),
    st.integers(0, 1 << 16),
    st.binary(min_size=1, max_size=24),
    st.integers(0, 3),
)


@FUZZ
@given(
    kind=st.sampled_from(["v4", "v1", "cms"]),
    part=st.sampled_from([SIGNED_VALUE, SEAL, SIGNATURE_XML, "Doc_0/Signs/Signatures.xml"]),
    how=mutation,
)
def test_mutated_signature_parts(kind: str, part: str, how: tuple[int, int, bytes, int]) -> None:
    parts = dict(_packages()[kind])
    if part not in parts:
        part = SIGNED_VALUE
    parts[part] = _mutate(parts[part], *how)
    _answered(verify_ofd(_zip(parts), [_kit().root_der], VERIFY_AT))


XML_JUNK = st.sampled_from(
    [
        b"",
        b"<",
        b"<?xml version='1.0'?><ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>",
        b"<ofd:Signatures xmlns:ofd='http://www.ofdspec.org'><ofd:Signature BaseLoc=''/>"
        b"</ofd:Signatures>",
        b"<ofd:Signature xmlns:ofd='http://www.ofdspec.org/2016'><ofd:SignedInfo>"
        b"<ofd:References><ofd:Reference FileRef='/../x'><ofd:CheckValue>!!</ofd:CheckValue>"
        b"</ofd:Reference></ofd:References></ofd:SignedInfo></ofd:Signature>",
        "<x>\u4e2d</x>".encode("utf-16"),
    ]
)


@FUZZ
@given(
    kind=st.sampled_from(["v4", "cms"]),
    part=st.sampled_from(["OFD.xml", "Doc_0/Signs/Signatures.xml", SIGNATURE_XML]),
    junk=st.one_of(XML_JUNK, st.binary(max_size=64)),
)
def test_garbage_xml(kind: str, part: str, junk: bytes) -> None:
    parts = dict(_packages()[kind])
    parts[part] = junk
    _answered(verify_ofd(_zip(parts), [_kit().root_der], VERIFY_AT))


@FUZZ
@given(data=st.one_of(st.binary(max_size=200), st.sampled_from([b"PK\x03\x04", b"PK\x05\x06"])))
def test_not_a_package(data: bytes) -> None:
    _answered(verify_ofd(data, [], VERIFY_AT))


@FUZZ
@given(how=mutation)
def test_truncated_package(how: tuple[int, int, bytes, int]) -> None:
    data = _zip(_packages()["v4"])
    _answered(verify_ofd(_mutate(data, how[0], how[1], how[2], how[3] % 2), [], VERIFY_AT))


def _only_seal_errors(read: object, data: bytes) -> None:
    with contextlib.suppress(SealError, CertificateError):
        read(data)  # type: ignore[operator]


@FUZZ
@given(which=st.sampled_from(["signer", "maker", "root"]), how=mutation)
def test_mutated_certificates(which: str, how: tuple[int, int, bytes, int]) -> None:
    kit = _kit()
    der = {"signer": kit.signer.cert_der, "maker": kit.maker.cert_der, "root": kit.root_der}
    mutated = _mutate(der[which], *how)
    try:
        cert = load_certificate(mutated)
    except CertificateError:
        return
    assert cert.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert cert.not_before.tzinfo is not None and cert.not_after.tzinfo is not None
    assert isinstance(cert.subject, str)


@FUZZ
@given(kind=st.sampled_from(["v4", "v1", "cms"]), how=mutation)
def test_mutated_values_for_every_reader(kind: str, how: tuple[int, int, bytes, int]) -> None:
    value = _mutate(_packages()[kind][SIGNED_VALUE], *how)
    for read in (read_signature, read_signed_data, read_value, load_certificate):
        _only_seal_errors(read, value)
    try:
        element = tlv.read(value, trailing=True)
    except SealError:
        return
    _only_seal_errors(lambda _d: read_time(element), value)


@FUZZ
@given(
    text=st.text(alphabet="0123456789Z+-.,:T /", max_size=26),
    form=st.sampled_from(["UTCTime", "GeneralizedTime", "text"]),
)
def test_any_time_text(text: str, form: str) -> None:
    element = tlv.read(bytes([0x17 if form == "UTCTime" else 0x18, len(text)]) + text.encode())
    try:
        value = read_time(element, "GeneralizedTime")
    except SealError:
        return
    assert value.when.tzinfo is not None and value.when.isoformat()
