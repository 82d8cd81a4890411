"""Making electronic seals (SESeal) and seal signatures (SES_Signature), GB/T 38540 v4 or
GM/T 0031 v1, with the ASN.1 shapes of ``preservation.seals.ses``.

Pure functions over bytes: nothing is read or written. Raises ``SealError`` (via ``load_seal``)
for a seal that cannot be parsed when signing with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from preservation.seals import ses

from .sm2_authority import Sm2Identity

__all__ = ["SealSpec", "make_seal", "sign_with_seal"]

SEAL_TYPE_OFFICIAL = 1  # 单位印章 (法定名称章)
VENDOR_ID = "earchive"


@dataclass(frozen=True)
class SealSpec:
    """What a seal says: name, identifier, dates, picture (PNG) and its size in millimetres."""

    name: str
    es_id: str
    created: datetime
    valid_start: datetime
    valid_end: datetime
    picture_png: bytes
    picture_mm: tuple[int, int] = (40, 40)
    version: int = ses.V4
    seal_type: int = SEAL_TYPE_OFFICIAL


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(microsecond=0)


def _picture(spec: SealSpec) -> ses.SESPictureInfo:
    return ses.SESPictureInfo(
        {
            "type": "png",
            "data": spec.picture_png,
            "width": spec.picture_mm[0],
            "height": spec.picture_mm[1],
        }
    )


def _header(spec: SealSpec) -> ses.SESHeader:
    return ses.SESHeader({"id": "ES", "version": spec.version, "vid": VENDOR_ID})


def make_seal(spec: SealSpec, maker: Sm2Identity, signer_certs: Sequence[bytes]) -> bytes:
    """A DER SESeal for ``spec`` listing ``signer_certs`` (DER), signed by the seal maker."""
    if spec.version == ses.V4:
        info4 = ses.SealInfoV4(
            {
                "header": _header(spec),
                "es_id": spec.es_id,
                "property": {
                    "type": spec.seal_type,
                    "name": spec.name,
                    "cert_list_type": ses.CERT_LIST_CERTS,
                    "cert_list": ses.CertInfoList(list(signer_certs)),
                    "create_date": _utc(spec.created),
                    "valid_start": _utc(spec.valid_start),
                    "valid_end": _utc(spec.valid_end),
                },
                "picture": _picture(spec),
            }
        )
        signed = maker.key.sign(bytes(info4.dump()))
        seal4 = ses.SESealV4(
            {
                "eseal_info": info4,
                "cert": maker.cert_der,
                "sign_alg_id": ses.OID_SM2_WITH_SM3,
                "signed_value": signed,
            }
        )
        return bytes(seal4.dump())
    info1 = ses.SealInfoV1(
        {
            "header": _header(spec),
            "es_id": spec.es_id,
            "property": {
                "type": spec.seal_type,
                "name": spec.name,
                "cert_list": list(signer_certs),
                "create_date": _utc(spec.created),
                "valid_start": _utc(spec.valid_start),
                "valid_end": _utc(spec.valid_end),
            },
            "picture": _picture(spec),
        }
    )
    signed_range = ses.SealSignRangeV1(
        {
            "eseal_info": info1,
            "cert": maker.cert_der,
            "signature_algorithm": ses.OID_SM2_WITH_SM3,
        }
    )
    seal1 = ses.SESealV1(
        {
            "eseal_info": info1,
            "sign_info": {
                "cert": maker.cert_der,
                "signature_algorithm": ses.OID_SM2_WITH_SM3,
                "sign_data": maker.key.sign(bytes(signed_range.dump())),
            },
        }
    )
    return bytes(seal1.dump())


def sign_with_seal(
    seal_der: bytes,
    signer: Sm2Identity,
    data_hash: bytes,
    when: datetime,
    property_info: str,
) -> bytes:
    """A DER SES_Signature: ``signer`` seals the data whose SM3 digest is ``data_hash``.

    The generation (v4 or v1) follows the seal's header. ``property_info`` names the signed
    data (for OFD, the path of the protected ``Signature.xml``).
    """
    seal = ses.load_seal(seal_der)
    at = _utc(when)
    if isinstance(seal, ses.SESealV4):
        tbs4 = ses.TBSSignV4(
            {
                "version": ses.V4,
                "eseal": seal,
                "time_info": at,
                "data_hash": data_hash,
                "property_info": property_info,
            }
        )
        signature4 = ses.SESignatureV4(
            {
                "to_sign": tbs4,
                "cert": signer.cert_der,
                "signature_alg_id": ses.OID_SM2_WITH_SM3,
                "signature": signer.key.sign(bytes(tbs4.dump())),
            }
        )
        return bytes(signature4.dump())
    version = int(seal["eseal_info"]["header"]["version"].native)
    tbs1 = ses.TBSSignV1(
        {
            "version": version,
            "eseal": seal,
            "time_info": at.strftime("%y%m%d%H%M%SZ").encode("ascii"),
            "data_hash": data_hash,
            "property_info": property_info,
            "cert": signer.cert_der,
            "signature_algorithm": ses.OID_SM2_WITH_SM3,
        }
    )
    signature1 = ses.SESignatureV1(
        {"to_sign": tbs1, "signature": signer.key.sign(bytes(tbs1.dump()))}
    )
    return bytes(signature1.dump())
