"""A test certificate authority for the archive and its 立档单位 (units), SM2-with-SM3: the
demo and the tests import each unit's certificate and key the way an administrator imports a
real CA's (``earchive keys import``).

Reads/writes ``<trust_dir>/unit-root-sm2.pem`` (the trust root for signatures that name a unit)
and ``<trust_dir>/unit-root-sm2-key.pem`` (its key, test use only), reused when present; unit
keys are fresh each time. Raises ``SealAuthorityError``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import pem

from package.errors import PackageError
from package.signature import SM2_WITH_SM3, generate_key, load_signer

from .seal_authority import SealAuthorityError
from .sm2_authority import fixed_length, issue_certificate

__all__ = ["UNIT_ROOT_FILE", "UNIT_ROOT_NAME", "UnitCertificate", "issue_unit", "unit_root"]

UNIT_ROOT_NAME = "earchive 测试电子档案签名根CA (SM2)"
UNIT_ROOT_FILE = "unit-root-sm2.pem"
UNIT_ROOT_KEY_FILE = "unit-root-sm2-key.pem"
ROOT_VALID = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2049, 12, 31, tzinfo=UTC))


@dataclass(frozen=True)
class UnitCertificate:
    """A unit's certificate chain (PEM, the unit's first, then the root) and its key (PEM)."""

    chain_pem: bytes
    key_pem: bytes


def _spki(public_key_pem: str) -> bytes:
    return bytes(pem.unarmor(public_key_pem.encode("ascii"))[2])


def _new_key(scratch: Path) -> bytes:
    return generate_key(scratch, SM2_WITH_SM3).read_bytes()


def unit_root(trust_dir: Path) -> Path:
    """The root certificate file in ``trust_dir``, created (with its key) when absent."""
    cert_path, key_path = trust_dir / UNIT_ROOT_FILE, trust_dir / UNIT_ROOT_KEY_FILE
    if cert_path.exists() and key_path.exists():
        return cert_path
    trust_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".unit-root-", dir=trust_dir) as tmp:
            key_path.write_bytes(_new_key(Path(tmp)))
        key_path.chmod(0o600)
        signer = load_signer(key_path)
        name = (UNIT_ROOT_NAME, "earchive 测试认证机构")
        der = issue_certificate(
            subject=name,
            subject_spki=_spki(signer.public_key_pem),
            issuer=name,
            issuer_spki=_spki(signer.public_key_pem),
            issuer_sign=fixed_length(signer.sign),
            not_before=ROOT_VALID[0],
            not_after=ROOT_VALID[1],
            ca=True,
        )
    except (OSError, PackageError) as exc:
        raise SealAuthorityError(f"cannot make the unit root in {trust_dir}: {exc}") from exc
    cert_path.write_bytes(bytes(pem.armor("CERTIFICATE", der)))
    return cert_path


def issue_unit(
    trust_dir: Path,
    unit_name: str,
    now: datetime,
    years: int = 5,
    not_before: datetime | None = None,
) -> UnitCertificate:
    """A certificate for ``unit_name`` (O = the unit, CN = its signing role) from the test root,
    valid from ``not_before`` (a day before ``now``) for ``years``."""
    root_path = unit_root(trust_dir)
    try:
        root_signer = load_signer(trust_dir / UNIT_ROOT_KEY_FILE)
        root_der = bytes(pem.unarmor(root_path.read_bytes())[2])
        with tempfile.TemporaryDirectory(prefix="earchive-unit-") as tmp:
            key_pem = _new_key(Path(tmp))
            unit_signer = load_signer(next(Path(tmp).glob("*.key")))
        start = not_before or now - timedelta(days=1)
        der = issue_certificate(
            subject=(f"{unit_name} 电子档案签名", unit_name),
            subject_spki=_spki(unit_signer.public_key_pem),
            issuer=(UNIT_ROOT_NAME, "earchive 测试认证机构"),
            issuer_spki=_spki(root_signer.public_key_pem),
            issuer_sign=fixed_length(root_signer.sign),
            not_before=start,
            not_after=min(start + timedelta(days=365 * years), ROOT_VALID[1]),
            ca=False,
        )
    except (OSError, PackageError, StopIteration) as exc:
        raise SealAuthorityError(f"cannot issue a certificate for {unit_name}: {exc}") from exc
    chain = bytes(pem.armor("CERTIFICATE", der)) + bytes(pem.armor("CERTIFICATE", root_der))
    return UnitCertificate(chain, key_pem)
