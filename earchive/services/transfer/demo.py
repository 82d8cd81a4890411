"""The demo's transfer: a few archives of one 立档单位 packed for the bureau the way a real run
goes — YJ checks, the review items the run finds signed off by the demo archivist with a stated
reason, the package signed with the unit's certificate — then verified as the bureau would
(``transfer.receiver`` against the trust roots, nothing ingested).

Reads the archive; writes the package under ``<home>/transfers/`` and its copy in ``dest``, the
sign-off and transfer events. Raises what ``run_transfer`` raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from earchive.core.archive import Archive
from earchive.services.transfer.sender import (
    Sent,
    SignOffNeededError,
    group_by_unit,
    run_transfer,
)
from earchive.services.transfer.signoff import ReviewItem, sign_off
from transfer import Receipt, SenderTrust, receive

__all__ = ["DEMO_REASON", "DemoTransfer", "demo_transfer"]

#: why the demo's archivist lets the review items go (a real archivist writes their own)
DEMO_REASON = (
    "演示环境：未配置病毒扫描引擎，文件已由终端防护扫描；签章可信性以演示 CA 为根，已人工核对"
)


@dataclass(frozen=True)
class DemoTransfer:
    sent: Sent
    signed_off: tuple[tuple[str, tuple[ReviewItem, ...]], ...]  # archive id, items confirmed
    verified: Receipt  # the bureau's verdict on the package (unsigned, nothing ingested)


def demo_transfer(archive: Archive, dest: Path, most: int = 3) -> DemoTransfer | None:
    """Transfer up to ``most`` archives of the unit holding the most to ``dest`` (None when the
    archive is empty)."""
    ids = sorted(r.id for r in archive.catalog.iter_archives())
    if not ids:
        return None
    unit: Sequence[str] = max(group_by_unit(archive, ids).values(), key=len)[:most]
    signed: tuple[tuple[str, tuple[ReviewItem, ...]], ...] = ()
    try:
        sent = run_transfer(archive, dest, unit, preparer="demo-archivist")
    except SignOffNeededError as exc:
        sign_off(archive, "demo-archivist", DEMO_REASON, batch_id=exc.batch_id)
        signed = tuple((i, tuple(items)) for i, items in exc.needs)
        sent = run_transfer(archive, dest, unit, preparer="demo-archivist")
    package = Path(sent.delivery.target)
    verdict = receive(
        package, SenderTrust(archive.trust_roots()), receiver="演示档案馆", clock=archive.clock
    )
    return DemoTransfer(sent, signed, verdict)
