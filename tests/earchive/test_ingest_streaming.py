"""A long ingest run holds neither every result nor every pending task: the process pool is fed
through a bounded window (results still in input order) and the batch is registered in parts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from earchive.archive import Archive, in_order
from earchive.checks import BatchRegistrar
from earchive.settings import Settings
from preservation.checks import RunStore


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


def test_batch_registered_in_parts_with_every_accepted_archive(
    tmp_path: Path, sample_cases: Path
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(sample_cases, cases)
    archive = Archive(Settings(home=tmp_path / "home", trust_dir=cases / "trust"))
    archive.init()
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
    cases = tmp_path / "cases"
    shutil.copytree(sample_cases, cases)
    archive = Archive(Settings(home=tmp_path / "home", trust_dir=cases / "trust"))
    archive.init()
    registrar = BatchRegistrar(archive, batch_id="run-2", part=100)
    for result in archive.ingest(sorted(cases.glob("*.zip"))[:3]):
        registrar.add(result)
    assert registrar.close() == ["run-2"]
    (form,) = RunStore(archive.engine).forms()
    assert form.batch_id == "run-2" and len(form.entries) == 3
