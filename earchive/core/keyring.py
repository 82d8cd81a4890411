"""The signing identities of this archive: its own, and one per 立档单位 (by 全宗号).

An identity is an SM2 (or ECDSA) private key with the X.509 certificate chain that names its
holder, issued by a CA (``package.certificates.SigningIdentity``). An administrator imports it
(``earchive keys import``, from PEM files or a PKCS#12 bundle); the import checks that the key
belongs to the certificate and that the certificate is valid now, and shows its subject. Keys
are kept encrypted at rest — scrypt from ``EARCHIVE_KEY_PASSPHRASE``, AES-256-GCM — and are
never exported; the certificates lie beside them in PEM.

Layout under ``<home>/keys/``::

    identities/<owner>/certificates.pem   the chain, the holder's certificate first
    identities/<owner>/key.json           the encrypted PKCS#8 private key (mode 0600)
    identities/<owner>/retired/NNNN.pem   certificates of keys replaced by a later import (what
                                          they signed before stays the owner's)

``<owner>`` is ``archive`` for the archive itself or the 全宗号 of a 立档单位. Without an imported
identity the archive signs with its generated key (``Archive.signer``) and names nobody.
Reads/writes: those files. Raises ``ConfigurationError``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from earchive.core.errors import ConfigurationError
from package.certificates import Certificate, SigningIdentity, holder_name, load_certificate
from package.errors import CertificateError, KeyFormatError
from package.signature import Signer, signer_from_pem, verify

__all__ = ["ARCHIVE", "IdentityInfo", "Keyring"]

#: The owner name of the archive's own identity.
ARCHIVE = "archive"
_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_CHECK = b"earchive identity import self-test"
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


@dataclass(frozen=True)
class IdentityInfo:
    """What an imported identity is, as ``earchive keys list`` shows it (never the key)."""

    owner: str
    subject: str
    issuer: str
    serial: int
    not_before: datetime
    not_after: datetime
    algorithm: str
    chain: int  # certificates in the chain


def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passphrase.encode(), salt=salt, dklen=32, maxmem=64 << 20, **_SCRYPT)


def _seal(key_pem: bytes, passphrase: str, owner: str) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_derive(passphrase, salt)).encrypt(nonce, key_pem, owner.encode())
    body = {
        "format": "earchive-sealed-key-1",
        "kdf": {"name": "scrypt", **_SCRYPT, "salt": base64.b64encode(salt).decode()},
        "cipher": "AES-256-GCM",
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }
    return (json.dumps(body, indent=2) + "\n").encode()


def _open_sealed(data: bytes, passphrase: str, owner: str) -> bytes:
    try:
        body = json.loads(data)
        salt = base64.b64decode(body["kdf"]["salt"])
        nonce = base64.b64decode(body["nonce"])
        sealed = base64.b64decode(body["ciphertext"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"the sealed key of {owner!r} is damaged: {exc}") from exc
    try:
        return AESGCM(_derive(passphrase, salt)).decrypt(nonce, sealed, owner.encode())
    except InvalidTag as exc:
        raise ConfigurationError(
            f"the key of {owner!r} does not open with EARCHIVE_KEY_PASSPHRASE"
        ) from exc


def _chain(data: bytes) -> tuple[bytes, ...]:
    """DER certificates from PEM (one or more) or DER bytes."""
    if pem.detect(data):
        return tuple(
            der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"
        )
    return (data,)


class Keyring:
    """The identities under ``key_dir``; ``passphrase`` opens their keys (see the docstring)."""

    def __init__(self, key_dir: Path, passphrase: str) -> None:
        self.root = key_dir / "identities"
        self.passphrase = passphrase

    def _dir(self, owner: str) -> Path:
        if not _OWNER.match(owner):
            raise ConfigurationError(f"not an identity name (archive or a 全宗号): {owner!r}")
        return self.root / owner

    def owners(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "key.json").is_file())

    def import_identity(
        self, owner: str, certificates: bytes, private_key_pem: bytes, now: datetime
    ) -> IdentityInfo:
        """Check and store an identity: the key must belong to the first certificate, which must
        be valid ``now``; the chain's other certificates are kept as given."""
        if not self.passphrase:
            raise ConfigurationError("set EARCHIVE_KEY_PASSPHRASE: keys are kept encrypted")
        chain = _chain(certificates)
        if not chain:
            raise ConfigurationError("no certificate given")
        try:
            cert = load_certificate(chain[0])
            for extra in chain[1:]:
                load_certificate(extra)
            signer = signer_from_pem(private_key_pem)
        except (CertificateError, KeyFormatError) as exc:
            raise ConfigurationError(str(exc)) from exc
        if not verify(signer.algorithm, cert.public_key_pem, _CHECK, signer.sign(_CHECK)):
            raise ConfigurationError("the private key does not belong to the certificate")
        if not cert.valid_at(now):
            raise ConfigurationError(
                f"the certificate is not valid now ({cert.not_before:%Y-%m-%d} to "
                f"{cert.not_after:%Y-%m-%d})"
            )
        target = self._dir(owner)
        target.mkdir(parents=True, exist_ok=True)
        self._retire(target, cert)
        key_file = target / "key.json"
        tmp = target / ".key.json.tmp"
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_seal(private_key_pem, self.passphrase, owner))
        armored = b"".join(bytes(pem.armor("CERTIFICATE", der)) for der in chain)
        (target / "certificates.pem").write_bytes(armored)
        os.replace(tmp, key_file)
        return self._info(owner, chain, signer)

    @staticmethod
    def _retire(target: Path, new: Certificate) -> None:
        """Keep the certificates of a key being replaced (``retired/``): what it signed before
        still verifies as the owner's."""
        current = target / "certificates.pem"
        chain = _chain(current.read_bytes()) if current.is_file() else ()
        if not chain or load_certificate(chain[0]).public_key_pem == new.public_key_pem:
            return
        retired = target / "retired"
        retired.mkdir(exist_ok=True)
        (retired / f"{len(list(retired.glob('*.pem'))) + 1:04d}.pem").write_bytes(
            current.read_bytes()
        )

    def retired_keys(self, owner: str) -> tuple[str, ...]:
        """The public keys (PEM) ``owner`` signed with before its current one, oldest first."""
        folder = self._dir(owner) / "retired"
        keys = []
        for path in sorted(folder.glob("*.pem")) if folder.is_dir() else ():
            chain = _chain(path.read_bytes())
            if chain:
                keys.append(load_certificate(chain[0]).public_key_pem)
        return tuple(keys)

    def _info(self, owner: str, chain: tuple[bytes, ...], signer: Signer | None) -> IdentityInfo:
        cert: Certificate = load_certificate(chain[0])
        algorithm = signer.algorithm if signer is not None else cert.signature_algorithm
        return IdentityInfo(
            owner,
            cert.subject,
            cert.issuer,
            cert.serial,
            cert.not_before,
            cert.not_after,
            algorithm,
            len(chain),
        )

    def certificates(self, owner: str) -> tuple[bytes, ...]:
        """The certificate chain of ``owner`` (empty when none was imported)."""
        path = self._dir(owner) / "certificates.pem"
        return _chain(path.read_bytes()) if path.is_file() else ()

    def info(self, owner: str) -> IdentityInfo | None:
        chain = self.certificates(owner)
        return self._info(owner, chain, None) if chain else None

    def stamp(self, owner: str) -> int:
        """Changes whenever ``owner``'s identity is imported again (0: none): a cache key."""
        try:
            return (self._dir(owner) / "key.json").stat().st_mtime_ns
        except OSError:
            return 0

    def identity(self, owner: str) -> SigningIdentity | None:
        """The identity of ``owner`` with its key opened, or None when none was imported."""
        chain = self.certificates(owner)
        key_file = self._dir(owner) / "key.json"
        if not chain or not key_file.is_file():
            return None
        if not self.passphrase:
            raise ConfigurationError(
                f"set EARCHIVE_KEY_PASSPHRASE to sign as {owner!r} (its key is encrypted)"
            )
        try:
            signer = signer_from_pem(_open_sealed(key_file.read_bytes(), self.passphrase, owner))
            load_certificate(chain[0])
            name = holder_name(chain[0])
        except (KeyFormatError, CertificateError) as exc:
            raise ConfigurationError(f"the identity of {owner!r} is unusable: {exc}") from exc
        return SigningIdentity(signer, chain, name)
