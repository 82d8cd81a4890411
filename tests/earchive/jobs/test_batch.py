"""A batch as a job: each item's outcome kept (one failing item does not stop the rest), the
count done readable while it runs, from the catalog (another worker's board sees it too)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from earchive.auth import Permission
from earchive.core.archive import Archive
from earchive.jobs.batch import submit_batch
from earchive.jobs.board import JobBoard
from earchive.settings import Settings


def test_progress_is_seen_while_the_batch_runs(tmp_path: Path) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    clock = lambda: datetime(2026, 6, 1, tzinfo=UTC)  # noqa: E731
    board = JobBoard(clock, archive.engine, archive.writer)
    reader = JobBoard(clock, archive.engine, archive.writer)  # another worker's view
    gates = {item: threading.Event() for item in ("a", "b", "c")}

    def step(item: str) -> dict[str, object]:
        gates[item].wait(10)
        if item == "b":
            raise ValueError("b cannot be done")
        return {"seen": item.upper()}

    try:
        job = submit_batch(
            board, "batch_test", "agent:x", Permission.RUN_CHECKS, list(gates), step,
            lambda outcomes: {"closed": len(outcomes)},
        )  # fmt: skip
        gates["a"].set()
        deadline = time.monotonic() + 10
        while (reader.get(job.id).result or {}).get("progress") != {"done": 1, "total": 3}:
            assert time.monotonic() < deadline, reader.get(job.id)
            time.sleep(0.02)
        assert reader.get(job.id).status == "running"
        gates["b"].set()
        gates["c"].set()
        done = reader.get(job.id, wait=10)
        assert done.status == "done"
        assert done.result == {
            "items": [
                {"id": "a", "ok": True, "seen": "A"},
                {"id": "b", "ok": False, "error": "b cannot be done"},
                {"id": "c", "ok": True, "seen": "C"},
            ],
            "done": 3,
            "failed": 1,
            "closed": 3,
        }
    finally:
        for gate in gates.values():
            gate.set()
        board.close()
