"""Offline verification of whatever package ``earchive verify`` is given: a BagIt export of an
AIP (``package.verify``), one DA/T 48 EEP file (``transfer.verify_eep``: schema, 电子签名, 锁定签名,
every document digest) or a whole transfer package folder (``transfer.receive``: the sender's
manifest signature, every file digest, the 登记表 digest sheet, 文件目录 and each EEP).

Reads the package; writes nothing. Raises ``NeedsKeyError`` for a transfer package verified
without the sender's key (its manifest signature cannot be judged otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from earchive.core.errors import NeedsKeyError
from standards.finding import Finding

__all__ = ["verify_any"]

EEP_SUFFIX = ".eep.xml"


def _is_transfer_package(path: Path) -> bool:
    from transfer.catalogue import CATALOGUE_NAME

    return path.is_dir() and (path / CATALOGUE_NAME).is_file()


def verify_any(
    path: Path, trusted_key_pem: str | None, trust_roots: Sequence[bytes] = ()
) -> tuple[Finding, ...]:
    """Every finding on the package at ``path`` (see the module docstring for the forms)."""
    if path.is_file() and path.name.endswith(EEP_SUFFIX):
        from transfer import verify_eep

        return tuple(verify_eep(path, trusted_key_pem))
    if _is_transfer_package(path):
        if trusted_key_pem is None:
            raise NeedsKeyError(
                "a transfer package is verified against the sender's key: give --trusted-key"
            )
        from transfer import receive

        receipt = receive(path, trusted_key_pem, receiver="verify", clock=lambda: datetime.now(UTC))
        return receipt.findings + tuple(f for item in receipt.items for f in item.findings)
    from package.verify import verify_package

    return verify_package(path, trusted_key_pem, trust_roots)
