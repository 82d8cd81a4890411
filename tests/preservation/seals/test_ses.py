"""The seal structures: version detection, parsing, certificate-digest lists, certificates."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from ofd_seal_kit import VERIFY_AT, Builder, Kit

import preservation.seals as seals
from package.certificates import chain_to_roots, load_certificate
from package.errors import CertificateError
from preservation.seals import SealError, check_ofd, ses
from preservation.seals import codes as c
from preservation.seals.sealdata import read_signature
from samples.ses_maker import SealSpec, make_seal
from samples.sm2_authority import new_root
from standards.finding import Status


def _spec(kit: Kit, version: int) -> SealSpec:
    return SealSpec(
        name="测试电子印章",
        es_id="3101150000000009",
        created=datetime(2020, 1, 1, tzinfo=UTC),
        valid_start=datetime(2020, 1, 1, tzinfo=UTC),
        valid_end=datetime(2030, 1, 1, tzinfo=UTC),
        picture_png=kit.picture,
        version=version,
    )


def test_public_api() -> None:
    assert sorted(seals.__all__) == [
        "NO_PLATFORM",
        "OfdVerification",
        "SealError",
        "SealVerdict",
        "check_ofd",
        "verifier_error",
        "verify_ofd",
    ]


@pytest.mark.parametrize(("header", "expected"), [(4, ses.V4), (1, ses.V1), (2, ses.V1)])
def test_version_from_header(kit: Kit, header: int, expected: int) -> None:
    version = ses.V4 if header == 4 else header
    seal = make_seal(_spec(kit, version), kit.maker, [kit.signer.cert_der])
    assert ses.seal_version(seal) == expected
    assert isinstance(ses.load_seal(seal), ses.SESealV4 if expected == ses.V4 else ses.SESealV1)


def test_bad_headers_are_refused(kit: Kit) -> None:
    seal = make_seal(_spec(kit, ses.V4), kit.maker, [kit.signer.cert_der])
    with pytest.raises(SealError, match="'EX'"):
        ses.seal_version(seal.replace(b"\x16\x02ES", b"\x16\x02EX", 1))
    with pytest.raises(SealError):
        ses.load_seal(b"\x30\x00")
    with pytest.raises(SealError):
        ses.load_signature(b"garbage")


def test_v1_timeinfo_and_dates_read_back(build_ofd: Builder) -> None:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(build_ofd(version=ses.V1))) as archive:
        view = read_signature(archive.read("Doc_0/Signs/Sign_0/SignedValue.dat"))
    assert view.version == ses.V1 and view.time_text == "240305093000Z"
    assert view.seal.valid_end == datetime(2030, 12, 31, tzinfo=UTC)
    assert view.seal.name.endswith("电子印章") and view.seal.picture_type == "png"


def test_cert_digest_list_is_checked(build_ofd: Builder, kit: Kit) -> None:
    base = ses.load_seal(make_seal(_spec(kit, ses.V4), kit.maker, [kit.signer.cert_der]))
    info = base["eseal_info"]
    prop = info["property"]

    def seal_listing(cert: bytes) -> bytes:
        digests = ses.CertDigestList([{"type": "sm3", "value": hashlib.new("sm3", cert).digest()}])
        new_info = ses.SealInfoV4(
            {
                "header": info["header"],
                "es_id": info["es_id"],
                "property": {
                    "type": prop["type"],
                    "name": prop["name"],
                    "cert_list_type": ses.CERT_LIST_DIGESTS,
                    "cert_list": digests,
                    "create_date": prop["create_date"],
                    "valid_start": prop["valid_start"],
                    "valid_end": prop["valid_end"],
                },
                "picture": info["picture"],
            }
        )
        signed = kit.maker.key.sign(bytes(new_info.dump()))
        return bytes(
            ses.SESealV4(
                {
                    "eseal_info": new_info,
                    "cert": kit.maker.cert_der,
                    "sign_alg_id": ses.OID_SM2_WITH_SM3,
                    "signed_value": signed,
                }
            ).dump()
        )

    good = check_ofd(build_ofd(seal=seal_listing(kit.signer.cert_der)), [kit.root_der], VERIFY_AT)
    assert good.intact and good.valid and good.trusted
    bad = check_ofd(build_ofd(seal=seal_listing(kit.other.cert_der)), [kit.root_der], VERIFY_AT)
    listed = [f for f in bad.all_findings() if f.code == c.OFD_SEAL_SIGNER_NOT_LISTED]
    assert [f.status for f in listed] == [Status.FAIL]


def test_chain_to_roots(kit: Kit) -> None:
    root = load_certificate(kit.root_der)
    signer = load_certificate(kit.signer.cert_der)
    assert signer.signature_algorithm == ses.OID_SM2_WITH_SM3
    assert chain_to_roots(signer, [root], VERIFY_AT).trusted
    assert chain_to_roots(root, [root], VERIFY_AT).trusted
    late = chain_to_roots(signer, [root], datetime(2049, 1, 1, tzinfo=UTC))
    assert not late.trusted and "not valid" in late.reason
    # same subject name, different key: the name matches, the signature does not
    impostor = load_certificate(new_root(root.subject.split("Common Name: ")[1].split(",")[0])[0])
    forged = chain_to_roots(signer, [impostor], VERIFY_AT)
    assert not forged.trusted and "does not verify" in forged.reason
    with pytest.raises(CertificateError):
        load_certificate(b"\x30\x03\x02\x01\x00")
