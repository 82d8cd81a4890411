"""A long ingest run holds neither every result nor every pending task: the process pool is fed
through a bounded window (results still in input order), the batch is registered in parts and
the disposal-lock declarations are bounded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from earchive.core.archive import Archive, in_order
from earchive.services.checks.registration import BatchRegistrar
from earchive.settings import Settings
from preservation.checks import RunStore
from preservation.storage import DisposalLocks


def _square(n: int) -> int:
    return n * n


def test_in_order_keeps_input_order_and_bounds_what_is_in_flight() -> None:
    pulled = 0

    def numbers() -> Iterator[int]:
        nonlocal pulled
        for n in range(50):
            pulled += 1
            yield n

    seen = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        for got in in_order(pool, _square, numbers(), window=4):
            assert pulled - len(seen) <= 4  # never more than the window taken ahead
            seen.append(got)
    assert seen == [n * n for n in range(50)]


def _fresh_archive(tmp_path: Path, sample_cases: Path) -> tuple[Archive, Path]:
    """A new archive home and a copy of the sample cases (with their trust/ folder)."""
    cases = tmp_path / "cases"
    shutil.copytree(sample_cases, cases)
    archive = Archive(Settings(home=tmp_path / "home", trust_dir=cases / "trust"))
    archive.init()
    return archive, cases


def test_batch_registered_in_parts_with_every_accepted_archive(
    tmp_path: Path, sample_cases: Path
) -> None:
    archive, cases = _fresh_archive(tmp_path, sample_cases)
    assert archive.count_sources([cases]) == 12  # the trust/ folder is not a package
    registrar = BatchRegistrar(archive, batch_id="run-1", part=5)
    results = []
    for result in archive.ingest([cases], workers=2):
        results.append(result)
        registrar.add(result)
    assert registrar.close() == ["run-1-0001", "run-1-0002", "run-1-0003"]
    assert [Path(r.source).name for r in results] == sorted(p.name for p in cases.glob("*.zip"))
    forms = {f.batch_id: f for f in RunStore(archive.engine).forms()}
    assert [len(forms[b].entries) for b in ("run-1-0001", "run-1-0002", "run-1-0003")] == [5, 5, 2]
    registered = {e.archive_id for f in forms.values() for e in f.entries}
    assert registered == {r.id for r in results if r.status == "accepted"}
    assert len(registered) == 12


def test_a_run_that_fits_one_part_keeps_the_plain_batch_id(
    tmp_path: Path, sample_cases: Path
) -> None:
    archive, cases = _fresh_archive(tmp_path, sample_cases)
    registrar = BatchRegistrar(archive, batch_id="run-2", part=100)
    for result in archive.ingest(sorted(cases.glob("*.zip"))[:3]):
        registrar.add(result)
    assert registrar.close() == ["run-2"]
    (form,) = RunStore(archive.engine).forms()
    assert form.batch_id == "run-2" and len(form.entries) == 3


def test_disposal_declarations_stay_bounded_and_are_found_by_folder() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    locks = DisposalLocks(default_days=30, clock=lambda: start, keep=100)
    until = datetime(2057, 1, 1, tzinfo=UTC)
    for n in range(10_000):  # one declaration per archive of a long run
        locks.declare(f"ab/{n:05d}/urn%3aearchive%3aX{n}", until, hold=False)
    assert len(locks._declared) == 100
    latest = "ab/09999/urn%3aearchive%3aX9999"
    assert locks.until(f"{latest}/v1/content/case.xml") == until
    assert not locks.hold(f"{latest}/inventory.json")
    # a root that is only a string prefix of another folder does not cover it
    assert locks.until(f"{latest}0/v1/x") == start + timedelta(days=30)
    # forgotten (long written) and undeclared objects get the default days
    assert locks.until("ab/00000/urn%3aearchive%3aX0/v1/x") == start + timedelta(days=30)
    locks.declare("cd/p/", None, hold=True)  # 永久: legal hold, no date
    assert locks.hold("cd/p/v1/content/a.pdf") and locks.until("cd/p/v1/content/a.pdf") is None
