"""The ClamAV adapter with a custom EICAR signature database (no official DB exists here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from preservation.antivirus import AntivirusError, ClamscanAntivirus, configure
from tests.eicar import EICAR

pytestmark = pytest.mark.skipif(shutil.which("clamscan") is None, reason="clamscan not installed")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "eicar-test.ndb"
    path.write_text(f"Eicar-Test:0:*:{EICAR.hex()}\n")
    return path


def test_clamscan_finds_eicar_and_passes_clean(tmp_path: Path, db: Path) -> None:
    bad, good = tmp_path / "bad.bin", tmp_path / "good.txt"
    bad.write_bytes(b"prefix " + EICAR)
    good.write_text("nothing here")
    engine = ClamscanAntivirus(db)
    results = {r.path.name: r for r in engine.scan([bad, good])}
    assert results["bad.bin"].infected and results["bad.bin"].signature.startswith("Eicar-Test")
    assert not results["good.txt"].infected
    info = engine.info()
    assert "ClamAV" in info.version and "eicar-test.ndb" in info.database


def test_no_engine_configured_is_none_and_missing_db_is_an_error(tmp_path: Path) -> None:
    assert configure(None, None) is None
    with pytest.raises(AntivirusError):
        ClamscanAntivirus(tmp_path / "absent.ndb")
