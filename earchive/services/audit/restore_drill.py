"""The BC 3-4 restore drill: recover one archive from the replica into a scratch storage root.

Every file is copied with its SM3 and SHA-256 verified as it streams (``copy_object``); the
restored version must then equal the primary's, logical path by logical path. Nothing is written
to the primary or the replica. Reads: the replica and the primary. Writes: a temporary directory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from preservation.ocfl_root import OcflRoot
from preservation.restore import copy_object
from preservation.storage import FsStore
from standards.finding import Finding, Status
from standards.findings import make


def restore_drill(primary: OcflRoot, replica: OcflRoot, object_id: str) -> list[Finding]:
    """Findings of one drill: RESTORE_DRILL_OK, or RESTORE_DRILL_FAILED per problem."""
    with tempfile.TemporaryDirectory(prefix="earchive-drill-") as tmp:
        scratch = OcflRoot(FsStore(Path(tmp)))
        scratch.initialize()
        outcome = copy_object(replica, scratch, object_id, target_name="drill")
        failed = [
            make("RESTORE_DRILL_FAILED", path=f.path, reason=f.message)
            for f in outcome.findings
            if f.status is Status.FAIL
        ]
        if failed:
            return failed
        try:
            restored = scratch.version_state(object_id)
            expected = primary.version_state(object_id)
        except Exception as exc:
            return [make("RESTORE_DRILL_FAILED", path=object_id, reason=str(exc))]
        differ = sorted(
            p for p in set(restored) | set(expected) if restored.get(p) != expected.get(p)
        )
        if differ:
            return [
                make(
                    "RESTORE_DRILL_FAILED",
                    path=p,
                    reason="restored copy differs from the primary",
                    expected=expected.get(p, "absent"),
                    found=restored.get(p, "absent"),
                )
                for p in differ
            ]
        root = scratch.object_root(object_id)
        total = sum(scratch.store.size(f"{root}/{key}") for key in outcome.copied)
        count = str(len(restored))
        return [make("RESTORE_DRILL_OK", Status.PASS, files=count, bytes=str(total))]
