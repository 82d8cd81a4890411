"""A sender archive with three ingested sample cases (made once per module), its 立档单位
certified by a test CA, and a bureau that trusts that CA."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.settings import Settings
from tests.earchive.units import PASSPHRASE, certify_units


def _open(home: Path) -> Archive:
    archive = Archive(Settings(home=home, key_passphrase=PASSPHRASE))
    archive.init()
    return archive


@pytest.fixture(scope="module")
def unit_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test CA's folder (its root certificate is the trust root of sender and bureau)."""
    return tmp_path_factory.mktemp("unit-ca")


@pytest.fixture(scope="module")
def sender(tmp_path_factory: pytest.TempPathFactory, unit_ca: Path) -> Iterator[Archive]:
    from samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("sender")
    generate(3, root / "cases", seed=SEED, size_profile=SMALL_PROFILE)
    archive = _open(root / "home")
    results = list(archive.ingest([root / "cases"]))
    assert [r.status for r in results] == ["accepted"] * 3
    certify_units(archive, unit_ca)
    yield archive
    archive.engine.dispose()


@pytest.fixture
def bureau(tmp_path: Path, unit_ca: Path) -> Iterator[Archive]:
    archive = _open(tmp_path / "bureau")
    certify_units(archive, unit_ca)  # trusts the CA that certifies the senders' units
    yield archive
    archive.engine.dispose()


SEED = 35  # two of the three cases belong to one 立档单位 (S001), the third is kept 10 years


def archive_ids(archive: Archive) -> list[str]:
    return sorted(r.id for r in archive.catalog.iter_archives())


def earchive_cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``earchive ARGS`` in a child process on ``home`` (no other ``EARCHIVE_*`` setting leaks
    in from the test's environment; ``env`` adds some)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    clean.update(EARCHIVE_KEY_PASSPHRASE=PASSPHRASE)
    clean.update(env, EARCHIVE_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "earchive", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=300,
        check=False,
    )


def tampered(eep: bytes) -> bytes:
    """``eep`` with one character changed inside its first 编码数据 (Base64 text: the XML stays
    well-formed, the document's digest no longer matches)."""
    data = bytearray(eep)
    start = data.index("<编码数据 ".encode())  # it carries its 编码数据ID attribute
    at = data.index(b">", start) + 1 + 40  # past the tag and the line break, into the Base64
    data[at] = ord("A") if data[at] != ord("A") else ord("B")
    return bytes(data)


def tamper_inline(eep: Path) -> None:
    """``tampered`` in place."""
    eep.write_bytes(tampered(eep.read_bytes()))
