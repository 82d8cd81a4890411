"""OFD packages signed the ways real producers sign them, for the verifier's tests.

``forge_ofd`` writes a one-page licence and a ``Signature.xml`` over its parts, then asks
``signed_value(signature_xml)`` for the bytes of ``SignedValue.dat`` — a seal signature
(``seal_forge``), a GB/T 35275 SignedData (``cms_signed_data``, built by hand with asn1crypto:
OpenSSL 3.0 cannot make SM2 CMS) or a bare SM2 value. The package can use the pre-2016
namespace, root-relative FileRefs, line-wrapped Base64 and extra parts.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from asn1crypto import cms, x509
from seal_forge import Transform, der, octets, oid, seq

from samples.ofd import OFD_NS, OfdDocument, TextLine, document_parts, ofd_zip
from samples.sm2_authority import Sm2Identity

__all__ = [
    "GM_DATA",
    "GM_SIGNED_DATA",
    "SIGNATURE_XML",
    "cms_signed_data",
    "forge_ofd",
    "gbk_names",
    "sm3",
]

SIGN_DIR = "Doc_0/Signs/Sign_0"
SIGNATURE_XML = f"{SIGN_DIR}/Signature.xml"
GM_SIGNED_DATA = "1.2.156.10197.6.1.4.2.2"
GM_DATA = "1.2.156.10197.6.1.4.2.1"
SM3 = "1.2.156.10197.1.401"
SM2_SIGN = "1.2.156.10197.1.301.1"
LEGACY_NS = "http://www.ofdspec.org"


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def _document() -> dict[str, bytes]:
    doc = OfdDocument(
        doc_id="fedcba9876543210fedcba9876543210",
        title="不动产登记证明",
        author="上海市浦江区规划和自然资源局",
        created=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        lines=(
            TextLine("不动产登记证明", 70.0, 40.0, 9.0),
            TextLine("证明号：沪(2024)浦字第0012345号", 28.0, 70.0, 4.2),
        ),
    )
    return document_parts(doc, signed=True)


def _b64(data: bytes, wrap: bool) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i : i + 20] for i in range(0, len(text), 20)) if wrap else text


def _signature_xml(
    parts: Mapping[str, bytes],
    *,
    check_method: str,
    when: str,
    root_relative: bool,
    wrap: bool,
    seal: bool,
    signed_value_loc: str,
) -> bytes:
    refs = "".join(
        f'<ofd:Reference FileRef="{"" if root_relative else "/"}{name}">'
        f"<ofd:CheckValue>{_b64(sm3(data), wrap)}</ofd:CheckValue></ofd:Reference>"
        for name, data in sorted(parts.items())
    )
    seal_loc = f"<ofd:Seal><ofd:BaseLoc>/{SIGN_DIR}/Seal.esl</ofd:BaseLoc></ofd:Seal>"
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ofd:Signature xmlns:ofd="{OFD_NS}"><ofd:SignedInfo>'
        '<ofd:Provider ProviderName="forge" Version="1.0" Company="earchive tests"/>'
        "<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"
        f"<ofd:SignatureDateTime>{when}</ofd:SignatureDateTime>"
        f'<ofd:References CheckMethod="{check_method}">{refs}</ofd:References>'
        f"{seal_loc if seal else ''}</ofd:SignedInfo>"
        f"<ofd:SignedValue>{signed_value_loc}</ofd:SignedValue></ofd:Signature>"
    )
    return text.encode("utf-8")


def forge_ofd(
    signed_value: Callable[[bytes], bytes],
    *,
    sig_type: str = "Seal",
    seal_file: bytes | None = None,
    namespace: str = OFD_NS,
    check_method: str = SM3,
    when: str = "20240305093000Z",
    root_relative: bool = False,
    wrap_base64: bool = False,
    extra_parts: Mapping[str, bytes] | None = None,
    signed_value_loc: str = "SignedValue.dat",
) -> bytes:
    """An OFD package whose one signature's ``SignedValue.dat`` is
    ``signed_value(Signature.xml bytes)``."""
    parts = {**_document(), **(extra_parts or {})}
    if namespace != OFD_NS:
        parts = {
            name: data.replace(OFD_NS.encode(), namespace.encode())
            if name.endswith(".xml")
            else data
            for name, data in parts.items()
        }
    signature_xml = _signature_xml(
        parts,
        check_method=check_method,
        when=when,
        root_relative=root_relative,
        wrap=wrap_base64,
        seal=seal_file is not None,
        signed_value_loc=signed_value_loc,
    ).replace(OFD_NS.encode(), namespace.encode())
    listing = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ofd:Signatures xmlns:ofd="{namespace}"><ofd:MaxSignId>1</ofd:MaxSignId>'
        f'<ofd:Signature ID="1" Type="{sig_type}" BaseLoc="Sign_0/Signature.xml"/>'
        "</ofd:Signatures>"
    ).encode()
    signed = {
        **parts,
        "Doc_0/Signs/Signatures.xml": listing,
        SIGNATURE_XML: signature_xml,
        f"{SIGN_DIR}/SignedValue.dat": signed_value(signature_xml),
    }
    if seal_file is not None:
        signed[f"{SIGN_DIR}/Seal.esl"] = seal_file
    return ofd_zip(signed, datetime(2024, 3, 5, 9, 30, tzinfo=UTC))


def gbk_names(data: bytes) -> bytes:
    """The package with its non-ASCII entry names in GBK and without the UTF-8 flag, as
    producers on Chinese Windows write them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    swaps: dict[bytes, bytes] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, value) in enumerate(parts.items()):
            if name.isascii():
                archive.writestr(name, value)
                continue
            encoded = name.encode("gbk")
            placeholder = f"{index:0{len(encoded)}d}".encode("ascii")
            assert len(placeholder) == len(encoded) and placeholder not in data
            swaps[placeholder] = encoded
            archive.writestr(placeholder.decode("ascii"), value)
    written = out.getvalue()
    for placeholder, encoded in swaps.items():
        written = written.replace(placeholder, encoded)
    return written


def cms_signed_data(
    signer: Sm2Identity,
    signed: bytes,
    *,
    gm_oids: bool = True,
    signed_attrs: bool = True,
    embed: bytes | None = None,
    signing_time: datetime | None = datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
    include_cert: bool = True,
    value: Transform = bytes,
    message_digest: bytes | None = None,
) -> bytes:
    """A GB/T 35275 (``gm_oids``) or PKCS#7 SignedData by ``signer`` over ``signed`` (the
    bytes of Signature.xml), detached unless ``embed`` gives the encapsulated content."""
    cert = x509.Certificate.load(signer.cert_der)
    data_oid = GM_DATA if gm_oids else "1.2.840.113549.1.7.1"
    encap_der = seq(oid(data_oid), der(0xA0, octets(embed))) if embed else seq(oid(data_oid))
    encap = cms.ContentInfo.load(encap_der)
    content = embed if embed is not None else signed
    info: dict[str, object] = {
        "version": "v1",
        "sid": cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value={"issuer": cert.issuer, "serial_number": cert.serial_number},
        ),
        "digest_algorithm": {"algorithm": SM3},
        "signature_algorithm": {"algorithm": SM2_SIGN},
    }
    if signed_attrs:
        attrs = [
            {"type": "content_type", "values": [data_oid]},
            {"type": "message_digest", "values": [message_digest or sm3(content)]},
        ]
        if signing_time is not None:
            stamp = cms.Time(name="utc_time", value=signing_time)
            attrs.append({"type": "signing_time", "values": [stamp]})
        attributes = cms.CMSAttributes(attrs)
        to_sign = bytes(attributes.dump())
        info["signed_attrs"] = attributes
    else:
        to_sign = content
    info["signature"] = value(signer.key.sign(to_sign))
    fields: dict[str, object] = {
        "version": "v1",
        "digest_algorithms": [{"algorithm": SM3}],
        "encap_content_info": encap,
        "signer_infos": [info],
    }
    if include_cert:
        fields["certificates"] = [cert]
    body = cms.SignedData(fields)
    wrapper = GM_SIGNED_DATA if gm_oids else "1.2.840.113549.1.7.2"
    return der(0x30, oid(wrapper) + der(0xA0, bytes(body.dump())))
