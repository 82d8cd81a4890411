"""ASN.1 shapes of electronic seals and seal signatures (电子印章, 电子签章).

Two generations circulate:

* **GB/T 38540-2020** (header version 4): ``SESeal{esealInfo, cert, signAlgID, signedValue}``,
  ``TBS_Sign{version, eseal, timeInfo GeneralizedTime, dataHash, propertyInfo, [0] extDatas}``,
  ``SES_Signature{toSign, cert, signatureAlgID, signature, [0] timeStamp}``. The maker signs
  DER(``SES_SealInfo``); the signer signs DER(``TBS_Sign``).
* **GM/T 0031-2014** ("v1" here; header versions 1 to 3): ``SESeal{esealInfo, signInfo{cert,
  signatureAlgorithm, signData}}``, property dates as UTCTime and a plain certificate list,
  ``TBS_Sign{version, eseal, timeInfo BIT STRING, dataHash, propertyInfo, cert,
  signatureAlgorithm}``, ``SES_Signature{toSign, signature}``. The maker signs
  DER(``SEQUENCE{esealInfo, cert, signatureAlgorithm}``); the signer signs DER(``TBS_Sign``).

The generation is told by the ASN.1 structure, never by the header version alone: seals with a
v4 header and a GM/T 0031 structure circulate, and so do v5 headers on the v4 structure
(``seal_shape``, ``signature_shape``). Shared by the sample writer and the verifier.
Reads/writes nothing. Raises ``SealError`` from ``load_signature`` / ``load_seal`` /
``seal_version`` / the shape functions.
"""

from __future__ import annotations

from typing import TypeVar

from asn1crypto import core

from package.certificates import OID_SM2_WITH_SM3

from . import tlv
from .errors import SealError

__all__ = [
    "CERT_LIST_CERTS",
    "CERT_LIST_DIGESTS",
    "OID_SM2_WITH_SM3",
    "OID_SM3",
    "V1",
    "V4",
    "CertDigestList",
    "CertDigestObj",
    "CertInfoList",
    "ExtData",
    "ExtensionDatas",
    "PropertyInfoV1",
    "PropertyInfoV4",
    "SESHeader",
    "SESPictureInfo",
    "SESealV1",
    "SESealV4",
    "SESignInfoV1",
    "SESignatureV1",
    "SESignatureV4",
    "SealInfoV1",
    "SealInfoV4",
    "SealSignRangeV1",
    "TBSSignV1",
    "TBSSignV4",
    "load_seal",
    "load_signature",
    "seal_shape",
    "seal_version",
    "signature_shape",
]

OID_SM3 = "1.2.156.10197.1.401"
V4 = 4  # GB/T 38540-2020
V1 = 1  # GM/T 0031-2014 (header versions 1 to 3 are read with these shapes)
CERT_LIST_CERTS = 1  # certList holds the signer certificates (DER)
CERT_LIST_DIGESTS = 2  # certList holds {hash algorithm name, certificate digest} pairs

# asn1crypto declares fields as class attributes; its classes carry no type hints.
# ruff: noqa: RUF012


class ExtData(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("extn_id", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extn_value", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):  # type: ignore[misc]
    _child_spec = ExtData


class SESHeader(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("id", core.IA5String),
        ("version", core.Integer),
        ("vid", core.IA5String),
    ]


class SESPictureInfo(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),
        ("height", core.Integer),
    ]


class CertInfoList(core.SequenceOf):  # type: ignore[misc]
    _child_spec = core.OctetString


class CertDigestObj(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("type", core.PrintableString),
        ("value", core.OctetString),
    ]


class CertDigestList(core.SequenceOf):  # type: ignore[misc]
    _child_spec = CertDigestObj


# -- GB/T 38540-2020 (v4) --


class PropertyInfoV4(core.Sequence):  # type: ignore[misc]
    # certList is a CHOICE of two SEQUENCE OF shapes told apart only by certListType
    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list_type", core.Integer),
        ("cert_list", core.Any),
        ("create_date", core.GeneralizedTime),
        ("valid_start", core.GeneralizedTime),
        ("valid_end", core.GeneralizedTime),
    ]


class SealInfoV4(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("header", SESHeader),
        ("es_id", core.IA5String),
        ("property", PropertyInfoV4),
        ("picture", SESPictureInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class SESealV4(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("eseal_info", SealInfoV4),
        ("cert", core.OctetString),
        ("sign_alg_id", core.ObjectIdentifier),
        ("signed_value", core.OctetBitString),
    ]


class TBSSignV4(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("version", core.Integer),
        ("eseal", SESealV4),
        ("time_info", core.GeneralizedTime),
        ("data_hash", core.OctetBitString),
        ("property_info", core.IA5String),
        ("ext_datas", ExtensionDatas, {"explicit": 0, "optional": True}),
    ]


class SESignatureV4(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("to_sign", TBSSignV4),
        ("cert", core.OctetString),
        ("signature_alg_id", core.ObjectIdentifier),
        ("signature", core.OctetBitString),
        ("time_stamp", core.OctetBitString, {"explicit": 0, "optional": True}),
    ]


# -- GM/T 0031-2014 (v1) --


class PropertyInfoV1(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list", CertInfoList),
        ("create_date", core.UTCTime),
        ("valid_start", core.UTCTime),
        ("valid_end", core.UTCTime),
    ]


class SealInfoV1(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("header", SESHeader),
        ("es_id", core.IA5String),
        ("property", PropertyInfoV1),
        ("picture", SESPictureInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class SESignInfoV1(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("cert", core.OctetString),
        ("signature_algorithm", core.ObjectIdentifier),
        ("sign_data", core.OctetBitString),
    ]


class SESealV1(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("eseal_info", SealInfoV1),
        ("sign_info", SESignInfoV1),
    ]


class SealSignRangeV1(core.Sequence):  # type: ignore[misc]
    """What the maker signs in a GM/T 0031 seal: seal info, maker certificate, algorithm."""

    _fields = [
        ("eseal_info", SealInfoV1),
        ("cert", core.OctetString),
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class TBSSignV1(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("version", core.Integer),
        ("eseal", SESealV1),
        ("time_info", core.OctetBitString),
        ("data_hash", core.OctetBitString),
        ("property_info", core.IA5String),
        ("cert", core.OctetString),
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class SESignatureV1(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("to_sign", TBSSignV1),
        ("signature", core.OctetBitString),
    ]


def seal_shape(seal: tlv.Element) -> int:
    """``V4`` or ``V1`` from the structure of an SESeal: ``{info, cert, algorithm, value}`` or
    ``{info, signInfo{cert, algorithm, value}}``."""
    items = seal.children() if seal.is_(tlv.SEQUENCE) else ()
    if items and items[0].is_(tlv.SEQUENCE):
        if len(items) >= 4 and items[1].is_(tlv.OCTET_STRING) and items[2].is_(tlv.OID):
            return V4
        if len(items) == 2 and items[1].is_(tlv.SEQUENCE):
            return V1
    raise SealError("not an electronic seal (SESeal) of GB/T 38540 or GM/T 0031 structure")


def signature_shape(signature: tlv.Element) -> int:
    """``V4`` or ``V1`` from the structure of an SES_Signature: ``{toSign, cert, algorithm,
    value, [0] timeStamp}`` or ``{toSign, value}``."""
    items = signature.children() if signature.is_(tlv.SEQUENCE) else ()
    if items and items[0].is_(tlv.SEQUENCE):
        if len(items) >= 4 and items[1].is_(tlv.OCTET_STRING) and items[2].is_(tlv.OID):
            return V4
        if len(items) == 2 and items[1].cls == tlv.UNIVERSAL and items[1].tag in (3, 4):
            return V1
    raise SealError("not a seal signature (SES_Signature) of GB/T 38540 or GM/T 0031 structure")


def seal_version(seal_der: bytes) -> int:
    """``V4`` (GB/T 38540) or ``V1`` (GM/T 0031) for a DER SESeal, from its structure; the
    header must identify an electronic seal (``ES``)."""
    seal = tlv.read(seal_der)
    version = seal_shape(seal)
    try:
        ident = seal.child(0).child(0).child(0).text()
    except SealError as exc:
        raise SealError(f"not an electronic seal (SESeal): {exc}") from exc
    if ident != "ES":
        raise SealError(f"seal header ID is {ident!r}, expected 'ES'")
    return version


_T = TypeVar("_T", bound=core.Sequence)


def _parse(cls: type[_T], der: bytes, what: str) -> _T:
    """Load ``der`` as ``cls`` and force a full parse (asn1crypto parses lazily)."""
    try:
        value: _T = cls.load(der, strict=True)
        value.native  # noqa: B018 - walks every field, so malformed content fails here
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise SealError(f"malformed {what}: {exc}") from exc
    return value


def load_seal(seal_der: bytes) -> SESealV4 | SESealV1:
    """Parse a DER SESeal (``Seal.esl``) of the generation its structure shows."""
    if seal_version(seal_der) == V4:
        return _parse(SESealV4, seal_der, "GB/T 38540 seal")
    return _parse(SESealV1, seal_der, "GM/T 0031 seal")


def load_signature(der: bytes) -> SESignatureV4 | SESignatureV1:
    """Parse a DER SES_Signature (``SignedValue.dat``) of the generation its structure shows."""
    if signature_shape(tlv.read(der)) == V4:
        return _parse(SESignatureV4, der, "GB/T 38540 seal signature")
    return _parse(SESignatureV1, der, "GM/T 0031 seal signature")
