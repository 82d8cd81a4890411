"""``earchive identities status|backfill`` through the real command line: an archive whose
identity rows are missing (as after migration 0003 on an older catalog) is keyed again, and
neither command prints an identifier."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.earchive.conftest import Cli
from tests.ingest.person_packages import person_package, resident_id_ending_in_x


def test_status_and_backfill(cli: Cli, tmp_path: Path) -> None:
    number = resident_id_ending_in_x()
    packages = [
        person_package(tmp_path / "in", fonds="R005", year=2023 + i, serial=i, name="王五",
                       id_number=number)
        for i in range(2)
    ]  # fmt: skip
    ingested = cli.json_lines("ingest", *map(str, packages))
    assert [r["status"] for r in ingested] == ["accepted", "accepted"]
    status = cli.json_lines("identities", "status")[0]
    assert status["algorithm"] == "HMAC-SM3" and status["rows"] == 2 and status["unkeyed"] == 0
    engine = create_engine(f"sqlite:///{cli.home / 'catalog.db'}")
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM archive_identities"))
    finally:
        engine.dispose()
    assert cli.json_lines("identities", "status")[0]["unkeyed"] == 2
    proc = cli.run("identities", "backfill", "--json")
    assert '"keyed": 2' in proc.stdout and number not in proc.stdout + proc.stderr
    again = cli.json_lines("identities", "status")[0]
    assert again["rows"] == 2 and again["unkeyed"] == 0 and again["key_id"] == status["key_id"]
    assert cli.json_lines("identities", "backfill")[0]["skipped"] == 2
