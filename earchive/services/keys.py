"""Importing the signing identities of the archive and its 立档单位: a CA-issued certificate
with its private key, from PEM files or a PKCS#12 bundle (``earchive keys import``).

PKCS#12 bundles are opened with the ``openssl`` command (SM2 keys in PKCS#12 are beyond the
Python libraries here); the bundle's password comes from an environment variable, never from the
command line. The checks and the encrypted storage are ``earchive.core.keyring``'s.
Raises ``ConfigurationError``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from asn1crypto import pem

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.core.keyring import IdentityInfo
from package.aip import ARCHIVAL_PATH
from package.errors import MetadataError
from package.metadata import read_archival_metadata
from preservation.events import Event

__all__ = ["import_identity", "read_pkcs12", "unit_names"]


def read_pkcs12(bundle: Path, password: str) -> tuple[bytes, bytes]:
    """(certificates PEM, private key PEM) of a PKCS#12 bundle."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise ConfigurationError("reading a PKCS#12 bundle needs the openssl command")
    env = {**os.environ, "EARCHIVE_P12_PASSWORD": password}
    for extra in ([], ["-legacy"]):
        proc = subprocess.run(
            [
                openssl,
                "pkcs12",
                "-in",
                str(bundle),
                "-nodes",
                "-passin",
                "env:EARCHIVE_P12_PASSWORD",
                *extra,
            ],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        if proc.returncode == 0:
            break
    else:
        raise ConfigurationError(
            f"cannot open {bundle.name}: {proc.stderr.decode(errors='replace').strip()[:300]}"
        )
    blocks = list(pem.unarmor(proc.stdout, multiple=True))
    certs = b"".join(bytes(pem.armor(k, der)) for k, _, der in blocks if k == "CERTIFICATE")
    keys = [bytes(pem.armor(k, der)) for k, _, der in blocks if k == "PRIVATE KEY"]
    if not certs or len(keys) != 1:
        raise ConfigurationError(f"{bundle.name} holds no certificate or not exactly one key")
    return certs, keys[0]


def import_identity(
    archive: Archive, owner: str, certificates: bytes, private_key_pem: bytes, actor: str
) -> IdentityInfo:
    """Check and store ``owner``'s identity (``archive`` or a 全宗号); logged as a ``keys``
    event naming the certificate, never the key."""
    info = archive.keyring.import_identity(owner, certificates, private_key_pem, archive.clock())
    archive.events.record(
        Event(
            actor,
            "keys",
            owner,
            "imported",
            archive.clock(),
            {
                "subject": info.subject,
                "issuer": info.issuer,
                "serial": str(info.serial),
                "not_after": info.not_after.isoformat(),
            },
        )
    )
    return info


def unit_names(archive: Archive) -> dict[str, str]:
    """全宗号 → the 立档单位's name, as the archived metadata gives it (one archive each)."""
    first: dict[str, str] = {}
    for record in archive.catalog.iter_archives():
        first.setdefault(record.fonds_identifier, record.id)
    names: dict[str, str] = {}
    for fonds, archive_id in sorted(first.items()):
        with archive.open_file(archive_id, ARCHIVAL_PATH) as fp:
            try:
                names[fonds] = str(read_archival_metadata(fp.read()).get("fonds_name") or fonds)
            except MetadataError:
                names[fonds] = fonds
    return names
