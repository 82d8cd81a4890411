"""A class whose 件号 are used up (9,999 with the default four digits) refuses the package with
``INGEST_NO_ARCHIVAL_CODE``: kept in quarantine with its report, nothing stored, no 件号 spent,
and the rest of the run — other classes, parallel workers — goes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest.counters import current_counters, set_counter_at_least
from ingest.pipeline import ingest_path

CLASS = "G002-WS·2022-D10-RKB"


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("full")
    generate(8, root / "cases", seed=11, size_profile=SMALL_PROFILE)
    return root / "cases"


@pytest.fixture()
def archive(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    with archive.engine.begin() as conn:
        set_counter_at_least(conn, CLASS, 9999)
    yield archive
    archive.engine.dispose()


def test_a_full_class_refuses_the_package_and_keeps_it(cases: Path, archive: Archive) -> None:
    first = sorted(cases.glob("310115-G002-JZBL003-2022-*.zip"))[0]
    result = ingest_path(first, archive.context())

    assert result.status == "refused"
    (refusal,) = [f for f in result.findings if f.failed]
    assert refusal.code == "INGEST_NO_ARCHIVAL_CODE"
    assert "10000" in refusal.message and "9999" in refusal.message
    kept = Path(result.quarantine or "")
    assert (kept / first.name).read_bytes() == first.read_bytes()
    report = json.loads((kept / "report.json").read_text("utf-8"))
    assert "INGEST_NO_ARCHIVAL_CODE" in {f["code"] for f in report["findings"]}
    assert list(archive.catalog.iter_archives()) == []
    with archive.engine.begin() as conn:
        assert current_counters(conn)[CLASS] == 9999  # no 件号 spent
    assert not any(archive.settings.home.joinpath("work").iterdir())  # no work dir left


def test_a_parallel_run_goes_on_past_a_full_class(cases: Path, archive: Archive) -> None:
    results = list(archive.ingest([cases], workers=2))

    assert len(results) == 8
    full = [r for r in results if r.status == "refused"]
    assert {r.electronic_record_code.split("-")[1] for r in full} == {"G002"}
    assert all("INGEST_NO_ARCHIVAL_CODE" in {f.code for f in r.findings if f.failed} for r in full)
    accepted = [r for r in results if r.status == "accepted"]
    assert accepted and all(not r.archival_code.startswith(CLASS) for r in accepted)
    assert len(full) + len(accepted) == 8
