"""Two processes sealing the event log at once (e.g. two ingest runs ending together) must not
both write the same next version: sealing is serialised by an operation lock in the catalog."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from earchive.core.archive import Archive
from earchive.settings import Settings
from preservation.events import Event
from standards.finding import Status


def test_concurrent_sealers_each_seal_a_version_of_their_own(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    Archive(settings).init()
    archives = [Archive(settings) for _ in range(4)]  # as separate processes would hold them
    errors: list[BaseException] = []

    def seal_rounds(archive: Archive, barrier: threading.Barrier, worker: int) -> None:
        for round_ in range(5):
            archive.events.record(
                Event("test", "probe", f"worker-{worker}", str(round_), datetime.now(UTC), {})
            )
            barrier.wait()
            try:
                archive.seal_event_log()
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

    barrier = threading.Barrier(len(archives))
    threads = [
        threading.Thread(target=seal_rounds, args=(a, barrier, i)) for i, a in enumerate(archives)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    findings = Archive(settings).verify_event_log()
    assert [f for f in findings if f.status is Status.FAIL] == []
    assert "EVENT_LOG_UNSEALED" not in {f.code for f in findings}
