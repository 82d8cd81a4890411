"""The demo's 四性 pass: GD checks on every archive, on all cores, summarised per property.

Reads: the catalog and storage through ``Archive``. Writes: each check run (catalog + event log),
like ``earchive check``. The summary counts every finding's status per DA/T 70 property.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from earchive.core.archive import Archive
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from earchive.settings import Settings
from standards.finding import Status

PROPERTIES = {
    "1": "真实性 authenticity",
    "2": "完整性 integrity",
    "3": "可用性 usability",
    "4": "安全性 security",
}

_WORKER: dict[str, Archive] = {}


def _init(settings: Settings) -> None:
    _WORKER["archive"] = Archive(settings)


def _check(archive_id: str) -> Counter[tuple[str, str]]:
    archive = _WORKER["archive"]
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    run = check_archive(archive, archive_id, "gd", options)
    counts: Counter[tuple[str, str]] = Counter()
    for result in run.results:
        prop = result.item.split("-")[1]  # GD-<property>-<indicator>-<item>
        counts[(prop, result.finding.status.value)] += 1
    return counts


def check_everything(
    archive: Archive, workers: int, on_done: Callable[[], None] | None = None
) -> Counter[tuple[str, str]]:
    """GD checks on every archive; returns (property, status) → number of findings."""
    ids = [record.id for record in archive.catalog.iter_archives()]
    total: Counter[tuple[str, str]] = Counter()
    archive.engine.dispose()
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=fork,
        initializer=_init,
        initargs=(archive.settings,),
    ) as pool:
        for counts in pool.map(_check, ids):
            total.update(counts)
            if on_done is not None:
                on_done()
    return total


def summary_rows(counts: Counter[tuple[str, str]]) -> list[list[str]]:
    """One row per property: the count of each status, in the order of ``Status``."""
    return [
        [label, *(str(counts.get((prop, s.value), 0)) for s in Status)]
        for prop, label in PROPERTIES.items()
    ]
