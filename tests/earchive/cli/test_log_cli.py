"""``earchive log seal|verify`` on a real archive: events sealed into storage, then verified;
an edited event is found."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.earchive.conftest import Cli


def test_seal_then_verify_and_an_edited_event_is_found(
    cli: Cli, zips: Callable[[], list[Path]]
) -> None:
    cli.run("init")
    cli.run("ingest", str(zips()[0]))
    cli.run("check", "--all", check=False)  # events after ingest's own seal
    sealed = cli.run("log", "seal")
    assert "sealed events" in sealed.stdout, sealed.stdout
    assert "nothing new to seal" in cli.run("log", "seal").stdout
    findings = cli.json_lines("log", "verify")
    assert findings and not [f for f in findings if f["status"] == "FAIL"]
    engine = create_engine(f"sqlite:///{cli.home / 'catalog.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET outcome = 'forged' WHERE seq = 1"))
    engine.dispose()
    broken = cli.run("log", "verify", "--json", check=False)
    assert broken.returncode == 1
    failed = [json.loads(x) for x in broken.stdout.splitlines() if '"FAIL"' in x]
    assert failed, broken.stdout
