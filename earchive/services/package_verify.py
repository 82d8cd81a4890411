"""Offline verification of whatever package ``earchive verify`` is given: a BagIt export of an
AIP (``package.verify``), one DA/T 48 EEP file (``transfer.verify_eep``: schema, 电子签名, 锁定签名,
every document digest) or a whole transfer package folder (``transfer.receiver``: the signatures
over the manifest and the 登记表 — by a certificate that chains to a trust root and names the
移交单位, or by the sender's agreed key — every file digest, the 登记表's sheet and totals,
文件目录 and each EEP).

Reads the package; writes nothing. Raises ``NeedsKeyError`` for a transfer package verified
with neither a trust root nor the sender's key (its signer cannot be judged otherwise).
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
    path: Path,
    trusted_key_pem: str | None,
    trust_roots: Sequence[bytes] = (),
    *,
    legacy: bool = False,
) -> tuple[Finding, ...]:
    """Every finding on the package at ``path`` (see the module docstring for the forms);
    ``legacy`` also reads transfer packages of the layout before 档发〔2012〕7号."""
    if path.is_file() and path.name.endswith(EEP_SUFFIX):
        from transfer import verify_eep

        return tuple(verify_eep(path, trusted_key_pem, trust_roots=trust_roots, legacy=legacy))
    if _is_transfer_package(path):
        if trusted_key_pem is None and not trust_roots:
            raise NeedsKeyError(
                "a transfer package's signer is judged by the CA that certifies the 移交单位 "
                "(--trust-root) or the sender's agreed key (--trusted-key)"
            )
        from transfer import SenderTrust, receive

        trust = SenderTrust(tuple(trust_roots), trusted_key_pem)
        receipt = receive(
            path, trust, receiver="verify", clock=lambda: datetime.now(UTC), legacy=legacy
        )
        return receipt.findings + tuple(f for item in receipt.items for f in item.findings)
    from package.verify import verify_package

    return verify_package(path, trusted_key_pem, trust_roots)
