"""An ingest worker process hashes a package's files in its own thread: the pool of processes
already keeps every core busy, and threads there cost CPU (GIL hand-offs) for no time won."""

from __future__ import annotations

from pathlib import Path

from earchive.core import archive as archive_module
from earchive.core.archive import Archive
from earchive.settings import Settings


def test_worker_contexts_hash_without_threads(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    Archive(settings).init()
    archive_module._worker_init(settings)
    try:
        assert archive_module._WORKER["ctx"].file_threads == 1
    finally:
        archive_module._WORKER.clear()
    assert Archive(settings).context().file_threads == 2  # one process: threads use the cores
