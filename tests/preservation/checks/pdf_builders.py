"""Generated PDFs for the signature and PDF/A tests: one builder per class of real document.

Signatures: a root and a signer made here (ECDSA P-256), a one-page PDF with a text field,
signing (approval or certification), form filling and page swapping in incremental updates,
bytes appended after the last revision. PDF/A: a conforming blank page from ``pikepdf.pdfa``,
its XMP packet replaced by one of ours, its header broken.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache

import pikepdf
import pikepdf.pdfa
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from reportlab.pdfgen import canvas

__all__ = [
    "MOMENT",
    "Pki",
    "append_after_last_revision",
    "broken_binary_comment",
    "document_timestamp",
    "fill_field",
    "form_pdf",
    "pdfa_blank",
    "pki",
    "sign",
    "swap_first_page",
    "with_xmp",
]

MOMENT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
_START, _END = dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2040, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Pki:
    root: asn1_x509.Certificate
    signer: signers.SimpleSigner
    timestamper: timestamps.DummyTimeStamper


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    issuer: str,
    signing_key: object,
    ca: bool,
    tsa: bool = False,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_START)
        .not_valid_after(_END)
        .add_extension(_usage(ca), critical=True)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if tsa:
        usage = x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING])
        builder = builder.add_extension(usage, critical=True)
    return builder.sign(signing_key, hashes.SHA256())  # type: ignore[arg-type]


def _pkcs8(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def _der(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@cache
def pki() -> Pki:
    """A root (to put in a trust store or not), a signer and a time-stamping unit it certifies."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate("Test root", root_key, "Test root", root_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("Test signer", key, "Test root", root_key, ca=False)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the dummy TSA is RSA
    tsa = _certificate("Test TSA", tsa_key, "Test root", root_key, ca=False, tsa=True)
    signer = signers.SimpleSigner(
        signing_cert=_der(leaf), signing_key=_pkcs8(key), cert_registry=None
    )
    stamper = timestamps.DummyTimeStamper(tsa_cert=_der(tsa), tsa_key=_pkcs8(tsa_key))
    return Pki(_der(root), signer, stamper)


@cache
def form_pdf() -> bytes:
    """One page with text and an empty text field ``Remark``."""
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, "Application form")
    page.acroForm.textfield(name="Remark", x=72, y=600, width=200, height=20, value="")
    page.showPage()
    page.save()
    return buf.getvalue()


def sign(
    data: bytes, field: str, certify: fields.MDPPerm | None = None, timestamped: bool = False
) -> bytes:
    """``data`` signed in an incremental update (a certification signature with ``certify``,
    a signature time-stamp with ``timestamped``)."""
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        certify=certify is not None,
        docmdp_permissions=certify or fields.MDPPerm.FILL_FORMS,
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stamper = pki().timestamper if timestamped else None
    signers.sign_pdf(writer, meta, signer=pki().signer, timestamper=stamper, output=out)
    return out.getvalue()


def document_timestamp(data: bytes) -> bytes:
    """A PAdES-LTA document time-stamp added in an incremental update."""
    out = io.BytesIO()
    stamper = signers.PdfTimeStamper(pki().timestamper)
    stamper.timestamp_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), "sha256", output=out)
    return out.getvalue()


def fill_field(data: bytes, name: str, value: str) -> bytes:
    """An incremental update that sets the value of the text field ``name``."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") == name:
            field[generic.pdf_name("/V")] = generic.pdf_string(value)
            writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def swap_first_page(data: bytes) -> bytes:
    """An incremental update that replaces page 1's content after signing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    forged = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (FORGED PAGE) Tj ET")
    page[generic.pdf_name("/Contents")] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def append_after_last_revision(data: bytes) -> bytes:
    """Bytes after the last %%EOF: part of no revision, so covered by no signature."""
    return data + b"\n% appended after signing, outside any revision\n"


@cache
def pdfa_blank(flavour: str) -> bytes:
    """A blank page written by ``pikepdf.pdfa`` as conforming PDF/A-``flavour``."""
    with pikepdf.Pdf.new() as pdf:
        pdf.add_blank_page()
        out = io.BytesIO()
        pikepdf.pdfa.save(pdf, out, flavour)
        return out.getvalue()


_PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 pdfaid:part="{part}" pdfaid:conformance="B"/>
{descriptions}
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def with_xmp(flavour: str, descriptions: str) -> bytes:
    """The conforming blank page with our XMP packet (identification plus ``descriptions``)."""
    with pikepdf.open(io.BytesIO(pdfa_blank(flavour))) as pdf:
        packet = _PACKET.format(part=flavour[0], descriptions=descriptions).encode("utf-8")
        pdf.Root.Metadata = pdf.make_stream(
            packet, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
        )
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]  # nothing for the Info/XMP agreement rules to compare
        out = io.BytesIO()
        pdf.save(out, **pikepdf.pdfa.resolve_save_kwargs(flavour))
        return out.getvalue()


def broken_binary_comment(data: bytes) -> bytes:
    """The header's binary comment made ASCII (ISO 19005 6.1.2-2)."""
    header_end = data.index(b"\n") + 1
    comment_end = data.index(b"\n", header_end)
    return data[:header_end] + b"%" + b"abcd"[: comment_end - header_end - 1] + data[comment_end:]
