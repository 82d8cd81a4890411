"""The SM2 branch of the test seal authority: a seal-maker root CA, a seal maker (制章者)
certificate and one signer (签章者) certificate per department, all SM2-with-SM3.

Reads/writes ``<trust_dir>/seal-root-sm2.pem`` (the trust root for OFD seals) and
``<trust_dir>/seal-root-sm2-key.pem`` (its PKCS#8 private key, test use only), reusing both when
present. Maker and department keys are fresh each run. Certificates are built with asn1crypto and
signed with gmssl-pyx (package.signature's key format, so OpenSSL reads the key file too).
Raises ``SealAuthorityError``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gmssl_pyx
from asn1crypto import keys, pem, x509

from package.errors import PackageError
from package.signature import SM2_SIGNER_ID, SM2_WITH_SM3, generate_key, load_signer
from preservation.seals.ses import OID_SM2_WITH_SM3

from .seal_authority import ROOT_VALID, SIGNER_NOT_BEFORE, SIGNER_YEARS, SealAuthorityError

__all__ = [
    "SM2_ROOT_FILE",
    "SM2_ROOT_NAME",
    "Sm2Identity",
    "Sm2Key",
    "Sm2SealAuthority",
    "fixed_length",
    "issue_certificate",
    "issue_identities",
    "new_root",
    "open_sm2_authority",
]

SM2_ROOT_NAME = "earchive 测试电子印章制作根CA (SM2)"
SM2_ROOT_FILE = "seal-root-sm2.pem"
SM2_ROOT_KEY_FILE = "seal-root-sm2-key.pem"
MAKER_NAME = "earchive 测试电子印章制作系统"
_OID_SM2_CURVE = "1.2.156.10197.1.301"

SIGNATURE_BYTES = 72  # DER (r, s) with both halves 33 bytes long: one size for every signature
Sign = Callable[[bytes], bytes]


def fixed_length(sign: Sign) -> Sign:
    """``sign`` retried until the DER signature is ``SIGNATURE_BYTES`` long (SM2 signing is
    randomised; about one in four tries). Keeps the size of sealed sample files reproducible."""

    def signer(data: bytes) -> bytes:
        for _ in range(200):
            value = sign(data)
            if len(value) == SIGNATURE_BYTES:
                return value
        raise SealAuthorityError("no fixed-length SM2 signature after 200 tries")

    return signer


@dataclass(frozen=True)
class Sm2Key:
    """An SM2 key pair held in memory: 32-byte scalar and 64-byte public point X ‖ Y."""

    private: bytes = field(repr=False)
    point: bytes

    @classmethod
    def generate(cls) -> Sm2Key:
        point, private = gmssl_pyx.sm2_key_generate()
        return cls(bytes(private), bytes(point))

    def sign(self, data: bytes) -> bytes:
        """DER SM2 signature over SM3(Z ‖ data) with the default signer ID, always
        ``SIGNATURE_BYTES`` long."""
        return fixed_length(self._sign_once)(data)

    def _sign_once(self, data: bytes) -> bytes:
        return bytes(gmssl_pyx.sm2_sign(self.private, self.point, data, SM2_SIGNER_ID))

    @property
    def spki_der(self) -> bytes:
        return _spki(self.point)


@dataclass(frozen=True)
class Sm2Identity:
    """A certificate (DER) and the key that signs with it."""

    name: str
    cert_der: bytes
    key: Sm2Key


@dataclass(frozen=True)
class Sm2SealAuthority:
    """The SM2 root (and where it was written), the seal maker and the department signers."""

    root_der: bytes
    root_path: Path
    maker: Sm2Identity
    departments: tuple[Sm2Identity, ...]

    def signer_for(self, department: str) -> Sm2Identity:
        for identity in self.departments:
            if identity.name == department:
                return identity
        raise SealAuthorityError(f"no SM2 seal certificate for department {department!r}")


def _spki(point: bytes) -> bytes:
    params = keys.ECDomainParameters(name="named", value=_OID_SM2_CURVE)
    info = keys.PublicKeyInfo(
        {"algorithm": {"algorithm": "ec", "parameters": params}, "public_key": b"\x04" + point}
    )
    return bytes(info.dump())


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name.build(
        {"country_name": "CN", "organization_name": organization, "common_name": common_name}
    )


def _time(when: datetime) -> x509.Time:
    kind = "utc_time" if when.year < 2050 else "general_time"
    return x509.Time(name=kind, value=when.astimezone(UTC))


def _key_id(spki_der: bytes) -> bytes:
    bits = keys.PublicKeyInfo.load(spki_der)["public_key"].dump()
    return hashlib.sha1(bits, usedforsecurity=False).digest()  # RFC 5280 method 1


def _serial() -> int:
    """A random positive 15-byte serial whose DER length never varies."""
    return int.from_bytes(bytes([0x40 | secrets.randbelow(0x40)]) + secrets.token_bytes(14), "big")


def issue_certificate(
    *,
    subject: tuple[str, str],
    subject_spki: bytes,
    issuer: tuple[str, str],
    issuer_spki: bytes,
    issuer_sign: Sign,
    not_before: datetime,
    not_after: datetime,
    ca: bool,
) -> bytes:
    """A DER X.509 v3 certificate signed SM2-with-SM3; names are (common name, organization)."""
    usage = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature", "non_repudiation"}
    extensions = [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": ca}},
        {"extn_id": "key_usage", "critical": True, "extn_value": usage},
        {"extn_id": "key_identifier", "critical": False, "extn_value": _key_id(subject_spki)},
    ]
    if not ca or subject != issuer:
        extensions.append(
            {
                "extn_id": "authority_key_identifier",
                "critical": False,
                "extn_value": {"key_identifier": _key_id(issuer_spki)},
            }
        )
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": _serial(),
            "signature": {"algorithm": OID_SM2_WITH_SM3},
            "issuer": _name(*issuer),
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": _name(*subject),
            "subject_public_key_info": keys.PublicKeyInfo.load(subject_spki),
            "extensions": extensions,
        }
    )
    try:
        signature = issuer_sign(bytes(tbs.dump()))
    except (gmssl_pyx.GmsslInnerError, PackageError) as exc:
        raise SealAuthorityError(f"SM2 certificate signing failed: {exc}") from exc
    cert = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": OID_SM2_WITH_SM3},
            "signature_value": signature,
        }
    )
    return bytes(cert.dump())


def new_root(
    common_name: str = SM2_ROOT_NAME,
    valid: tuple[datetime, datetime] = ROOT_VALID,
) -> tuple[bytes, Sm2Key]:
    """A fresh self-signed SM2 root certificate (DER) and its key, kept in memory."""
    key = Sm2Key.generate()
    name = (common_name, "earchive 测试电子印章系统")
    der = issue_certificate(
        subject=name,
        subject_spki=key.spki_der,
        issuer=name,
        issuer_spki=key.spki_der,
        issuer_sign=key.sign,
        not_before=valid[0],
        not_after=valid[1],
        ca=True,
    )
    return der, key


def _load_or_create_root(trust_dir: Path) -> tuple[bytes, Sign, bytes]:
    """(root DER, its signing function, its SPKI DER), creating the files when absent."""
    cert_path, key_path = trust_dir / SM2_ROOT_FILE, trust_dir / SM2_ROOT_KEY_FILE
    try:
        if not cert_path.exists():
            trust_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".sm2-root-", dir=trust_dir))
            try:
                os.replace(generate_key(staging, SM2_WITH_SM3), key_path)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            signer = load_signer(key_path)
            spki = bytes(pem.unarmor(signer.public_key_pem.encode("ascii"))[2])
            name = (SM2_ROOT_NAME, "earchive 测试电子印章系统")
            der = issue_certificate(
                subject=name,
                subject_spki=spki,
                issuer=name,
                issuer_spki=spki,
                issuer_sign=fixed_length(signer.sign),
                not_before=ROOT_VALID[0],
                not_after=ROOT_VALID[1],
                ca=True,
            )
            cert_path.write_bytes(bytes(pem.armor("CERTIFICATE", der)))
        signer = load_signer(key_path)
        root_sign = fixed_length(signer.sign)
        der = bytes(pem.unarmor(cert_path.read_bytes())[2])
        spki = bytes(
            x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"].dump()
        )
    except (OSError, ValueError, PackageError) as exc:
        raise SealAuthorityError(f"cannot load the SM2 seal root from {trust_dir}: {exc}") from exc
    if spki != bytes(pem.unarmor(signer.public_key_pem.encode("ascii"))[2]):
        raise SealAuthorityError(f"{SM2_ROOT_KEY_FILE} does not belong to {SM2_ROOT_FILE}")
    return der, root_sign, spki


def _identity(
    name: tuple[str, str], root: tuple[bytes, Sign, bytes], not_after: datetime
) -> Sm2Identity:
    root_der, root_sign, root_spki = root
    root_cert = x509.Certificate.load(root_der)
    issuer = (
        str(root_cert.subject.native["common_name"]),
        str(root_cert.subject.native["organization_name"]),
    )
    key = Sm2Key.generate()
    der = issue_certificate(
        subject=name,
        subject_spki=key.spki_der,
        issuer=issuer,
        issuer_spki=root_spki,
        issuer_sign=root_sign,
        not_before=SIGNER_NOT_BEFORE,
        not_after=not_after,
        ca=False,
    )
    return Sm2Identity(name[1], der, key)


def _issue_all(
    root: tuple[bytes, Sign, bytes], names: Iterable[str], now: datetime
) -> tuple[Sm2Identity, tuple[Sm2Identity, ...]]:
    until = min(now + timedelta(days=365 * SIGNER_YEARS), ROOT_VALID[1])
    maker = _identity((f"{MAKER_NAME}制章者", MAKER_NAME), root, until)
    signers = tuple(_identity((f"{n}电子签章", n), root, until) for n in sorted(set(names)))
    return maker, signers


def issue_identities(
    root_der: bytes, root_key: Sm2Key, names: Iterable[str], now: datetime
) -> tuple[Sm2Identity, tuple[Sm2Identity, ...]]:
    """The maker and one signer per name, issued by an in-memory root (``new_root``)."""
    return _issue_all((root_der, root_key.sign, root_key.spki_der), names, now)


def open_sm2_authority(
    trust_dir: Path, departments: Iterable[str], now: datetime | None = None
) -> Sm2SealAuthority:
    """Load (or create) the SM2 root in ``trust_dir``; issue the maker and department certs."""
    root = _load_or_create_root(trust_dir)
    maker, signers = _issue_all(root, departments, now or datetime.now(UTC))
    return Sm2SealAuthority(root[0], trust_dir / SM2_ROOT_FILE, maker, signers)
