"""One view of a seal signature, whatever its generation (GB/T 38540 v4 or GM/T 0031 v1).

``read_signature`` parses ``SignedValue.dat`` and returns what the checks need, including the
exact bytes each signature covers: DER(``TBS_Sign``) for the signer; DER(``SES_SealInfo``) (v4)
or DER(``SEQUENCE{esealInfo, cert, signatureAlgorithm}``) (v1) for the seal maker.
Reads/writes nothing. Raises ``SealError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import core

from . import ses
from .errors import SealError

__all__ = ["SealView", "SignatureView", "read_signature"]


@dataclass(frozen=True)
class SealView:
    """The seal (印章) inside a signature."""

    version: int  # ses.V4 or ses.V1
    header_version: int
    vendor: str
    es_id: str
    name: str
    seal_type: int
    cert_list_type: int
    certs: tuple[bytes, ...]  # signer certificates listed (certListType 1, or v1)
    cert_digests: tuple[tuple[str, bytes], ...]  # (hash algorithm name, digest), certListType 2
    created: datetime
    valid_start: datetime
    valid_end: datetime
    picture_type: str
    picture_mm: tuple[int, int]
    maker_cert: bytes
    maker_algorithm: str
    maker_signature: bytes
    maker_signed_data: bytes
    der: bytes


@dataclass(frozen=True)
class SignatureView:
    """The seal signature (签章): what was signed, by whom, when, with which seal."""

    version: int
    seal: SealView
    signing_time: datetime | None  # None when timeInfo cannot be read
    time_text: str
    data_hash: bytes
    property_info: str
    signer_cert: bytes
    algorithm: str
    signature: bytes
    signed_data: bytes
    has_timestamp: bool


def _cert_list(prop: ses.PropertyInfoV4) -> tuple[tuple[bytes, ...], tuple[tuple[str, bytes], ...]]:
    kind = int(prop["cert_list_type"].native)
    raw = bytes(prop["cert_list"].dump())
    try:
        if kind == ses.CERT_LIST_CERTS:
            return tuple(bytes(c) for c in ses.CertInfoList.load(raw).native), ()
        if kind == ses.CERT_LIST_DIGESTS:
            items = ses.CertDigestList.load(raw).native
            return (), tuple((str(i["type"]), bytes(i["value"])) for i in items)
    except (ValueError, TypeError) as exc:
        raise SealError(f"malformed seal certificate list: {exc}") from exc
    raise SealError(f"unknown seal certListType {kind}")


def _seal_v4(seal: ses.SESealV4) -> SealView:
    info = seal["eseal_info"]
    prop = info["property"]
    certs, digests = _cert_list(prop)
    return SealView(
        version=ses.V4,
        header_version=int(info["header"]["version"].native),
        vendor=str(info["header"]["vid"].native),
        es_id=str(info["es_id"].native),
        name=str(prop["name"].native),
        seal_type=int(prop["type"].native),
        cert_list_type=int(prop["cert_list_type"].native),
        certs=certs,
        cert_digests=digests,
        created=prop["create_date"].native,
        valid_start=prop["valid_start"].native,
        valid_end=prop["valid_end"].native,
        picture_type=str(info["picture"]["type"].native),
        picture_mm=(int(info["picture"]["width"].native), int(info["picture"]["height"].native)),
        maker_cert=bytes(seal["cert"].native),
        maker_algorithm=str(seal["sign_alg_id"].dotted),
        maker_signature=bytes(seal["signed_value"].native),
        maker_signed_data=bytes(info.dump()),
        der=bytes(seal.dump()),
    )


def _seal_v1(seal: ses.SESealV1) -> SealView:
    info = seal["eseal_info"]
    prop = info["property"]
    sign_info = seal["sign_info"]
    signed_range = ses.SealSignRangeV1(
        {
            "eseal_info": info,
            "cert": sign_info["cert"],
            "signature_algorithm": sign_info["signature_algorithm"],
        }
    )
    return SealView(
        version=ses.V1,
        header_version=int(info["header"]["version"].native),
        vendor=str(info["header"]["vid"].native),
        es_id=str(info["es_id"].native),
        name=str(prop["name"].native),
        seal_type=int(prop["type"].native),
        cert_list_type=ses.CERT_LIST_CERTS,
        certs=tuple(bytes(c) for c in prop["cert_list"].native),
        cert_digests=(),
        created=prop["create_date"].native,
        valid_start=prop["valid_start"].native,
        valid_end=prop["valid_end"].native,
        picture_type=str(info["picture"]["type"].native),
        picture_mm=(int(info["picture"]["width"].native), int(info["picture"]["height"].native)),
        maker_cert=bytes(sign_info["cert"].native),
        maker_algorithm=str(sign_info["signature_algorithm"].dotted),
        maker_signature=bytes(sign_info["sign_data"].native),
        maker_signed_data=bytes(signed_range.dump()),
        der=bytes(seal.dump()),
    )


def _v1_time(raw: bytes) -> tuple[datetime | None, str]:
    """GM/T 0031 timeInfo: a BIT STRING holding a UTCTime, as DER or as its ASCII text."""
    try:
        if raw[:1] in (b"\x17", b"\x18"):
            value = core.load(raw)
            return value.native, str(value.native)
        text = raw.decode("ascii").strip()
        for fmt in ("%y%m%d%H%M%SZ", "%Y%m%d%H%M%SZ", "%y%m%d%H%MZ"):
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=UTC), text
            except ValueError:
                continue
        return None, text
    except (ValueError, TypeError, UnicodeDecodeError):
        return None, raw.hex()


def read_signature(der: bytes) -> SignatureView:
    """Parse a DER SES_Signature of either generation; raises ``SealError``."""
    parsed = ses.load_signature(der)
    try:
        tbs = parsed["to_sign"]
        if isinstance(parsed, ses.SESignatureV4):
            when = tbs["time_info"].native
            return SignatureView(
                version=ses.V4,
                seal=_seal_v4(tbs["eseal"]),
                signing_time=when,
                time_text=when.isoformat(),
                data_hash=bytes(tbs["data_hash"].native),
                property_info=str(tbs["property_info"].native),
                signer_cert=bytes(parsed["cert"].native),
                algorithm=str(parsed["signature_alg_id"].dotted),
                signature=bytes(parsed["signature"].native),
                signed_data=bytes(tbs.dump()),
                has_timestamp=not isinstance(parsed["time_stamp"], core.Void),
            )
        when1, text = _v1_time(bytes(tbs["time_info"].native))
        return SignatureView(
            version=ses.V1,
            seal=_seal_v1(tbs["eseal"]),
            signing_time=when1,
            time_text=text,
            data_hash=bytes(tbs["data_hash"].native),
            property_info=str(tbs["property_info"].native),
            signer_cert=bytes(tbs["cert"].native),
            algorithm=str(tbs["signature_algorithm"].dotted),
            signature=bytes(parsed["signature"].native),
            signed_data=bytes(tbs.dump()),
            has_timestamp=False,
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise SealError(f"malformed seal signature: {exc}") from exc
