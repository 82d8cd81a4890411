"""A test seal authority: an ECDSA P-256 root CA, one seal certificate per department, and
PAdES signing with a visible seal.

Reads/writes ``<trust_dir>/seal-root.pem`` (the trust root the archive is told about) and
``<trust_dir>/seal-root-key.pem`` (its private key, test use only), reusing both when present so
reruns keep one root. Department keys are fresh each run. Keys and signatures are not
reproducible from a seed; everything else the generator writes is.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from preservation.fonts import CjkFont

from .pdfwriter import SealBox
from .seal_image import draw_seal

__all__ = ["DepartmentKey", "PdfSealer", "SealAuthority", "SealAuthorityError", "open_authority"]

ROOT_NAME = "earchive 测试电子印章根CA"
ROOT_FILE = "seal-root.pem"
ROOT_KEY_FILE = "seal-root-key.pem"
ROOT_VALID = (datetime(2015, 1, 1, tzinfo=UTC), datetime(2045, 1, 1, tzinfo=UTC))
SIGNER_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
SIGNER_YEARS = 10
RESERVED = 4096  # fixed room for the CMS blob, so a signed file's size does not vary by run


class SealAuthorityError(RuntimeError):
    """The trust directory holds an unusable root, or signing failed."""


@dataclass(frozen=True)
class DepartmentKey:
    """A department's seal certificate and private key (PEM)."""

    department: str
    cert_pem: bytes
    key_pem: bytes


@dataclass(frozen=True)
class SealAuthority:
    """The root certificate (and where it was written) plus the department keys."""

    root_pem: bytes
    root_path: Path
    departments: tuple[DepartmentKey, ...]

    def key_for(self, department: str) -> DepartmentKey:
        for key in self.departments:
            if key.department == department:
                return key
        raise SealAuthorityError(f"no seal certificate for department {department!r}")


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _create_root(trust_dir: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(ROOT_NAME, "earchive 测试电子印章系统")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ROOT_VALID[0])
        .not_valid_after(ROOT_VALID[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    trust_dir.mkdir(parents=True, exist_ok=True)
    key_path = trust_dir / ROOT_KEY_FILE
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fp:
        fp.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    (trust_dir / ROOT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _load_root(trust_dir: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        cert = x509.load_pem_x509_certificate((trust_dir / ROOT_FILE).read_bytes())
        key = serialization.load_pem_private_key((trust_dir / ROOT_KEY_FILE).read_bytes(), None)
    except (OSError, ValueError) as exc:
        raise SealAuthorityError(f"cannot load the seal root from {trust_dir}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SealAuthorityError(f"{trust_dir / ROOT_KEY_FILE} is not an EC private key")
    return cert, key


def _issue(
    root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey, department: str, now: datetime
) -> DepartmentKey:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{department}电子印章", department))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(SIGNER_NOT_BEFORE)
        .not_valid_after(min(now + timedelta(days=365 * SIGNER_YEARS), ROOT_VALID[1]))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return DepartmentKey(
        department=department,
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def open_authority(
    trust_dir: Path, departments: Iterable[str], now: datetime | None = None
) -> SealAuthority:
    """Load (or create) the root in ``trust_dir`` and issue one seal certificate per department."""
    now = now or datetime.now(UTC)
    if (trust_dir / ROOT_FILE).exists():
        root, root_key = _load_root(trust_dir)
    else:
        root, root_key = _create_root(trust_dir)
    keys = tuple(_issue(root, root_key, d, now) for d in sorted(set(departments)))
    return SealAuthority(
        root_pem=root.public_bytes(serialization.Encoding.PEM),
        root_path=trust_dir / ROOT_FILE,
        departments=keys,
    )


def _der(pem: bytes) -> bytes:
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    return base64.b64decode(body)


class _DatedPdfSigner(signers.PdfSigner):
    """A ``PdfSigner`` whose claimed signing time (CMS signingTime, /M) is given, not 'now'."""

    def __init__(self, *args: Any, signing_time: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


@dataclass
class PdfSealer:
    """Signs PDFs as a department, with that department's seal picture as the appearance.

    Holds per-process caches (signers, seal pictures); create one per worker, not per file.
    """

    authority: SealAuthority
    font: CjkFont
    _signers: dict[str, signers.SimpleSigner] = field(default_factory=dict)
    _seals: dict[str, Image.Image] = field(default_factory=dict)

    def _signer(self, department: str) -> signers.SimpleSigner:
        if department not in self._signers:
            key = self.authority.key_for(department)
            root = asn1_x509.Certificate.load(_der(self.authority.root_pem))
            registry = SimpleCertificateStore.from_certs([root])  # type: ignore[no-untyped-call]
            self._signers[department] = signers.SimpleSigner(
                signing_cert=asn1_x509.Certificate.load(_der(key.cert_pem)),
                signing_key=asn1_keys.PrivateKeyInfo.load(_der(key.key_pem)),
                cert_registry=registry,
            )
        return self._signers[department]

    def _seal(self, department: str) -> Image.Image:
        if department not in self._seals:
            self._seals[department] = draw_seal(self.font, department)
        return self._seals[department]

    def sign(
        self, pdf: bytes, department: str, where: SealBox, reason: str, when: datetime
    ) -> bytes:
        """The PDF with one PAdES signature over the whole file, shown as the seal, claiming
        signing time ``when`` (the time the document was issued)."""
        meta = signers.PdfSignatureMetadata(
            field_name="Seal1",
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason,
            location="上海市浦江区",
            name=department,
        )
        style = StaticStampStyle(
            background=PdfImage(self._seal(department)), border_width=0, background_opacity=1.0
        )
        box = tuple(round(v) for v in where.box)
        spec = fields.SigFieldSpec("Seal1", on_page=where.page, box=box)  # type: ignore[arg-type]
        out = io.BytesIO()
        try:
            _DatedPdfSigner(
                meta,
                signer=self._signer(department),
                stamp_style=style,
                new_field_spec=spec,
                signing_time=when,
            ).sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out, bytes_reserved=RESERVED
            )
        except Exception as exc:  # pyHanko raises several unrelated types
            raise SealAuthorityError(f"signing as {department} failed: {exc}") from exc
        return out.getvalue()
