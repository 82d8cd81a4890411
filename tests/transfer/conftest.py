"""A sender archive with three ingested sample cases (made once per module) and a bureau."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.archive import Archive
from earchive.settings import Settings


def _open(home: Path) -> Archive:
    archive = Archive(Settings(home=home))
    archive.init()
    return archive


@pytest.fixture(scope="module")
def sender(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    from earchive.samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("sender")
    generate(3, root / "cases", seed=7, size_profile=SMALL_PROFILE)
    archive = _open(root / "home")
    results = list(archive.ingest([root / "cases"]))
    assert [r.status for r in results] == ["accepted"] * 3
    yield archive
    archive.engine.dispose()


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[Archive]:
    archive = _open(tmp_path / "bureau")
    yield archive
    archive.engine.dispose()


def archive_ids(archive: Archive) -> list[str]:
    return sorted(r.id for r in archive.catalog.iter_archives())
